"""Interpretation and phasing read typed fields, never HGVS/protein-name strings back (issue 16 item 4).

The protein change is one `ProteinEdit`, the c. positions `CodingPosition`s and the exon a number, computed
once in `alkannot.annotate` where hgvsp/hgvsc/exon are formatted; ALK mutations travel as `AlkMutation`
(name + residue). A regular expression in interpret/ or phase/ is allowed only at the parse points listed
here: readers of external data (CIViC exports and statements, the KB's alias names, BAM CIGAR strings),
each reading data once, not a sample's annotation. Adding one elsewhere fails this test: give the code a
typed value instead, or, for a new reader of external data, list it here with what it reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "src" / "alkannot"
LAYERS = ("interpret", "phase")
RE_CALLS = {"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"}

# module -> the functions (or "<module>" for module level) where a regex may be applied, and what it reads
PARSE_POINTS: dict[str, dict[str, str]] = {
    "interpret/civic.py": {
        "<module>": "CIViC variant-name patterns, compiled once",
        "_mutations": "CIViC variant names (import of a CIViC export)",
        "map_variant": "CIViC variant names (import of a CIViC export)",
        "scope_genes": "KB co-alteration keys (data)",
        "is_civic_path": "the header of a CIViC evidence file",
        "_in_tumour_type": "CIViC disease names against the tier rules' patterns (in_tumour_type, remembered)",
        "_is_position": "CIViC statement alterations (data; cached, read once each)",
    },
    "interpret/kb.py": {
        "<module>": "KB alias-name patterns, compiled once",
        "_first_number": "KB alias targets (data; read once per alias table)",
        "_missense_at": "KB alias targets (data; read once per alias table)",
    },
    "interpret/alignment_fusions.py": {
        "<module>": "the CIGAR pattern, compiled once",
        "_parse_sa": "BAM SA tags (CIGAR strings)",
        "read_evidence": "BAM MC tags (CIGAR strings)",
    },
}


def _regex_calls(tree: ast.AST) -> list[tuple[str, int, str]]:
    """(enclosing function or "<module>", line, call) for every re.X(...) or PATTERN.X(...) call, where
    PATTERN is a module-level name bound to re.compile(...)."""
    patterns = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "compile" and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == "re" for t in node.targets if isinstance(t, ast.Name)}
    out: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name if where == "<module>" else where)
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                    and child.func.attr in RE_CALLS and isinstance(child.func.value, ast.Name) \
                    and (child.func.value.id == "re" or child.func.value.id in patterns):
                out.append((where, child.lineno, f"{child.func.value.id}.{child.func.attr}"))
            visit(child, where)

    visit(tree, "<module>")
    return out


# the formatted strings of a variant record (attributes) and of a sample JSON row (keys): read as wholes,
# never taken apart. "exon" is checked as the record's attribute only: co-alteration rules have an "exon" key
# too (a number, data).
FIELDS = {"hgvsc", "hgvsp", "protein_short", "exon", "intron", "individual_hgvsp"}
KEYS = FIELDS - {"exon"}
STR_PARSE = {"split", "rsplit", "partition", "rpartition", "startswith", "endswith", "find", "rfind", "index",
             "rindex", "removeprefix", "removesuffix", "isdigit"}


def _reads_field(node: ast.AST) -> bool:
    return any((isinstance(n, ast.Attribute) and n.attr in FIELDS)
               or (isinstance(n, ast.Constant) and n.value in KEYS) for n in ast.walk(node))


def _field_parses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) where a variant's formatted string is taken apart: a str method, a slice or int()."""
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in STR_PARSE \
                and _reads_field(n.func.value):
            out.append((n.lineno, f".{n.func.attr}()"))
        elif isinstance(n, ast.Subscript) and isinstance(n.slice, (ast.Slice, ast.UnaryOp, ast.Constant)) \
                and not (isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)) \
                and _reads_field(n.value):
            out.append((n.lineno, "slice/index"))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "int" \
                and any(_reads_field(a) for a in n.args):
            out.append((n.lineno, "int()"))
    return out


def test_formatted_fields_are_not_taken_apart():
    stray = [f"{p.relative_to(PKG).as_posix()}:{line} {what}" for p in _modules()
             for line, what in _field_parses(ast.parse(p.read_text()))]
    assert stray == [], ("hgvsc/hgvsp/protein_short/exon/intron taken apart in interpret/ or phase/ (read the "
                         "typed field instead): " + "; ".join(stray))


def test_the_field_check_sees_a_reparse():
    """The check itself can fail: the exon parse this replaced, a name sliced, a c. string split."""
    src = ("def a(v):\n    return int(str(v.exon or '').split('/')[0])\n"
           "def b(v):\n    return v['protein_short'][:-1]\n"
           "def c(v):\n    return (v.hgvsc or '').split(':')[-1]\n")
    assert sorted(_field_parses(ast.parse(src))) == [(2, ".split()"), (2, "int()"), (2, "slice/index"),
                                                     (4, "slice/index"), (6, ".split()"), (6, "slice/index")]


def _modules() -> list[Path]:
    return sorted(p for layer in LAYERS for p in (PKG / layer).rglob("*.py"))


def test_regexes_only_at_the_listed_parse_points():
    stray = []
    for path in _modules():
        rel = path.relative_to(PKG).as_posix()
        allowed = PARSE_POINTS.get(rel, {})
        for where, line, call in _regex_calls(ast.parse(path.read_text())):
            if where not in allowed:
                stray.append(f"{rel}:{line} {call} in {where}")
    assert stray == [], ("regex over strings in interpret/ or phase/ outside the listed parse points "
                         "(read the typed field instead: ProteinEdit, coding_span, exon_number, AlkMutation): "
                         + "; ".join(stray))


def test_parse_points_still_exist():
    """The allow-list names only functions that exist and still parse (so it cannot silently grow stale)."""
    for rel, allowed in PARSE_POINTS.items():
        found = {where for where, _, _ in _regex_calls(ast.parse((PKG / rel).read_text()))}
        assert set(allowed) <= found, (rel, sorted(set(allowed) - found))


def test_the_check_sees_a_reparse(tmp_path):
    """The check itself can fail: the parse this module replaced (verdicts.py's _protein_order) is found."""
    src = ("import re\n_POS = re.compile(r'\\\\d+')\n"
           "def _protein_order(name):\n    digits = re.search(r'\\\\d+', name)\n    return digits\n"
           "def protein_position(short):\n    return _POS.search(short)\n")
    calls = _regex_calls(ast.parse(src))
    assert [(w, c) for w, _, c in calls] == [("<module>", "re.compile"), ("_protein_order", "re.search"),
                                            ("protein_position", "_POS.search")]
