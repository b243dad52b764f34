"""MAF input for small variants: converted to VCF, annotated by our engine, same accounting as a VCF.

Fixture: maf/gdc_two_tumours.maf, a GDC-shaped MAF (``#version`` lines, GDC column names) with two tumour
barcodes, SNVs, an exonic in-frame deletion and insertion (anchor base from the bundled sequence), an
intronic deletion (anchor unknown -> not_annotated), a non-target row and a deliberately wrong HGVSp on
TP53 (compared, never used).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alkannot.annotate.maf_input import REASON_ANCHOR, looks_like_maf, maf_to_vcf
from alkannot.annotate.small_variants import annotate_input
from alkannot.errors import InputError
from alkannot.pipeline import SampleSpec, run_sample

HERE = Path(__file__).resolve().parent / "maf"
MAF = HERE / "gdc_two_tumours.maf"
T1 = "TCGA-05-4244-01A"


def _identity(acc: dict) -> None:
    assert acc["annotated"] + sum(acc["not_annotated"].values()) == acc["alleles_in_targets"]


def test_several_tumours_need_a_choice() -> None:
    with pytest.raises(InputError, match="MAF holds 2 tumour samples .*TCGA-05-4245-01A") as exc:
        annotate_input(str(MAF), None)
    assert exc.value.path == str(MAF)


def test_maf_is_annotated_by_our_engine_with_accounting() -> None:
    res = annotate_input(str(MAF), None, tumor_sample=T1)
    assert res.vcf_info["build"] == "GRCh38"  # from NCBI_Build
    assert res.vcf_info["tumor_sample"] == T1 and res.vcf_info["input_format"] == "maf"
    acc = res.accounting
    assert acc["records_read"] == 7  # the tumour's rows (the other barcode's row is not this sample's)
    assert acc["not_annotated"] == {REASON_ANCHOR: 1}
    _identity(acc)
    by = {v.maf_line: v for v in res.variants}
    assert by[4].protein_short == "G1202R" and by[4].vaf == pytest.approx(0.2) and by[4].depth == 600
    assert by[5].protein_short == "L1196M" and by[5].depth is None  # t_depth empty: unknown, not 0
    assert by[6].protein_short == "A1200del" and by[6].vcf_pos == 29220750 and len(by[6].vcf_ref) == 4
    ins = by[7]
    assert ins.consequence.startswith("frameshift_variant") and ins.vcf_pos == 29222517 and len(ins.vcf_alt) == 2
    # TP53: the MAF says p.Arg273Cys; our engine computes R273H from the transcript; the MAF's value is shown
    tp53 = by[9]
    assert tp53.protein_short == "R273H"
    assert tp53.external_annotations[0]["hgvsp_short"] == "R273C" and not tp53.external_annotations[0]["agrees"]
    assert "external_annotation_disagrees" in tp53.flags
    assert by[4].external_annotations[0]["agrees"] is True
    unanch = by[8]
    assert (unanch.status, unanch.reason, unanch.gene, unanch.vcf_pos) == \
        ("not_annotated", REASON_ANCHOR, "ALK", None)


def test_build_contradiction_is_an_error() -> None:
    with pytest.raises(InputError, match="NCBI_Build says GRCh38, the run asks for GRCh37"):
        annotate_input(str(MAF), "GRCh37", tumor_sample=T1)


def test_detected_by_header_whatever_the_name(tmp_path: Path) -> None:
    p = tmp_path / "calls.txt"
    shutil.copy(MAF, p)
    assert looks_like_maf(p)
    assert looks_like_maf(tmp_path / "x.maf.gz")
    vcf = tmp_path / "x.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    assert not looks_like_maf(vcf)


def test_vcf2maf_shape_and_genotype(tmp_path: Path) -> None:
    """vcf2maf writes '#version 2.4'; Tumor_Seq_Allele1 == Tumor_Seq_Allele2 != ref is homozygous (1/1)."""
    lines = MAF.read_text().splitlines()
    header = lines[2].split("\t")
    row = dict(zip(header, lines[3].split("\t")))
    row["Tumor_Seq_Allele1"] = row["Tumor_Seq_Allele2"]
    row["Tumor_Sample_Barcode"] = "TUMOR"
    p = tmp_path / "vcf2maf.maf"
    p.write_text("#version 2.4\n" + "\t".join(header) + "\n" + "\t".join(row[h] for h in header) + "\n")
    conv = maf_to_vcf(p, workdir=str(tmp_path))
    rec = [x for x in Path(conv.vcf_path).read_text().splitlines() if not x.startswith("#")]
    assert rec[0].split("\t")[9].startswith("1/1:480,120:600")
    res = annotate_input(str(p), None)
    assert res.variants[0].protein_short == "G1202R" and res.variants[0].gt in ("1/1", "1|1")


def test_cut_row_is_an_error_with_its_line(tmp_path: Path) -> None:
    lines = MAF.read_text().splitlines()
    lines[4] = "\t".join(lines[4].split("\t")[:6])
    p = tmp_path / "cut.maf"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="MAF row has 6 columns") as exc:
        annotate_input(str(p), None, tumor_sample=T1)
    assert exc.value.line == 5


def test_bad_counts_and_alleles(tmp_path: Path) -> None:
    lines = MAF.read_text().splitlines()
    header = lines[2].split("\t")
    for col, value, msg in (("t_alt_count", "12.5", "not a read count"), ("t_depth", "many", "not a number"),
                            ("Tumor_Seq_Allele2", "<DEL>", "not DNA")):
        row = dict(zip(header, lines[3].split("\t")))
        row[col] = value
        p = tmp_path / f"{col}.maf"
        p.write_text("\n".join(lines[:3] + ["\t".join(row[h] for h in header)]) + "\n")
        with pytest.raises(InputError, match=msg) as exc:
            annotate_input(str(p), None, tumor_sample=T1)
        assert exc.value.line == 4


def test_whole_sample_from_a_maf(tmp_path: Path) -> None:
    spec = SampleSpec(id="M1", vcf=str(MAF), tumor_sample=T1)
    paths = run_sample(spec, tmp_path)
    import json

    data = json.loads(paths["json"].read_text())
    _identity(data["accounting"])
    assert data["inputs"][0]["path"] == MAF.name
    assert "G1202R" in data["alk_mutations"]
    assert paths["vcf"].exists()


def test_anchor_base_from_the_reference_fasta_when_given(tmp_path: Path) -> None:
    """With --reference the anchor comes from the genome (any contig naming); the bundled sequence is the
    fallback; neither -> None (the row is then listed as not_annotated, never guessed)."""
    from alkannot.annotate.maf_input import _Anchors

    anchors = _Anchors("GRCh38", None)
    assert anchors.base("2", 29220750) in ("A", "C", "G", "T")  # ALK exon 23: bundled
    assert anchors.base("2", 29217392) is None  # ALK intron: not bundled

    class Fasta:
        references = ["chr2"]

        def fetch(self, name: str, start: int, end: int) -> str:
            assert (name, start, end) == ("chr2", 29217391, 29217392)
            return "g"

    anchors.fasta = Fasta()
    assert anchors.base("2", 29217392) == "G"


def test_a_vcf_named_maf_is_still_a_vcf(tmp_path: Path) -> None:
    p = tmp_path / "calls.maf"
    p.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    assert not looks_like_maf(p)
    q = tmp_path / "broken.maf"
    q.write_text("gene\tscore\nALK\t1\n")
    assert looks_like_maf(q)  # by name: the MAF reader then says which columns are missing
    with pytest.raises(InputError, match="MAF header lacks column"):
        annotate_input(str(q), "GRCh38")


@pytest.mark.parametrize("status", ["Germline", "LOH", "germline"])
def test_mutation_status_germline_is_a_germline_label(tmp_path: Path, status: str) -> None:
    """A MAF's Mutation_Status (GDC: somatic, germline, LOH, ...) is the caller's own tumour-normal call: a
    Germline or LOH row (a constitutional allele, LOH = lost in the tumour) is labelled germline, stays in the
    variant list with the reason, and is no co-mutation (cBioPortal MSK-IMPACT exports carry germline rows)."""
    lines = MAF.read_text().splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("Hugo_Symbol"))
    out = lines[:n] + [lines[n] + "\tMutation_Status"]
    for k, ln in enumerate(lines[n + 1:], start=n + 2):
        out.append(ln + "\t" + (status if k == 9 else "Somatic"))
    maf = tmp_path / "status.maf"
    maf.write_text("\n".join(out) + "\n")
    import json

    data = json.loads(run_sample(SampleSpec(id="M2", vcf=str(maf), tumor_sample=T1), tmp_path)["json"].read_text())
    by = {v["maf_line"]: v for v in data["variants"]}
    assert (by[9]["gene"], by[9]["ch_status"], by[9]["maf_mutation_status"]) == ("TP53", "germline", status)
    assert f"Mutation_Status {status}" in by[9]["ch_evidence"]
    assert by[4]["ch_status"] is None and by[4]["maf_mutation_status"] == "Somatic"
    assert not any(c["gene"] == "TP53" for c in data["co_alterations"])
    assert "G1202R" in data["alk_mutations"]
