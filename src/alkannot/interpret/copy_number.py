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

Callers that already fit purity and ploidy (PURPLE, PCGR, ClinCNV ``tumor_CN_change``) give absolute
tumour copies; those are used as they are (purity is never applied twice).

**Focality** (rule and sources in ``resources/cnv_genes.yaml`` ``focality``; arms from
``resources/chromosome_arms.tsv``). The *event* carrying a gene is the run of consecutive segments on its
chromosome, starting from those overlapping the gene, whose copy number falls in the same call band as
the gene's (amplification, gain, loss or deep deletion thresholds), never joined across more than
``max_gap_mb`` without any segment (the file says nothing there). Its size is ``segment_size`` (bp,
first start to last end). The gene's arm baseline (``arm_copy_number``) is the length-weighted median copy
number of the arm (files that list altered segments only - ClinCNV, CNV VCFs - count the rest of the arm
at the baseline ploidy); when under 10% of the arm is covered outside a short event (a panel covering
only the gene's region), the baseline ploidy stands in for the arm. An event
is focal when it spans at most ``max_arm_fraction`` of the arm AND the gene's copy number relative to the
arm baseline reaches ``amplification_min_ratio_to_arm`` (gains) or falls to ``loss_max_ratio_to_arm``
(losses). Only focal events are called ``amplification`` / ``deep_deletion`` and only focal events are
findings (off-target mechanisms); broad or arm-level changes become ``gain`` / ``loss`` with a caveat.

Overlapping segments that disagree for a gene (one gained, one lost, over the same bases) are never
averaged: the call is ``conflicting`` (not a finding) and the caveat names their lines.
"""

from __future__ import annotations

import math
from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError
from alkannot.io.cnv import ALTERED_ONLY_FORMATS, Region, Segment

ARMS_FILE = "chromosome_arms.tsv"
MIN_ARM_CONTEXT = 0.10  # fraction of an arm that must be covered outside the event to use its median


def load_cnv_config(path: Path | None = None) -> dict:
    """The bundled gene list + thresholds (``resources/cnv_genes.yaml``)."""
    path = Path(path) if path else resources_dir() / "cnv_genes.yaml"
    try:
        return load_yaml(path.read_text())
    except (OSError, YAMLInputError) as err:
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


def load_arms(build: str) -> dict[str, tuple[int, int]]:
    """chrom -> (length, centromere position) for `build` from ``resources/chromosome_arms.tsv``."""
    path = resources_dir() / ARMS_FILE
    out: dict[str, tuple[int, int]] = {}
    try:
        lines = path.read_text().splitlines()
    except OSError as err:
        raise InputError(f"cannot read chromosome arms: {err}", path=str(path),
                         fix="restore resources/chromosome_arms.tsv") from None
    for line in lines:
        if not line or line.startswith("#") or line.startswith("build\t"):
            continue
        b, chrom, length, _, mid, _ = line.split("\t")
        if b == build:
            out[chrom] = (int(length), int(mid))
    return out


def arm_of(build: str, chrom: str, pos: int) -> tuple[str, int, int] | None:
    """(name like '7q', start, end) of the chromosome arm holding chrom:pos, or None if not bundled."""
    arms = load_arms(build)
    if chrom not in arms:
        return None
    length, mid = arms[chrom]
    return (f"{chrom}p", 1, mid) if pos <= mid else (f"{chrom}q", mid + 1, length)


def context_regions(build: str, config: dict | None = None) -> list[Region]:
    """Whole chromosomes of the configured genes: what `read_segments(regions=...)` must keep so that the
    focality of each gene's event can be judged against its arm (large ``.cnr`` files still stream)."""
    arms = load_arms(build)
    out = []
    for c, s0, e0 in gene_regions(build, config):
        region = (c, 1, arms[c][0]) if c in arms else (c, s0, e0)
        if region not in out:
            out.append(region)
    return out


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


def _direction(value: float, ploidy: float, thresholds: dict) -> str:
    if value >= thresholds["gain_min_ratio"] * ploidy:
        return "up"
    if value <= thresholds["loss_max_ratio"] * ploidy:
        return "down"
    return "neutral"


def _weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    pairs = sorted((v, w) for v, w in pairs if w > 0)
    total = sum(w for _, w in pairs)
    if not total:
        return None
    acc = 0
    for v, w in pairs:
        acc += w
        if acc * 2 >= total:
            return v
    return pairs[-1][0]


def _focality(gene_value: float, t, chrom_segs: list, value_of, ploidy: float, thresholds: dict, focal: dict,
              build: str, altered_only: bool) -> dict:
    """Event extent, arm baseline and the focal decision for one gene (see the module doc)."""
    direction = _direction(gene_value, ploidy, thresholds)
    segs = sorted((s for s in chrom_segs if value_of(s) is not None), key=lambda s: (s.start, s.end))
    idx = [i for i, s in enumerate(segs) if s.start <= t.end and t.start <= s.end]
    out = {"segment_start": None, "segment_end": None, "segment_size": None, "arm": None,
           "arm_copy_number": None, "focal": None, "focality_basis": None}
    if not idx:
        return out
    lo, hi = min(idx), max(idx)
    max_gap = focal.get("max_gap_mb", 5) * 1_000_000
    level = classify(gene_value, ploidy, thresholds)
    if direction != "neutral":
        while lo > 0 and classify(value_of(segs[lo - 1]), ploidy, thresholds) == level and \
                segs[lo].start - segs[lo - 1].end <= max_gap:
            lo -= 1
        while hi < len(segs) - 1 and classify(value_of(segs[hi + 1]), ploidy, thresholds) == level and \
                segs[hi + 1].start - segs[hi].end <= max_gap:
            hi += 1
    ev_start, ev_end = min(s.start for s in segs[lo:hi + 1]), max(s.end for s in segs[lo:hi + 1])
    out.update(segment_start=ev_start, segment_end=ev_end, segment_size=ev_end - ev_start + 1)
    arm = arm_of(build, t.chrom, (t.start + t.end) // 2)
    if arm is None:
        out["focality_basis"] = f"chromosome {t.chrom} arms not bundled for {build}; focality unknown"
        return out
    name, a_start, a_end = arm
    arm_len = a_end - a_start + 1
    out["arm"] = name
    pairs, covered, outside = [], [], []
    for s in segs:
        s0, e0 = max(s.start, a_start), min(s.end, a_end)
        if s0 > e0:
            continue
        pairs.append((value_of(s), e0 - s0 + 1))
        covered.append((s0, e0))
        if s.end < ev_start or s.start > ev_end:
            outside.append((s0, e0))
    seen_outside = _covered_bases(outside)
    if altered_only:
        gap = arm_len - _covered_bases(covered)
        if gap > 0:
            pairs.append((ploidy, gap))
            seen_outside += gap
    frac = (ev_end - ev_start + 1) / arm_len
    if seen_outside >= MIN_ARM_CONTEXT * arm_len or frac > focal["max_arm_fraction"]:
        # enough of the arm outside the event to know its level - or the event is the arm itself
        baseline = _weighted_median(pairs)
        basis, note = f"arm {name} median", ""
        if altered_only:
            note = " (bases without a segment counted at the baseline ploidy: the caller lists altered segments only)"
    else:
        baseline = ploidy
        basis, note = "baseline ploidy", f" (the file covers too little of arm {name} outside the event)"
    out["arm_copy_number"] = _round(baseline)
    short = frac <= focal["max_arm_fraction"]
    if direction == "up":
        ratio_ok = baseline is not None and baseline > 0 and \
            gene_value / baseline >= focal["amplification_min_ratio_to_arm"]
    elif direction == "down":
        ratio_ok = baseline is not None and baseline > 0 and \
            gene_value / baseline <= focal["loss_max_ratio_to_arm"]
    else:
        ratio_ok = False
    out["focal"] = bool(short and ratio_ok)
    out["focality_basis"] = (f"event {ev_end - ev_start + 1:,} bp, {frac:.0%} of the length of arm {name} "
                             f"(focal: at most {focal['max_arm_fraction']:.0%}); gene copy number "
                             f"{gene_value:.3g} vs {basis} {baseline:.3g}{note}")
    return out


def gene_copy_number(segments: list[Segment], build: str, *, purity: float | None = None, ploidy: float = 2,
                     config: dict | None = None) -> list[dict]:
    """One record per configured gene (order of ``cnv_genes.yaml``); see the module doc for the maths.

    Keys: gene, role, chrom, start, end, log2, copy_number, copy_number_purity_adjusted, call, finding,
    segments, coverage_fraction, source_format, basis, caveat, source, and for focality segment_start,
    segment_end, segment_size, arm, arm_copy_number, focal, focality_basis.
    """
    _check_inputs(purity, ploidy)
    thresholds, genes = _merged_config(config)
    focal_rule = load_cnv_config().get("focality", {})
    focal_rule = {**focal_rule, **((config or {}).get("focality") or {})}
    ts = load_transcripts(build)
    min_purity = thresholds["min_purity_for_calls"]
    by_chrom: dict[str, list[Segment]] = {}
    for seg in segments:
        by_chrom.setdefault(seg.chrom, []).append(seg)
    out = []
    for g in genes:
        name, role = g["gene"], g.get("role", "amplification")
        t = ts.by_gene(name)
        rec: dict = {"gene": name, "role": role, "chrom": None, "start": None, "end": None, "log2": None,
                     "copy_number": None, "copy_number_purity_adjusted": None, "call": "not_covered",
                     "finding": False, "segments": 0, "coverage_fraction": 0.0, "source_format": None,
                     "basis": None, "caveat": None, "source": g.get("source"), "segment_start": None,
                     "segment_end": None, "segment_size": None, "arm": None, "arm_copy_number": None,
                     "focal": None, "focality_basis": None}
        if t is None:
            rec["caveat"] = f"{name} is not in the bundled {build} transcript models; cannot place it"
            out.append(rec)
            continue
        rec.update(chrom=t.chrom, start=t.start, end=t.end)
        chrom_segs = by_chrom.get(t.chrom, [])
        over = [(s, min(s.end, t.end) - max(s.start, t.start) + 1) for s in chrom_segs
                if s.start <= t.end and t.start <= s.end]
        flags = [s.flag for s, _ in over if s.flag]
        hits = [(s, w) for s, w in over if s.log2 is not None or s.copy_number is not None]
        caveats: list[str] = list(flags)
        if not hits:
            caveats.insert(0, "no segment with a value overlaps the gene")
            if chrom_segs and all(s.source_format in ALTERED_ONLY_FORMATS for s in chrom_segs) or \
                    segments and all(s.source_format in ALTERED_ONLY_FORMATS for s in segments):
                caveats.append("this caller lists altered segments only: no segment means no change was called "
                               "here, not that the gene was assessed as neutral")
            rec["caveat"] = "; ".join(caveats)
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
        use_adjusted = adjusted is not None and not low_purity

        def value_of(seg: Segment, _adj=use_adjusted) -> float | None:
            return _segment_value(seg, purity if _adj and not seg.absolute else None, ploidy)

        value = adjusted if use_adjusted else copy_number
        rec["basis"] = basis
        conflict = _conflicts(hits, value_of, ploidy, thresholds)
        if conflict:
            rec["call"] = "conflicting"
            caveats.insert(0, conflict)
            rec["caveat"] = "; ".join(caveats)
            out.append(rec)
            continue
        raw_call = classify(value, ploidy, thresholds)
        altered_only = all(s.source_format in ALTERED_ONLY_FORMATS for s in chrom_segs)
        foc = _focality(value, t, chrom_segs, value_of, ploidy, thresholds, focal_rule, build, altered_only) \
            if focal_rule else {}
        rec.update(foc)
        call = raw_call
        if raw_call in ("amplification", "deep_deletion") and foc.get("focal") is False:
            call = "gain" if raw_call == "amplification" else "loss"
            caveats.insert(0, f"broad or arm-level change, not focal ({foc['focality_basis']}): called {call}, "
                              f"not {raw_call.replace('_', ' ')}, and not counted as a resistance mechanism")
        elif raw_call in ("loss",) and role == "loss" and foc.get("focal") is False:
            caveats.insert(0, f"broad or arm-level loss, not focal ({foc['focality_basis']}): not counted as a "
                              f"{name} loss mechanism")
        elif raw_call in ("amplification", "deep_deletion", "loss") and foc.get("focal") is None:
            caveats.insert(0, "focality could not be judged (" + (foc.get("focality_basis") or
                                                                  "no event extent") + ")")
        rec["call"] = call
        focal_ok = foc.get("focal") is not False  # unknown focality keeps the call (caveat says so)
        if role == "amplification":
            rec["finding"] = call == "amplification"
        else:
            rec["finding"] = call == "deep_deletion" or (call == "loss" and focal_ok)
        if rec["coverage_fraction"] < 0.5 and not any(s.source_format == "cnvkit" for s, _ in hits):
            caveats.append(f"segments cover only {rec['coverage_fraction']:.0%} of the gene span")
        rec["caveat"] = "; ".join(caveats) or None
        out.append(rec)
    return out


def _segment_value(seg: Segment, purity: float | None, ploidy: float) -> float | None:
    """A segment's copy number in the space the gene is called in (absolute / purity-adjusted / relative)."""
    if seg.copy_number is None and seg.log2 is None:
        return None
    if seg.absolute and seg.copy_number is not None:
        return seg.copy_number
    if purity is not None:
        return purity_adjusted_copy_number(seg.log2, seg.copy_number if seg.log2 is None else None, purity, ploidy)
    return seg.copy_number if seg.copy_number is not None else ploidy * 2 ** seg.log2


def _conflicts(hits: list, value_of, ploidy: float, thresholds: dict) -> str | None:
    """A message when two segments over the same gene bases disagree in direction (gain vs loss)."""
    for i, (a, _) in enumerate(hits):
        for b, _ in hits[i + 1:]:
            if a.start <= b.end and b.start <= a.end:
                va, vb = value_of(a), value_of(b)
                da, db = _direction(va, ploidy, thresholds), _direction(vb, ploidy, thresholds)
                if da != db:
                    where = ", ".join(f"line {x.line}" for x in (a, b) if x.line) or "two segments"
                    return (f"overlapping segments disagree ({where}: copy number {va:.3g} vs {vb:.3g}); "
                            "conflicting input, not averaged - check the caller output")
    return None


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
    return None if x is None or not math.isfinite(x) else round(x, 3)
