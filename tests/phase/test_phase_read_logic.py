"""The pure pieces of read phasing: one read at one site, mates -> fragment, counts -> call."""

from __future__ import annotations

import pytest

from alkannot.errors import InputError
from alkannot.phase.config import DEFAULTS, phase_config
from alkannot.phase.reads import SiteAllele, call_from_counts, combine_mates, judge_site, read_layout

M, I, D, S = 0, 1, 2, 4  # noqa: E741 (CIGAR op letters)
# Reference (0-based 100..111): A C G T A C G T A C G T ; reads start at 100 unless noted.
#  id, site (1-based VCF), cigar, read sequence, start, expected allele, reason
SITE_CASES = [
    ("snv_alt", ("chr2", 103, "G", "T"), [(M, 8)], "ACTTACGT", 100, "alt", "alt"),
    ("snv_ref", ("chr2", 103, "G", "T"), [(M, 8)], "ACGTACGT", 100, "ref", "ref"),
    ("snv_third_allele", ("chr2", 103, "G", "T"), [(M, 8)], "ACCTACGT", 100, None, "other"),
    ("snv_deleted", ("chr2", 103, "G", "T"), [(M, 2), (D, 1), (M, 5)], "ACTACGT", 100, None, "other"),
    ("snv_soft_clipped", ("chr2", 103, "G", "T"), [(S, 3), (M, 5)], "ACTTACGT", 103, None, "not_covered"),
    ("snv_lowq", ("chr2", 103, "G", "T"), [(M, 8)], "ACTTACGT", 100, None, "low_baseq"),
    ("mnv_alt", ("chr2", 103, "GT", "CA"), [(M, 8)], "ACCAACGT", 100, "alt", "alt"),
    ("mnv_half", ("chr2", 103, "GT", "CA"), [(M, 8)], "ACCTACGT", 100, None, "other"),
    ("mnv_read_ends_inside", ("chr2", 103, "GT", "CA"), [(M, 3)], "ACC", 100, None, "not_covered"),
    ("del_alt", ("chr2", 103, "GTA", "G"), [(M, 3), (D, 2), (M, 3)], "ACGCGT", 100, "alt", "alt"),
    ("del_ref", ("chr2", 103, "GTA", "G"), [(M, 8)], "ACGTACGT", 100, "ref", "ref"),
    ("del_other_length", ("chr2", 103, "GTA", "G"), [(M, 3), (D, 1), (M, 4)], "ACGACGT", 100, None, "other"),
    ("del_read_ends_in_allele", ("chr2", 103, "GTA", "G"), [(M, 4)], "ACGT", 100, None, "not_covered"),
    ("del_clipped_after_anchor", ("chr2", 103, "GTA", "G"), [(M, 3), (S, 3)], "ACGCGT", 100, None,
     "not_covered"),
    ("ins_alt", ("chr2", 103, "G", "GCC"), [(M, 3), (I, 2), (M, 3)], "ACGCCTAC", 100, "alt", "alt"),
    ("ins_ref", ("chr2", 103, "G", "GCC"), [(M, 6)], "ACGTAC", 100, "ref", "ref"),
    ("ins_other_bases", ("chr2", 103, "G", "GCC"), [(M, 3), (I, 2), (M, 3)], "ACGAATAC", 100, None, "other"),
    ("ins_softclip_not_insertion", ("chr2", 103, "G", "GCC"), [(M, 3), (S, 2)], "ACGCC", 100, None,
     "not_covered"),
    ("ins_elsewhere_snv_ok", ("chr2", 105, "A", "T"), [(M, 3), (I, 2), (M, 3)], "ACGCCTTC", 100, "alt", "alt"),
]


@pytest.mark.parametrize("case", SITE_CASES, ids=[c[0] for c in SITE_CASES])
def test_judge_site(case):
    _, site, cigar, seq, start, allele, reason = case
    quals = [35] * len(seq)
    if case[0] == "snv_lowq":
        quals[2] = 10
    layout = read_layout(cigar, start)
    assert judge_site(SiteAllele(*site), *layout, seq, quals, 20) == (allele, reason)


@pytest.mark.parametrize("obs, expected", [
    (["alt"], ("alt", False)),
    (["alt", "alt"], ("alt", False)),  # overlapping mates agree: one observation
    (["alt", None], ("alt", False)),  # one mate does not cover the site
    (["alt", "ref"], (None, True)),  # mates disagree: unknown
    ([None, None], (None, False)),
    ([], (None, False)),
])
def test_combine_mates(obs, expected):
    assert combine_mates(obs) == expected


#  alt_alt, alt_ref, ref_alt, phase, mixed
CALL_CASES = [
    (20, 0, 0, "cis", False),
    (10, 10, 0, "cis", True),  # mixed clones: both on one molecule somewhere -> cis
    (3, 12, 12, "cis", True),  # 3/27 = 11% >= 10%, >= 3 fragments
    (0, 12, 12, "trans", False),
    (1, 12, 12, "trans", False),  # 1/25 = 4% <= 5%: the odd chimera tolerated
    (2, 12, 12, "unresolved", False),  # 2/26 = 7.7%: between the thresholds
    (2, 1, 0, "unresolved", False),  # too few fragments
    (0, 10, 0, "unresolved", False),  # B never seen on spanning fragments
    (0, 10, 2, "unresolved", False),
]


@pytest.mark.parametrize("aa, ar, ra, phase, mixed", CALL_CASES)
def test_call_from_counts(aa, ar, ra, phase, mixed):
    counts = {"alt_alt": aa, "alt_ref": ar, "ref_alt": ra, "ref_ref": 50}
    out = call_from_counts(counts, phase_config(), "G1202R", "L1196M")
    assert (out["phase"], out["mixed"]) == (phase, mixed), out["explanation"]
    assert (out["confidence"] is None) == (phase == "unresolved")
    assert out["explanation"]


def test_confidence_grows_with_evidence():
    cfg = phase_config()
    small = call_from_counts({"alt_alt": 0, "alt_ref": 5, "ref_alt": 5, "ref_ref": 0}, cfg)
    large = call_from_counts({"alt_alt": 0, "alt_ref": 50, "ref_alt": 50, "ref_ref": 0}, cfg)
    assert small["confidence"] < large["confidence"]
    assert large["confidence_label"] == "high"


def test_deep_counts_do_not_overflow():
    cfg = phase_config()
    out = call_from_counts({"alt_alt": 2500, "alt_ref": 2500, "ref_alt": 0, "ref_ref": 0}, cfg)
    assert out["phase"] == "cis" and out["confidence"] == 1.0


@pytest.mark.parametrize("bad", [{"min_mapp": 20}, {"min_mapq": "20"}, {"cis_min_fraction": -1}])
def test_config_rejects_bad_settings(bad):
    with pytest.raises(InputError):
        phase_config(bad)


def test_config_defaults_documented():
    assert phase_config() == DEFAULTS
    assert phase_config({"min_mapq": 30})["min_mapq"] == 30
