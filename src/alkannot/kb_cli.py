"""`alkannot kb ...`: knowledge-base maintenance commands (today: `kb import-civic`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from alkannot.errors import InputError


def _statement_index(doc: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in (doc or {}).get("statements", [])}


def diff_imports(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[str]]:
    """Statement ids added, removed and changed between two civic.yaml documents."""
    a, b = _statement_index(old), _statement_index(new)
    return {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
            "changed": sorted(i for i in set(a) & set(b) if a[i] != b[i])}


def changelog_entry(new: dict[str, Any], diff: dict[str, list[str]], previous: str | None) -> str:
    src, s = new["source"], new["summary"]
    lines = [f"## CIViC import {new['version']} (kb_version {src['kb_version']}+{new['version']})", "",
             f"- Source: CIViC release {src['release_date']}, `{src['file']}` (sha256 `{src['sha256']}`), "
             f"{src['license']}; imported with {src['imported_with']}.",
             f"- Rows {s['rows']}: mapped {s['mapped_rows']} ({s['statements']} statements), skipped "
             f"{s['skipped_rows']} (" + ", ".join(f"{k} {v}" for k, v in s["skipped_by_reason"].items()) + ").",
             f"- Against {previous or 'no previous import'}: {len(diff['added'])} statements added, "
             f"{len(diff['removed'])} removed, {len(diff['changed'])} changed."]
    for what in ("added", "removed", "changed"):
        if diff[what] and len(diff[what]) <= 40:
            lines.append(f"  - {what}: {', '.join(diff[what])}")
    return "\n".join(lines) + "\n"


def _import_civic(a: argparse.Namespace) -> None:
    from alkannot.core.yamlfile import load_yaml
    from alkannot.interpret.civic import dump_civic, import_civic, validate_civic_doc
    from alkannot.interpret.kb import load_kb
    from alkannot.io.atomic import atomic_write_text
    from alkannot.io.civic import read_civic

    kb = load_kb(a.kb_extra or [])
    export = read_civic(a.civic_tsv, release_date=a.release_date)
    doc = import_civic(export, kb)
    validate_civic_doc(doc, a.out)
    out = Path(a.out)
    old = None
    if out.is_file():
        try:
            old = load_yaml(out.read_text())
        except Exception:  # noqa: BLE001 - an unreadable previous file is replaced, not diffed
            old = None
        prev = str(((old or {}).get("source") or {}).get("release_date") or "")
        if prev and prev > export.release_date and not a.allow_older:
            raise InputError(f"CIViC release {export.release_date} is older than the one in {out} ({prev})",
                             path=a.civic_tsv, fix="pass --allow-older to replace it anyway")
    diff = diff_imports(old, doc)
    atomic_write_text(out, dump_civic(doc))
    if a.changelog:
        prev_v = (old or {}).get("version")
        entry = changelog_entry(doc, diff, prev_v)
        path = Path(a.changelog)
        text = path.read_text() if path.is_file() else "# Changelog\n"
        head, sep, rest = text.partition("\n## ")
        atomic_write_text(path, head.rstrip("\n") + "\n\n" + entry + ("\n## " + rest if sep else ""))
    s = doc["summary"]
    print(f"{export.path}: CIViC release {export.release_date}, {s['rows']} rows: {s['mapped_rows']} mapped "
          f"({s['statements']} statements), {s['skipped_rows']} skipped ("
          + ", ".join(f"{k} {v}" for k, v in s["skipped_by_reason"].items()) + ")", file=sys.stderr)
    print(f"wrote {out} (+{len(diff['added'])} -{len(diff['removed'])} ~{len(diff['changed'])} statements)",
          file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("kb", help="knowledge-base maintenance (import CIViC evidence)")
    ksub = p.add_subparsers(dest="kb_command", required=True)
    c = ksub.add_parser("import-civic", help="map a CIViC ClinicalEvidenceSummaries.tsv to resources/kb/civic.yaml")
    c.add_argument("civic_tsv", metavar="CIVIC_TSV", help="CIViC clinical evidence export (DD-Mon-YYYY-"
                   "ClinicalEvidenceSummaries.tsv, from https://civicdb.org/releases)")
    c.add_argument("--out", required=True, help="output YAML (the bundled one is resources/kb/civic.yaml)")
    c.add_argument("--release-date", help="release date YYYY-MM-DD when the file name does not carry it")
    c.add_argument("--allow-older", action="store_true", help="replace --out even if it holds a newer release")
    c.add_argument("--changelog", help="append what the import changed to this Markdown changelog "
                   "(e.g. resources/kb/CHANGELOG.md)")
    c.add_argument("--kb-extra", action="append", help="KB extension YAML whose aliases the mapping uses; repeatable")
    c.set_defaults(func=_import_civic)
