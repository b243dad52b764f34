"""VCF/BCF input with cyvcf2: one front door, in small modules.

- ``files``: is the file readable, how is it compressed, is it indexed (``is_indexed``: the one definition,
  used by the annotator and the annotated-VCF writer), its lines;
- ``header``: header checks of a text VCF with line numbers, before htslib sees it; the INFO/FORMAT
  definitions as htslib read them (``header_definitions``);
- ``targets``: target regions, merged for index queries (``region_queries``) or as spans for streamed lines;
- ``prefilter``: one pass over a streamed text VCF keeping the target lines (``Prefiltered``, which travels
  on the annotator's result to the VCF writer);
- ``reader``: ``open_vcf`` (tumour/normal choice, header facts -> ``VcfInput``) and ``iter_records``
  (indexed files by region over the targets, others streamed and filtered);
- ``records``: each ALT of a record becomes one ``VariantCall`` (split, trimmed, values checked);
- ``depth``: depth and allele fraction from whatever the caller wrote: FORMAT AD (+DP/AF) -> Strelka2 tier
  counts -> FreeBayes AO/RO -> VarScan AD/RD/FREQ -> INFO AF/DP, after the tags a sample names;
- ``tags``: the tags a sample names for the tumour's / matched normal's allele fraction and depth (PCGR's
  INFO/TVAF, INFO/TDP, INFO/CVAF, INFO/CDP), checked against the header (``resolve_vaf_tags``);
- ``refcalls``: the depth each record states over its span (``DepthBlock``: gVCF reference blocks, all-sites
  records), collected in the annotator's pass or read from a whole file (``read_depth_blocks``);
- ``population``: allele frequencies of given alleles in a gnomAD-style VCF (``read_population_afs``).

Nothing outside ``alkannot.io`` (and the annotated-VCF writer, ``report.vcf_out``) opens a VCF. Reading is cyvcf2 only;
the writer uses pysam, which can also build the tabix index (see ``report.vcf_out``).
"""

from alkannot.io.vcf.depth import depth_for
from alkannot.io.vcf.files import header_columns, index_of, is_bcf, is_indexed, text_lines
from alkannot.io.vcf.header import scan_header
from alkannot.io.vcf.prefilter import Prefiltered, prefilter_lines
from alkannot.io.vcf.reader import iter_records, open_vcf, subset_path
from alkannot.io.vcf.records import (
    GT_ALT_ABSENT,
    GT_CALLED,
    GT_NOT_CALLED,
    KEEP_INFO,
    check_record,
    genotype_status,
    split_record,
)
from alkannot.io.vcf.source import CHR2_LENGTH, VcfInput
from alkannot.io.vcf.targets import merged_regions, region_name, region_queries, span_overlaps, target_spans

__all__ = [
    "CHR2_LENGTH", "GT_ALT_ABSENT", "GT_CALLED", "GT_NOT_CALLED", "KEEP_INFO", "Prefiltered", "VcfInput",
    "check_record", "depth_for", "genotype_status", "header_columns", "index_of", "is_bcf", "is_indexed",
    "iter_records", "merged_regions", "open_vcf", "prefilter_lines", "region_name", "region_queries",
    "scan_header", "span_overlaps", "split_record", "subset_path", "target_spans", "text_lines",
]
