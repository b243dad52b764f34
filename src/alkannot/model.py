"""Plain records passed between the stages (io -> annotate -> phase -> interpret -> report)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class VariantCall:
    """One ALT allele of one VCF record, for the chosen tumour sample, after splitting and trimming.

    `pos/ref/alt` are VCF-style (1-based, anchor base kept for indels) after trimming of shared
    bases; `chrom` is as written in the VCF. Depth fields are what the caller wrote (None if absent).
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    filter: str = "PASS"  # "PASS" or the semicolon-joined FILTER ids
    line: int | None = None  # record number in the file (1-based, records only) for messages
    record_id: str | None = None
    depth: int | None = None
    alt_reads: int | None = None
    vaf: float | None = None
    depth_source: str | None = None  # e.g. "FORMAT/AD", "Strelka2 tier1", "INFO/AF"
    gt: str | None = None  # e.g. "0|1"
    phased: bool = False
    phase_set: str | None = None  # FORMAT/PS
    pgt: str | None = None  # Mutect2 FORMAT/PGT
    pid: str | None = None  # Mutect2 FORMAT/PID
    lps: str | None = None  # SAGE FORMAT/LPS (local phase set)
    info: dict = field(default_factory=dict)  # selected INFO fields kept for reports (CSQ/ANN/BCSQ...)
    normal_alt_reads: int | None = None  # matched normal / WBC sample, when present
    normal_depth: int | None = None
    orig_pos: int | None = None  # before trimming
    orig_ref: str | None = None
    orig_alt: str | None = None
    # "called" | "not_called" | "alt_not_in_genotype" from the tumour GT; None when the record has no GT
    genotype_status: str | None = None
    value_flags: list = field(default_factory=list)  # invalid FORMAT/INFO values not used (io.vcf.depth_for)
    end: int | None = None  # last reference base the record covers (htslib: INFO/END for symbolic alleles)
