"""Shared helpers for the off-target / ctDNA interpretation tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from alkannot.annotate.record import AnnotatedVariant

CASES = Path(__file__).resolve().parent / "cases"
# <repo>/../shared (the read-only domain kit); tests needing it skip when it is absent.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

BASE_VARIANT = {
    "gene": None, "chrom": "chr2", "pos": 1, "ref": "C", "alt": "T", "transcript": None, "hgvsc": None,
    "hgvsp": None, "protein_short": None, "protein_edit": None, "protein_position": None, "consequence": "missense_variant",
    "exon": None, "vaf": 0.1, "depth": 1000, "alt_reads": 100, "filter": "PASS", "alk_kinase_domain": False,
    "alk_region": None, "status": "annotated", "reason": None, "normal_alt_reads": None, "normal_depth": None,
}


def variant(**kw) -> AnnotatedVariant:
    """An annotated-variant record from BASE_VARIANT's keys and ``kw`` (the sample JSON's row keys)."""
    return AnnotatedVariant.from_dict({**BASE_VARIANT, **kw})


def edit(kind: str, start: int | None = None, ref: str = "", end: int | None = None, ref_end: str = "",
         alt: str = "", ter: int | None = None) -> dict:
    """A variant's ``protein_edit`` (alkannot.annotate.protein.ProteinEdit.to_dict())."""
    return {"kind": kind, "start": start, "ref": ref, "end": end, "ref_end": ref_end, "alt": alt, "ter": ter}


def load_cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text())
