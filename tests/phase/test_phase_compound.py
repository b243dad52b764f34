"""decide_compounds: method order (reads -> VCF -> VAF), protein ordering, sets of three, determinism."""

from __future__ import annotations

import json

import pytest
from helpers.alk import residue
from helpers.simulate import simulate_case

from alkannot.errors import InputError
from alkannot.model import VariantCall
from alkannot.phase import decide_compounds
from alkannot.phase.compound import decide_set


def mutation(short: str, site, **kw) -> dict:
    return {"protein_short": short, "residue": residue(short),
            "call": VariantCall(chrom=site.chrom, pos=site.pos, ref=site.ref, alt=site.alt, **kw)}


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("compound_sim")


def pair_of(case, a_kw=None, b_kw=None) -> list[dict]:
    # G1202R listed first on purpose: the output must put L1196M (residue 1196) first.
    return [mutation("G1202R", case["a"], **(a_kw or {})), mutation(case["b"].label, case["b"], **(b_kw or {}))]


def test_reads_cis_in_protein_order(sim_dir):
    case = simulate_case("cis", sim_dir)
    [res] = decide_compounds(pair_of(case), alignment=case["bam"])
    assert res["mutations"] == ["L1196M", "G1202R"]
    assert (res["phase"], res["method"]) == ("cis", "reads")
    ev = res["evidence"]
    assert ev["alt_alt"] == 20 and ev["ref_ref"] == 20  # counts seen from L1196M's side: A/B swapped
    assert ev["confidence_label"] == "high" and "cis" in ev["explanation"]
    assert ev["conflict"] is False


def test_reads_take_precedence_and_conflict_is_flagged(sim_dir):
    case = simulate_case("trans", sim_dir)
    pgt = {"pgt": "0|1", "pid": "1_C_T", "gt": "0/1"}  # the caller (wrongly) says cis
    [res] = decide_compounds(pair_of(case, pgt, pgt), alignment=case["bam"])
    assert (res["phase"], res["method"]) == ("trans", "reads")
    assert res["evidence"]["conflict"] is True
    assert {"method": "vcf", "phase": "cis"}.items() <= res["evidence"]["other_methods"][0].items()


def test_thin_reads_fall_back_to_vcf(sim_dir):
    case = simulate_case("low_coverage", sim_dir)
    a_kw = {"gt": "0/1", "pgt": "0|1", "pid": "29220747_C_T"}
    b_kw = {"gt": "0/1", "pgt": "1|0", "pid": "29220747_C_T"}
    [res] = decide_compounds(pair_of(case, a_kw, b_kw), alignment=case["bam"])
    assert (res["phase"], res["method"]) == ("trans", "vcf")
    assert res["evidence"]["basis"] == "PGT+PID"
    assert [m["method"] for m in res["evidence"]["other_methods"]] == ["reads"]


def test_then_vaf_pigeonhole(sim_dir):
    case = simulate_case("low_coverage", sim_dir)
    kw = {"alt_reads": 700, "depth": 1000}
    [res] = decide_compounds(pair_of(case, kw, kw), alignment=case["bam"])
    assert (res["phase"], res["method"]) == ("cis", "vaf")
    assert "pigeonhole" in res["evidence"]["explanation"]


def test_unresolved_names_everything_tried(sim_dir):
    case = simulate_case("low_coverage", sim_dir)
    kw = {"alt_reads": 100, "depth": 1000}
    [res] = decide_compounds(pair_of(case, kw, kw), alignment=case["bam"])
    assert (res["phase"], res["method"]) == ("unresolved", "reads")
    text = res["evidence"]["explanation"]
    assert "too little read evidence" in text and "vcf:" in text and "vaf:" in text


def test_no_evidence_at_all(sim_dir):
    case = simulate_case("cis", sim_dir)
    [res] = decide_compounds(pair_of(case))
    assert (res["phase"], res["method"]) == ("unresolved", "none")
    assert "no alignment" in res["evidence"]["explanation"]


def test_tumor_fraction_capacity(sim_dir):
    case = simulate_case("cis", sim_dir)
    kw = {"alt_reads": 250, "depth": 1000}  # 0.25 + 0.25 fits 1.0 but not a 20% tumour (capacity 0.33)
    [plain] = decide_compounds(pair_of(case, kw, kw))
    [with_tf] = decide_compounds(pair_of(case, kw, kw), tumor_fraction=0.2)
    assert plain["phase"] == "unresolved"
    assert (with_tf["phase"], with_tf["method"]) == ("cis", "vaf")


def _three(gts: dict[str, str]) -> list[dict]:
    sites = {"G1202R": 29220747, "L1196M": 29220765, "D1203N": 29220744}

    class S:  # a bare site; the reads method is not used here
        def __init__(self, pos):
            self.chrom, self.pos, self.ref, self.alt = "chr2", pos, "C", "T"

    return [mutation(k, S(sites[k]), gt=gts[k], phased=True, phase_set="5") for k in ("D1203N", "G1202R", "L1196M")]


#  GTs of L1196M, G1202R, D1203N -> set phase
SET_CASES = [
    ({"L1196M": "0|1", "G1202R": "0|1", "D1203N": "0|1"}, "cis"),
    ({"L1196M": "0|1", "G1202R": "0|1", "D1203N": "1|0"}, "trans"),
    ({"L1196M": "0|1", "G1202R": "0|1", "D1203N": "0/1"}, "unresolved"),
]


@pytest.mark.parametrize("gts, phase", SET_CASES)
def test_sets_of_three(gts, phase):
    results = decide_compounds(_three(gts))
    pairs = [["L1196M", "G1202R"], ["L1196M", "D1203N"], ["G1202R", "D1203N"]]
    # a set of three is listed only when all its pairs are cis; otherwise its pairs say it all
    expected = pairs + ([["L1196M", "G1202R", "D1203N"]] if phase == "cis" else [])
    assert [r["mutations"] for r in results] == expected
    by_pair = {tuple(r["mutations"]): r for r in results[:3]}
    ordered = sorted(_three(gts), key=lambda m: ["L1196M", "G1202R", "D1203N"].index(m["protein_short"]))
    trio = decide_set(ordered, by_pair)
    assert trio["phase"] == phase
    assert len(trio["evidence"]["pairs"]) == 3
    assert [p["phase"] for p in trio["evidence"]["pairs"]] == [r["phase"] for r in results[:3]]
    if phase == "trans":
        assert "not all on one allele" in trio["evidence"]["explanation"]


def test_deterministic_and_json_serialisable(sim_dir):
    case = simulate_case("mixed", sim_dir)
    muts = pair_of(case, {"alt_reads": 20, "depth": 30}, {"alt_reads": 10, "depth": 30})
    first = decide_compounds(muts, alignment=case["bam"])
    second = decide_compounds(list(reversed(muts)), alignment=case["bam"])
    assert json.dumps(first, sort_keys=False) == json.dumps(second, sort_keys=False)
    assert first[0]["evidence"]["mixed"] is True


def test_bad_mutation_input():
    with pytest.raises(InputError):
        decide_compounds([{"protein_short": "G1202R"}, {"protein_short": "L1196M", "call": None}])
