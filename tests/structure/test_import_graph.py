"""The package's import graph reads like the data flow (issue 16).

Every ``import``/``from ... import`` of an ``alkannot`` module anywhere in a source file (also inside functions,
where lazy imports hide cycles) is an edge. Asserted: no cycles between modules, and no module imports from a
layer above its own: core -> io -> annotate -> phase -> interpret -> report. Top-level modules (pipeline, cli,
commands, batch, sheet, ...) are the application and may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import alkannot

PKG = Path(alkannot.__file__).parent
LAYERS = ["core", "io", "annotate", "phase", "interpret", "report"]
# Modules every layer may use: the error type, the plain call record, the six TKI names and the output
# schema carry no behaviour from above.
BOTTOM = {"alkannot", "alkannot.errors", "alkannot.model", "alkannot.drug_names", "alkannot.schemas"}
# Private modules other modules may import: generated code, named private so nobody edits it by hand.
GENERATED = {"alkannot.schemas._validator"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PKG.rglob("*.py")) if "_resources" not in p.parts}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module an imported dotted name lives in (``alkannot.io.vcf.open_vcf`` -> ``alkannot.io.vcf``)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                names = [f"{base}.{a.name}" for a in node.names] + [base]
            for name in names:
                if not name.startswith("alkannot"):
                    continue
                target = _resolve(name, modules)
                if target and target != mod:
                    graph[mod].add(target)
    # importing a.b.c runs a/__init__ and a/b/__init__ too, but those edges are not what is asserted here
    return graph


def _layer(mod: str) -> int | None:
    parts = mod.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


def test_graph_sees_the_package():
    graph = import_graph()
    assert {"alkannot.pipeline", "alkannot.core.contigs", "alkannot.report.outputs"} <= set(graph)
    assert "alkannot.core.contigs" in graph["alkannot.io.alignment"]
    assert any(graph.values()), "no edges found: the parser is broken"


def test_no_import_cycles():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_upward_imports():
    graph = import_graph()
    upward = []
    for mod, targets in sorted(graph.items()):
        own = _layer(mod)
        if own is None:
            continue
        for target in sorted(targets):
            if target in BOTTOM or target in GENERATED:
                continue
            theirs = _layer(target)
            if theirs is None or theirs > own:
                upward.append(f"{mod} -> {target}")
    assert not upward, "imports from a layer above (or from the application):\n" + "\n".join(upward)


def test_no_private_names_imported_from_other_modules():
    """A leading underscore means "this module's own": another module importing it (report reaching into
    io's ``_text_lines`` or html's helpers) depends on what was never promised."""
    modules = _modules()
    reached = []
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        aliases = set()  # names bound to alkannot modules: `from alkannot.report import wording as w`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alkannot"):
                for a in node.names:
                    if f"{node.module}.{a.name}" in modules:
                        aliases.add(a.asname or a.name)
                    elif a.name.startswith("_") and not a.name.startswith("__") \
                            and f"{node.module}.{a.name}" not in GENERATED:
                        reached.append(f"{mod}: from {node.module} import {a.name}")
            elif isinstance(node, ast.Import):
                aliases |= {a.asname for a in node.names if a.asname and a.name.startswith("alkannot")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):
                reached.append(f"{mod}: {node.value.id}.{node.attr}")
    assert not reached, "\n".join(reached)


# The VCF front door (issue 16 item 3): only io/ opens VCFs; the annotated-VCF writer still writes with pysam.
VCF_BINDING_ALLOWED = ("alkannot.io", "alkannot.report.vcf_out")


def test_only_io_opens_vcfs():
    """No module outside ``alkannot.io`` (and the writer ``report.vcf_out``) imports cyvcf2 or uses pysam's
    VariantFile: interpretation applies rules to what io returns."""
    found = []
    for mod, path in _modules().items():
        if any(mod == a or mod.startswith(a + ".") for a in VCF_BINDING_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "cyvcf2" for a in node.names):
                found.append(f"{mod}: import cyvcf2")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "cyvcf2":
                found.append(f"{mod}: from {node.module} import ...")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pysam") \
                    and any(a.name == "VariantFile" for a in node.names):
                found.append(f"{mod}: from {node.module} import VariantFile")
            elif isinstance(node, ast.Attribute) and node.attr == "VariantFile":
                found.append(f"{mod}: ...VariantFile")
    assert not found, "VCFs opened outside alkannot.io:\n" + "\n".join(found)
