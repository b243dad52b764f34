"""bam_depths counts a cluster of nearby hotspot codons in one pass: the depths must equal counting each
codon on its own (reads start at many positions, so depth changes base by base)."""

from __future__ import annotations

import random

import pysam
import pytest
from helpers.bam import chr2_header, write_indexed_bam

from alkannot.interpret import ctdna


def _reads_over_clusters(header, rng, prefix, per_span, lengths, flags, mapqs, cigar, bases, quals, qual_rate=1.0):
    """per_span reads starting anywhere over each bundled GRCh38 ALK hotspot cluster (drawn from rng)."""
    spans = ctdna._hotspot_clusters("2")
    assert spans, "no bundled hotspot clusters on chr2"
    reads = []
    for lo, hi in spans:
        for i in range(per_span):
            n = rng.randint(*lengths)
            a = pysam.AlignedSegment(header)
            a.query_name = f"{prefix}{lo}_{i}"
            a.flag = rng.choice(flags)
            a.reference_id = 0
            a.reference_start = rng.randint(lo - 160, hi + 10) - 1
            a.mapping_quality = rng.choice(mapqs)
            a.cigarstring = cigar(rng, n)
            a.query_sequence = "".join(rng.choice(bases) for _ in range(n))
            if qual_rate >= 1.0 or rng.random() < qual_rate:
                a.query_qualities = pysam.qualitystring_to_array("".join(rng.choice(quals) for _ in range(n)))
            reads.append(a)
    return reads


@pytest.fixture(scope="module")
def staggered_bam(tmp_path_factory):
    """Reads of 40-151 bp starting anywhere over the GRCh38 ALK hotspot clusters, some filtered."""
    header = chr2_header()
    reads = _reads_over_clusters(header, random.Random(7), "r", 120, (40, 151), [0, 0, 0, 16, 1024, 256],
                                 [60, 60, 60, 10], lambda rng, n: f"{n}M", "ACGT", "5?I+")
    return write_indexed_bam(tmp_path_factory.mktemp("bam") / "staggered.bam", header, reads)


def test_cluster_pass_gives_the_per_codon_depths(staggered_bam):
    ctdna._CLUSTER_COUNTS.clear()
    checked = 0
    for h in ctdna.load_hotspots():
        chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
        assert ctdna._cluster_of(chrom, gpos) is not None
        clustered = ctdna.bam_depths(str(staggered_bam), chrom, gpos, min_mapq=20, min_baseq=20)
        alone = ctdna._bam_depths(str(staggered_bam), chrom, gpos, None, 20, 20, True)
        assert clustered == alone, h["mutation"]
        checked += sum(d > 0 for d in alone)
    assert checked > 10  # the fixture covers the hotspots: a comparison of zeros proves nothing
    # one pass per cluster, not per codon
    windows = [k for k in ctdna._CLUSTER_COUNTS if k != "key"]
    assert 0 < len(windows) < len(ctdna.load_hotspots())

def test_positions_outside_clusters_are_counted_directly(staggered_bam):
    lo, _ = ctdna._hotspot_clusters("2")[0]
    far = [lo - 5000, lo - 4999]
    assert ctdna._cluster_of("2", far) is None
    assert ctdna.bam_depths(str(staggered_bam), "2", far) == [0, 0]


def test_a_rewritten_alignment_is_not_served_from_the_cache(staggered_bam, tmp_path):
    h = ctdna.load_hotspots()[0]
    chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
    copy = tmp_path / "copy.bam"
    copy.write_bytes(staggered_bam.read_bytes())
    pysam.index(str(copy))
    first = ctdna.bam_depths(str(copy), chrom, gpos)
    assert any(first)
    header = chr2_header()
    with pysam.AlignmentFile(str(copy), "wb", header=header):
        pass  # now empty
    pysam.index(str(copy))
    assert ctdna.bam_depths(str(copy), chrom, gpos) == [0, 0, 0]


def _random_cigar(rng: random.Random, n: int) -> tuple[str, int]:
    """A CIGAR of query length n with soft clips, insertions, deletions, skips and =/X ops."""
    ops, left = [], n
    if rng.random() < 0.3:
        c = rng.randint(1, 10)
        ops.append(f"{c}S")
        left -= c
    while left > 0:
        m = min(left, rng.randint(5, 40))
        ops.append(f"{m}{rng.choice('MMM=X')}")
        left -= m
        r = rng.random()
        if left > 3 and r < 0.25:
            c = rng.randint(1, min(3, left - 1))
            ops.append(f"{c}I")
            left -= c
        elif left > 0 and r < 0.5:
            ops.append(f"{rng.randint(1, 6)}{rng.choice('DDN')}")
    if rng.random() < 0.2:
        ops.append(f"{rng.randint(1, 5)}H")
    return "".join(ops), n


@pytest.fixture(scope="module")
def messy_bam(tmp_path_factory):
    """Reads with indels, skips, clips, N bases, missing qualities and every filtered flag over the clusters."""
    header = chr2_header()
    reads = _reads_over_clusters(header, random.Random(11), "m", 150, (30, 151),
                                 [0, 0, 0, 16, 1024, 256, 512, 2048, 99, 147], [60, 60, 20, 19, 0],
                                 lambda rng, n: _random_cigar(rng, n)[0], "ACGTACGTN", "!+5?I4", qual_rate=0.9)
    return write_indexed_bam(tmp_path_factory.mktemp("bam") / "messy.bam", header, reads)


@pytest.mark.parametrize("min_mapq,min_baseq", [(20, 20), (0, 0), (1, 19), (60, 40)])
def test_counting_at_the_codons_equals_count_coverage(messy_bam, min_mapq, min_baseq):
    """The per-read count at the asked positions (_bam_depths_at) gives count_coverage's depths
    (_bam_depths) at every base of every cluster, codon bases or not, for every threshold."""
    compared = 0
    for lo, hi in ctdna._hotspot_clusters("2"):
        span = list(range(lo - 5, hi + 6))
        fast = ctdna._bam_depths_at(str(messy_bam), "2", span, None, min_mapq, min_baseq, True)
        ref = ctdna._bam_depths(str(messy_bam), "2", span, None, min_mapq, min_baseq, True)
        assert fast == ref, (lo, hi)
        compared += sum(d > 0 for d in ref)
        # a sparse, unsorted, repeated set of positions gives the same values
        some = [span[-1], span[0], span[len(span) // 2], span[0]]
        assert ctdna._bam_depths_at(str(messy_bam), "2", some, None, min_mapq, min_baseq, True) == \
            [ref[-1], ref[0], ref[len(span) // 2], ref[0]]
    assert compared > 100


def test_clustered_codons_from_a_messy_bam_equal_count_coverage(messy_bam):
    ctdna._CLUSTER_COUNTS.clear()
    for h in ctdna.load_hotspots():
        chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
        assert ctdna.bam_depths(str(messy_bam), chrom, gpos) == \
            ctdna._bam_depths(str(messy_bam), chrom, gpos, None, 20, 20, True), h["mutation"]
