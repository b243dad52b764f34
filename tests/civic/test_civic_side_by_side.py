"""CIViC beside the review: per-drug blocks, disagreement rendering, the level A/B option, evidence tiers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from helpers.alk import alk, evaluate_named

from alkannot.interpret import civic as C
from alkannot.report.html import render_sample_html

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled(kb):
    return C.load_civic(C.bundled_civic_path(), kb)


def _side_by_side(kb, civic, muts, compounds=(), co=(), may_change=False):
    res = evaluate_named(list(muts), list(compounds), list(co), kb)
    C.compare(res["drugs"], civic, C.findings_of(alk(muts), list(compounds), list(co), [], kb),
              may_change=may_change, therapy_context=res["therapy_context"])
    return res


def _statement(eid, alts, drug, effect, level, disease="Lung Non-small Cell Carcinoma", match="exact"):
    return {"id": f"CIVIC.EID{eid}.{drug}", "eid": eid, "alterations": alts, "match": match, "drug": drug,
            "other_drugs": [], "interaction": "", "effect": effect, "direction": "Supports",
            "significance": "Resistance" if effect == "resistant" else "Sensitivity/Response", "level": level,
            "rating": 4, "disease": disease, "doid": "", "pmid": "1", "citation_id": "1", "source_type": "PubMed",
            "citation": "X et al.", "variant_origin": "Somatic", "civic_gene": "ALK", "civic_variant": "X",
            "url": ""}


def _evidence(statements):
    return C.CivicEvidence("synthetic", {"release_date": "2030-01-01", "file": "x.tsv", "sha256": "0" * 64},
                           {}, statements)


def test_g1202r_sample_end_to_end(tmp_path):
    """The demo G1202R + L1196M sample: CIViC items with EIDs for ceritinib/alectinib, fusion-level for lorlatinib."""
    from alkannot.pipeline import SampleSpec, run_sample

    spec = SampleSpec(id="P001_T2", vcf=str(REPO / "test-data/P001_T2.vcf"), tumor_sample="P001_T2_tumor",
                      current_tki="alectinib", prior_tkis=["crizotinib"])
    paths = run_sample(spec, tmp_path)
    data = json.loads(paths["json"].read_text())
    assert data["kb_version"].endswith("+civic-2021-08-01") and data["kb"]["civic"]["release_date"] == "2021-08-01"
    eids = {d: [it["eid"] for it in v["civic"]["items"]] for d, v in data["drugs"].items()}
    assert 1345 in eids["ceritinib"] and 1350 in eids["alectinib"] and 441 in eids["crizotinib"]
    # CIViC (2021) has no lorlatinib item for G1202R itself; its ALK-fusion items (the indication) are shown apart
    assert eids["lorlatinib"] == [] and 7286 in data["drugs"]["lorlatinib"]["civic"]["fusion_level"]["eids"]
    assert all(v["verdict"] == "resistant" for v in data["drugs"].values())  # the review's verdicts stand
    tiers = {t["finding"]: t for t in data["evidence_tiers"]}
    assert tiers["G1202R"]["tier"] == "II" and tiers["G1202R"]["rule"] == "review-strong"
    html = paths["html"].read_text()
    for eid in ("EID1345", "EID1350", "EID7286", "EID441"):
        assert eid in html
    assert "Evidence tiers (AMP/ASCO/CAP 2017)" in html and "Tier II (level C)" in html


def test_disagreement_is_rendered(kb, bundled):
    """G1269A: the review has alectinib active; CIViC EID1354 (level D, pan-cancer model) says resistant."""
    res = _side_by_side(kb, bundled, ["G1269A"])
    block = res["drugs"]["alectinib"]["civic"]
    assert res["drugs"]["alectinib"]["verdict"] == "sensitive"
    assert block["agreement"] == "disagrees" and [it["eid"] for it in block["items"]] == [1354]
    assert "different disease: Cancer" in block["explanation"] and "preclinical" in block["explanation"]
    fixture = json.loads((REPO / "tests/report/fixtures/tissue_P001_T2.json").read_text())
    fixture["drugs"] = res["drugs"]
    html = render_sample_html(fixture)
    assert "CIViC ≠ disagrees" in html and "not NSCLC" in html and "EID1354" in html


def test_other_disease_agreement_names_the_disease(kb, bundled):
    res = _side_by_side(kb, bundled, ["F1174L"])
    block = res["drugs"]["lorlatinib"]["civic"]
    assert block["agreement"] == "agrees" and "Neuroblastoma" in block["explanation"]


def test_level_ab_changes_verdict_only_when_allowed(kb):
    base = _side_by_side(kb, _evidence([]), ["I1171N"])
    assert base["drugs"]["lorlatinib"]["verdict"] == "sensitive"
    ev = _evidence([_statement(9001, ["I1171N"], "lorlatinib", "resistant", "B")])
    off = _side_by_side(kb, ev, ["I1171N"])
    assert off["drugs"]["lorlatinib"]["verdict"] == "sensitive"
    assert off["drugs"]["lorlatinib"]["civic"]["agreement"] == "disagrees"
    assert off["drugs"]["lorlatinib"]["civic"]["verdict_changed"] is None
    on = _side_by_side(kb, ev, ["I1171N"], may_change=True)
    assert on["drugs"]["lorlatinib"]["verdict"] == "conflicting"
    assert on["drugs"]["lorlatinib"]["civic"]["verdict_changed"] == {"from": "sensitive", "to": "conflicting",
                                                                    "eids": [9001]}
    assert "lorlatinib" not in [o["drug"] for o in on["therapy_context"]["options"]]
    # level D, or level B outside NSCLC, never changes a verdict
    for st in (_statement(9002, ["I1171N"], "lorlatinib", "resistant", "D"),
               _statement(9003, ["I1171N"], "lorlatinib", "resistant", "B", disease="Neuroblastoma")):
        r = _side_by_side(kb, _evidence([st]), ["I1171N"], may_change=True)
        assert r["drugs"]["lorlatinib"]["verdict"] == "sensitive"


def test_civic_never_makes_a_drug_sensitive(kb):
    ev = _evidence([_statement(9004, ["V1180L"], "crizotinib", "sensitive", "A")])
    assert _side_by_side(kb, _evidence([]), ["V1180L"])["drugs"]["crizotinib"]["verdict"] == "unknown"
    r = _side_by_side(kb, ev, ["V1180L"], may_change=True)
    assert r["drugs"]["crizotinib"]["verdict"] == "unknown"
    assert r["drugs"]["crizotinib"]["civic"]["agreement"] == "civic_only"


def test_compound_items_need_both_mutations_not_in_trans(kb, bundled):
    cis = [{"mutations": ["C1156Y", "L1198F"], "phase": "cis", "method": "reads"}]
    res = _side_by_side(kb, bundled, ["C1156Y", "L1198F"], compounds=cis)
    assert 843 in [it["eid"] for it in res["drugs"]["lorlatinib"]["civic"]["items"]]
    trans = [{**cis[0], "phase": "trans"}]
    res = _side_by_side(kb, bundled, ["C1156Y", "L1198F"], compounds=trans)
    assert 843 not in [it["eid"] for it in res["drugs"]["lorlatinib"]["civic"]["items"]]
    assert _side_by_side(kb, bundled, ["C1156Y"])["drugs"]["lorlatinib"]["civic"]["items"][0]["eid"] == 842


@pytest.mark.parametrize("level, disease, tier, lv", [
    ("A", "Lung Non-small Cell Carcinoma", "I", "A"),
    ("B", "Lung Adenocarcinoma", "I", "B"),
    ("A", "Neuroblastoma", "II", "C"),
    ("C", "Lung Non-small Cell Carcinoma", "II", "C"),
    ("D", "Neuroblastoma", "II", "D"),
])
def test_tiers_from_civic_levels(kb, level, disease, tier, lv):
    """A residue the review does not cover (R1275Q) is graded by CIViC alone."""
    ev = _evidence([_statement(9100, ["R1275Q"], "crizotinib", "sensitive", level, disease=disease)])
    [t] = C.tiers(C.findings_of(alk(["R1275Q"]), [], [], [], kb), kb, ev)
    assert (t["tier"], t["level"]) == (tier, lv)


def test_tier_iii_without_evidence(kb):
    [t] = C.tiers(C.findings_of(alk(["R1275Q"]), [], [], [], kb), kb, _evidence([]))
    assert (t["tier"], t["level"], t["rule"]) == ("III", None, "no-evidence")


def test_no_civic_option(tmp_path):
    from alkannot.pipeline import SampleSpec, build_sample_result

    spec = SampleSpec(id="s", vcf=str(REPO / "test-data/P001_T1.vcf"), tumor_sample="P001_T1_tumor", civic=False)
    data = build_sample_result(copy.deepcopy(spec))
    assert "+civic" not in data["kb_version"] and "civic" not in data["kb"]
    assert all("civic" not in v for v in data["drugs"].values()) and "evidence_tiers" in data


def test_kb_extra_takes_a_civic_export(tmp_path, shared_export):
    """A CIViC TSV listed in kb_extra (config) is imported on the fly and replaces the bundled civic.yaml."""
    from alkannot.pipeline import SampleSpec, build_sample_result

    spec = SampleSpec(id="s", vcf=str(REPO / "test-data/P001_T2.vcf"), tumor_sample="P001_T2_tumor",
                      kb_extra=[str(shared_export)])
    data = build_sample_result(spec)
    assert data["kb"]["civic"]["path"] == str(shared_export) and data["kb"]["extensions"] == []
    assert 1345 in [it["eid"] for it in data["drugs"]["ceritinib"]["civic"]["items"]]
