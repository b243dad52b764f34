"""Thresholds for phase calls: one place, with the reason for each default.

Callers pass a (possibly partial) dict; `phase_config` fills the rest from DEFAULTS and rejects unknown
keys, so a typo in a config file is an error rather than a silently ignored threshold.
"""

from __future__ import annotations

from alkannot.errors import InputError

DEFAULTS: dict[str, float | int] = {
    # --- reads -------------------------------------------------------------------------------------
    # Reads below these are not looked at (GATK/Mutect2 defaults are MAPQ 20 and base quality 10-20).
    "min_mapq": 20,
    "min_baseq": 20,
    # Fragments that span both sites, are readable at both and carry at least one ALT allele
    # (alt_alt + alt_ref + ref_alt). ref_ref fragments say nothing about phase (normal cells).
    "min_informative_fragments": 5,
    # cis: at least this many fragments AND this fraction of the ALT-carrying fragments carry both ALTs.
    # "Any substantial alt_alt support" is enough: one molecule with both proves the two can co-occur,
    # even when other cells carry only one of them (mixed clones are reported as cis + mixed=True).
    "cis_min_fragments": 3,
    "cis_min_fraction": 0.10,
    # trans: each single-ALT class has at least this many fragments and alt_alt is at most this fraction
    # of the ALT-carrying fragments (tolerates the odd PCR-chimera / sequencing-error fragment).
    "trans_min_each": 3,
    "trans_max_alt_alt_fraction": 0.05,
    # Chance that a fragment from a trans configuration reads as alt_alt through error (chimeras, errors);
    # only used to turn counts into a cis confidence.
    "fragment_error_rate": 0.01,
    # Sites farther apart than this cannot share a short-read fragment; the reads method is not tried.
    "max_fragment_span": 1000,
    # --- VAF pigeonhole ------------------------------------------------------------------------------
    # Allele capacity without a tumour fraction: every molecule can carry at most one copy of each allele,
    # so VAF_A + VAF_B > 1 forces some molecules to carry both.
    "vaf_capacity": 1.0,
    # With a tumour fraction p the capacity is the share of molecules that come from tumour cells,
    # t*p / (t*p + 2*(1-p)), where t is the tumour copy number allowed at the locus. t=2 (copy neutral)
    # gives p; the default t=4 allows a doubling of the locus, so a copy gain does not fake a cis call.
    "vaf_tumor_copies": 4,
    # z for the one-sided lower bound of each VAF (Wilson) when depth is known: 1.96 per VAF keeps the
    # joint error below 5% (Bonferroni over the two VAFs).
    "vaf_z": 1.96,
    # When only VAFs (no depth) are known there is no sampling bound: demand this extra margin instead.
    "vaf_margin_without_depth": 0.05,
    # --- sets ----------------------------------------------------------------------------------------
    # Largest set of mutations evaluated as a set (all subsets of size 3..max_set_size are reported).
    "max_set_size": 4,
}


def phase_config(config: dict | None = None, *, source: str | None = None) -> dict:
    """DEFAULTS overridden by `config`; unknown keys or non-numeric values raise InputError."""
    cfg = dict(DEFAULTS)
    for key, value in (config or {}).items():
        if key not in DEFAULTS:
            raise InputError(f"unknown phase setting '{key}'", path=source,
                             fix=f"use one of: {', '.join(sorted(DEFAULTS))}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"phase setting '{key}' must be a number, got {value!r}", path=source)
        if value < 0:
            raise InputError(f"phase setting '{key}' must not be negative, got {value}", path=source)
        cfg[key] = value
    return cfg


def confidence_label(confidence: float | None) -> str | None:
    """Coarse label for reports; the number stays in the evidence."""
    if confidence is None:
        return None
    if confidence >= 0.99:
        return "high"
    if confidence >= 0.90:
        return "moderate"
    return "low"
