"""An opened VCF/BCF: what the header says and how it is read (VcfInput)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alkannot.core.contigs import BUILD_CONTIG_LENGTHS
from alkannot.io.vcf.prefilter import Prefiltered
from alkannot.io.vcf.tags import VafTags

# GRCh37/GRCh38 chr2 lengths: enough to tell the builds apart from a header.
CHR2_LENGTH = {build: lengths["2"] for build, lengths in BUILD_CONTIG_LENGTHS.items()}


@dataclass
class VcfInput:
    """An opened small-variant VCF and what was decided about it once: its samples (tumour, normal), whether it
    is read by region, the caller conventions it follows and the tags that hold its VAF and depth."""

    path: str
    vcf: object  # cyvcf2.VCF
    samples: list[str]
    tumor_index: int | None
    normal_index: int | None
    indexed: bool
    contig_style: str  # "chr" or "bare"
    header_build: str | None
    n_header_lines: int
    format_ids: set[str] = field(default_factory=set)
    info_ids: set[str] = field(default_factory=set)
    varscan: bool = False
    header_text: list[str] | None = None  # the file's own header lines (text VCFs), for diagnosing records
    records_seen: int = 0  # records in the whole file (streamed text VCFs), counted by the prefilter
    warnings: list[str] = field(default_factory=list)  # read on, but the user should know (qc.input_warnings)
    contig_names: list[str] = field(default_factory=list)  # the index's (indexed) or header's contig names
    record_contigs: list[str] = field(default_factory=list)  # CHROM values seen while streaming
    prefiltered: Prefiltered | None = None  # a streamed text VCF's target lines (read mode: not indexed)
    raw_header: str = ""  # htslib's header text as opened (cyvcf2 formats it anew on every .raw_header)
    # FORMAT tags the header was seen to lack (io.vcf.depth.format_array: read as htslib's Type=String)
    format_undeclared: set[str] = field(default_factory=set)
    vaf_tags: VafTags | None = None  # the tumour's allele-fraction/depth tags the sample names (io.vcf.tags)
    normal_tags: VafTags | None = None  # the matched normal's (PCGR's INFO/CVAF, INFO/CDP)

    @property
    def normal_label(self) -> str | None:
        """The matched normal as the outputs name it: its column, else the tags that hold its values (a
        tumour-normal VCF with one column, PCGR's INFO/CVAF and INFO/CDP), else None."""
        if self.normal_index is not None:
            return self.samples[self.normal_index]
        tags = self.normal_tags
        return None if tags is None else ", ".join(t.label for t in (tags.af, tags.dp) if t is not None)

    @property
    def tumor_sample(self) -> str | None:
        return None if self.tumor_index is None else self.samples[self.tumor_index]
