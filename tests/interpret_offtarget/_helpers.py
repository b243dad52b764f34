"""Shared helpers for the off-target / ctDNA interpretation tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.transcripts import CodingPosition

CASES = Path(__file__).resolve().parent / "cases"
# <repo>/../shared (the read-only domain kit); tests needing it skip when it is absent.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

BASE_VARIANT = {
    "gene": None, "chrom": "chr2", "pos": 1, "ref": "C", "alt": "T", "transcript": None, "hgvsc": None,
    "hgvsp": None, "protein_short": None, "protein_edit": None, "protein_position": None, "consequence": "missense_variant",
    "exon": None, "vaf": 0.1, "depth": 1000, "alt_reads": 100, "filter": "PASS", "alk_kinase_domain": False,
    "alk_region": None, "status": "annotated", "reason": None, "normal_alt_reads": None, "normal_depth": None,
}


_C_POS = r"([-*]?)(\d+)([+-]\d+)?"
_C_SPAN = re.compile(rf"c\.{_C_POS}(?:_{_C_POS})?")


def coding_span(hgvsc: str | None) -> tuple[CodingPosition, CodingPosition] | None:
    """The typed c. positions a hand-written case's hgvsc names (the annotation engine gives them typed;
    a case written as text is read here, once)."""
    m = _C_SPAN.match(hgvsc or "")
    if not m:
        return None
    g = m.groups()
    first = CodingPosition(g[0], int(g[1]), int(g[2] or 0))
    last = CodingPosition(g[3], int(g[4]), int(g[5] or 0)) if g[4] else first
    return first, last


def variant(**kw) -> AnnotatedVariant:
    """An annotated-variant record from BASE_VARIANT's keys and ``kw`` (the sample JSON's row keys), with
    the typed values the annotation engine would give it (c. span, exon number) read from the case's text."""
    v = AnnotatedVariant.from_dict({**BASE_VARIANT, **kw})
    v.coding_span = coding_span(v.hgvsc)
    v.exon_number = int(v.exon.split("/")[0]) if v.exon else None
    return v


def edit(kind: str, start: int | None = None, ref: str = "", end: int | None = None, ref_end: str = "",
         alt: str = "", ter: int | None = None) -> dict:
    """A variant's ``protein_edit`` (alkannot.annotate.protein.ProteinEdit.to_dict())."""
    return {"kind": kind, "start": start, "ref": ref, "end": end, "ref_end": ref_end, "alt": alt, "ter": ter}


def load_cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text())
