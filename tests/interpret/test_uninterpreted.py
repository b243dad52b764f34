"""Nothing uninterpreted goes unmentioned: calls in exon-only genes (MAP2K1 K57N without --reference) are
listed in the JSON `uninterpreted` key and in the HTML summary with the reason and the fix; and germline/CH
labels are shown with their evidence."""

from __future__ import annotations

from alkannot.pipeline import SampleSpec, build_sample_result
from alkannot.report.html import render_sample_html

HEADER = ("##fileformat=VCFv4.2\n##reference=GRCh38\n##contig=<ID=chr15,length=101991189>\n"
          "##contig=<ID=chr17,length=83257441>\n"
          '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
          '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
          '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n")
# MAP2K1 c.171G>T p.K57N lies in exon 2 (chr15:66435027-66435237 on GRCh38); TP53 P72R rs1042522.
RECORDS = ("chr15\t66435113\t.\tG\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:80,20:100\n"
           "chr17\t7676154\trs1042522\tG\tC\t.\tPASS\t.\tGT:AD:DP\t0/1:50,50:100\n")


def test_exon_only_call_and_germline_label_are_in_the_summary(tmp_path):
    vcf = tmp_path / "s.vcf"
    vcf.write_text(HEADER + RECORDS)
    data = build_sample_result(SampleSpec(id="S", vcf=str(vcf), build="GRCh38"))
    un = data["uninterpreted"]
    assert [u["gene"] for u in un] == ["MAP2K1"]
    assert un[0]["reason"] == "coding_sequence_not_available" and "--reference" in un[0]["fix"]
    assert all(c["gene"] != "TP53" for c in data["co_alterations"])
    tp53 = next(v for v in data["variants"] if v["gene"] == "TP53")
    assert tp53["ch_status"] == "germline" and "rs1042522" in tp53["ch_evidence"]
    html = render_sample_html(data)
    summary = html.split('id="h-map"')[0]
    assert "MAP2K1" in summary and "--reference" in summary
    assert "rs1042522" in html


ANN_HEADER = ('##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: \'Allele | Annotation | '
              "Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | "
              "HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | "
              "ERRORS / WARNINGS / INFO'\">\n")
ANN = ("ANN=T|missense_variant|MODERATE|MAP2K1|ENSG00000169032|transcript|NM_002755.4|protein_coding|2/11|"
       "c.171G>T|p.Lys57Asn|312/2547|171/1182|57/393||")


def test_uninterpreted_call_names_the_callers_unverified_annotation(tmp_path):
    """An exon-only gene call the caller annotated (SnpEff ANN): the row says what the caller named, that it was
    not verified, and it still never becomes a co-mutation or mechanism."""
    vcf = tmp_path / "s.vcf"
    head, cols = HEADER.split("#CHROM")
    vcf.write_text(head + ANN_HEADER + "#CHROM" + cols + RECORDS.splitlines(True)[0].replace("\t.\tGT", f"\t{ANN}\tGT"))
    data = build_sample_result(SampleSpec(id="S", vcf=str(vcf), build="GRCh38"))
    [un] = data["uninterpreted"]
    assert "MAP2K1 K57N (SnpEff)" in un["explanation"] and "not verified" in un["explanation"]
    assert data["co_alterations"] == [] and data["mechanisms"] == []
    summary = render_sample_html(data).split('id="h-map"')[0]
    assert "MAP2K1 K57N (SnpEff)" in summary


def test_gvcf_reference_blocks_are_not_uninterpreted_calls_and_give_hotspot_depth():
    """A GATK gVCF (tests/bad_inputs/accepted/gvcf_non_ref_blocks): the <NON_REF> placeholders are no calls, so
    they are counted in the accounting but not listed as 'target-gene calls not interpreted' (with an --sv fix);
    their blocks give the hotspot depth when no BAM/CRAM is given."""
    from pathlib import Path

    vcf = Path(__file__).resolve().parents[1] / "bad_inputs" / "accepted" / "gvcf_non_ref_blocks" / "input.vcf"
    data = build_sample_result(SampleSpec(id="S", vcf=str(vcf), build="GRCh38"))
    assert data["accounting"]["not_annotated"] == {"symbolic_or_breakend_allele": 3}
    assert data["uninterpreted"] == []
    rows = {h["mutation"]: h for h in data["ctdna"]["hotspot_coverage"]}
    assert rows["G1202del"]["depth_source"] == "gvcf" and rows["G1202del"]["status"] == "not_detected"
    assert rows["I1171N/S/T"]["status"] == "not_covered"  # a gVCF lists every position it called
