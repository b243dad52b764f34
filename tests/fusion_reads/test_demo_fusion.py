"""The demo plasma sample shows a read-detected EML4-ALK (junction in the HTML, KB statement, JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from alkannot.pipeline import SampleSpec, run_sample

DATA = Path(__file__).resolve().parents[2] / "test-data"


def test_demo_plasma_read_detected_eml4_alk(tmp_path):
    spec = SampleSpec(id="P002_plasma", vcf=str(DATA / "P002_plasma.vcf"), build="GRCh38", specimen="plasma",
                      tumor_sample="P002_cfDNA", normal_sample="P002_WBC", alignment=str(DATA / "P002_plasma.bam"),
                      current_tki="lorlatinib", prior_tkis=["alectinib"])
    paths = run_sample(spec, tmp_path)
    data = json.loads(Path(paths["json"]).read_text())
    (f,) = data["fusions"]
    assert (f["name"], f["variant"], f["exons"], f["evidence"]) == ("EML4-ALK", "v3a/b", "E6;A20", "dna_reads")
    assert [b["region"] for b in f["breakpoints"]] == ["intron 6", "intron 19"]
    r = f["read_evidence"]
    assert r["fragments"]["split"] > 0 and 0.005 < f["allele_fraction"] < 0.05
    assert data["fusion_assessment"]["status"] == "detected"
    assert any("EML4-ALK:v3" in m["name"] for m in data["mechanisms"])
    html = Path(paths["html"]).read_text()
    assert r["junction_sequence"] in html and "EML4-ALK" in html
    assert "ALK intron 19 covered at" in html


def test_fusions_tsv(tmp_path):
    import csv

    spec = SampleSpec(id="P002_plasma", vcf=str(DATA / "P002_plasma.vcf"), build="GRCh38", specimen="plasma",
                      tumor_sample="P002_cfDNA", normal_sample="P002_WBC", alignment=str(DATA / "P002_plasma.bam"))
    paths = run_sample(spec, tmp_path)
    with open(paths["fusions"]) as fh:
        (row,) = list(csv.DictReader(fh, delimiter="\t"))
    assert row["name"] == "EML4-ALK" and row["variant"] == "v3a/b" and row["evidence_sources"] == "dna_reads"
    assert row["breakpoint_5p"].endswith("EML4 intron 6") and row["breakpoint_3p"].endswith("ALK intron 19")
    assert "|" in row["junction_sequence"] and float(row["allele_fraction"]) > 0
