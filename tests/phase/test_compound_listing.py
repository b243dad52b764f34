"""Above COMPOUND_LIST_MAX ALK kinase-domain mutations the outputs list only informative compound sets
(phased cis/trans, or matching a KB compound statement) and count the rest in `compound_summary`; at or
below the limit every set is listed and no summary key is written."""

from __future__ import annotations

import json

import pytest
from helpers.alk_vcfs import kd_vcf

from alkannot.interpret.kb import load_kb
from alkannot.pipeline import SampleSpec, run_sample
from alkannot.report.compound_listing import COMPOUND_LIST_MAX, limit_compounds, limit_evidence_tiers
from alkannot.report.outputs import validate_sample_json


def _pair(a, b, phase, method="vaf"):
    return {"mutations": [a, b], "phase": phase, "method": method, "evidence": {}}


def test_only_informative_sets_are_listed_above_the_limit():
    kb = load_kb([])
    comps = [_pair("G1202R", "L1196M", "unresolved"),  # a KB compound statement
             _pair("G1202R", "F1174C", "cis", "reads"), _pair("I1171N", "F1174C", "trans", "reads"),
             _pair("T1151M", "V1180L", "unresolved"), _pair("T1151M", "Q1388P", "unresolved", "none"),
             {"mutations": ["G1202R", "L1196M", "Q1388P"], "phase": "unresolved", "method": "vaf", "evidence": {}}]
    same, summary = limit_compounds(comps, COMPOUND_LIST_MAX, kb)
    assert same is comps and summary is None
    listed, summary = limit_compounds(comps, COMPOUND_LIST_MAX + 1, kb)
    assert listed == [comps[0], comps[1], comps[2], comps[5]]  # the triple contains the KB pair
    assert summary["sets"] == 6 and summary["listed"] == 4 and summary["not_listed"] == 2
    assert summary["not_listed_by_size"] == {"2": 2}
    assert summary["not_listed_by_method"] == {"none": 1, "vaf": 1}
    tiers = [{"finding": "T1151M + V1180L", "kind": "compound", "rule": "no-evidence", "basis": []},
             {"finding": "T1151M + Q1388P", "kind": "compound", "rule": "civic-x", "basis": ["CIViC EID1"]},
             {"finding": "G1202R + F1174C", "kind": "compound", "rule": "no-evidence", "basis": []},
             {"finding": "T1151M", "kind": "alk_mutation", "rule": "no-evidence", "basis": []}]
    kept = limit_evidence_tiers(tiers, listed, summary, kb)
    assert kept == tiers[1:]  # only the evidence-free row of a set not listed goes
    assert summary["evidence_tiers_not_listed"] == 1


@pytest.mark.parametrize("k", [COMPOUND_LIST_MAX, COMPOUND_LIST_MAX + 5])
def test_sample_outputs_at_and_above_the_limit(tmp_path, k):
    vcf = kd_vcf(tmp_path / "kd.vcf", k, seed=5)
    paths = run_sample(SampleSpec(id="KD", vcf=str(vcf), build="GRCh38", tumor_sample="TUMOR"), tmp_path / "out")
    data = json.loads(paths["json"].read_text())
    validate_sample_json(data)
    n_alk = len(data["alk_mutations"])
    html = paths["html"].read_text()
    if n_alk <= COMPOUND_LIST_MAX:
        assert "compound_summary" not in data
        assert len([c for c in data["compound"] if len(c["mutations"]) == 2]) == n_alk * (n_alk - 1) // 2
        assert "compound sets not listed" not in html
        return
    cs = data["compound_summary"]
    assert cs["alk_mutations_phased"] == n_alk and cs["limit"] == COMPOUND_LIST_MAX
    assert cs["listed"] == len(data["compound"]) and cs["listed"] + cs["not_listed"] == cs["sets"]
    assert cs["sets"] >= n_alk * (n_alk - 1) // 2
    assert all(c["phase"] in ("cis", "trans") for c in data["compound"]) or cs["listed"] < cs["sets"]
    listed = {"+".join(c["mutations"]) for c in data["compound"]}
    for v in data["variants"]:  # variant labels name listed sets only
        assert all(label.split(" (")[0] in listed for label in v["compound"])
    assert f"{cs['not_listed']:,} of {cs['sets']:,} compound sets not listed" in html
    assert len(html) < 2_000_000
