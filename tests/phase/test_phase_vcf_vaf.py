"""Phase from VCF fields (GT+PS, Mutect2 PGT/PID, SAGE LPS) and from the VAF pigeonhole argument."""

from __future__ import annotations

import pytest

from alkannot.model import VariantCall
from alkannot.phase.config import phase_config
from alkannot.phase.vaf import allele_capacity, phase_from_vaf, wilson_lower
from alkannot.phase.vcf_phase import alt_haplotypes, phase_from_vcf


def call(pos: int, **kw) -> VariantCall:
    return VariantCall(chrom=kw.pop("chrom", "chr2"), pos=pos, ref="C", alt="T", **kw)


#  id, FORMAT fields of A, of B (space-separated key=value), expected phase (None = VCF silent), basis
VCF_CASES = [
    ("ps_same_hap", "gt=0|1 ps=100", "gt=0|1 ps=100", "cis", "GT+PS"),
    ("ps_opposite", "gt=0|1 ps=100", "gt=1|0 ps=100", "trans", "GT+PS"),
    ("ps_different_sets", "gt=0|1 ps=100", "gt=0|1 ps=200", None, None),
    ("ps_hom_alt_shares", "gt=1|1 ps=7", "gt=0|1 ps=7", "cis", "GT+PS"),
    ("ps_absent_one_set", "gt=0|1", "gt=1|0", "trans", "GT+PS"),  # VCF spec: no PS = one phase set
    ("ps_one_missing", "gt=0|1 ps=100", "gt=0|1", None, None),
    ("unphased_gt", "gt=0/1", "gt=0/1", None, None),
    ("pgt_same", "gt=0/1 pgt=0|1 pid=747_C_T", "gt=0/1 pgt=0|1 pid=747_C_T", "cis", "PGT+PID"),
    ("pgt_opposite", "gt=0/1 pgt=0|1 pid=747_C_T", "gt=0/1 pgt=1|0 pid=747_C_T", "trans", "PGT+PID"),
    ("pid_different", "gt=0/1 pgt=0|1 pid=747_C_T", "gt=0/1 pgt=0|1 pid=9_A_G", None, None),
    ("pid_without_pgt", "gt=0/1 pid=747_C_T", "gt=0/1 pid=747_C_T", None, None),
    ("mutect2_modern", "gt=0|1 pgt=0|1 pid=747_C_T ps=747", "gt=1|0 pgt=1|0 pid=747_C_T ps=747", "trans", "GT+PS"),
    ("sage_lps_same", "gt=0/1 lps=12", "gt=0/1 lps=12", "cis", "LPS"),
    ("sage_lps_list", "gt=0/1 lps=3,12", "gt=0/1 lps=12,40", "cis", "LPS"),
    ("sage_lps_different", "gt=0/1 lps=12", "gt=0/1 lps=13", None, None),
    ("other_chromosome", "gt=0|1 ps=1", "gt=0|1 ps=1 chrom=chr7", None, None),
    ("chr_naming_irrelevant", "gt=0|1 ps=1", "gt=0|1 ps=1 chrom=2", "cis", "GT+PS"),
]
_FIELD = {"gt": "gt", "ps": "phase_set", "pgt": "pgt", "pid": "pid", "lps": "lps", "chrom": "chrom"}


def fields(text: str) -> dict:
    out = {_FIELD[k]: v for k, v in (item.split("=", 1) for item in text.split())}
    out["phased"] = "|" in out.get("gt", "")
    return out


@pytest.mark.parametrize("case", VCF_CASES, ids=[c[0] for c in VCF_CASES])
def test_phase_from_vcf(case):
    _, fa, fb, phase, basis = case
    out = phase_from_vcf(call(29220747, **fields(fa)), call(29220765, **fields(fb)), "G1202R", "L1196M")
    if phase is None:
        assert out is None
    else:
        assert (out["phase"], out["basis"]) == (phase, basis)
        assert out["explanation"].startswith(phase)


@pytest.mark.parametrize("gt, haps", [("0|1", {1}), ("1|0", {0}), ("1|2", {0, 1}), ("0|0", None),
                                      ("0/1", None), (".|1", None), (None, None)])
def test_alt_haplotypes(gt, haps):
    assert alt_haplotypes(gt) == haps


#  id, (alt, depth) or vaf for A and B, tumour fraction, expected phase (None = no VAF)
VAF_CASES = [
    ("sum_over_one_deep", (600, 1000), (550, 1000), None, "cis"),
    ("sum_over_one_but_noisy", (6, 10), (6, 10), None, "unresolved"),  # lower bounds fall below 1
    ("sum_below_one", (300, 1000), (300, 1000), None, "unresolved"),
    ("over_capacity_tf", (200, 1000), (200, 1000), 0.2, "cis"),  # capacity(0.2, t=4) = 0.333
    ("within_capacity_tf", (150, 1000), (150, 1000), 0.4, "unresolved"),  # capacity 0.571
    ("vaf_only_over", 0.6, 0.6, None, "cis"),  # 1.2 > 1 + 0.05 margin
    ("vaf_only_marginal", 0.52, 0.51, None, "unresolved"),  # 1.03 within the margin
    ("vaf_missing", None, 0.6, None, None),
]


def _vaf_call(pos, v):
    if v is None:
        return call(pos)
    if isinstance(v, tuple):
        return call(pos, alt_reads=v[0], depth=v[1])  # VAF derived from AD
    return call(pos, vaf=v)


@pytest.mark.parametrize("case", VAF_CASES, ids=[c[0] for c in VAF_CASES])
def test_phase_from_vaf(case):
    _, va, vb, tf, phase = case
    out = phase_from_vaf(_vaf_call(1, va), _vaf_call(2, vb), tumor_fraction=tf, a_name="G1202R", b_name="L1196M")
    if phase is None:
        assert out is None
        return
    assert out["phase"] == phase, out["explanation"]
    if phase == "cis":
        assert "pigeonhole" in out["explanation"] and out["min_fraction_both"] > 0


def test_capacity_rule():
    cfg = phase_config()
    assert allele_capacity(None, cfg) == 1.0
    assert allele_capacity(1.0, cfg) == 1.0
    assert allele_capacity(0.3, phase_config({"vaf_tumor_copies": 2})) == pytest.approx(0.3)  # copy neutral
    assert allele_capacity(0.3, cfg) > 0.3  # a locus gain is allowed for: conservative


def test_bad_tumor_fraction():
    from alkannot.errors import InputError

    with pytest.raises(InputError):
        phase_from_vaf(call(1, vaf=0.5), call(2, vaf=0.5), tumor_fraction=30)


def test_wilson_lower_bound():
    assert wilson_lower(50, 100, 1.96) < 0.5
    assert wilson_lower(500, 1000, 1.96) > wilson_lower(50, 100, 1.96)
    assert wilson_lower(0, 0, 1.96) == 0.0
