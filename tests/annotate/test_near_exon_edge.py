"""engine._near_exon_edge (a bisect of the exon offsets) flags the same edits as a scan of every exon."""

from __future__ import annotations

import random

import pytest

from alkannot.annotate.engine import SPLICE_REGION_EXONIC, _near_exon_edge
from alkannot.annotate.transcripts import Transcript, load_transcripts


def _scan(tx: Transcript, a: int, b: int) -> bool:
    """The definition: every exon, in order."""
    for n in range(1, len(tx.exons) + 1):
        s, e = tx.exon_bounds_t(n)
        lo, hi = a, max(b - 1, a)
        if n > 1 and lo < s + SPLICE_REGION_EXONIC and hi >= s:
            return True
        if n < len(tx.exons) and hi > e - SPLICE_REGION_EXONIC and lo <= e:
            return True
    return False


def _toy(lengths: list[int]) -> Transcript:
    exons, pos = [], 1000
    for n in lengths:
        exons.append((pos, pos + n - 1))
        pos += n + 50
    return Transcript(gene="T", transcript_id="T1", chrom="1", strand="+", exons=exons, sequence="A" * sum(lengths))


@pytest.mark.parametrize("lengths", [[1], [5], [1, 1, 1], [2, 7, 1, 3, 30], [4] * 9])
def test_every_span_of_small_transcripts(lengths):
    tx = _toy(lengths)
    n = len(tx.sequence)
    for a in range(-2, n + 2):
        for b in range(a, min(a + 12, n + 3)):
            assert _near_exon_edge(tx, a, b) == _scan(tx, a, b), (lengths, a, b)


def test_bundled_transcripts():
    rng = random.Random(3)
    for tx in load_transcripts("GRCh38").transcripts:
        n = len(tx.sequence)
        for _ in range(400):
            a = rng.randrange(n)
            b = a + rng.choice([0, 1, 1, 2, 3, 9, 40])
            assert _near_exon_edge(tx, a, b) == _scan(tx, a, b), (tx.transcript_id, a, b)
