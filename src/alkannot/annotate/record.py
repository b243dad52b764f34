"""The annotated-variant record: one allele of the input, annotated, then labelled by the later stages.

`annotate.variants.variant_record` builds it; phase/interpret read and label it (``ch_status``,
``specimen_filter``, ``compound``, ...); the report writers read its fields. The sample JSON's ``variants``
rows are `AnnotatedVariant.to_dict()`: the keys, their order and which optional keys appear are fixed
here (an optional key appears once its stage has set it, as it did when variants were dicts). Readers of a
written sample JSON (HTML, timelines, cohort report) read the JSON's dicts; `from_dict` turns one back into
a record (tests, and any code that feeds a written JSON back into the stages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from alkannot.annotate.protein import ProteinEdit
from alkannot.annotate.transcripts import CodingPosition

# The keys every row has, in JSON order (annotate.variants.variant_record).
BASE_KEYS = (
    "gene", "chrom", "pos", "ref", "alt", "transcript", "hgvsc", "hgvsp", "protein_short", "protein_edit",
    "protein_position", "consequence", "exon", "intron", "vaf", "depth", "alt_reads", "depth_source", "filter",
    "filter_pass", "alk_kinase_domain", "alk_region", "status", "reason", "ref_check", "flags", "id", "line",
    "vcf_pos", "vcf_ref", "vcf_alt", "gt", "phase_set", "normal_alt_reads", "normal_depth",
)


@dataclass(slots=True)
class AnnotatedVariant:
    """One ALT allele of the input as the outputs show it: the caller's values (FILTER, GT, depth, VAF), its
    annotation on the gene's transcript, and the labels the interpretation stages add in place (CH/germline,
    compounds, co-alteration role). `to_dict()` is the JSON/TSV row."""

    gene: str | None
    chrom: str
    pos: int
    ref: str
    alt: str
    transcript: str | None = None
    hgvsc: str | None = None
    hgvsp: str | None = None
    protein_short: str | None = None
    protein_edit: ProteinEdit | None = None  # the structured change hgvsp/protein_short are formatted from
    protein_position: int | None = None
    consequence: str | None = None
    exon: str | None = None
    intron: str | None = None
    vaf: float | None = None
    depth: int | None = None
    alt_reads: int | None = None
    depth_source: str | None = None
    filter: str = "PASS"
    filter_pass: bool = True
    alk_kinase_domain: bool = False
    alk_region: str | None = None
    status: str = "annotated"
    reason: str | None = None
    ref_check: str = "not_checked"
    flags: list[str] = field(default_factory=list)
    id: str | None = None
    line: int | None = None
    vcf_pos: int | None = None
    vcf_ref: str | None = None
    vcf_alt: str | None = None
    gt: str | None = None
    phase_set: str | int | None = None
    normal_alt_reads: int | None = None
    normal_depth: int | None = None
    # optional keys, in JSON order; None = absent unless said otherwise
    vcf_end: int | None = None  # symbolic alleles: INFO/END beyond the REF span
    external_annotations: list[dict] | None = None  # the caller's own CSQ/ANN/BCSQ compared with ours
    individual_hgvsp: str | None = None  # same-codon changes combined: this allele's own HGVS p.
    combined_from: list[str] | None = None  # (present with individual_hgvsp)
    maf_line: int | None = None  # MAF input: the row's line in the MAF
    maf_mutation_status: str | None = None  # MAF input: the row's Mutation_Status as written, when it has one
    ch_status: str | None = None  # present (possibly None) once ch_assessed
    ch_evidence: str | None = None
    population_af: float | None = None
    specimen_class: str | None = None  # present with specimen_filter once set (interpret.ctdna.specimen_filters)
    specimen_filter: str | None = None
    vaf_relative_to_tf: float | None = None  # present (possibly None) once tf_applied
    subclonal: bool | None = None
    protein_aliases: list[str] | None = None
    compound: list[str] | None = None
    # typed values the strings above are formatted from (not written; `from_dict` leaves them None): the
    # hgvsc's first and last c. positions (None for n. numbering or no hgvsc) and the exon's number
    coding_span: tuple[CodingPosition, CodingPosition] | None = field(default=None, repr=False, compare=False)
    exon_number: int | None = field(default=None, repr=False, compare=False)
    # stage marks (not written): which optional keys are present even when None
    ch_assessed: bool = field(default=False, repr=False, compare=False)
    tf_applied: bool = field(default=False, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The sample JSON's row: today's keys, in today's order."""
        d = dict(zip(BASE_KEYS, _BASE_VALUES(self)))
        if self.protein_edit is not None:
            d["protein_edit"] = self.protein_edit.to_dict()
        d["flags"] = list(self.flags)
        for keys, present in _OPTIONAL:
            v = getattr(self, present)
            if v is not None and v is not False:
                for k in keys:
                    d[k] = getattr(self, k)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> AnnotatedVariant:
        """A record from a sample JSON row (keys this record does not know are ignored)."""
        kw = {k: d[k] for k in _FIELDS if k in d}
        pe = kw.get("protein_edit")
        if isinstance(pe, dict):
            kw["protein_edit"] = ProteinEdit.from_dict(pe)
        kw["flags"] = list(kw.get("flags") or [])
        for keys, present in _OPTIONAL:
            if present in _MARKS:
                kw[present] = any(k in d for k in keys)
        return cls(**kw)


def as_records(variants: list) -> list[AnnotatedVariant]:
    """Variant records from records or sample-JSON rows (a written JSON's rows are read back with from_dict)."""
    return [v if isinstance(v, AnnotatedVariant) else AnnotatedVariant.from_dict(v) for v in variants]


_BASE_VALUES = attrgetter(*BASE_KEYS)
# the optional keys of a JSON row, in JSON order: (keys written together, the field whose presence writes
# them: not None, or a stage mark set)
_OPTIONAL = (
    (("vcf_end",), "vcf_end"),
    (("external_annotations",), "external_annotations"),
    (("individual_hgvsp", "combined_from"), "combined_from"),
    (("maf_line",), "maf_line"),
    (("maf_mutation_status",), "maf_mutation_status"),
    (("ch_status", "ch_evidence"), "ch_assessed"),
    (("population_af",), "population_af"),
    (("specimen_class", "specimen_filter"), "specimen_class"),
    (("vaf_relative_to_tf", "subclonal"), "tf_applied"),
    (("protein_aliases",), "protein_aliases"),
    (("compound",), "compound"),
)
_MARKS = ("ch_assessed", "tf_applied")
_FIELDS = tuple(f for f in AnnotatedVariant.__dataclass_fields__
                if f not in (*_MARKS, "coding_span", "exon_number"))
