"""Compound rules from the review's text and Table 1, including the phase behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers.alk import evaluate_named

CASES = yaml.safe_load((Path(__file__).parent / "compound_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_compound_case(case, kb):
    compounds = [{**c, "evidence": {}} for c in case["compounds"]]
    alk = case.get("alk") or sorted({m for c in compounds for m in c["mutations"]})
    drugs = evaluate_named(alk, compounds, [], kb)["drugs"]
    assert set(drugs) == {"crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib", "lorlatinib"}
    for drug, verdict in case["expect"].items():
        assert drugs[drug]["verdict"] == verdict, (drug, drugs[drug]["reasons"], drugs[drug]["notes"])
    for drug, text in case.get("note", {}).items():
        assert any(text in n for n in drugs[drug]["notes"]), drugs[drug]["notes"]
    for drug, text in case.get("reason", {}).items():
        assert any(text in r for r in drugs[drug]["reasons"]), drugs[drug]["reasons"]


def test_compound_overrides_member_singles(kb):
    comp = [{"mutations": ["C1156Y", "L1198F"], "phase": "cis", "method": "reads", "evidence": {}}]
    res = evaluate_named(["C1156Y", "L1198F"], comp, [], kb)["drugs"]["crizotinib"]
    ids = {e["statement_id"] for e in res["evidence"]}
    assert "TX.crizotinib.cmp.C1156Y+L1198F" in ids
    assert "T1.crizotinib.res.C1156Y" not in ids
    assert any("superseded by a compound rule" in n for n in res["notes"])


def test_worst_verdict_wins_and_every_contributor_is_listed(kb):
    res = evaluate_named(
        ["G1202R", "L1196M"],
        [{"mutations": ["G1202R", "L1196M"], "phase": "trans", "method": "reads", "evidence": {}}],
        [],
        kb,
    )["drugs"]["brigatinib"]
    assert res["verdict"] == "resistant"
    assert any(r.startswith("G1202R: resistant") for r in res["reasons"])
    assert any(r.startswith("L1196M: sensitive") for r in res["reasons"])
