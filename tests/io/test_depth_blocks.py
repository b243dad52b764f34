"""Reference-call depths (io.vcf.refcalls): the annotator's one pass over the sample VCF keeps the records
over the hotspot codons (AnnotationResult.depth_blocks), the same records a read of the whole file gives,
whether the file is streamed, read by region through its index or a BCF; a reference block whose INFO/END
reaches into a gene from upstream is read by the streamed pass as an indexed query reads it."""

from __future__ import annotations

from pathlib import Path

import pysam
import pysam.bcftools
import pytest

from alkannot.annotate.variants import annotate_vcf
from alkannot.interpret.ctdna import hotspot_sites
from alkannot.io.vcf.refcalls import DepthBlock, read_depth_blocks

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth in block">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tplasma
"""
ROWS = [
    # an all-sites reference block (ALT '.') from upstream of ALK's 3' end into exon 23 (G1202R, 29220747-9)
    "chr2\t29180000\t.\tA\t.\t.\t.\tEND=29220748\tGT:DP\t0/0:30",
    "chr2\t29220749\t.\tC\t<NON_REF>\t.\t.\tEND=29220760\tGT:DP:MIN_DP\t0/0:2600:2400",
    "chr2\t29220761\t.\tT\t<*>\t.\t.\tEND=29220770;DP=55\tGT\t0/0",
    "chr2\t29220771\t.\tG\tT,<NON_REF>\t.\t.\t.\tGT:AD\t0/1:20,5,0",
    "chr2\t29222340\t.\tA\t<NON_REF>\t.\t.\tEND=29222360\tGT:DP:MIN_DP\t0/0:900:800",
    "chr2\t29400000\t.\tA\t<NON_REF>\t.\t.\tEND=29400100\tGT:DP\t0/0:12",  # in ALK, over no hotspot
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("gvcf")
    plain = d / "plasma.g.vcf"
    plain.write_text(HEADER + "\n".join(ROWS) + "\n")
    gz = d / "ix.g.vcf"
    gz.write_text(plain.read_text())
    indexed = Path(pysam.tabix_index(str(gz), preset="vcf", force=True))
    bcf = d / "plasma.g.bcf"
    pysam.bcftools.view("-Ob", "-o", str(bcf), str(plain), catch_stdout=False)
    return {"streamed": plain, "indexed": indexed, "bcf": bcf}


def _over_hotspots(blocks: list[DepthBlock]) -> list[DepthBlock]:
    sites = hotspot_sites("GRCh38")
    return [b for b in blocks if any(b.covers(c, p) for c, p, _ in sites)]


@pytest.mark.parametrize("kind", ["streamed", "indexed", "bcf"])
def test_one_pass_keeps_the_records_a_whole_file_read_gives(inputs, kind):
    res = annotate_vcf(str(inputs[kind]), "GRCh38", depth_sites=hotspot_sites)
    whole = read_depth_blocks(str(inputs[kind]))
    assert len(whole) == len(ROWS)
    assert res.depth_blocks == _over_hotspots(whole)  # in file order
    assert DepthBlock("2", 29180000, 29220748, 30) in res.depth_blocks  # INFO/END of an ALT '.' block
    assert DepthBlock("2", 29220749, 29220760, 2400) in res.depth_blocks  # MIN_DP before DP
    assert DepthBlock("2", 29220761, 29220770, 55) in res.depth_blocks  # INFO/DP
    assert not any(b.start == 29400000 for b in res.depth_blocks)  # no hotspot there: not kept


def test_streamed_and_indexed_reads_agree_on_a_block_reaching_in_from_upstream(inputs):
    streamed = annotate_vcf(str(inputs["streamed"]), "GRCh38")
    indexed = annotate_vcf(str(inputs["indexed"]), "GRCh38")
    assert streamed.accounting["records_in_targets"] == indexed.accounting["records_in_targets"] == len(ROWS)
    assert [(v.vcf_pos, v.vcf_alt) for v in streamed.variants] == \
        [(v.vcf_pos, v.vcf_alt) for v in indexed.variants]
    assert streamed.depth_blocks is None  # none asked


def test_sites_outside_the_read_spans_leave_it_to_a_whole_file_read(inputs):
    res = annotate_vcf(str(inputs["streamed"]), "GRCh38", depth_sites=lambda build: [("chr2", 1000, 1000)])
    assert res.depth_blocks is None


def test_depth_precedence_and_missing_values(tmp_path):
    p = tmp_path / "d.vcf"
    p.write_text(HEADER.replace("\tplasma\n", "\ta\tb\n") + "\n".join([
        "chr2\t100\t.\tA\tC\t.\t.\tDP=9\tGT:AD:DP:MIN_DP\t0/1:3,4:.:.\t0/1:.:7:.",  # a: INFO DP; b: FORMAT DP
        "chr2\t200\t.\tA\tC\t.\t.\t.\tGT:AD\t0/1:3,4\t0/1:.",  # a: sum(AD); b: AD written but missing: 0
        "chr2\t300\t.\tA\tC\t.\t.\t.\tGT\t0/1\t0/1",  # no depth at all
    ]) + "\n")
    assert [b.depth for b in read_depth_blocks(str(p), "a")] == [9, 7, None]
    assert [b.depth for b in read_depth_blocks(str(p), "b")] == [7, 0, None]
