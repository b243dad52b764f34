"""Reading a CIViC clinical evidence export (``*-ClinicalEvidenceSummaries.tsv``).

CIViC (https://civicdb.org, CC0) publishes monthly TSV releases named ``DD-Mon-YYYY-ClinicalEvidenceSummaries.tsv``.
This module only reads and checks the file; mapping to alkannot's alteration keys lives in
``alkannot.interpret.civic``.

Required columns (see resources/kb/README.md, "CIViC import"): ``evidence_id``, ``gene`` + ``variant`` (or a newer
release's ``molecular_profile``), ``disease``, ``drugs`` (or ``therapies``), ``evidence_type``,
``evidence_direction``, ``evidence_level``, ``clinical_significance`` (or ``significance``), ``citation_id``,
``rating``, ``evidence_status``, ``variant_origin``. Optional: ``doid``, ``drug_interaction_type`` (or
``therapy_interaction_type``), ``source_type``, ``citation``, ``evidence_civic_url``, ``last_review_date``, ``is_flagged``.
A missing or renamed required column is a one-line error naming the file and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from alkannot.errors import InputError

REQUIRED = ("evidence_id", "disease", "drugs", "evidence_type", "evidence_direction", "evidence_level",
            "clinical_significance", "citation_id", "rating", "evidence_status", "variant_origin")
OPTIONAL = ("doid", "drug_interaction_type", "source_type", "citation", "evidence_civic_url", "last_review_date",
            "is_flagged")
# Later CIViC releases (v2 data model, 2022+) renamed some columns; both spellings are read.
RENAMED = {"therapies": "drugs", "therapy_interaction_type": "drug_interaction_type",
           "significance": "clinical_significance"}
LEVELS = ("A", "B", "C", "D", "E")
RELEASE_NAME = re.compile(r"(\d{2}-[A-Z][a-z]{2}-\d{4})-ClinicalEvidenceSummaries", re.IGNORECASE)
FIX = "give an unmodified CIViC ClinicalEvidenceSummaries.tsv release (see resources/kb/README.md, 'CIViC import')"


@dataclass(frozen=True)
class CivicRow:
    """One evidence item as CIViC exports it (values are the export's text, stripped)."""

    line: int
    evidence_id: int
    gene: str
    variant: str
    disease: str
    doid: str
    drugs: tuple[str, ...]
    interaction: str
    evidence_type: str
    direction: str
    level: str
    significance: str
    citation_id: str
    source_type: str
    citation: str
    rating: int | None
    status: str
    variant_origin: str
    url: str
    flagged: bool = False  # newer releases: is_flagged (a curator flagged the item as possibly wrong)


@dataclass(frozen=True)
class CivicExport:
    """A CIViC evidence export as read from its file: release date, checksum and the rows kept."""

    path: str
    file_name: str
    release_date: str  # ISO date of the release
    sha256: str
    rows: tuple[CivicRow, ...]


def split_drugs(text: str) -> tuple[str, ...]:
    """CIViC joins drugs with ','; a comma inside a chemical name (2,4-pyrimidinediamine) is not followed by a
    letter."""
    return tuple(d.strip() for d in re.split(r",(?=\s*[A-Za-z])", text) if d.strip())


def split_profile(profile: str) -> tuple[str, str]:
    """A CIViC v2 molecular profile -> (gene, variant) in the v1 spelling the mapper reads.

    'ALK G1202R' -> (ALK, G1202R); 'EML4::ALK Fusion' -> (ALK, EML4-ALK); 'ALK C1156Y AND ALK L1198F' ->
    (ALK, C1156Y-L1198F). Profiles mixing genes are returned whole (they are then skipped with a reason).
    """
    parts = [p.strip() for p in re.split(r"\s+AND\s+", profile.strip(), flags=re.IGNORECASE)]
    split = [p.partition(" ") for p in parts]
    genes = {g for g, _, _ in split}
    if len(parts) > 1:
        if len(genes) == 1 and all(v for _, _, v in split):
            return split[0][0], "-".join(v.strip() for _, _, v in split)
        return split[0][0], profile.strip()
    gene, _, variant = split[0]
    if "::" in gene:  # HGNC fusion notation: 5' partner :: 3' partner
        partners = gene.split("::")
        name = "-".join(partners)
        rest = re.sub(r"^fusions?\b", "", variant.strip(), flags=re.IGNORECASE).strip()
        return ("ALK" if "ALK" in partners else partners[0]), f"{name} {rest}".strip()
    return gene, variant.strip()


def release_date_from_name(name: str) -> str | None:
    m = RELEASE_NAME.search(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1).title(), "%d-%b-%Y").date().isoformat()
    except ValueError:
        return None


def _check_date(text: str, path: str) -> str:
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"release date {text!r} is not YYYY-MM-DD", path=path,
                         fix="pass --release-date YYYY-MM-DD") from None
    if d < dt.date(2015, 1, 1):
        raise InputError(f"release date {text} predates CIViC", path=path, fix="pass the release's real date")
    return d.isoformat()


MAX_CIVIC_BYTES = int(os.environ.get("ALKANNOT_MAX_CIVIC_BYTES", 512 * 1024 * 1024))


def read_civic(path: str | Path, release_date: str | None = None) -> CivicExport:
    """Read and check a CIViC clinical evidence TSV; every data line becomes one CivicRow (none dropped)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("CIViC export not found", path=str(p), fix="check the path")
    size = p.stat().st_size
    if size > MAX_CIVIC_BYTES:  # the 2021 export is ~4 MB; read whole, so a bound keeps memory sane
        raise InputError(f"file is {size:,} bytes, over the {MAX_CIVIC_BYTES:,}-byte limit for a CIViC export",
                         path=str(p), fix="give CIViC's ClinicalEvidenceSummaries TSV (or raise ALKANNOT_MAX_CIVIC_BYTES)")
    raw = p.read_bytes()
    date = release_date or release_date_from_name(p.name)
    if not date:
        raise InputError("cannot tell the CIViC release date from the file name", path=str(p),
                         fix="keep CIViC's name (DD-Mon-YYYY-ClinicalEvidenceSummaries.tsv) or pass --release-date")
    date = _check_date(date, str(p))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e.reason} at byte {e.start})", path=str(p), fix=FIX) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("empty file, expected a CIViC header line", path=str(p), line=1, fix=FIX)
    header = [h.strip() for h in lines[0].split("\t")]
    cols = {RENAMED.get(h, h): i for i, h in enumerate(header)}
    if "molecular_profile" not in cols and not ("gene" in cols and "variant" in cols):
        missing = [c for c in ("gene", "variant") if c not in cols]
        raise InputError(f"missing column(s) {', '.join(missing)} (or molecular_profile) in the header",
                         path=str(p), line=1, fix=FIX)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(f"missing or renamed column(s) {', '.join(missing)} in the header", path=str(p), line=1,
                         fix=FIX)
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        f = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(f) != len(header):
            raise InputError(f"{len(f)} fields, the header has {len(header)}", path=str(p), line=n, fix=FIX)

        def get(col: str, f=f) -> str:
            i = cols.get(col)
            return f[i].strip() if i is not None else ""

        if "molecular_profile" in cols and not ("gene" in cols and "variant" in cols):
            gene, variant = split_profile(get("molecular_profile"))
        else:
            gene, variant = get("gene"), get("variant")
        eid = get("evidence_id").removeprefix("EID")
        if not eid.isdigit():
            raise InputError(f"evidence_id {get('evidence_id')!r} is not a number", path=str(p), line=n, fix=FIX)
        level = get("evidence_level")
        if level not in LEVELS:
            raise InputError(f"evidence_level {level!r} is not one of A-E", path=str(p), line=n, fix=FIX)
        rating = get("rating")
        if rating and not (rating.isdigit() and 1 <= int(rating) <= 5):
            raise InputError(f"rating {rating!r} is not 1-5", path=str(p), line=n, fix=FIX)
        rows.append(CivicRow(
            line=n, evidence_id=int(eid), gene=gene.strip(), variant=variant.strip(), disease=get("disease"),
            doid=get("doid"), drugs=split_drugs(get("drugs")),
            interaction=get("drug_interaction_type"), evidence_type=get("evidence_type"),
            direction=get("evidence_direction"), level=level, significance=get("clinical_significance"),
            citation_id=get("citation_id"), source_type=get("source_type"), citation=get("citation"),
            rating=int(rating) if rating else None, status=get("evidence_status"),
            variant_origin=get("variant_origin"), url=get("evidence_civic_url"),
            flagged=get("is_flagged").lower() in ("true", "1", "yes"),
        ))
    ids = [r.evidence_id for r in rows]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"evidence_id {dup} appears more than once", path=str(p), fix=FIX)
    return CivicExport(str(p), p.name, date, hashlib.sha256(raw).hexdigest(), tuple(rows))
