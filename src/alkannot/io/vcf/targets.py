"""Target regions: merged for index queries (region_queries) and as bisect spans for streamed lines."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from alkannot.core.contigs import canonical_chrom


def region_name(chrom: str, style: str) -> str:
    c = canonical_chrom(chrom)
    if style == "chr":
        return "chrM" if c == "MT" else "chr" + c
    return c


def merged_regions(targets: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Target spans merged per contig (canonical names), sorted: disjoint regions for index queries."""
    out: list[list] = []
    for chrom, start, end in sorted((canonical_chrom(c), s, e) for c, s, e in targets):
        if out and out[-1][0] == chrom and start <= out[-1][2] + 1:
            out[-1][2] = max(out[-1][2], end)
        else:
            out.append([chrom, start, end])
    return [tuple(r) for r in out]


def region_queries(contigs: list[str], targets: list[tuple[str, int, int]],
                   style: str = "bare") -> Iterator[tuple[str, int, int, int]]:
    """How an indexed file is read over the targets (the annotator and the VCF writer both): (contig as the
    index spells it (chr2, 2, NC_000002.12), start, end, skip_to) per merged target region on a contig the
    index has (``style`` names the contig when the index lists none). Regions are merged and disjoint: a
    record also returned by the previous region of its contig starts at or before ``skip_to``; skipping
    exactly those (not records with equal content) keeps identical duplicate records, as streaming does."""
    names = {canonical_chrom(s): s for s in contigs}
    prev_end: dict[str, int] = {}
    for chrom, start, end in merged_regions(targets):
        name = names.get(canonical_chrom(chrom)) or (None if contigs else region_name(chrom, style))
        if name is None:
            continue  # contig absent from the index: nothing to read there
        skip_to = prev_end.get(name, 0)
        prev_end[name] = end
        yield name, start, end, skip_to


def target_spans(targets: list[tuple[str, int, int]]) -> dict[str, tuple[list[int], list[int]]]:
    """{canonical chrom: (sorted starts, running max of ends)} for fast overlap tests with bisect."""
    by: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in targets:
        by.setdefault(canonical_chrom(chrom), []).append((start, end))
    out = {}
    for c, spans in by.items():
        spans.sort()
        starts, maxend, m = [], [], 0
        for s, e in spans:
            m = max(m, e)
            starts.append(s)
            maxend.append(m)
        out[c] = (starts, maxend)
    return out


def span_overlaps(spans: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Does [start, end] overlap a span of one contig's ``target_spans`` entry? (The one overlap test: the
    prefilter's lines, the depth sites and the annotated VCF's records all ask it.)"""
    i = bisect.bisect_right(spans[0], end) - 1
    return i >= 0 and spans[1][i] >= start
