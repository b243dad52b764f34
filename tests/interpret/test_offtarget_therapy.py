"""Off-target annotation, the unknown default and the therapy context."""

from __future__ import annotations

import pytest
from helpers.alk import evaluate_named

from alkannot.errors import InputError
from alkannot.interpret.verdicts import co_alteration_keys

DRUGS = ["crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib", "lorlatinib"]
MET_AMP = {"gene": "MET", "alteration": "amplification", "category": "copy_number", "detail": "CN 12"}
# What alkannot.interpret.ctdna.alk_exclusion answers when the hotspots were deep enough (docs/verdicts.md V6).
EXCLUDED = {"excluded": True, "text": "ALK resistance mutation excluded at the 15 hotspots", "reasons": []}


def _verdicts(result):
    return {d: r["verdict"] for d, r in result["drugs"].items()}


@pytest.mark.parametrize(
    "co, kind, name",
    [
        (MET_AMP, "off_target", "MET:amplification"),
        ({"gene": "NRAS", "alteration": "G12D", "category": "mutation"}, "off_target", "NRAS:G12D"),
        ({"gene": "MAP2K1", "alteration": "K57N", "category": "mutation"}, "off_target", "MAP2K1:K57N"),
        (
            {"gene": "KIT", "alteration": "amplification", "category": "copy_number"},
            "off_target",
            "KIT:amplification",
        ),
        ({"gene": "NF2", "alteration": "deletion", "category": "copy_number"}, "off_target", "NF2:loss"),
        ({"gene": "NRG1", "alteration": "CD74-NRG1", "category": "fusion"}, "off_target", "NRG1:fusion"),
        (
            {"gene": "histology", "alteration": "SCLC", "category": "histology"},
            "histologic",
            "histology:SCLC",
        ),
        ({"gene": "TP53", "alteration": "R273H", "category": "mutation"}, "other", "TP53:mutation"),
        ({"gene": "EML4-ALK", "alteration": "v3a", "category": "fusion"}, "other", "EML4-ALK:v3"),
        (
            {"gene": "ALK", "alteration": "amplification", "category": "copy_number"},
            "on_target",
            "ALK:amplification",
        ),
    ],
)
def test_co_alteration_mechanism(kb, co, kind, name):
    res = evaluate_named(["G1202R"], [], [co], kb)
    assert any(
        m["type"] == kind and m["name"].startswith(name) and m["evidence"] for m in res["mechanisms"]
    ), res["mechanisms"]
    # Off-target findings never change verdicts.
    assert _verdicts(res) == _verdicts(evaluate_named(["G1202R"], [], [], kb))


def test_off_target_note_on_every_drug(kb):
    res = evaluate_named(["G1202R"], [], [MET_AMP], kb)
    for d in DRUGS:
        assert any(
            n.startswith("ALK-independent resistance suspected: MET:amplification")
            for n in res["drugs"][d]["notes"]
        )


def test_tp53_rb1_flags_small_cell_risk(kb):
    co = [
        {"gene": "TP53", "alteration": "R175H", "category": "mutation"},
        {"gene": "RB1", "alteration": "homozygous_deletion", "category": "copy_number"},
    ]
    res = evaluate_named([], [], co, kb)
    assert any(
        m["type"] == "histologic" and m["name"].startswith("TP53:mutation + RB1:loss")
        for m in res["mechanisms"]
    )


def test_unmatched_co_alteration_is_reported_not_dropped(kb):
    res = evaluate_named([], [], [{"gene": "ROS1", "alteration": "G2032R", "category": "mutation"}], kb)
    assert any(m["name"] == "ROS1:G2032R (not in the knowledge base)" for m in res["mechanisms"])


def test_class_keys(kb):
    keys = co_alteration_keys({"gene": "RB1", "alteration": "deletion", "category": "copy_number"}, kb)
    assert keys == ["RB1:deletion", "RB1:loss"]


@pytest.mark.parametrize("alk", [[], ["A1234T"]])
def test_no_evidence_is_unknown(kb, alk):
    res = evaluate_named(alk, [], [], kb)
    assert _verdicts(res) == dict.fromkeys(DRUGS, "unknown")
    assert res["kb_version"] == kb.version
    assert res["therapy_context"]["options"] == []


def test_weak_evidence_only_stays_unknown(kb):
    res = evaluate_named(["G1202del"], [], [], kb)["drugs"]["crizotinib"]
    assert res["verdict"] == "unknown"
    assert any("partial sensitivity" in n for n in res["notes"])


def test_no_alk_mutation_after_second_generation_flag(kb):
    ctx = evaluate_named([], [], [], kb, {"current_tki": "Alectinib", "prior_tkis": ["crizotinib"]}, EXCLUDED)[
        "therapy_context"
    ]
    assert [f["message"] for f in ctx["flags"]] == [
        "no ALK mutation after a second-generation TKI → ALK-independent resistance likely"
    ]
    assert ctx["flags"][0]["evidence"][0]["statement_id"] == "TX.ALK.none.post_2g3g"
    assert ctx["research_use_only"] is True


@pytest.mark.parametrize(
    "therapy, flag",
    [
        ({"current_tki": "crizotinib", "prior_tkis": []}, "no_alk_mutation_after_crizotinib"),
        ({"current_tki": None, "prior_tkis": ["crizotinib", "brigatinib"]}, "no_alk_mutation_after_2g"),
        ({"current_tki": "lorlatinib", "prior_tkis": ["alectinib"]}, "no_alk_mutation_after_lorlatinib"),
    ],
)
def test_flag_follows_the_last_tki(kb, therapy, flag):
    ctx = evaluate_named([], [], [], kb, therapy, EXCLUDED)["therapy_context"]
    assert [f["id"] for f in ctx["flags"]] == [flag]
    # V6: without an exclusion (no depth / tumour fraction assessed) the conclusion is withheld, and says why
    ctx = evaluate_named([], [], [], kb, therapy)["therapy_context"]
    assert [(f["id"], f["withheld"]) for f in ctx["flags"]] == [("alk_mutation_not_excluded", flag)]


def test_no_flag_when_alk_mutation_found(kb):
    ctx = evaluate_named(["G1202R"], [], [], kb, {"current_tki": "alectinib", "prior_tkis": []}, EXCLUDED)["therapy_context"]
    # only the review's reading of an ALK mutation after a second-generation TKI (ALK dependency)
    assert [f["id"] for f in ctx["flags"]] == ["alk_mutation_after_2g"]


def test_expected_mutations_and_options(kb):
    # in trans (two clones): each is lorlatinib-covered; unphased, the untested cis combination would make
    # lorlatinib "uncertain" (docs/verdicts.md V2/V3) and no option would be listed
    trans = [{"mutations": ["G1202R", "C1156Y"], "phase": "trans", "method": "reads"}]
    ctx = evaluate_named(
        ["G1202R", "C1156Y"], trans, [], kb, {"current_tki": "alectinib", "prior_tkis": ["crizotinib"]}
    )["therapy_context"]
    assert [e["mutation"] for e in ctx["expected_on_current"]] == ["G1202R"]
    assert ctx["not_expected_on_current"] == ["C1156Y"]
    assert ctx["emerged_on_prior"] == {"G1202R": ["crizotinib"], "C1156Y": ["crizotinib"]}
    assert [o["drug"] for o in ctx["options"]] == ["lorlatinib"]
    assert ctx["options"][0]["evidence"]


def test_unknown_tki_is_an_input_error(kb):
    with pytest.raises(InputError, match="osimertinib"):
        evaluate_named([], [], [], kb, {"current_tki": "osimertinib"})


def test_bad_phase_is_an_input_error(kb):
    with pytest.raises(InputError, match="phase"):
        evaluate_named(
            ["G1202R"], [{"mutations": ["G1202R", "L1196M"], "phase": "maybe", "method": "reads"}], [], kb
        )
