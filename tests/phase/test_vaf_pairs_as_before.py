"""phase.vaf.VafPairs (each call's VAF bound and the capacity once per sample) answers every pair as the former
phase_from_vaf_checked did, kept here verbatim as the reference, on many generated calls: values, texts and
errors (an invalid tumour fraction, a depth below the alt reads), pair after pair on one instance."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.model import VariantCall
from alkannot.phase import compound
from alkannot.phase.config import phase_config
from alkannot.phase.vaf import VafPairs, allele_capacity, call_vaf, wilson_lower


def _former_phase_from_vaf_checked(a, b, *, tumor_fraction, cfg, a_name="A", b_name="B"):
    vaf_a, alt_a, dp_a = call_vaf(a)
    vaf_b, alt_b, dp_b = call_vaf(b)
    if vaf_a is None or vaf_b is None:
        return None
    capacity = allele_capacity(tumor_fraction, cfg)
    with_depth = (alt_a is not None and dp_a is not None and alt_b is not None and dp_b is not None
                  and dp_a > 0 and dp_b > 0)
    if with_depth:
        bound_a = wilson_lower(alt_a, dp_a, cfg["vaf_z"])
        bound_b = wilson_lower(alt_b, dp_b, cfg["vaf_z"])
        margin, how = 0.0, f"lower bounds (z={cfg['vaf_z']})"
    else:
        bound_a, bound_b = vaf_a, vaf_b
        margin, how = cfg["vaf_margin_without_depth"], "VAFs (no depth given, margin added)"
    cap_text = (f"capacity {capacity:.3f}" + (f" (tumour fraction {tumor_fraction}, up to "
                f"{cfg['vaf_tumor_copies']} tumour copies)" if tumor_fraction is not None else ""))
    total = bound_a + bound_b
    out = {"vaf_a": round(vaf_a, 4), "vaf_b": round(vaf_b, 4), "bound_a": round(bound_a, 4),
           "bound_b": round(bound_b, 4), "capacity": round(capacity, 4),
           "min_fraction_both": round(max(0.0, total - capacity), 4)}
    if total > capacity + margin:
        out.update(phase="cis", confidence=0.95 if with_depth else None,
                   confidence_label="moderate" if with_depth else "low",
                   explanation=(f"cis by pigeonhole: {how} of {a_name} ({bound_a:.3f}) and {b_name} "
                                f"({bound_b:.3f}) sum to {total:.3f} > {cap_text}, so at least "
                                f"{total - capacity:.1%} of molecules carry both"))
    else:
        out.update(phase="unresolved", confidence=None, confidence_label=None,
                   explanation=(f"{how} of {a_name} ({bound_a:.3f}) and {b_name} ({bound_b:.3f}) sum to "
                                f"{total:.3f}, not above {cap_text}"
                                + (f" + margin {margin}" if margin else "")
                                + ": same or different alleles are both possible"))
    return out


def _outcome(f, *args, **kw):
    try:
        return f(*args, **kw)
    except Exception as e:  # noqa: BLE001 - the same error either way
        return type(e), str(e)


calls = st.builds(
    lambda vaf, alt, dp, pos: VariantCall(chrom="2", pos=pos, ref="A", alt="C", vaf=vaf, alt_reads=alt, depth=dp),
    vaf=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
    alt=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    dp=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    pos=st.integers(min_value=1, max_value=10**6))
fractions = st.one_of(st.none(), st.floats(min_value=0.01, max_value=1), st.sampled_from([0.0, 1.5, -0.2]))


@settings(max_examples=300, deadline=None)
@given(cs=st.lists(calls, min_size=2, max_size=7), tf=fractions, z=st.sampled_from([None, 1.0, 1.645, 2.5]))
def test_vaf_pairs_answer_as_before(cs, tf, z):
    cfg = phase_config({"vaf_z": z} if z is not None else None)
    pairs = VafPairs(tf, cfg)
    for i, a in enumerate(cs):
        for b in cs[i + 1:] + cs[:i]:
            want = _outcome(_former_phase_from_vaf_checked, a, b, tumor_fraction=tf, cfg=cfg, a_name="X1", b_name="Y2")
            assert _outcome(pairs.phase, a, b, "X1", "Y2") == want


@settings(max_examples=150, deadline=None)
@given(cs=st.lists(calls, min_size=2, max_size=6), tf=fractions)
def test_decide_compounds_as_before(cs, tf):
    """Every pair and set of a sample's mutations: the same list as when each pair asked the former function."""
    muts = [{"protein_short": f"G{1100 + i}R", "residue": 1100 + i, "call": c} for i, c in enumerate(cs)]
    got = _outcome(compound.decide_compounds, muts, tumor_fraction=tf)
    real, real_cls = compound.phase_from_vaf_checked, compound.VafPairs
    try:
        compound.phase_from_vaf_checked = _former_phase_from_vaf_checked
        compound.VafPairs = lambda *a: None  # decide_pair's per-pair path
        want = _outcome(compound.decide_compounds, muts, tumor_fraction=tf)
    finally:
        compound.phase_from_vaf_checked, compound.VafPairs = real, real_cls
    assert got == want


def test_reference_is_not_vacuous():
    """The generated cases reach both branches with and without depth (the comparison can fail)."""
    cfg = phase_config(None)
    a = VariantCall(chrom="2", pos=1, ref="A", alt="C", vaf=0.6, alt_reads=600, depth=1000)
    b = VariantCall(chrom="2", pos=2, ref="A", alt="C", vaf=0.55, alt_reads=550, depth=1000)
    r = VafPairs(None, cfg).phase(a, b)
    assert r["phase"] == "cis" and math.isclose(r["bound_a"], round(wilson_lower(600, 1000, cfg["vaf_z"]), 4))
