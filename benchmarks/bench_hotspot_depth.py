"""Hotspot depth from a deep BAM: `bam_depths` (one pass per cluster of nearby codons, counting the codon
bases only) against count_coverage over each cluster's span (first round of issue 19) and codon by codon
(the code before), and `samtools depth` over the same bases as the floor.

    python benchmarks/bench_hotspot_depth.py [--depth 40000] [--repeat 3]

Writes benchmarks/out/inputs/deep_<depth>.bam (+ .bai): 150 bp reads tiling the GRCh38 ALK hotspot clusters
(+-150 bp) at --depth, MAPQ 60, base quality 30. Times are medians of --repeat runs in this process (the
cluster cache is cleared before each run); the depths of the two methods are checked to be identical.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pysam
import pysam.samtools

from alkannot.interpret import ctdna

ROOT = Path(__file__).resolve().parents[1]
IN = ROOT / "benchmarks" / "out" / "inputs"
CHR2 = 242_193_529
READ = 150


def deep_bam(depth: int) -> Path:
    path = IN / f"deep_{depth}.bam"
    if path.exists() and Path(str(path) + ".bai").exists():
        return path
    IN.mkdir(parents=True, exist_ok=True)
    header = pysam.AlignmentHeader.from_dict({"HD": {"VN": "1.6", "SO": "coordinate"},
                                              "SQ": [{"SN": "chr2", "LN": CHR2}]})
    seq, qual = "ACGT" * (READ // 4) + "AC", pysam.qualitystring_to_array("?" * READ)
    per_start = max(1, depth // READ)  # reads starting at each base -> ~depth reads over each base
    n = 0
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        starts = sorted({s for lo, hi in ctdna._hotspot_clusters("2")[:4]  # the GRCh38 clusters
                         for s in range(lo - READ - 150, hi + 150)})
        for start in starts:
            for _ in range(per_start):
                a = pysam.AlignedSegment(header)
                a.query_name = f"r{n}"
                a.reference_id, a.reference_start, a.mapping_quality = 0, start, 60
                a.cigarstring = f"{READ}M"
                a.query_sequence, a.query_qualities = seq, qual
                out.write(a)
                n += 1
    pysam.index(str(path))
    print(f"{path.name}: {n:,} reads", file=sys.stderr)
    return path


def per_codon(bam: str) -> list:
    """The code before: one count_coverage (and one file open) per hotspot codon."""
    out = []
    for h in ctdna.load_hotspots():
        chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
        out.append(ctdna._bam_depths(bam, chrom, gpos, None, 20, 20, True))
    return out


def clustered(bam: str) -> list:
    ctdna._CLUSTER_COUNTS.clear()
    out = []
    for h in ctdna.load_hotspots():
        chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
        out.append(ctdna.bam_depths(bam, chrom, gpos))
    return out


def clustered_count_coverage(bam: str) -> list:
    """The first round of issue 19: one count_coverage over each cluster's whole span."""
    spans: dict = {}
    out = []
    for h in ctdna.load_hotspots():
        chrom, gpos = ctdna.codon_positions("GRCh38", h["gene"], h["codon"], h["ref_aa"])
        span = ctdna._cluster_of(chrom, gpos)
        if span not in spans:
            spans[span] = ctdna._bam_depths(bam, chrom, list(range(span[0], span[1] + 1)), None, 20, 20, True)
        out.append([spans[span][p - span[0]] for p in gpos])
    return out


def floor(bam: str) -> None:
    regions = [f"chr2:{lo}-{hi}" for lo, hi in ctdna._hotspot_clusters("2")[:4]]
    for r in regions:
        pysam.samtools.depth("-a", "-Q", "20", "-q", "20", "-r", r, bam)


def timed(fn, bam, repeat):
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = fn(bam)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return (statistics.median(walls), statistics.median(cpus)), res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=int, default=40000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    bam = str(deep_bam(a.depth))
    ctdna.load_hotspots(), ctdna._hotspot_clusters("2")  # warm resource caches
    load = Path("/proc/loadavg").read_text().split()[0]
    t_new, d_new = timed(clustered, bam, a.repeat)
    t_cc, d_cc = timed(clustered_count_coverage, bam, a.repeat)
    t_old, d_old = timed(per_codon, bam, a.repeat)
    t_floor, _ = timed(floor, bam, a.repeat)
    if d_new != d_old or d_cc != d_old:
        sys.exit("depths differ between the clustered and the per-codon count")
    print("| case | wall (s) | CPU (s) |\n|---|---|---|")
    for label, (w, c) in ((f"hotspot depth, codon bases per cluster pass (now), {len(d_new)} hotspots", t_new),
                          ("count_coverage per cluster span (first round)", t_cc),
                          ("hotspot depth, per codon (before)", t_old), ("floor: samtools depth -a -Q20 -q20", t_floor)):
        print(f"| {label} | {w:.2f} | {c:.2f} |")
    print(f"~{a.depth:,}x (min depth {min(min(d) for d in d_new):,}), medians of {a.repeat}, load {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
