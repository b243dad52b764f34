"""The ALK resistance knowledge base: loading, validation and merging of user extensions.

The knowledge lives in ``resources/kb/alk_kb.yaml`` (schema ``resources/kb/kb.schema.json``); this module only
reads it.  User extension files (config key ``kb_extra``) use the same schema and are merged on top: they may
add sources, aliases and statements but not change the bundled policy, and a statement id that already exists
is an error rather than a silent override.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import YAMLInputError, YAMLLimitError, load_yaml, read_yaml_text
from alkannot.errors import InputError

T = TypeVar("T")
KB_FILE = "alk_kb.yaml"
SCHEMA_FILE = "kb.schema.json"


def kb_dir() -> Path:
    return resources_dir() / "kb"


@dataclass(frozen=True)
class Statement:
    """One knowledge-base statement: the alteration(s) it is about (all in cis when `requires_phase` is 'cis'),
    the drug and its effect, and the sources it cites."""

    id: str
    alterations: tuple[str, ...]
    requires_phase: str  # 'cis' or 'any'
    drug: str | None
    effect: str
    source: tuple[str, ...]
    statement: str
    strength: str
    context: str = ""
    frequency: str = ""
    origin: str = ""
    locator: str = ""
    mechanism: str = ""
    note: str = ""
    file: str = ""

    @property
    def is_compound(self) -> bool:
        return len(self.alterations) > 1

    def evidence(self) -> dict[str, Any]:
        """The evidence record the verdict engine reports for this statement."""
        return {
            "source": "; ".join(self.source),
            "statement": self.statement,
            "statement_id": self.id,
            "alterations": list(self.alterations),
            "effect": self.effect,
            "strength": self.strength,
        }


@dataclass
class KB:
    """The knowledge base of a run (resources/kb/alk_kb.yaml plus kb_extra files): its statements, alteration
    aliases, verdict policy and the version and sources it was built from."""

    version: str
    sources: dict[str, str]
    statements: list[Statement]
    aliases: dict[str, str]
    policy: dict[str, Any]
    path: str
    extensions: list[dict[str, Any]] = field(default_factory=list)

    def provenance(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "path": self.path,
            "statements": len(self.statements),
            "extensions": [dict(e) for e in self.extensions],
        }

    def derived(self, name: str, source: list | dict, build: Callable[[Any], T]) -> T:
        """``build(source)`` for one of this KB's lists/tables (statements, aliases, a policy table), kept under
        ``name`` while ``source`` is the same object with the same length (a kb_extra merge appends
        statements; nothing else changes them): an index of the KB's data is built once, not per call."""
        memo = self.__dict__.get(name)
        if memo is None or memo[0] is not source or memo[1] != len(source):
            memo = self.__dict__[name] = (source, len(source), build(source))
        return memo[2]

    def by_id(self, statement_id: str) -> Statement:
        """The (first) statement with this id; an index built once per statement list, not a scan per call
        (the tiers and therapy flags look statements up thousands of times per sample)."""
        try:
            return self.derived("_by_id", self.statements, _first_by_id)[statement_id]
        except KeyError:
            raise KeyError(statement_id) from None

    def canonical(self, name: str) -> str:
        """Published alias -> the name statements use (e.g. I1151Tins -> T1151dup)."""
        return self.aliases.get(name, name)

    def alias_residue(self, name: str) -> int | None:
        """The first residue number of an alias target (``T1151dup`` -> 1151; None when it has none)."""
        return self._alias_names().get(name, (None, None))[0]

    def alias_missense_at(self, name: str) -> str | None:
        """The residue an alias target names when it is a missense change (``V1180L`` -> ``V1180``)."""
        return self._alias_names().get(name, (None, None))[1]

    def _alias_names(self) -> dict[str, tuple[int | None, str | None]]:
        """Alias target -> (first residue, missense residue): the KB's names are data, read once per alias
        table (not once per sample)."""
        return self.derived("_alias_index", self.aliases,
                            lambda aliases: {t: (_first_number(t), _missense_at(t)) for t in aliases.values()})

    def filtered(self, keep: Callable[[Statement], bool]) -> KB:
        """A view with only some statements (e.g. Table 1 only); same policy and provenance."""
        return KB(
            self.version,
            self.sources,
            [s for s in self.statements if keep(s)],
            self.aliases,
            self.policy,
            self.path,
            list(self.extensions),
        )


def _first_by_id(statements: list[Statement]) -> dict[str, Statement]:
    ids: dict[str, Statement] = {}
    for s in statements:
        ids.setdefault(s.id, s)
    return ids


_SCHEMA: dict[str, Any] | None = None
_NUMBER = re.compile(r"\d+")


_MISSENSE = re.compile(r"([A-Z]\d+)[A-Z]")


def _first_number(name: str) -> int | None:
    m = _NUMBER.search(name)
    return int(m.group()) if m else None


def _missense_at(name: str) -> str | None:
    m = _MISSENSE.fullmatch(name)
    return m.group(1) if m else None


def _schema() -> dict[str, Any]:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = json.loads((kb_dir() / SCHEMA_FILE).read_text())
    return _SCHEMA


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        if path.parent == kb_dir():
            raise InputError("bundled knowledge-base file not found", path=str(path),
                             fix="reinstall alkannot, or point $ALKANNOT_RESOURCES at a complete resources/ folder")
        raise InputError(
            "knowledge-base file not found", path=str(path), fix="check the kb_extra paths in the config"
        )
    try:
        data = load_yaml(read_yaml_text(path))
    except YAMLLimitError as exc:  # size / alias-expansion limits (untrusted kb_extra)
        raise InputError(f"refused: {exc}", path=str(path),
                         fix="write the entries out without YAML aliases, or split the file") from None
    except YAMLInputError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            path=str(path),
            line=None if line is None else line + 1,
            fix="fix the YAML syntax",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            "knowledge-base file must be a mapping with version, sources and statements", path=str(path)
        )
    return data


class SchemaValidations:
    """Which files of one kind still need JSON-Schema validation. What a validation result depends on is the
    file's bytes and the schema's (``digest``). A file is known valid when the bundled one's digest is the one
    the test suite / scripts/refresh_precomputed.py recorded beside it, or when a file with the same digest
    was validated earlier in this process (a kb_extra file in a batch)."""

    def __init__(self, bundled: str, schema: str, record: str):
        self.bundled, self.schema, self.record = bundled, schema, record
        self._seen: set[str] = set()

    def digest(self, path: str | Path) -> str:
        import hashlib

        h = hashlib.sha256(Path(path).read_bytes())
        h.update(b"\0" + (kb_dir() / self.schema).read_bytes())
        return h.hexdigest()

    def pending(self, path: str | Path) -> str | None:
        """None when `path` is known valid; otherwise the digest to pass to ``validated`` once it validates
        ('' when the file cannot be read)."""
        try:
            digest = self.digest(path)
        except OSError:
            return ""
        if digest in self._seen:
            return None
        try:
            if Path(path).resolve() == (kb_dir() / self.bundled).resolve() and \
                    (kb_dir() / self.record).read_text().split()[0] == digest:
                return None
        except (OSError, IndexError):
            pass
        return digest

    def validated(self, digest: str) -> None:
        if digest:
            self._seen.add(digest)


VALIDATED_FILE = "alk_kb.validated.sha256"  # digest of the bundled KB + schema, checked by the test suite
KB_VALIDATIONS = SchemaValidations(KB_FILE, SCHEMA_FILE, VALIDATED_FILE)


def content_digest(path: Path) -> str:
    """sha256 over the KB file's bytes and the schema's bytes: what a validation result depends on."""
    return KB_VALIDATIONS.digest(path)


def _validate(data: dict[str, Any], path: Path) -> None:
    digest = KB_VALIDATIONS.pending(path)
    if digest is None:
        return
    _validate_now(data, path)
    KB_VALIDATIONS.validated(digest)


def _validate_now(data: dict[str, Any], path: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors)
    loc = list(err.absolute_path)
    where = "/".join(str(p) for p in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "statements" and isinstance(loc[1], int):
        stmt = data["statements"][loc[1]]
        sid = stmt.get("id", "?") if isinstance(stmt, dict) else "?"
        where = f"statement '{sid}' (statements[{loc[1]}]{''.join(f'.{p}' for p in loc[2:])})"
    raise InputError(
        f"invalid knowledge base at {where}: {err.message}",
        path=str(path),
        fix=f"see {SCHEMA_FILE} and resources/kb/README.md",
    )


def _statements(data: dict[str, Any], path: Path, default_strength: str, origin: str) -> list[Statement]:
    out = []
    for raw in data.get("statements", []):
        out.append(
            Statement(
                id=raw["id"],
                alterations=tuple(raw["alterations"]),
                requires_phase=raw.get("requires_phase", "any"),
                drug=raw["drug"],
                effect=raw["effect"],
                source=tuple(raw["source"]),
                statement=raw["statement"],
                strength=raw.get("strength", default_strength),
                context=raw.get("context", ""),
                frequency=raw.get("frequency", ""),
                origin=raw.get("origin", origin),
                locator=raw.get("locator", ""),
                mechanism=raw.get("mechanism", ""),
                note=raw.get("note", ""),
                file=str(path),
            )
        )
    return out


def _check_references(kb: KB, stmts: Iterable[Statement], path: Path) -> None:
    for s in stmts:
        missing = [src for src in s.source if src not in kb.sources]
        if missing:
            raise InputError(
                f"statement '{s.id}' cites unknown source(s) {', '.join(missing)}",
                path=str(path),
                fix="add them under 'sources' (id -> full citation)",
            )
        if s.drug is not None and s.drug not in kb.policy["drugs"]:
            raise InputError(f"statement '{s.id}' names unknown drug {s.drug}", path=str(path))


def _merge(kb: KB, data: dict[str, Any], path: Path) -> None:
    if "policy" in data:
        raise InputError(
            "extension files may not set 'policy' (thresholds live in the bundled KB)",
            path=str(path),
            fix="remove the policy block or propose the change to resources/kb/alk_kb.yaml",
        )
    for sid, cite in data.get("sources", {}).items():
        if sid in kb.sources and kb.sources[sid] != cite:
            raise InputError(
                f"source id '{sid}' already exists with a different citation",
                path=str(path),
                fix="use a new source id",
            )
        kb.sources[sid] = cite
    for alias, target in data.get("aliases", {}).items():
        if alias in kb.aliases and kb.aliases[alias] != target:
            raise InputError(f"alias '{alias}' already maps to {kb.aliases[alias]}", path=str(path))
        kb.aliases[alias] = target
    new = _statements(data, path, kb.policy["default_strength"], "extension")
    known = {s.id: s.file for s in kb.statements}
    seen: set[str] = set()
    for s in new:
        if s.id in known or s.id in seen:
            where = known.get(s.id, str(path))
            raise InputError(
                f"statement id '{s.id}' clashes with a statement already loaded from {where}",
                path=str(path),
                fix="give the extension statement a new id",
            )
        seen.add(s.id)
    _check_references(kb, new, path)
    kb.statements.extend(new)
    kb.extensions.append({"path": str(path), "version": str(data["version"]), "statements": len(new)})


def load_kb(extra_paths: Iterable[str | Path] = (), base_path: str | Path | None = None) -> KB:
    """Load the bundled KB (or ``base_path``), validate it, and merge the ``kb_extra`` extension files."""
    path = Path(base_path) if base_path else kb_dir() / KB_FILE
    data = _read(path)
    _validate(data, path)
    if "policy" not in data:
        raise InputError("the base knowledge base needs a 'policy' block", path=str(path))
    ids = Counter(s["id"] for s in data["statements"])
    dup = sorted(i for i, n in ids.items() if n > 1)
    if dup:
        raise InputError(
            f"statement id '{dup[0]}' is used more than once", path=str(path), fix="ids must be unique"
        )
    policy = data["policy"]
    kb = KB(
        version=str(data["version"]),
        sources=dict(data["sources"]),
        statements=_statements(data, path, policy["default_strength"], "text"),
        aliases=dict(data.get("aliases", {})),
        policy=policy,
        path=str(path),
    )
    _check_references(kb, kb.statements, path)
    for flag in policy["therapy_flags"]:
        for sid in flag["statements"]:
            if sid not in ids:
                raise InputError(
                    f"therapy flag '{flag['id']}' cites unknown statement '{sid}'", path=str(path)
                )
    for extra in extra_paths:
        epath = Path(extra)
        edata = _read(epath)
        _validate(edata, epath)
        _merge(kb, edata, epath)
    return kb
