"""Report identity and resource provenance: which report this is, and exactly which data files made it.

The report date is a value, not the clock: ``--report-date`` (sheet column ``report_date``) when given,
else today's UTC date, so a rerun with the date given is byte-identical. The report id is derived from the
sample, the date and the checksums of the inputs and resources, so the same inputs on the same date give
the same id and any change in them gives a new one.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from alkannot.errors import InputError

# (role, path relative to resources/, what it holds); the transcript file is per build.
RESOURCE_FILES = (
    ("knowledge base", "kb/alk_kb.yaml"),
    ("transcript models", "{build}/transcripts.json"),
    ("specimen thresholds", "specimen_thresholds.yaml"),
    ("settings", "settings.yaml"),
    ("co-alteration rules", "co_alterations.yaml"),
    ("clonal haematopoiesis genes", "ch_genes.yaml"),
    ("copy-number genes", "cnv_genes.yaml"),
    ("fusion genes", "fusion_genes.yaml"),
    ("fusion read thresholds", "fusion_reads.yaml"),
    ("germline polymorphisms", "germline_polymorphisms.yaml"),
    ("chromosome arms", "chromosome_arms.tsv"),
    ("CIViC evidence", "kb/civic.yaml"),
    ("evidence tiers", "kb/evidence_tiers.yaml"),
    ("resistance hotspots", "hotspots.tsv"),
    ("ALK regions", "alk_regions.tsv"),
    ("references", "references.tsv"),
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VERSION_YAML = re.compile(r"^version:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)
_VERSION_TEXT = re.compile(r"\bversion\s+(\d+(?:\.\d+)*)", re.IGNORECASE)


def report_date(given: str | None, *, where: str | None = None) -> str:
    """YYYY-MM-DD: the given date (validated) or today's UTC date."""
    if given:
        given = given.strip()
        try:
            if not _DATE_RE.match(given):
                raise ValueError
            _dt.date.fromisoformat(given)
        except ValueError:
            raise InputError(f"report date {given!r} is not a date in YYYY-MM-DD form", path=where,
                             fix="give e.g. --report-date 2025-03-01 (sheet column report_date)") from None
        return given
    return _dt.datetime.now(_dt.UTC).date().isoformat()


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int, size: int) -> tuple[str, str | None]:
    data = Path(path).read_bytes()
    head = data[:4000].decode("utf-8", errors="replace")
    m = _VERSION_YAML.search(head) if path.endswith((".yaml", ".yml")) else None
    if m is None and path.endswith(".json"):
        m = re.search(r'"version"\s*:\s*"([^"]+)"', head)
    if m is None:
        m = _VERSION_TEXT.search("\n".join(line for line in head.splitlines() if line.startswith("#")))
    return hashlib.sha256(data).hexdigest(), (m.group(1) if m else None)


def file_record(role: str, path: Path, label: str | None = None) -> dict:
    """{role, file, version, sha256} of one resource file (version null when the file states none)."""
    try:
        st = path.stat()
    except OSError:
        st = None
    return _record(role, path, label, st)


def _record(role: str, path: Path, label: str | None, st: os.stat_result | None) -> dict:
    """file_record of a file whose stat the caller has (one stat per file per sample, not two)."""
    try:
        digest, version = _digest(str(path), st.st_mtime_ns, st.st_size) if st is not None else (None, None)
    except OSError:
        digest, version = None, None
    return {"role": role, "file": label or path.name, "version": version, "sha256": digest}


def resource_manifest(resources: Path, build: str, kb_extra: list[str] | tuple[str, ...] = ()) -> list[dict]:
    """Versions and checksums of every resource file the sample's result depends on (paths relative)."""
    out = []
    for role, rel in RESOURCE_FILES:
        rel = rel.format(build=build)
        p = resources / rel
        try:
            st = p.stat()  # (what p.is_file() reads, read once)
        except OSError:
            continue
        if S_ISREG(st.st_mode):
            out.append(_record(role, p, f"resources/{rel}", st))
    for extra in kb_extra:
        out.append(file_record("knowledge-base extension", Path(extra), Path(extra).name))
    return out


def report_id(sample_id: str, date: str, inputs: list[dict], manifest: list[dict], version: str) -> str:
    """'ALK-20250301-3f9c1a2b': date + a short hash of sample, inputs, resources and alkannot version."""
    h = hashlib.sha256()
    for part in [sample_id, date, version] + [f"{i.get('role')}={i.get('sha256') or i.get('path')}" for i in inputs] \
            + [f"{r['file']}={r['sha256']}" for r in manifest]:
        h.update(str(part).encode() + b"\0")
    return f"ALK-{date.replace('-', '')}-{h.hexdigest()[:8]}"
