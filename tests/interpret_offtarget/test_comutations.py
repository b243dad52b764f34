"""classify_co_mutations and transformation_flags against the case tables in cases/."""

from __future__ import annotations

import pytest

from alkannot.interpret.comutations import classify_co_mutations, transformation_flags

from ._helpers import load_cases, variant

CO_CASES = load_cases("comutations.yaml")
TR_CASES = load_cases("transformation.yaml")


@pytest.mark.parametrize("case", CO_CASES, ids=[c["id"] for c in CO_CASES])
def test_co_mutation_case(case):
    v = variant(**case["variant"])
    out = classify_co_mutations([v])
    if case["expect"] is None:
        assert out == []
        return
    assert len(out) == 1
    entry = out[0]
    for key, want in case["expect"].items():
        assert entry[key] == want, (key, entry)
    assert entry["gene"] == v.gene and entry["category"] == "mutation"
    assert entry["variant_ref"] == f"{v.chrom}:{v.pos}:{v.ref}>{v.alt}"
    assert entry["vaf"] == v.vaf
    # every statement carries a source (and the review's are numbered references)
    assert entry["evidence"] and all(e["source"] and e["statement"] for e in entry["evidence"])
    assert all(e["refs"] for e in entry["evidence"] if e["source"] == "tabbo2020")


def test_order_and_multiple_variants_kept():
    vs = [variant(gene="KRAS", protein_short="G12C", protein_position=12, pos=1),
          variant(gene="DNMT3A", protein_short="R882H", protein_position=882, pos=2),
          variant(gene="TP53", protein_short="R248W", protein_position=248, pos=3)]
    assert [e["gene"] for e in classify_co_mutations(vs)] == ["KRAS", "TP53"]


def test_config_can_count_filtered_calls():
    v = variant(gene="KRAS", protein_short="G12D", protein_position=12, filter="weak_evidence")
    assert classify_co_mutations([v]) == []
    out = classify_co_mutations([v], {"pass_filters": ["PASS", "weak_evidence"]})
    assert out and out[0]["rule"] == "kras_hotspot"


@pytest.mark.parametrize("case", TR_CASES, ids=[c["id"] for c in TR_CASES])
def test_transformation_case(case):
    flags = transformation_flags(case["co"], case["cn"])
    assert [f["flag"] for f in flags] == case["expect"]
    for f in flags:
        assert {b["gene"] for b in f["basis"]} == {"TP53", "RB1"}
        assert any(e["refs"] for e in f["evidence"])


def test_end_to_end_tp53_rb1_mutations_flag():
    vs = [variant(gene="TP53", protein_short="R273H", protein_position=273, pos=10),
          variant(gene="RB1", protein_short="Q395*", consequence="stop_gained", pos=20)]
    flags = transformation_flags(classify_co_mutations(vs))
    assert [f["flag"] for f in flags] == ["SCLC_transformation_risk"]
    assert {b["variant_ref"] for b in flags[0]["basis"]} == {"chr2:10:C>T", "chr2:20:C>T"}
