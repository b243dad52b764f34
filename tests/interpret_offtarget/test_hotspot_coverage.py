"""hotspot_coverage from a tiny BAM made here with pysam (GRCh38 ALK exon 23, minus strand) and from
gVCF DP records."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from helpers.bam import chr2_header, write_indexed_bam

from alkannot.interpret import ctdna

from ._helpers import edit, variant

G1202R_GRCH38 = 29_220_747  # c.3604 (first base of the GGA codon); ALK is on the minus strand
READ_START = 29_220_700  # 0-based start of every read: covers exon 23 codons 1174 .. 1210
READ_LEN = 151
GOOD_READS = 150


def _read(header, name, flag=0, mapq=60, baseq=30):
    a = pysam.AlignedSegment(header)
    a.query_name = name
    a.flag = flag
    a.reference_id = 0
    a.reference_start = READ_START
    a.mapping_quality = mapq
    a.cigarstring = f"{READ_LEN}M"
    a.query_sequence = "ACGT" * (READ_LEN // 4) + "ACG"
    a.query_qualities = pysam.qualitystring_to_array(chr(baseq + 33) * READ_LEN)
    return a


@pytest.fixture(scope="module")
def tiny_bam(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bam")
    path = d / "plasma.bam"
    header = chr2_header()
    reads = [_read(header, f"good{i}") for i in range(GOOD_READS)]
    # none of these may count towards depth
    reads += [_read(header, f"dup{i}", flag=1024) for i in range(7)]
    reads += [_read(header, f"mq0_{i}", mapq=0) for i in range(5)]
    reads += [_read(header, f"sec{i}", flag=256) for i in range(3)]
    reads += [_read(header, f"supp{i}", flag=2048) for i in range(2)]
    reads += [_read(header, f"qcfail{i}", flag=512) for i in range(2)]
    reads += [_read(header, f"lowbq{i}", baseq=5) for i in range(4)]
    write_indexed_bam(path, header, reads)
    return path


def _by_mutation(rows):
    return {r["mutation"]: r for r in rows}


def test_g1202_position_is_computed_from_the_transcript():
    assert ctdna.codon_positions("GRCh38", "ALK", 1202, "G") == ("2", [G1202R_GRCH38, G1202R_GRCH38 - 1,
                                                                    G1202R_GRCH38 - 2])
    # domain.md: GRCh37 = GRCh38 + 222,866 in ALK exons 20-28 (G1202R GRCh37 chr2:29443613)
    assert ctdna.codon_positions("GRCh37", "ALK", 1202, "G")[1][0] == 29_443_613


def test_bam_depth_excludes_duplicates_low_mapq_and_low_baseq(tiny_bam):
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", alignment=tiny_bam))
    g = rows["G1202R"]
    assert (g["chrom"], g["pos"], g["end"]) == ("2", G1202R_GRCH38 - 2, G1202R_GRCH38)
    assert g["depth"] == GOOD_READS and g["depth_source"] == "alignment"
    assert g["status"] == "not_detected" and g["detected"] is False
    assert g["lod"] == pytest.approx(ctdna.binomial_lod(GOOD_READS))
    assert g["text"] == f"G1202R not detected at {GOOD_READS}× (LoD ≈ {ctdna.fmt_pct(g['lod'])})"
    # exon 23 codons are covered; exon 21/22/25 codons are not
    for m in ("L1196M/F", "D1203N", "S1206Y/C/F", "E1210K", "F1174L/C/V", "V1180L", "L1198F"):
        assert rows[m]["depth"] == GOOD_READS, m
    for m in ("G1123S", "I1171N/S/T", "C1156Y/T", "G1269A/S", "T1151dup"):
        assert rows[m]["status"] == "not_covered" and rows[m]["depth"] == 0, m
        assert rows[m]["text"] == f"{m} not assessable: not covered (0×)"


def test_bam_low_coverage_threshold_is_configurable(tiny_bam):
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", alignment=tiny_bam, config={"min_depth": 500}))
    assert rows["G1202R"]["status"] == "low_coverage"
    assert "low coverage at 150×" in rows["G1202R"]["text"]


def test_detected_from_variants(tiny_bam):
    calls = [variant(gene="ALK", chrom="chr2", pos=G1202R_GRCH38, ref="C", alt="T", protein_short="G1202R",
                     protein_edit=edit("sub", 1202, "G", alt="R"), protein_position=1202, vaf=0.012),
             variant(gene="ALK", chrom="chr2", pos=29_220_765, ref="G", alt="T", protein_short="L1196M",
                     protein_edit=edit("sub", 1196, "L", alt="M"), protein_position=1196, vaf=0.004, filter="strand_bias")]
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", alignment=tiny_bam, variants=calls))
    g = rows["G1202R"]
    assert g["detected"] and g["status"] == "detected" and g["vaf"] == 0.012
    assert g["variant_ref"] == f"chr2:{G1202R_GRCH38}:C>T"
    assert g["text"] == "G1202R detected at VAF 1.2% (150×)"
    # a non-PASS call at a hotspot is not "detected", and the sentence says a call failed filters
    lm = rows["L1196M/F"]
    assert lm["status"] == "not_detected" and lm["filtered_calls"][0]["filter"] == "strand_bias"
    assert "failed filters" in lm["text"]


def test_t1151dup_detected_by_alias_free_name():
    calls = [variant(gene="ALK", protein_short="T1151dup", hgvsp="p.(Thr1151dup)", consequence="inframe_insertion",
                     protein_edit=edit("dup", 1151, "T"), vaf=0.02, depth=900)]
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", variants=calls))
    assert rows["T1151dup"]["status"] == "detected" and rows["T1151dup"]["alias"] == "I1151Tins"
    assert rows["T1151dup"]["depth_source"] == "variant"
    assert rows["G1202R"]["status"] == "unknown_coverage" and rows["G1202R"]["lod"] is None


@pytest.mark.parametrize("protein_edit,detected", [
    (edit("dup", 1150, "E", 1151, "T"), True),   # p.(Glu1150_Thr1151dup): a duplication ending at T1151
    (edit("dup", 1151, "T", 1152, "L"), False),  # starts at T1151 but ends at L1152: another change
    (edit("del", 1151, "T"), False),             # the hotspot is a duplication
    (edit("dup", 1151, "A"), False),             # another residue than the bundled T1151
])
def test_t1151dup_matched_on_the_structured_edit(protein_edit, detected):
    calls = [variant(gene="ALK", consequence="inframe_insertion", protein_edit=protein_edit, vaf=0.02, depth=900)]
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", variants=calls))
    assert (rows["T1151dup"]["status"] == "detected") is detected


def test_missense_hotspot_needs_the_listed_residue():
    calls = [variant(gene="ALK", protein_edit=edit("sub", 1202, "G", alt="W"), vaf=0.02, depth=900)]
    assert _by_mutation(ctdna.hotspot_coverage("GRCh38", variants=calls))["G1202R"]["status"] != "detected"


GVCF = """##fileformat=VCFv4.2
##contig=<ID=2,length=242193529>
##INFO=<ID=END,Number=1,Type=Integer,Description="End of reference block">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth in block">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tplasma
2\t29220730\t.\tC\t<NON_REF>\t.\t.\tEND=29220750\tGT:DP:MIN_DP\t0/0:2600:2400
2\t29220751\t.\tT\t<NON_REF>\t.\t.\tEND=29220770\tGT:DP\t0/0:40
2\t29222340\t.\tA\t<NON_REF>\t.\t.\tEND=29222360\tGT:DP:MIN_DP\t0/0:900:800
"""


def test_gvcf_depths(tmp_path):
    path = tmp_path / "plasma.g.vcf"
    path.write_text(GVCF)
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", gvcf_depths=path))
    g = rows["G1202R"]
    assert g["depth"] == 2400 and g["depth_source"] == "gvcf"  # MIN_DP of the block, not DP
    assert g["text"] == "G1202R not detected at 2,400× (LoD ≈ 0.26%)"
    assert rows["L1196M/F"]["depth"] == 40 and rows["L1196M/F"]["status"] == "low_coverage"
    assert rows["I1171N/S/T"]["depth"] == 800 and rows["I1171N/S/T"]["status"] == "not_detected"
    assert rows["G1269A/S"]["status"] == "not_covered"


def test_gvcf_records_as_dicts():
    recs = [{"chrom": "chr2", "start": 29_220_700, "end": 29_220_800, "depth": 5000}]
    rows = _by_mutation(ctdna.hotspot_coverage("GRCh38", gvcf_depths=recs))
    assert rows["G1202R"]["depth"] == 5000
    assert rows["G1202R"]["lod"] == pytest.approx(ctdna.binomial_lod(5000))
