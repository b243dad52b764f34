"""Specimen filters, clonal haematopoiesis, tumour fraction and the binomial limit of detection."""

from __future__ import annotations

import csv
import math

import pytest

from alkannot.errors import InputError
from alkannot.interpret import ctdna

from ._helpers import CASES, load_cases, variant

CH_CASES = load_cases("ch_status.yaml")
SF_CASES = load_cases("specimen_filters.yaml")
TF_CASES = load_cases("tumor_fraction.yaml")
LOD_CASES = list(csv.DictReader((ln for ln in (CASES / "lod.tsv").read_text().splitlines()
                                 if not ln.startswith("#")), delimiter="\t"))


@pytest.mark.parametrize("case", CH_CASES, ids=[c["id"] for c in CH_CASES])
def test_ch_status(case):
    v = variant(gene=case["gene"], normal_alt_reads=case["normal_alt_reads"], normal_depth=case["normal_depth"],
                vaf=case.get("vaf", 0.1))
    assert ctdna.ch_status(v, case["specimen"], ctdna.load_ch_genes()) == case["expect"]


def test_tumour_in_normal_contamination_is_explained():
    v = variant(gene="TP53", vaf=0.63, normal_alt_reads=4, normal_depth=2148)
    status, why = ctdna.ch_assessment(v, "tissue")
    assert status is None and "tumour-in-normal contamination" in why and "4/2148" in why


def test_ch_status_accepts_a_plain_gene_list():
    v = variant(gene="KRAS")
    assert ctdna.ch_status(v, "plasma", ["KRAS"]) == "possible_CH"
    assert ctdna.ch_status(v, "plasma", None) is None


def test_annotate_ch_keeps_every_variant():
    vs = [variant(gene="DNMT3A"), variant(gene="ALK")]
    out = ctdna.annotate_ch(vs, "plasma")
    assert [v.ch_status for v in out] == ["possible_CH", None]
    # the records are labelled in place (no copies of 100,000 records) and all come back, in order
    assert out == vs and [v.ch_assessed for v in out] == [True, True]
    assert [list(v.to_dict())[-2:] for v in out] == [["ch_status", "ch_evidence"]] * 2


@pytest.mark.parametrize("case", SF_CASES, ids=[c["id"] for c in SF_CASES])
def test_specimen_filters(case):
    v = variant(gene="ALK", vaf=case["vaf"], alt_reads=case["alt_reads"], depth=case["depth"])
    out = ctdna.specimen_filters([v], case["specimen"])
    assert len(out) == 1
    if case["expect"] == "pass":
        assert out[0].specimen_filter == "pass"
    else:
        assert case["expect"] in out[0].specimen_filter


def test_specimen_filter_config_override_and_nothing_dropped():
    vs = [variant(gene="ALK", vaf=0.004, alt_reads=10, depth=2500), variant(gene="ALK", vaf=0.0001, alt_reads=1)]
    out = ctdna.specimen_filters(vs, "plasma", {"filters": {"plasma": {"min_vaf": 0.005}}})
    assert len(out) == 2
    assert "min_vaf 0.005" in out[0].specimen_filter
    assert out[0].specimen_class == "plasma"


@pytest.mark.parametrize("case", TF_CASES, ids=[c["id"] for c in TF_CASES])
def test_tumor_fraction(case):
    vs = [variant(**v) for v in case["variants"]]
    tf = ctdna.tumor_fraction(vs, case["given"], case["specimen"])
    for key, want in case["expect"].items():
        if isinstance(want, float):
            assert tf[key] == pytest.approx(want), tf
        else:
            assert tf[key] == want, tf
    assert tf["note"]


def test_tumor_fraction_rejects_percent():
    with pytest.raises(InputError):
        ctdna.tumor_fraction([], 12)


def test_vaf_relative_to_tf_and_subclonal():
    vs = [variant(gene="ALK", protein_short="G1202R", vaf=0.01), variant(gene="KRAS", vaf=0.1), variant(vaf=None)]
    out = ctdna.apply_tumor_fraction(vs, {"value": 0.2})
    assert [v.vaf_relative_to_tf for v in out[:2]] == [pytest.approx(0.05), pytest.approx(0.5)]
    assert [v.subclonal for v in out] == [True, False, None]
    none = ctdna.apply_tumor_fraction(vs, {"value": None})
    assert all(v.vaf_relative_to_tf is None and v.subclonal is None for v in none)


def _p_at_least_exact(k: int, n: int, f: float) -> float:
    """Exact binomial tail with integer coefficients (independent of the module's log-space sum)."""
    return 1 - sum(math.comb(n, i) * f**i * (1 - f) ** (n - i) for i in range(k))


@pytest.mark.parametrize("case", LOD_CASES, ids=[f"{c['depth']}x_k{c['min_alt_reads']}" for c in LOD_CASES])
def test_binomial_lod(case):
    n, k, c = int(case["depth"]), int(case["min_alt_reads"]), float(case["confidence"])
    lod = ctdna.binomial_lod(n, k, c)
    if case["expected"] == "none":
        assert lod is None
        return
    assert lod == pytest.approx(float(case["expected"]), rel=float(case["rel_tol"]))
    # the defining property: at the LoD the tail reaches the confidence, just below it does not
    assert _p_at_least_exact(k, n, lod) == pytest.approx(c, abs=1e-6)
    assert _p_at_least_exact(k, n, lod * 0.99) < c
    if case["text"]:
        assert ctdna.fmt_pct(lod) == case["text"]


def test_lod_sentence_example():
    assert ctdna.hotspot_text("G1202R", "not_detected", 2400, ctdna.binomial_lod(2400), None) == \
        "G1202R not detected at 2,400× (LoD ≈ 0.26%)"
    assert ctdna.hotspot_text("G1202R", "not_covered", 0, None, None) == "G1202R not assessable: not covered (0×)"
    assert ctdna.hotspot_text("G1202R", "detected", None, None, 0.012) == "G1202R detected at VAF 1.2%"
