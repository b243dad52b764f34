"""Gene-level copy number for the off-target resistance genes (MET, KIT, MYC amplification; NF2, RB1 loss ...).

The gene list and the thresholds live in ``resources/cnv_genes.yaml`` (each with its source); this module
only applies them.

Which value represents a gene when several segments (or CNVkit bins) overlap it: the **length-weighted
mean** over the overlapping parts of the gene span (transcript start..end of the bundled MANE model), each
segment weighted by how many gene bases it covers. A focal amplicon covering half of MET therefore counts
half; use segment-level output when that matters. Bins/segments without a value are ignored.

Copy number from a log2 ratio (diploid normal cells, baseline ploidy P, purity p; CNVkit ``call``):

    relative CN      = P * 2^log2
    purity-adjusted  = (P * 2^log2 - P * (1 - p)) / p        (P = 2: (2^log2 * 2 - 2(1 - p)) / p)

Callers that already fit purity and ploidy (PURPLE, PCGR) give absolute copies; those are used as they are.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from alkannot.annotate.transcripts import load_transcripts, resources_dir
from alkannot.errors import InputError
from alkannot.io.cnv import Region, Segment
from alkannot.io.yamlfile import load_yaml

CALLS = ("amplification", "gain", "neutral", "loss", "deep_deletion", "not_covered")


def load_cnv_config(path: Path | None = None) -> dict:
    """The bundled gene list + thresholds (``resources/cnv_genes.yaml``)."""
    path = Path(path) if path else resources_dir() / "cnv_genes.yaml"
    try:
        return load_yaml(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"cannot read copy-number gene list: {err}", path=str(path),
                         fix="restore resources/cnv_genes.yaml") from None


def _merged_config(config: dict | None) -> tuple[dict, list[dict]]:
    base = load_cnv_config()
    thresholds = dict(base["thresholds"])
    genes = list(base["genes"])
    if config:
        unknown = set(config.get("thresholds", {})) - set(thresholds)
        if unknown:
            raise InputError(f"unknown copy-number threshold(s): {', '.join(sorted(unknown))}",
                             fix=f"use {', '.join(k for k in thresholds if not k.endswith('_source'))}")
        thresholds.update(config.get("thresholds", {}))
        if "genes" in config:
            by_name = {g["gene"]: g for g in base["genes"]}
            genes = [g if isinstance(g, dict) else by_name.get(g, {"gene": g, "role": "amplification",
                                                                   "source": "configured by the lab"})
                     for g in config["genes"]]
    return thresholds, genes


def gene_regions(build: str, config: dict | None = None) -> list[Region]:
    """(chrom, start, end) of every configured gene, for `read_segments(regions=...)` on large files."""
    ts = load_transcripts(build)
    _, genes = _merged_config(config)
    out = []
    for g in genes:
        t = ts.by_gene(g["gene"])
        if t is not None:
            out.append((t.chrom, t.start, t.end))
    return out


def purity_adjusted_copy_number(log2: float | None, copy_number: float | None, purity: float,
                                ploidy: float = 2) -> float:
    """Tumour copy number from a relative measure (log2 ratio, or a relative copy number), never < 0."""
    observed = ploidy * 2 ** log2 if log2 is not None else copy_number
    assert observed is not None
    return max(0.0, (observed - ploidy * (1 - purity)) / purity)


def classify(copy_number: float, ploidy: float, thresholds: dict) -> str:
    """Copy number (absolute tumour copies, or relative when purity is unknown) -> call."""
    if copy_number < thresholds["deep_deletion_max_copy_number"]:
        return "deep_deletion"
    if copy_number <= thresholds["loss_max_ratio"] * ploidy:
        return "loss"
    if copy_number >= thresholds["amplification_min_ratio"] * ploidy:
        return "amplification"
    if copy_number >= thresholds["gain_min_ratio"] * ploidy:
        return "gain"
    return "neutral"


def _weighted(pairs: list[tuple[float, int]]) -> float | None:
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def _check_inputs(purity: float | None, ploidy: float) -> None:
    if purity is not None and not (0 < purity <= 1):
        raise InputError(f"purity {purity} is not a fraction in (0, 1]",
                         fix="give tumour fraction as a fraction, e.g. 0.3 for 30%")
    if not ploidy > 0:
        raise InputError(f"ploidy {ploidy} must be positive", fix="give the baseline ploidy, e.g. 2")


def gene_copy_number(segments: list[Segment], build: str, *, purity: float | None = None, ploidy: float = 2,
                     config: dict | None = None) -> list[dict]:
    """One record per configured gene (order of ``cnv_genes.yaml``); see the module doc for the maths.

    Keys: gene, role, chrom, start, end, log2, copy_number, copy_number_purity_adjusted, call, finding,
    segments, coverage_fraction, source_format, basis, caveat, source.
    """
    _check_inputs(purity, ploidy)
    thresholds, genes = _merged_config(config)
    ts = load_transcripts(build)
    min_purity = thresholds["min_purity_for_calls"]
    out = []
    for g in genes:
        name, role = g["gene"], g.get("role", "amplification")
        t = ts.by_gene(name)
        rec: dict = {"gene": name, "role": role, "chrom": None, "start": None, "end": None, "log2": None,
                     "copy_number": None, "copy_number_purity_adjusted": None, "call": "not_covered",
                     "finding": False, "segments": 0, "coverage_fraction": 0.0, "source_format": None,
                     "basis": None, "caveat": None, "source": g.get("source")}
        if t is None:
            rec["caveat"] = f"{name} is not in the bundled {build} transcript models; cannot place it"
            out.append(rec)
            continue
        rec.update(chrom=t.chrom, start=t.start, end=t.end)
        hits = [(s, min(s.end, t.end) - max(s.start, t.start) + 1) for s in segments
                if s.chrom == t.chrom and s.start <= t.end and t.start <= s.end]
        hits = [(s, w) for s, w in hits if s.log2 is not None or s.copy_number is not None]
        caveats: list[str] = []
        if not hits:
            rec["caveat"] = "no segment with a value overlaps the gene"
            out.append(rec)
            continue
        log2 = _weighted([(s.log2, w) for s, w in hits if s.log2 is not None])
        caller_cn = _weighted([(s.copy_number, w) for s, w in hits if s.copy_number is not None])
        absolute = all(s.absolute for s, _ in hits if s.copy_number is not None) and caller_cn is not None
        copy_number = caller_cn if caller_cn is not None else ploidy * 2 ** log2
        covered = _covered_bases([(max(s.start, t.start), min(s.end, t.end)) for s, _ in hits])
        rec.update(log2=_round(log2), copy_number=_round(copy_number), segments=len(hits),
                   coverage_fraction=round(covered / (t.end - t.start + 1), 3),
                   source_format=",".join(sorted({s.source_format for s, _ in hits})))
        adjusted = None
        if absolute:
            adjusted = copy_number
            basis = "absolute copy number from the caller (purity/ploidy already fitted)"
        elif purity is not None:
            adjusted = purity_adjusted_copy_number(log2, caller_cn if log2 is None else None, purity, ploidy)
            basis = f"purity-adjusted (purity {purity:g}, ploidy {ploidy:g})"
        else:
            basis = f"relative to a ploidy-{ploidy:g} baseline, not purity-adjusted (purity unknown)"
            caveats.append("purity unknown: a low-purity amplification or loss can look like a gain or "
                           "neutral copy number")
        rec["copy_number_purity_adjusted"] = _round(adjusted)
        low_purity = purity is not None and purity < min_purity and not absolute
        if low_purity:
            caveats.append(f"tumour fraction {purity:.0%} too low to call losses/amplifications reliably "
                           f"(minimum {min_purity:.0%}); call made on the unadjusted value and a neutral "
                           "call does not exclude an event")
            basis = f"relative to a ploidy-{ploidy:g} baseline (purity {purity:g} below the calling minimum)"
        value = adjusted if adjusted is not None and not low_purity else copy_number
        rec["call"] = classify(value, ploidy, thresholds)
        rec["basis"] = basis
        rec["finding"] = (rec["call"] == "amplification") if role == "amplification" else \
            rec["call"] in ("loss", "deep_deletion")
        if rec["coverage_fraction"] < 0.5 and not any(s.source_format == "cnvkit" for s, _ in hits):
            caveats.append(f"segments cover only {rec['coverage_fraction']:.0%} of the gene span")
        rec["caveat"] = "; ".join(caveats) or None
        out.append(rec)
    return out


def _covered_bases(intervals: list[tuple[int, int]]) -> int:
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(intervals):
        if cur_e is None or s > cur_e + 1:
            if cur_e is not None:
                total += cur_e - cur_s + 1
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s + 1
    return total


def _round(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(x, 3)
