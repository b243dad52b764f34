"""Depth blocks of a VCF: the read depth each record states over its span (DepthBlock).

A gVCF's reference blocks (``<NON_REF>``/``<*>`` with INFO/END), an all-sites VCF's ALT '.' records and the
variant records themselves each state a depth over the bases they span (htslib's span: POS to INFO/END
when given, else to the end of REF). ``depth_block`` reads one cyvcf2 record (the annotator collects them
in its own pass over the sample VCF: ``AnnotationResult.depth_blocks``); ``read_depth_blocks`` reads a
whole file for callers that hold only a path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.io.htslib import cyvcf2_log_level
from alkannot.io.vcf.depth import NOT_A_NUMBER, format_numbers, info_numbers
from alkannot.io.vcf.targets import merged_regions, span_overlaps, target_spans


@dataclass(frozen=True)
class DepthBlock:
    """One record's stated depth over [start, end] (1-based, inclusive) on ``chrom`` (canonical name)."""

    chrom: str
    start: int
    end: int
    depth: int | None  # None: the record states no depth

    def covers(self, chrom: str, pos: int) -> bool:
        return self.chrom == chrom and self.start <= pos <= self.end


def _first(values: list) -> int | None:
    v = values[0] if values else None
    return None if v is None or v is NOT_A_NUMBER or not math.isfinite(v) else int(v)


def block_depth(rec, s: int | None) -> int | None:
    """The record's depth for sample index ``s`` (None: sites-only): FORMAT MIN_DP (a block's minimum),
    else FORMAT DP, else INFO/DP, else the sum of the sample's FORMAT AD (0 when AD is written but
    missing, '.'), else None. Tags are read whether or not the header defines them, as htslib does."""
    if s is not None:
        for key in ("MIN_DP", "DP"):
            depth = _first(format_numbers(rec, key, s))
            if depth is not None:
                return depth
    depth = _first(info_numbers(rec, "DP"))
    if depth is not None or s is None:
        return depth
    try:
        ad = rec.format("AD")
    except Exception:  # noqa: BLE001 - cyvcf2 raises plain exceptions for absent/odd tags
        ad = None
    if ad is None:
        return None
    return sum(int(x) for x in format_numbers(rec, "AD", s) if x is not None and x is not NOT_A_NUMBER
               and math.isfinite(x))


def depth_block(rec, s: int | None) -> DepthBlock:
    """A cyvcf2 record as a DepthBlock (its span is htslib's: INFO/END honoured)."""
    return DepthBlock(canonical_chrom(rec.CHROM), rec.POS, rec.end, block_depth(rec, s))


class DepthSites:
    """Where a pass keeps depth blocks: [(chrom, start, end)] sites, tested by bisect as targets are
    (``targets.target_spans``)."""

    def __init__(self, sites: Iterable[tuple[str, int, int]]):
        self.sites = [(canonical_chrom(c), int(s), int(e)) for c, s, e in sites]
        self._spans = target_spans(self.sites)

    def overlaps(self, chrom: str, start: int, end: int) -> bool:
        """Does [start, end] on ``chrom`` (canonical name) overlap a site?"""
        sp = self._spans.get(chrom)
        return sp is not None and span_overlaps(sp, start, end)

    def inside(self, read: list[tuple[str, int, int]]) -> bool:
        """Is every site inside the spans a pass reads (so that the pass sees every record over it)?"""
        regions = merged_regions(read)
        return all(any(c == rc and rs <= s and e <= re for rc, rs, re in regions) for c, s, e in self.sites)


def read_depth_blocks(path: str, sample: str | None = None) -> list[DepthBlock]:
    """A DepthBlock per record of a gVCF-style file (every record htslib reads, in file order), for
    ``sample`` (default: the first; none for a sites-only file)."""
    import cyvcf2

    path = str(path)
    try:
        with cyvcf2_log_level():
            vcf = cyvcf2.VCF(path, gts012=False, lazy=True, strict_gt=False)
    except Exception as err:  # noqa: BLE001 - cyvcf2 raises OSError or a plain Exception
        raise InputError(f"cannot open gVCF: {str(err).strip() or type(err).__name__}", path=path,
                         fix="give a (b)gzipped or plain gVCF") from None
    try:
        samples = list(vcf.samples)
        s = sample if sample is not None else (samples[0] if samples else None)
        if s is not None and s not in samples:
            raise InputError(f"sample {s!r} not in gVCF (has {', '.join(samples)})", path=path,
                             fix="name a sample present in the gVCF")
        index = None if s is None else samples.index(s)
        out: list[DepthBlock] = []
        with cyvcf2_log_level():
            it = iter(vcf)
            while True:
                try:
                    rec = next(it)
                except StopIteration:
                    break
                except Exception as err:  # noqa: BLE001 - a record htslib cannot parse
                    raise InputError(f"cannot read gVCF record {len(out) + 1} ({str(err).strip()})", path=path,
                                     fix="check the file with 'bcftools view'") from None
                out.append(depth_block(rec, index))
        return out
    finally:
        vcf.close()
