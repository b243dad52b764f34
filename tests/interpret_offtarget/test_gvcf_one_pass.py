"""A gVCF sample without a BAM: the hotspot depths come from the annotator's own pass over the VCF (the
records over the hotspot codons travel on its result), so the sample VCF is opened by a VCF parser once,
and the depths are those a read of the whole gVCF gives."""

from __future__ import annotations

import cyvcf2
import pysam

from alkannot import pipeline
from alkannot.interpret import ctdna

GVCF = """##fileformat=VCFv4.2
##contig=<ID=2,length=242193529>
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum depth in block">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tplasma
2\t29220730\t.\tC\t<NON_REF>\t.\t.\tEND=29220750\tGT:DP:MIN_DP\t0/0:2600:2400
2\t29220751\t.\tT\t<NON_REF>\t.\t.\tEND=29220770\tGT:DP\t0/0:40
2\t29222340\t.\tA\t<NON_REF>\t.\t.\tEND=29222360\tGT:DP:MIN_DP\t0/0:900:800
"""


def test_gvcf_sample_is_read_once_with_the_depths_of_a_whole_file_read(tmp_path, monkeypatch):
    path = tmp_path / "plasma.g.vcf"
    path.write_text(GVCF)
    opened = []
    real_cy, real_ps = cyvcf2.VCF, pysam.VariantFile

    def cy(fname, *a, **kw):
        opened.append(("cyvcf2", str(fname)))
        return real_cy(fname, *a, **kw)

    def ps(fname, *a, **kw):
        opened.append(("pysam", str(fname)))
        return real_ps(fname, *a, **kw)

    monkeypatch.setattr(cyvcf2, "VCF", cy)
    monkeypatch.setattr(pysam, "VariantFile", ps)
    monkeypatch.setattr(ctdna, "read_depth_blocks", lambda *a, **kw: (_ for _ in ()).throw(
        AssertionError("the sample VCF was read a second time for its reference-call depths")))
    data = pipeline.build_sample_result(pipeline.SampleSpec(id="P1", vcf=str(path), build="GRCh38",
                                                            specimen="plasma", report_date="2026-01-01"))
    assert [o for o in opened if o[1] == str(path)] == [("cyvcf2", str(path))]
    monkeypatch.undo()
    got = {h["mutation"]: (h["depth"], h["depth_source"]) for h in data["ctdna"]["hotspot_coverage"]}
    whole = {h["mutation"]: (h["depth"], h["depth_source"])
             for h in ctdna.hotspot_coverage("GRCh38", gvcf_depths=path, variants=[])}
    assert got == whole
    assert got["G1202R"] == (2400, "gvcf") and got["L1196M/F"] == (40, "gvcf") and got["G1269A/S"] == (0, "gvcf")
