"""Allele-fraction (pigeonhole) argument for phase: it can prove cis, never trans.

If a fraction VAF_A of molecules carries A and VAF_B carries B, and A-molecules and B-molecules were
disjoint, VAF_A + VAF_B could not exceed the share of molecules able to carry a mutation at all (the
"capacity"). When the sum exceeds it, at least (VAF_A + VAF_B - capacity) of the molecules carry both.

Capacity (conservative, so that a copy gain or a rough purity estimate does not fake cis):
- no tumour fraction: 1.0 (`vaf_capacity`);
- tumour fraction p: the tumour's share of molecules, t*p / (t*p + 2*(1-p)), with t = `vaf_tumor_copies`
  (default 4: the locus may be doubled in the tumour). For a copy-neutral diploid tumour (t=2) this is p:
  each heterozygous allele has VAF <= p/2 and two alleles on different copies sum to at most p.
Sampling noise: with depth known each VAF is replaced by its one-sided Wilson lower bound (`vaf_z`);
with only a VAF the sum must exceed the capacity by `vaf_margin_without_depth`.
"""

from __future__ import annotations

import math

from alkannot.errors import InputError
from alkannot.model import VariantCall
from alkannot.phase.config import phase_config


def call_vaf(call: VariantCall) -> tuple[float | None, int | None, int | None]:
    """(VAF, alt reads, depth) from a call; VAF computed from AD when the caller gave none."""
    vaf = call.vaf
    if vaf is None and call.alt_reads is not None and call.depth:
        vaf = call.alt_reads / call.depth
    return vaf, call.alt_reads, call.depth


def wilson_lower(alt: int, depth: int, z: float) -> float:
    """One-sided Wilson score lower bound of a proportion."""
    if depth <= 0:
        return 0.0
    p = alt / depth
    denom = 1 + z * z / depth
    centre = p + z * z / (2 * depth)
    spread = z * math.sqrt(p * (1 - p) / depth + z * z / (4 * depth * depth))
    return max(0.0, (centre - spread) / denom)


def allele_capacity(tumor_fraction: float | None, cfg: dict) -> float:
    if tumor_fraction is None:
        return float(cfg["vaf_capacity"])
    if not 0 < tumor_fraction <= 1:
        raise InputError(f"tumour fraction {tumor_fraction} is not in (0, 1]",
                         fix="give the tumour fraction as a proportion, e.g. 0.3")
    t = cfg["vaf_tumor_copies"]
    return min(float(cfg["vaf_capacity"]), t * tumor_fraction / (t * tumor_fraction + 2 * (1 - tumor_fraction)))


def phase_from_vaf(a: VariantCall, b: VariantCall, *, tumor_fraction: float | None = None,
                   config: dict | None = None, a_name: str = "A", b_name: str = "B") -> dict | None:
    """{"phase": "cis"|"unresolved", "confidence", "confidence_label", "explanation", "vaf_a", "vaf_b",
    "bound_a", "bound_b", "capacity", "min_fraction_both"}; None when a VAF is unknown."""
    return phase_from_vaf_checked(a, b, tumor_fraction=tumor_fraction, cfg=phase_config(config),
                                  a_name=a_name, b_name=b_name)


def phase_from_vaf_checked(a: VariantCall, b: VariantCall, *, tumor_fraction: float | None, cfg: dict,
                           a_name: str = "A", b_name: str = "B") -> dict | None:
    """phase_from_vaf with settings `phase_config` already gave (compound.decide_compounds checks them once for
    every pair, not once per pair)."""
    return VafPairs(tumor_fraction, cfg).phase(a, b, a_name, b_name)


class VafPairs:
    """phase_from_vaf for many pairs of one sample: the capacity and its text once, and each call's VAF and
    Wilson lower bound once (compound.decide_compounds asks about every pair of a sample's mutations, and each
    call is in many pairs). Each value is worked out when phase_from_vaf would first need it (an invalid
    tumour fraction is refused at the first pair with both VAFs known, as before): the same answers and
    errors as phase_from_vaf, pair by pair."""

    def __init__(self, tumor_fraction: float | None, cfg: dict) -> None:
        self.cfg = cfg
        self.tumor_fraction = tumor_fraction
        self._capacity: tuple[float, str] | None = None  # (capacity, its text)
        # id(call) -> [call, VAF, alt reads, depth, {with depth: (bound, bound rounded, bound as text)}]
        self._sides: dict[int, list] = {}
        self._how: dict[bool, tuple[float, str]] = {}  # with depth -> (margin, how the bounds were taken)

    def _side(self, call: VariantCall) -> list:
        side = self._sides.get(id(call))
        if side is None or side[0] is not call:
            side = self._sides[id(call)] = [call, *call_vaf(call), {}]
        return side

    def _bound(self, side: list, with_depth: bool) -> tuple[float, float, str]:
        """(bound, rounded as the answer gives it, as the explanation writes it): the Wilson lower bound with
        depth, else the VAF."""
        got = side[4].get(with_depth)
        if got is None:
            b = wilson_lower(side[2], side[3], self.cfg["vaf_z"]) if with_depth else side[1]
            got = side[4][with_depth] = (b, round(b, 4), f"{b:.3f}")
        return got

    def _margin_how(self, with_depth: bool) -> tuple[float, str]:
        got = self._how.get(with_depth)
        if got is None:
            cfg = self.cfg
            got = self._how[with_depth] = ((0.0, f"lower bounds (z={cfg['vaf_z']})") if with_depth else
                                           (cfg["vaf_margin_without_depth"], "VAFs (no depth given, margin added)"))
        return got

    def _capacity_and_text(self) -> tuple[float, str]:
        if self._capacity is None:
            tf, cfg = self.tumor_fraction, self.cfg
            capacity = allele_capacity(tf, cfg)
            self._capacity = (capacity, f"capacity {capacity:.3f}" + (
                f" (tumour fraction {tf}, up to {cfg['vaf_tumor_copies']} tumour copies)" if tf is not None else ""))
        return self._capacity

    def phase(self, a: VariantCall, b: VariantCall, a_name: str = "A", b_name: str = "B") -> dict | None:
        sa, sb = self._side(a), self._side(b)
        _, vaf_a, alt_a, dp_a, _ = sa
        _, vaf_b, alt_b, dp_b, _ = sb
        if vaf_a is None or vaf_b is None:
            return None
        capacity, cap_text = self._capacity_and_text()
        with_depth = (alt_a is not None and dp_a is not None and alt_b is not None and dp_b is not None
                      and dp_a > 0 and dp_b > 0)
        bound_a, round_a, text_a = self._bound(sa, with_depth)
        bound_b, round_b, text_b = self._bound(sb, with_depth)
        margin, how = self._margin_how(with_depth)
        total = bound_a + bound_b
        # (the VAFs' own roundings: with depth they are not the bounds')
        out = {"vaf_a": round_a if not with_depth else round(vaf_a, 4),
               "vaf_b": round_b if not with_depth else round(vaf_b, 4), "bound_a": round_a,
               "bound_b": round_b, "capacity": round(capacity, 4),
               "min_fraction_both": round(max(0.0, total - capacity), 4)}
        if total > capacity + margin:
            out.update(phase="cis", confidence=0.95 if with_depth else None,
                       confidence_label="moderate" if with_depth else "low",
                       explanation=(f"cis by pigeonhole: {how} of {a_name} ({text_a}) and {b_name} "
                                    f"({text_b}) sum to {total:.3f} > {cap_text}, so at least "
                                    f"{total - capacity:.1%} of molecules carry both"))
        else:
            out.update(phase="unresolved", confidence=None, confidence_label=None,
                       explanation=(f"{how} of {a_name} ({text_a}) and {b_name} ({text_b}) sum to "
                                    f"{total:.3f}, not above {cap_text}"
                                    + (f" + margin {margin}" if margin else "")
                                    + ": same or different alleles are both possible"))
        return out
