"""Which annotated calls count as ALK resistance mutations (the verdicts' input)."""

from __future__ import annotations

from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.variants import PROTEIN_ALTERING


def alk_mutations(variants: list[AnnotatedVariant]) -> list[str]:
    """Short names of PASS, protein-altering ALK kinase-domain changes (one per combined change).

    A call that fails the specimen's read/VAF minima (`specimen_filter`, when set) is listed in the
    variants but does not count, like a FILTER failure."""
    out = []
    for v in variants:
        if (v.gene == "ALK" and v.status == "annotated" and v.filter_pass and v.alk_kinase_domain
                and v.specimen_filter in (None, "pass")
                and v.consequence and set(v.consequence.split("&")) & PROTEIN_ALTERING
                and v.protein_short and v.protein_short not in out):
            out.append(v.protein_short)
    return out
