"""Which annotated calls count as ALK resistance mutations (the verdicts' input)."""

from __future__ import annotations

from dataclasses import dataclass

from alkannot.annotate.protein import ProteinEdit
from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.variants import PROTEIN_ALTERING


@dataclass(frozen=True, slots=True)
class AlkMutation:
    """One ALK resistance mutation as the verdicts and phasing read it: its short name (``protein_short``)
    and the first residue of its protein edit (``ProteinEdit.residue``; None when unnumbered), carried
    from the annotation rather than read back out of the name."""

    name: str
    residue: int | None
    missense_at: str | None = None  # a missense substitution's residue ("G1202" for G1202R), else None


def alk_mutation_records(variants: list[AnnotatedVariant]) -> list[AlkMutation]:
    """PASS, protein-altering ALK kinase-domain changes (one per combined change), in input order.

    A call that fails the specimen's read/VAF minima (`specimen_filter`, when set) is listed in the
    variants but does not count, like a FILTER failure."""
    out: dict[str, AlkMutation] = {}
    for v in variants:
        if (v.gene == "ALK" and v.status == "annotated" and v.filter_pass and v.alk_kinase_domain
                and v.specimen_filter in (None, "pass")
                and v.consequence and set(v.consequence.split("&")) & PROTEIN_ALTERING
                and v.protein_short and v.protein_short not in out):
            out[v.protein_short] = _typed(v.protein_short, v.protein_edit)
    return list(out.values())


def _typed(name: str, edit: ProteinEdit | None) -> AlkMutation:
    if edit is None:
        return AlkMutation(name, None)
    missense = edit.kind == "sub" and edit.alt != "*"
    return AlkMutation(name, edit.residue, f"{edit.ref}{edit.start}" if missense else None)


def alk_mutations(variants: list[AnnotatedVariant]) -> list[str]:
    """Short names of the ALK resistance mutations (`alk_mutation_records`)."""
    return [m.name for m in alk_mutation_records(variants)]
