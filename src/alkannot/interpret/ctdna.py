"""Plasma (ctDNA) caveats: specimen thresholds, tumour fraction, clonal haematopoiesis, and per-hotspot
depth with the limit of detection that makes "not detected" mean something.

Thresholds live in ``resources/specimen_thresholds.yaml``, CH genes in ``resources/ch_genes.yaml``, the ALK
resistance hotspots in ``resources/hotspots.tsv`` (codons only: genomic positions come from the bundled
transcript of the build at run time). Every function returns new dicts; nothing is dropped.

Limit of detection (``binomial_lod``): the smallest VAF f such that a site sequenced to depth n yields at
least k alt reads with probability >= c, X ~ Binomial(n, f):  P(X >= k) = 1 - sum_{i<k} C(n,i) f^i (1-f)^(n-i)
>= c. P(X >= k) increases with f, so f is found by bisection. For large n this is close to the Poisson
value f = lambda/n with P(Poisson(lambda) >= k) = c (k=3, c=0.95: lambda = 6.296, so 2,400x -> 0.26%).
It ignores sequencing error and UMI family collapsing, so it is a floor, not an assay claim.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from alkannot.annotate.maf_input import GERMLINE_MUTATION_STATUS
from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.transcripts import shared_transcripts
from alkannot.core.contigs import canonical_chrom, contig_named
from alkannot.core.resources import resources_dir
from alkannot.core.sequence import CODON_TABLE
from alkannot.errors import InputError
from alkannot.interpret.comutations import counts_as_somatic_call, variant_ref
from alkannot.interpret.specimen import load_ch_genes, specimen_class
from alkannot.interpret.specimen import merged_thresholds as _merged
from alkannot.io.vcf.refcalls import DepthBlock, read_depth_blocks

# ---------------------------------------------------------------------------------------------
# Specimen filters
# ---------------------------------------------------------------------------------------------


def specimen_filter_reason(v: AnnotatedVariant, t: Mapping) -> str:
    """'pass' or the reasons (joined by '; ') a variant misses the thresholds ``t``."""
    why = []
    vaf, alt, depth = v.vaf, v.alt_reads, v.depth
    if vaf is None:
        if t.get("require_vaf", True):
            why.append("no VAF")
    elif vaf < t["min_vaf"]:
        why.append(f"VAF {vaf:.4g} < min_vaf {t['min_vaf']}")
    if alt is not None and alt < t["min_alt_reads"]:
        why.append(f"alt reads {alt} < min_alt_reads {t['min_alt_reads']}")
    if depth is not None and depth < t["min_depth"]:
        why.append(f"depth {depth} < min_depth {t['min_depth']}")
    return "; ".join(why) if why else "pass"


def specimen_filters(variants: list[AnnotatedVariant], specimen: str | None, config: Mapping | None = None) -> list[AnnotatedVariant]:
    """``variants`` (labelled in place and returned) with ``specimen_filter`` ("pass" or the reason) and ``specimen_class``.

    Thresholds: ``filters.<class>`` of specimen_thresholds.yaml (plasma: min_vaf 0.001, min_alt_reads 3,
    min_depth 200; tissue/default: 0.02, 5, 50), overridable with ``config={"filters": {...}}``.
    """
    cls = specimen_class(specimen)
    t = _merged("filters", config)[cls]
    for v in variants:
        v.specimen_class, v.specimen_filter = cls, specimen_filter_reason(v, t)
    return variants


# ---------------------------------------------------------------------------------------------
# Clonal haematopoiesis
# ---------------------------------------------------------------------------------------------


def ch_status(variant: AnnotatedVariant, specimen: str | None, ch_genes: Mapping | Iterable[str] | None = None) -> str | None:
    """"CH" (seen in the matched WBC/normal), "germline" (normal VAF near heterozygous), "possible_CH"
    (plasma variant in a CH gene without a clearing normal), or None.

    ``ch_genes`` is the loaded ``ch_genes.yaml`` (thresholds under ``matched_normal``) or a plain gene list
    (bundled thresholds); None loads the bundled file. See ``ch_assessment`` for the rule.
    """
    return ch_assessment(variant, specimen, ch_genes)[0]


def ch_assessment(variant: AnnotatedVariant, specimen: str | None,
                  ch_genes: Mapping | Iterable[str] | None = None) -> tuple[str | None, str | None]:
    """(ch_status, evidence sentence or None).

    Alt reads in the matched normal support CH/germline only when the normal VAF is at least
    ``min_normal_to_tumour_vaf_ratio`` x the tumour VAF (resources/ch_genes.yaml): below it the normal's reads
    are tumour-in-normal contamination and the variant stays somatic.
    """
    genes, t = _ch_rules(ch_genes)
    return _ch_assess(variant, specimen_class(specimen) == "plasma", genes, t)


def _ch_rules(ch_genes: Mapping | Iterable[str] | None) -> tuple[set[str], dict]:
    """(CH genes, matched-normal thresholds) of ``ch_genes`` (see ch_assessment), read once per call site."""
    bundled = load_ch_genes()
    if ch_genes is None or isinstance(ch_genes, Mapping):
        data = ch_genes or bundled
        genes = set(data["genes"])
    else:
        data, genes = bundled, set(ch_genes)
    return genes, {**bundled["matched_normal"], **data.get("matched_normal", {})}


def _ch_assess(variant: AnnotatedVariant, plasma: bool, genes: set[str], t: Mapping) -> tuple[str | None, str | None]:
    status = variant.maf_mutation_status
    if status is not None and status.lower() in GERMLINE_MUTATION_STATUS:  # the caller's own tumour-normal call
        return "germline", f"the MAF's Mutation_Status {status} (line {variant.maf_line}): a constitutional allele"
    n_alt, n_depth = variant.normal_alt_reads, variant.normal_depth
    n_vaf = (n_alt / n_depth) if (n_alt is not None and n_depth) else None
    vaf = variant.vaf
    if n_alt:
        seen = f"matched normal {n_alt}/{n_depth} reads" + (f" (VAF {fmt_pct(n_vaf)})" if n_vaf is not None else "")
        supports = n_alt >= t["min_normal_alt_reads"] or (n_vaf is not None and n_vaf >= t["min_normal_vaf"])
        ratio = t.get("min_normal_to_tumour_vaf_ratio")
        if supports and ratio and n_vaf is not None and vaf:
            rel = n_vaf / vaf
            if rel < ratio - 1e-9:  # tolerance: 0.02 / 0.1 is 0.19999... in floating point
                return None, (f"{seen} vs tumour VAF {fmt_pct(vaf)}: normal/tumour VAF ratio {rel:.2g} < {ratio} "
                              "= tumour-in-normal contamination, kept as somatic")
        unknown = "" if vaf else "; tumour VAF unknown, so tumour-in-normal contamination could not be ruled out"
        if n_vaf is not None and n_vaf >= t["germline_min_normal_vaf"]:
            return "germline", f"{seen} >= {fmt_pct(t['germline_min_normal_vaf'])}: constitutional{unknown}"
        if supports:
            return "CH", f"{seen} supports a blood-derived clone{unknown}"
    if not plasma or variant.gene not in genes:
        return None, None
    if n_depth is not None and n_depth >= t["min_normal_depth_to_clear"] and n_alt == 0:
        return None, None  # the WBC was deep enough and shows no alt read: tumour-derived
    # (a normal whose alt reads are unknown, e.g. a column with DP and AF only, has not been seen to lack it)
    why = ("no matched normal" if n_depth is None else
           f"matched normal alt reads unknown ({n_depth} reads deep)" if n_alt is None else
           f"matched normal too shallow ({n_depth} reads)")
    return "possible_CH", f"plasma variant in a CH gene; {why} to rule CH out"


def annotate_ch(variants: list[AnnotatedVariant], specimen: str | None, ch_genes: Mapping | None = None, *,
                build: str | None = None, population_af: str | None = None,
                germline: Mapping | None = None) -> list[AnnotatedVariant]:
    """``variants`` (labelled in place and returned) with ``ch_status`` and ``ch_evidence`` (why, or None).

    Order: matched-normal evidence (``ch_assessment``), then, with ``build``, the curated common germline
    polymorphisms and the optional population-frequency VCF (alkannot.interpret.germline). A matched normal
    deep enough to clear a variant overrides a polymorphism/population label.
    """
    from alkannot.interpret.germline import label_germline

    data = ch_genes or load_ch_genes()
    genes, t = _ch_rules(data)
    plasma = specimen_class(specimen) == "plasma"
    for v in variants:
        v.ch_status, v.ch_evidence = _ch_assess(v, plasma, genes, t)
        v.ch_assessed = True
    out = variants
    if build is not None:
        out = label_germline(out, build, population_af=population_af, table=germline, ch_genes=data)
    return out


# ---------------------------------------------------------------------------------------------
# Tumour fraction
# ---------------------------------------------------------------------------------------------


def _likely_germline(vaf: float, ranges: list[list[float]]) -> bool:
    return any(lo <= vaf <= hi for lo, hi in ranges)


def tumor_fraction(variants: list[AnnotatedVariant], given: float | None = None, specimen: str | None = None,
                   config: Mapping | None = None) -> dict:
    """{value, method ("sheet"|"max_somatic_vaf"|"none"), note, source_variant}.

    ``given`` (from the sample sheet) wins. Otherwise a crude estimate: 2 x the highest VAF among eligible
    somatic calls (PASS, annotated, not CH/possible_CH/germline, specimen filter passed), capped at 1. It
    assumes that variant is clonal, heterozygous and copy-neutral; copy gains, LOH or a subclonal maximum
    make it wrong. In plasma without a matched normal, VAFs in ``likely_germline_vaf_ranges`` are skipped.
    """
    if given is not None:
        if not 0 <= given <= 1:
            raise InputError(f"tumour fraction {given} is not between 0 and 1",
                             fix="give the tumour fraction as a fraction (e.g. 0.12 for 12%)")
        return {"value": float(given), "method": "sheet", "note": "tumour fraction from the sample sheet",
                "source_variant": None}
    tf_cfg = _merged("tumor_fraction", config)
    plasma = specimen_class(specimen) == "plasma"
    best = None
    for v in variants:
        ok, _ = counts_as_somatic_call(v)
        vaf = v.vaf
        if not ok or vaf is None or is_non_tumour(v):
            continue
        # without the normal's alt-read count (no normal, or one with depth only) a germline-like VAF is skipped
        if plasma and v.normal_alt_reads is None and _likely_germline(vaf, tf_cfg["likely_germline_vaf_ranges"]):
            continue
        if best is None or vaf > best.vaf:
            best = v
    if best is None:
        return {"value": None, "method": "none", "source_variant": None,
                "note": "no tumour fraction given and no eligible somatic variant to estimate it"}
    value = min(1.0, 2 * best.vaf)
    return {"value": value, "method": "max_somatic_vaf", "source_variant": variant_ref(best),
            "note": (f"crude estimate: 2 x max somatic VAF ({best.vaf:.3g}, {best.gene} "
                     f"{best.protein_short or ''}".rstrip() + "), capped at 1; assumes a clonal "
                     "heterozygous copy-neutral variant")}


def apply_tumor_fraction(variants: list[AnnotatedVariant], tf: Mapping, config: Mapping | None = None) -> list[AnnotatedVariant]:
    """``variants`` (labelled in place and returned) with ``vaf_relative_to_tf`` (VAF / TF) and ``subclonal``
    (ratio < ``tumor_fraction.subclonal_fraction``, default 0.25 = cancer-cell fraction below 50% for a
    heterozygous variant); both None when TF or VAF is unknown."""
    frac = _merged("tumor_fraction", config)["subclonal_fraction"]
    value = tf.get("value")
    for v in variants:
        rel = (v.vaf / value) if (value and v.vaf is not None) else None
        v.vaf_relative_to_tf, v.subclonal = rel, (rel < frac) if rel is not None else None
        v.tf_applied = True
    return variants


# ---------------------------------------------------------------------------------------------
# Limit of detection
# ---------------------------------------------------------------------------------------------


def prob_at_least(k: int, n: int, f: float) -> float:
    """P(X >= k), X ~ Binomial(n, f), summed in log space (n may be tens of thousands)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if f <= 0:
        return 0.0
    if f >= 1:
        return 1.0
    lf, l1f = math.log(f), math.log1p(-f)
    below = sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lf
                         + (n - i) * l1f) for i in range(k))
    return max(0.0, 1.0 - below)


@functools.lru_cache(maxsize=65536)  # a pure function of its arguments: the same depths recur across hotspots and samples
def binomial_lod(depth: int | None, min_alt_reads: int = 3, confidence: float = 0.95) -> float | None:
    """Smallest VAF detectable with >= min_alt_reads alt reads at the given confidence (None when
    depth < min_alt_reads: nothing is detectable)."""
    if depth is None or depth < min_alt_reads or depth <= 0:
        return None
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if prob_at_least(min_alt_reads, depth, mid) >= confidence:
            hi = mid
        else:
            lo = mid
    return hi


def fmt_pct(x: float) -> str:
    """0.00262 -> '0.26%', 0.012 -> '1.2%', 0.35 -> '35%'."""
    p = x * 100
    return f"{p:.0f}%" if p >= 10 else f"{p:.2g}%"


# ---------------------------------------------------------------------------------------------
# Hotspot coverage
# ---------------------------------------------------------------------------------------------

def load_hotspots(path: str | Path | None = None) -> list[dict]:
    """The hotspot rows (resources/hotspots.tsv, or the file at ``path``). The bundled file is parsed once per
    process for each resources folder (as the transcript models are); each call gets its own copies."""
    if not path:
        return [{**r, "alts": list(r["alts"])} for r in _bundled_hotspots(str(resources_dir()))]
    return _read_hotspots(Path(path))


@functools.lru_cache(maxsize=8)
def _bundled_hotspots(resources: str) -> tuple[dict, ...]:
    return tuple(_read_hotspots(Path(resources) / "hotspots.tsv"))


def _read_hotspots(p: Path) -> list[dict]:
    try:
        lines = [ln for ln in p.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    except OSError as err:
        raise InputError(f"cannot read hotspot list: {err}", path=str(p), fix="restore resources/hotspots.tsv") from err
    rows = []
    for r in csv.DictReader(lines, delimiter="\t"):
        try:
            rows.append({"mutation": r["mutation"], "gene": r["gene"], "codon": int(r["codon"]),
                         "ref_aa": r["ref_aa"], "alts": [a for a in (r["alts"] or "").split(",") if a],
                         "kind": r["kind"], "alias": r.get("alias") or None, "source": r.get("source")})
        except (KeyError, ValueError, TypeError) as err:
            raise InputError(f"bad hotspot row ({err})", path=str(p),
                             fix="columns: mutation gene codon ref_aa alts kind alias source") from None
    return rows


def codon_positions(build: str, gene: str, codon: int, ref_aa: str | None = None) -> tuple[str, list[int]]:
    """(canonical chrom, the codon's three genomic positions in transcript order) from the bundled MANE
    transcript; checks ``ref_aa`` against the bundled translation where the sequence is known."""
    chrom, pos = _codon_positions(str(resources_dir()), build, gene, codon, ref_aa)
    return chrom, list(pos)


@functools.lru_cache(maxsize=4096)
def _codon_positions(_resources: str, build: str, gene: str, codon: int, ref_aa: str | None):
    """codon_positions, once per process for each resources folder (not once per hotspot per sample)."""
    t = shared_transcripts(build).by_gene(gene)  # read only
    if t is None or not t.coding:
        raise InputError(f"no coding {gene} transcript bundled for {build}", fix="rebuild the resources")
    first = t.cds_start + 3 * (codon - 1)
    if first + 2 > t.cds_end:
        raise InputError(f"{gene} codon {codon} is outside the CDS of {t.transcript_id}")
    seq = t.sequence[first:first + 3]
    if ref_aa and "N" not in seq and CODON_TABLE.get(seq) != ref_aa:
        raise InputError(f"{gene} codon {codon} is {CODON_TABLE.get(seq)} in {t.transcript_id}, not {ref_aa}",
                         path=str(resources_dir() / "hotspots.tsv"), fix="fix the hotspot's codon or ref_aa")
    return t.chrom, tuple(t.t_to_g(first + i) for i in range(3))


def hotspot_sites(build: str) -> list[tuple[str, int, int]]:
    """(chrom, pos, pos) for every base of every hotspot codon: where ``hotspot_coverage`` reads depths."""
    out = []
    for h in load_hotspots():
        chrom, positions = codon_positions(build, h["gene"], h["codon"])
        out.extend((chrom, p, p) for p in positions)
    return out


def _matches_hotspot(v: AnnotatedVariant, h: Mapping) -> bool:
    if v.gene != h["gene"]:
        return False
    e = v.protein_edit
    if e is None:
        return False
    if h["kind"] == "missense":
        return e.kind == "sub" and (e.start, e.ref) == (h["codon"], h["ref_aa"]) and e.alt in h["alts"]
    # dup / del: of the hotspot residue alone, or of a range ending there (p.(Glu1150_Thr1151dup))
    return e.kind == h["kind"] and e.last == (h["codon"], h["ref_aa"])


# Hotspot codons closer than this (bp) share reads: bam_depths counts their whole cluster in one pass over
# the reads (count_coverage once per cluster instead of once per codon) and serves the other codons of the
# cluster from that pass. The depths are the same: a base's count does not depend on the window asked for.
_CLUSTER_GAP = 150
_CLUSTER_COUNTS: dict = {}  # {"key": (alignment file identity, reference, mapq, baseq), (contig, lo, hi): counts}


def _hotspot_codon_bases(build: str, chrom: str) -> list[int]:
    """1-based positions of the bundled hotspot codons' bases on `chrom` in `build` (sorted)."""
    pos = []
    for h in load_hotspots():
        try:
            c, gp = codon_positions(build, h["gene"], h["codon"], h["ref_aa"])
        except InputError:
            continue
        if c == chrom:
            pos += gp
    return sorted(pos)


@functools.lru_cache(maxsize=8)
def _hotspot_clusters(chrom: str) -> tuple[tuple[int, int], ...]:
    """Genomic spans (lo, hi) of the clusters of bundled hotspot codons on `chrom` (both builds)."""
    spans = []
    for build in ("GRCh38", "GRCh37"):
        for p in _hotspot_codon_bases(build, chrom):
            if spans and spans[-1][2] == build and p - spans[-1][1] <= _CLUSTER_GAP:
                spans[-1][1] = p
            else:
                spans.append([p, p, build])
    return tuple((lo, hi) for lo, hi, _ in spans)


@functools.lru_cache(maxsize=8)
def _hotspot_cluster_sites(chrom: str) -> dict[tuple[int, int], tuple[int, ...]]:
    """{cluster span: sorted 1-based positions of the bundled hotspot codon bases in it} on `chrom`."""
    pos = {p for build in ("GRCh38", "GRCh37") for p in _hotspot_codon_bases(build, chrom)}
    return {(lo, hi): tuple(sorted(p for p in pos if lo <= p <= hi)) for lo, hi in _hotspot_clusters(chrom)}


def _cluster_of(chrom: str, positions: list[int]) -> tuple[int, int] | None:
    lo, hi = min(positions), max(positions)
    return next(((a, b) for a, b in _hotspot_clusters(chrom) if a <= lo and hi <= b), None)


def bam_depths(alignment: Any, chrom: str, positions: list[int], *, reference: str | None = None,
               min_mapq: int = 20, min_baseq: int = 20) -> list[int]:
    """Depth at each 1-based position (A+C+G+T with base quality >= min_baseq) counting only primary,
    non-duplicate, QC-passed reads with mapping quality >= min_mapq.

    For an alignment given by path and positions among a cluster of bundled hotspot codons, every codon
    base of the cluster is counted in one pass and kept (for the last alignment file only) for the cluster's
    other codons. The depths are those of pysam's `count_coverage` (`_bam_depths`), counted at the asked
    positions only (`_bam_depths_at`)."""
    import pysam

    own = not isinstance(alignment, pysam.AlignmentFile)
    span = _cluster_of(chrom, positions) if own and positions else None
    if span is not None:
        try:
            st = Path(str(alignment)).stat()
            key = (str(alignment), st.st_mtime_ns, st.st_size, reference, min_mapq, min_baseq)
        except OSError:
            span = None
    if span is not None:
        if _CLUSTER_COUNTS.get("key") != key:
            _CLUSTER_COUNTS.clear()
            _CLUSTER_COUNTS["key"] = key
        sites = _hotspot_cluster_sites(chrom).get(span, ())
        if all(p in sites for p in positions):
            if (chrom, span) not in _CLUSTER_COUNTS:
                # the depths at every hotspot codon base of the cluster, in one pass over its reads
                _CLUSTER_COUNTS[(chrom, span)] = dict(zip(sites, _bam_depths_at(
                    alignment, chrom, list(sites), reference, min_mapq, min_baseq, own)))
            counts = _CLUSTER_COUNTS[(chrom, span)]
            return [counts[p] for p in positions]
    return _bam_depths_at(alignment, chrom, positions, reference, min_mapq, min_baseq, own)


def _bam_depths(alignment: Any, chrom: str, positions: list[int], reference: str | None, min_mapq: int,
                min_baseq: int, own: bool) -> list[int]:
    from alkannot.io.alignment import open_alignment, quiet_htslib

    bam = open_alignment(str(alignment), reference) if own else alignment
    name = str(alignment) if own else str(getattr(bam, "filename", b"").decode(errors="replace"))
    try:
        contig = contig_named(bam.references, chrom)
        if contig is None:
            return [0 for _ in positions]

        def keep(read) -> bool:
            # 0xF04 = unmapped | secondary | QC fail | duplicate | supplementary (one attribute read per read)
            return not read.flag & 0xF04 and read.mapping_quality >= min_mapq

        lo, hi = min(positions), max(positions)
        with quiet_htslib() as msgs:
            try:
                counts = bam.count_coverage(contig, lo - 1, hi, quality_threshold=min_baseq, read_callback=keep)
                err = None
            except (ValueError, OSError) as exc:
                counts, err = None, exc
        if counts is None or any(m.startswith("[E::") for m in msgs):
            why = next((m.split("]", 1)[-1].strip() for m in msgs if m.startswith("[E::")), None) or str(err)
            raise InputError(f"cannot read coverage from the alignment: {why}", path=name,
                             fix="check it with 'samtools quickcheck' and re-index it (samtools index)")
        return [int(sum(c[p - lo] for c in counts)) for p in positions]
    finally:
        if own:
            with quiet_htslib():
                bam.close()


def _bam_depths_at(alignment: Any, chrom: str, positions: list[int], reference: str | None, min_mapq: int,
                   min_baseq: int, own: bool) -> list[int]:
    """`_bam_depths` (pysam count_coverage's counts) computed at `positions` only: one fetch over their
    span; per kept read, its aligned (match) blocks from the CIGAR give the query base at each asked position
    it covers, counted when it is A/C/G/T with quality >= min_baseq (every A/C/G/T when min_baseq is 0; a
    read without sequence, or without qualities when min_baseq > 0, counts nothing), as count_coverage does.
    Deletions, skips, insertions and clips are not counted. Cost: per read, not per base of the span."""
    from bisect import bisect_left

    from alkannot.io.alignment import open_alignment, quiet_htslib

    sites = sorted(set(positions))
    zero = [p - 1 for p in sites]  # 0-based
    depth = [0] * len(sites)
    bam = open_alignment(str(alignment), reference) if own else alignment
    name = str(alignment) if own else str(getattr(bam, "filename", b"").decode(errors="replace"))
    try:
        contig = contig_named(bam.references, chrom)
        if contig is None or not sites:
            return [0 for _ in positions]
        counted = frozenset("ACGT")
        # cigar ops that consume reference and query (M, =, X), reference only (D, N), query only (I, S)
        both, ref_only, query_only = frozenset((0, 7, 8)), frozenset((2, 3)), frozenset((1, 4))
        lo, hi, n = zero[0], zero[-1], len(zero)
        with quiet_htslib() as msgs:
            try:
                for read in bam.fetch(contig, lo, hi + 1):
                    # 0xF04 = unmapped | secondary | QC fail | duplicate | supplementary
                    if read.flag & 0xF04 or read.mapping_quality < min_mapq:
                        continue
                    start = read.reference_start
                    i = bisect_left(zero, start)
                    if i == n or zero[i] >= read.reference_end:
                        continue
                    seq = read.query_sequence
                    if seq is None:
                        continue
                    qual = read.query_qualities
                    if min_baseq and not qual:
                        continue
                    rpos, qpos = start, 0
                    for op, length in read.cigartuples:
                        if op in both:
                            end = rpos + length
                            while i < n and zero[i] < end:
                                if zero[i] >= rpos:
                                    q = qpos + zero[i] - rpos
                                    if seq[q] in counted and (not min_baseq or qual[q] >= min_baseq):
                                        depth[i] += 1
                                i += 1
                            rpos, qpos = end, qpos + length
                            if i == n:
                                break
                        elif op in ref_only:
                            rpos += length
                            while i < n and zero[i] < rpos:
                                i += 1  # deleted / skipped bases are not counted
                            if i == n:
                                break
                        elif op in query_only:
                            qpos += length
                err = None
            except (ValueError, OSError) as exc:
                err = exc
        if err is not None or any(m.startswith("[E::") for m in msgs):
            why = next((m.split("]", 1)[-1].strip() for m in msgs if m.startswith("[E::")), None) or str(err)
            raise InputError(f"cannot read coverage from the alignment: {why}", path=name,
                             fix="check it with 'samtools quickcheck' and re-index it (samtools index)")
        by_pos = dict(zip(sites, depth))
        return [by_pos[p] for p in positions]
    finally:
        if own:
            with quiet_htslib():
                bam.close()


def gvcf_depth_records(path: str | Path, sample: str | None = None) -> list[DepthBlock]:
    """A DepthBlock (chrom, start, end, depth) per record of a gVCF-style file: reference blocks span to
    INFO/END; depth is FORMAT MIN_DP (blocks), else FORMAT DP, else INFO DP, else the sum of FORMAT AD
    (read by ``alkannot.io.vcf.refcalls``)."""
    return read_depth_blocks(str(path), sample)


def _block(r: DepthBlock | Mapping) -> DepthBlock:
    """A depth record given as a DepthBlock or a mapping {chrom, start (or pos), end (or pos), depth}."""
    if isinstance(r, DepthBlock):
        return r
    return DepthBlock(canonical_chrom(str(r["chrom"])), int(r.get("start", r.get("pos"))),
                      int(r.get("end", r.get("pos"))), r.get("depth"))


def depths_from_gvcf_records(records: Iterable[DepthBlock | Mapping], chrom: str, positions: list[int],
                             missing: int | None = 0) -> list[int | None]:
    """Depth at each position from gVCF records; a position no record covers has depth ``missing``: 0 for a
    gVCF (it lists every position it called), None (unknown) for a file that lists only some reference
    calls - pass None-depth records through as None."""
    recs = [b for b in map(_block, records) if b.chrom == chrom]
    out: list[int | None] = []
    for p in positions:
        hit = [b for b in recs if b.start <= p <= b.end]
        if not hit:
            out.append(missing)
        else:
            ds = [b.depth for b in hit]
            out.append(None if any(d is None for d in ds) else min(int(d) for d in ds))
    return out


def hotspot_text(mutation: str, status: str, depth: int | None, lod: float | None, vaf: float | None,
                 detected_as: str | None = None) -> str:
    if status == "detected":
        v = f"VAF {fmt_pct(vaf)}" if vaf is not None else "VAF unknown"
        return f"{detected_as or mutation} detected at {v}" + (f" ({depth:,}×)" if depth else "")
    if status == "not_covered":
        return f"{mutation} not assessable: not covered (0×)"
    if status == "unknown_coverage":
        return f"{mutation} not detected; depth unknown (no BAM or gVCF depth given), LoD not computed"
    lod_txt = f"LoD ≈ {fmt_pct(lod)}" if lod is not None else "LoD not computable"
    if status == "low_coverage":
        return f"{mutation} not reliably assessable: low coverage at {depth:,}× ({lod_txt})"
    return f"{mutation} not detected at {depth:,}× ({lod_txt})"


def hotspot_coverage(build: str, *, alignment: Any = None, reference: str | None = None,
                     variants: list[AnnotatedVariant] | None = None, gvcf_depths: Any = None,
                     config: Mapping | None = None, hotspots: list[dict] | None = None,
                     gvcf_missing_depth: int | None = 0) -> list[dict]:
    """Per ALK resistance hotspot: depth at the codon (minimum over its three bases) from the BAM/CRAM
    (``alignment``), else from gVCF records (``gvcf_depths``: a path or records {chrom,start,end,depth}),
    whether a PASS call matches it (``variants``), the binomial LoD and a sentence.

    Keys: mutation, gene, codon, alias, chrom, pos (lowest genomic base of the codon), end, depth,
    depth_source ("alignment"|"gvcf"|"variant"|None), detected, detected_as, variant_ref, vaf, lod, status
    (detected | not_detected | not_covered | low_coverage | unknown_coverage), filtered_calls, text.
    """
    cfg = _merged("hotspot_coverage", config)
    k, conf = int(cfg["min_alt_reads"]), float(cfg["confidence"])
    records = None
    if alignment is None and gvcf_depths is not None:
        records = gvcf_depth_records(gvcf_depths) if isinstance(gvcf_depths, (str, Path)) else list(gvcf_depths)
    out = []
    spots = hotspots if hotspots is not None else load_hotspots()
    genes = {h["gene"] for h in spots}
    edits = [v for v in (variants or []) if v.gene in genes and v.protein_edit is not None]  # only these can match
    for h in spots:
        chrom, gpos = codon_positions(build, h["gene"], h["codon"], h["ref_aa"])
        if alignment is not None:
            depths: list[int | None] = list(bam_depths(alignment, chrom, gpos, reference=reference,
                                                       min_mapq=int(cfg["min_mapq"]),
                                                       min_baseq=int(cfg["min_baseq"])))
            source = "alignment"
        elif records is not None:
            depths, source = depths_from_gvcf_records(records, chrom, gpos, gvcf_missing_depth), "gvcf"
        else:
            depths, source = [None, None, None], None
        depth = None if any(d is None for d in depths) else min(depths)
        hits = [v for v in edits if _matches_hotspot(v, h)]
        passing = [v for v in hits if counts_as_somatic_call(v, {"exclude_ch_status": []})[0]]
        call = max(passing, key=lambda v: v.vaf or 0) if passing else None
        if call is not None and depth is None and call.depth is not None:
            depth, source = int(call.depth), "variant"
        lod = binomial_lod(depth, k, conf)
        if call is not None:
            status = "detected"
        elif depth is None:
            status = "unknown_coverage"
        elif depth == 0:
            status = "not_covered"
        elif depth < int(cfg["min_depth"]):
            status = "low_coverage"
        else:
            status = "not_detected"
        text = hotspot_text(h["mutation"], status, depth, lod, call.vaf if call else None,
                            call.protein_short if call else None)
        filtered = [{"variant_ref": variant_ref(v), "protein": v.protein_short, "filter": v.filter,
                     "reason": counts_as_somatic_call(v, {"exclude_ch_status": []})[1]}
                    for v in hits if v not in passing]
        if filtered:
            text += "; a call here failed filters (" + ", ".join(f"{f['protein']}: {f['reason']}"
                                                                   for f in filtered) + ")"
        out.append({"mutation": h["mutation"], "gene": h["gene"], "codon": h["codon"], "alias": h["alias"],
                    "chrom": chrom, "pos": min(gpos), "end": max(gpos), "depth": depth, "depth_source": source,
                    "detected": call is not None, "detected_as": call.protein_short if call else None,
                    "variant_ref": variant_ref(call) if call else None,
                    "vaf": call.vaf if call else None, "lod": lod, "status": status,
                    "filtered_calls": filtered, "text": text})
    return out



# ---------------------------------------------------------------------------------------------
# Effective limit of detection, clonality and "ALK resistance mutation excluded?" (docs/verdicts.md V6-V8)
# ---------------------------------------------------------------------------------------------

# Labels (set by annotate_ch) that make a variant not tumour evidence: shown, never interpreted.
NON_TUMOUR_LABELS = ("germline", "CH", "possible_CH")


def is_non_tumour(v: AnnotatedVariant) -> bool:
    return v.ch_status in NON_TUMOUR_LABELS


def specimen_min_vaf(specimen: str | None, config: Mapping | None = None) -> float:
    return float(_merged("filters", config)[specimen_class(specimen)]["min_vaf"])


def effective_lod(lod: float | None, specimen: str | None, config: Mapping | None = None) -> float | None:
    """max(binomial sampling LoD, the specimen's minimum reportable VAF): a mutation below the specimen's
    reporting threshold is not reported however deep the site is. None when the depth gave no LoD."""
    if lod is None:
        return None
    return max(float(lod), specimen_min_vaf(specimen, config))


def min_detectable_ccf(lod_eff: float | None, tf: float | None, config: Mapping | None = None) -> float | None:
    """The smallest cancer-cell fraction detectable at this LoD: a heterozygous mutation in a fraction c of
    cancer cells sits at VAF = c x TF x clonal_vaf_factor. Values above 1 mean even a clonal mutation could be
    missed. None without a tumour fraction or LoD."""
    if lod_eff is None or not tf:
        return None
    factor = float(_merged("alk_exclusion", config)["clonal_vaf_factor"])
    return lod_eff / (tf * factor)


def apply_lod(hotspots: list[dict], specimen: str | None, tf: Mapping | None,
              config: Mapping | None = None) -> list[dict]:
    """Copies of hotspot_coverage rows with ``lod_effective`` and ``min_detectable_ccf``."""
    value = (tf or {}).get("value")
    out = []
    for h in hotspots:
        eff = effective_lod(h.get("lod"), specimen, config)
        row = {**h, "lod_effective": eff, "min_detectable_ccf": min_detectable_ccf(eff, value, config)}
        if eff is not None and h.get("lod") is not None and eff > h["lod"] and h.get("status") in (
                "not_detected", "low_coverage"):
            old = f"LoD ≈ {fmt_pct(h['lod'])}"
            row["text"] = h["text"].replace(old, f"LoD ≈ {fmt_pct(eff)}: the {specimen_class(specimen)} minimum "
                                                 f"VAF; sampling LoD {fmt_pct(h['lod'])}", 1)
        ccf = row["min_detectable_ccf"]
        if ccf is not None and h.get("status") in ("not_detected", "low_coverage"):
            row["text"] += (f"; smallest detectable cancer-cell fraction ≈ {fmt_pct(ccf)}" if ccf <= 1 else
                            "; even a clonal mutation could be missed at this tumour fraction")
        out.append(row)
    return out


def clonality(vaf: float | None, tf: float | None, config: Mapping | None = None) -> dict:
    """{vaf_relative_to_tf, cancer_cell_fraction, clonality ("clonal"|"subclonal"|"unknown")}.

    VAF / TF below ``tumor_fraction.subclonal_fraction`` (0.25: a heterozygous mutation in < 50% of cancer
    cells) is subclonal; the cancer-cell fraction assumes a heterozygous copy-neutral mutation."""
    if vaf is None or not tf:
        return {"vaf_relative_to_tf": None, "cancer_cell_fraction": None, "clonality": "unknown"}
    frac = float(_merged("tumor_fraction", config)["subclonal_fraction"])
    factor = float(_merged("alk_exclusion", config)["clonal_vaf_factor"])
    rel = vaf / tf
    return {"vaf_relative_to_tf": rel, "cancer_cell_fraction": min(1.0, rel / factor),
            "clonality": "subclonal" if rel < frac else "clonal"}


def alk_clonality(variants: list[AnnotatedVariant], alk: list[str], tf: Mapping | None,
                  config: Mapping | None = None) -> list[dict]:
    """One entry per interpreted ALK mutation: {mutation, vaf, tumor_fraction, tumor_fraction_method,
    vaf_relative_to_tf, cancer_cell_fraction, clonality, note}."""
    tf = tf or {}
    value, method = tf.get("value"), tf.get("method")
    wanted = set(alk)
    by_name: dict[str, list[dict]] = {}  # one pass over the variants, not one per mutation
    for v in variants:
        if v.gene == "ALK" and v.protein_short in wanted and not is_non_tumour(v):
            by_name.setdefault(v.protein_short, []).append(v)
    out = []
    for m in alk:
        hits = by_name.get(m, [])
        vaf = max((v.vaf for v in hits if v.vaf is not None), default=None)
        c = clonality(vaf, value, config)
        if c["clonality"] == "unknown":
            note = "no VAF" if vaf is None else "no tumour fraction: clonality unknown"
        else:
            note = (f"VAF {fmt_pct(vaf)} is {c['vaf_relative_to_tf']:.2f}× the tumour fraction "
                    f"({fmt_pct(value)}, {method}); cancer-cell fraction ≈ {fmt_pct(c['cancer_cell_fraction'])}")
            if method == "max_somatic_vaf" and any(variant_ref(v) == tf.get("source_variant") for v in hits):
                note += "; the tumour fraction was estimated from this variant, so 'clonal' is by construction"
        out.append({"mutation": m, "vaf": vaf, "tumor_fraction": value, "tumor_fraction_method": method,
                    **c, "note": note})
    return out


def _blocking_alk_calls(variants: list[AnnotatedVariant], specimen: str | None) -> list[dict]:
    """ALK kinase-domain protein-altering calls that are visible in the report but not interpreted (FILTER
    failed or below the specimen's reporting threshold): they block "no ALK mutation"."""
    from alkannot.annotate.variants import PROTEIN_ALTERING

    out = []
    for v in variants:
        if not (v.gene == "ALK" and v.alk_kinase_domain and v.status == "annotated"):
            continue
        if not set((v.consequence or "").split("&")) & PROTEIN_ALTERING or is_non_tumour(v):
            continue
        sf = v.specimen_filter or "pass"
        if not v.filter_pass:
            why = f"FILTER {v.filter}"
        elif sf != "pass":
            why = f"below the {specimen_class(specimen)} reporting threshold ({sf})"
        else:
            continue
        out.append({"protein": v.protein_short, "variant_ref": variant_ref(v), "vaf": v.vaf,
                    "why": why})
    return out


def alk_exclusion(variants: list[AnnotatedVariant], alk: list[str], specimen: str | None, tf: Mapping | None,
                  hotspots: list[dict] | None, config: Mapping | None = None) -> dict:
    """May "no ALK resistance mutation" be said? (docs/verdicts.md V6-V8)

    Excluded only when (a) no ALK kinase-domain mutation is interpreted and none is visible below the
    reporting threshold or FILTER-failed, (b) the tumour fraction is known by an accepted method (tissue:
    the sheet's tumour content >= ``tissue_min_tumor_content``), and (c) every required hotspot has a known
    depth whose effective LoD (``effective_lod``) is below the VAF a clonal mutation would have
    (TF x ``clonal_vaf_factor``). Returns {excluded, specimen_class, tumor_fraction, tumor_fraction_method,
    expected_clonal_vaf, hotspots_required, hotspots_adequate, inadequate_hotspots, blocking_calls,
    reasons, text}."""
    cfg = _merged("alk_exclusion", config)
    cls = specimen_class(specimen)
    tf = tf or {}
    value, method = tf.get("value"), tf.get("method")
    reasons: list[str] = []
    if alk:
        reasons.append(f"ALK kinase-domain mutation(s) detected: {', '.join(alk)}")
    blocking = _blocking_alk_calls(variants, specimen)
    if blocking:
        reasons.append("ALK kinase-domain call(s) shown but not interpreted: " + "; ".join(
            f"{b['protein']}" + (f" at VAF {fmt_pct(b['vaf'])}" if b["vaf"] is not None else "") + f" ({b['why']})"
            for b in blocking))
    accepted = cfg["accepted_tf_methods"].get(cls, cfg["accepted_tf_methods"]["default"])
    tf_ok = value is not None and method in accepted
    if value is None:
        reasons.append("no tumour-fraction estimate" + (" (give tumor_fraction in the sample sheet)"
                                                         if cls != "plasma" else ""))
    elif method not in accepted:
        reasons.append(f"tumour fraction only estimated ({method}); {cls} needs one of: {', '.join(accepted)} "
                       "(give the pathology tumour content as tumor_fraction in the sample sheet)")
    elif cls == "tissue" and value < float(cfg["tissue_min_tumor_content"]):
        tf_ok = False
        reasons.append(f"tumour content {fmt_pct(value)} is below the adequate minimum "
                       f"{fmt_pct(float(cfg['tissue_min_tumor_content']))}")
    expected = value * float(cfg["clonal_vaf_factor"]) if value else None
    required = [h for h in (hotspots or []) if h.get("mutation") not in set(cfg.get("not_required") or [])]
    bad = []
    for h in required:
        eff = h.get("lod_effective", effective_lod(h.get("lod"), specimen, config))
        if h.get("depth") is None:
            why = "depth unknown (no BAM/CRAM or gVCF depth)"
        elif not h.get("depth"):
            why = "not covered (0×)"
        elif eff is None:
            why = f"depth {h['depth']}× too low for a limit of detection"
        elif expected is not None and eff >= expected:
            why = (f"LoD {fmt_pct(eff)} at {h['depth']:,}× is not below the clonal VAF "
                   f"{fmt_pct(expected)}")
        elif expected is None:
            why = f"LoD {fmt_pct(eff)} at {h['depth']:,}× cannot be compared without a tumour fraction"
        else:
            continue
        bad.append({"mutation": h.get("mutation"), "depth": h.get("depth"), "lod_effective": eff, "why": why})
    if not required:
        reasons.append("no hotspot depth assessed")
    elif bad:
        whys: dict[str, list[str]] = {}
        for b in bad:
            whys.setdefault(b["why"], []).append(str(b["mutation"]))
        shown = "; ".join(f"{', '.join(ms)}: {w}" if len(ms) <= 3 else f"{len(ms)} hotspots: {w}"
                          for w, ms in list(whys.items())[:4])
        more = f"; and {len(whys) - 4} more" if len(whys) > 4 else ""
        reasons.append(f"{len(bad)} of {len(required)} required ALK hotspots not assessable deeply enough ({shown}{more})")
    excluded = not alk and not blocking and tf_ok and bool(required) and not bad
    if excluded:
        worst = max(h.get("lod_effective", effective_lod(h.get("lod"), specimen, config)) for h in required)
        ccf = min_detectable_ccf(worst, value, config)
        text = (f"ALK resistance mutation excluded at the {len(required)} hotspots: every effective LoD (at most "
                f"{fmt_pct(worst)}, i.e. cancer-cell fraction ≥ {fmt_pct(ccf)}) is below the clonal VAF "
                f"{fmt_pct(expected)} (tumour fraction {fmt_pct(value)}, {method})")
    elif alk:
        text = "ALK resistance mutation detected"
    else:
        text = "ALK resistance mutation not excluded: " + "; ".join(reasons)
    return {"excluded": excluded, "specimen_class": cls, "tumor_fraction": value, "tumor_fraction_method": method,
            "expected_clonal_vaf": expected, "hotspots_required": len(required),
            "hotspots_adequate": len(required) - len(bad), "inadequate_hotspots": bad,
            "blocking_calls": blocking, "reasons": reasons, "text": text}
