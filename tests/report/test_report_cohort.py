"""Cohort summary: oncoprint counts, summary.tsv and MultiQC custom content."""

from __future__ import annotations

import pytest
import yaml
from report_fixtures import SAMPLE_FIXTURES, load

from alkannot.report.cohort import SUMMARY_COLUMNS, cohort_model, render_cohort


@pytest.fixture
def cohort():
    return [load(n) for n in SAMPLE_FIXTURES]


def test_groups_follow_drug_order_and_counts(cohort):
    m = cohort_model(cohort)
    assert [g["tki"] for g in m["groups"]] == ["ceritinib", "alectinib", "lorlatinib"]
    feats = {f["name"]: f for f in m["features"]}
    assert [(c["n"], c["total"]) for c in feats["ALK G1202R"]["counts"]] == [(0, 1), (1, 1), (2, 2)]
    assert feats["MET amplification"]["type"] == "off_target" and feats["MET amplification"]["n"] == 1
    assert feats["ALK G1202R"]["pct"] == pytest.approx(75.0)
    assert m["features"][0]["type"] == "on_target"


def test_sample_without_mechanism_counts_as_none():
    d = load("tissue_P002_T1")
    d["alk_mutations"], d["mechanisms"] = [], []
    m = cohort_model([d])
    assert m["features"] == [] and m["none"]["counts"][0]["n"] == 1


def test_summary_tsv(cohort):
    _, tsv, _ = render_cohort(cohort)
    lines = tsv.splitlines()
    assert lines[0].split("\t") == list(SUMMARY_COLUMNS)
    rows = [dict(zip(SUMMARY_COLUMNS, ln.split("\t"), strict=True)) for ln in lines[1:]]
    assert [r["sample"] for r in rows] == ["P002-T1", "P001-P1", "P001-T2", "P001-P2"]
    t2 = next(r for r in rows if r["sample"] == "P001-T2")
    assert t2["compound"] == "G1202R+L1196M:cis" and t2["off_target"] == "MET amplification"
    assert t2["lorlatinib"] == "resistant"


def test_multiqc_custom_content(cohort):
    _, _, mqc = render_cohort(cohort)
    assert set(mqc) == {"alkannot_mqc.tsv", "alkannot_mechanisms_mqc.tsv"}
    for name, text in mqc.items():
        header = [ln[2:] for ln in text.splitlines() if ln.startswith("# ")]
        meta = yaml.safe_load("\n".join(header))  # MultiQC parses the '# ' lines as YAML
        assert meta["id"].startswith("alkannot")
        assert meta["plot_type"] == ("table" if name == "alkannot_mqc.tsv" else "bargraph")
        body = [ln for ln in text.splitlines() if not ln.startswith("#")]
        widths = {len(ln.split("\t")) for ln in body}
        assert len(widths) == 1  # rectangular table
    table = [ln for ln in mqc["alkannot_mqc.tsv"].splitlines() if not ln.startswith("#")]
    assert table[0].startswith("Sample\t") and len(table) == 5


def test_cohort_html(cohort):
    page, _, _ = render_cohort(cohort)
    assert "ceritinib (n=1)" in page and "lorlatinib (n=2)" in page
    assert "2/2 (100%)" in page and "conflicting" in page
    assert page == render_cohort(cohort)[0]


def test_empty_cohort():
    page, tsv, mqc = render_cohort([])
    assert "No samples" in page and tsv.count("\n") == 1 and list(mqc) == ["alkannot_mqc.tsv"]
