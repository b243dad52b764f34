"""Read-based ALK fusion detection on a 1,000x ALK capture BAM: wall time of one scan on one core.

    .venv/bin/python benchmarks/bench_fusion_reads.py [--depth 1000] [--repeat 3]

Builds (untimed) benchmarks/out/fusion_reads/alk_capture.bam with the simulator from
tests/fusion_reads/simulate.py: a typical ALK fusion panel design - ALK exon 18 through exon 20 including
introns 18 and 19 as one target, plus exons 21-29 with 100 bp flanks - tiled by 2x100 bp read pairs of
180-350 bp fragments to about `depth` fragments per base, and an EML4-ALK v1 junction in 5% of the
molecules in intron 19. Then times `scan_alignment` (the whole detector: one pass over the ALK gene span,
clustering, the wild-type count at the break, the intron-19 depth) and `assess_fusions` (plus naming and
the assessment), each best of --repeat in this process (the BAM is in the page cache after the first
run). Prints a Markdown table; the detected event is printed as a check.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "fusion_reads"
sys.path.insert(0, str(ROOT / "tests"))


def build(depth: int) -> tuple[Path, int]:
    from fusion_reads import simulate as sim

    from alkannot.annotate.transcripts import load_transcripts

    OUT.mkdir(parents=True, exist_ok=True)
    bam = OUT / f"alk_capture_{depth}x.bam"
    tx = load_transcripts("GRCh38").by_gene("ALK")
    targets = [(tx.exons[19][0] - 100, tx.exons[17][1] + 100)]  # exon 20 .. exon 18 (introns 18-19)
    targets += [(s - 100, e + 100) for s, e in tx.exons[20:29]]  # exons 21-29
    cfg = sim.SimConfig(insert=(180, 350))
    rng = random.Random("bench-alk-capture")
    sample = sim.Sample()
    mean_frag = 265
    for lo, hi in targets:
        length = hi - lo + 1
        n = depth * length // mean_frag
        sim.add_fragments(sample, [sim.Segment("2", lo, "+", length)], n, f"t{lo}", rng, cfg, around=length // 2,
                      window=length + 400)
    alk_bp, eml4_bp = sim.intron_mid("GRCh38", "ALK", 19, 37), sim.intron_mid("GRCh38", "EML4", 13, -53)
    mol = sim.fusion_molecule("2", alk_bp, "left", "2", eml4_bp, "left")
    fusion = max(1, round(depth * 0.05))
    sim.add_fragments(sample, mol, fusion, "fus", rng, cfg, around=mol[0].length, window=0, require_first_segment=True)
    if not bam.exists():
        sim.write_bam(sample, bam, "GRCh38", cfg)
    return bam, len(sample.reads)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from alkannot.interpret.alignment_fusions import scan_alignment
    from alkannot.interpret.fusions import assess_fusions

    t0 = time.perf_counter()
    bam, reads = build(args.depth)
    made = time.perf_counter() - t0
    load = os.getloadavg()[0]
    t_scan, scan = best_of(lambda: scan_alignment(str(bam), "GRCh38", specimen="tissue"), args.repeat)
    t_all, (fusions, assessment) = best_of(lambda: assess_fusions(build="GRCh38", alignment=str(bam)), args.repeat)
    size = bam.stat().st_size / 1e6
    print(f"BAM {bam.relative_to(ROOT)}: {reads:,} reads (written in {made:.1f} s), {size:.1f} MB; "
          f"intron 19 median depth {scan.intron_depth.get('19')}x; reads scanned {scan.reads_scanned:,}")
    print(f"| step | best of {args.repeat} (s) | load |")
    print("|---|---|---|")
    print(f"| `scan_alignment` ({args.depth}x ALK capture) | {t_scan:.2f} | {load:.1f} |")
    print(f"| `assess_fusions` (scan + naming + assessment) | {t_all:.2f} | {load:.1f} |")
    f = fusions[0] if fusions else None
    print("check:", f and (f["name"], f["variant"], f["exons"], f["read_evidence"]["fragments"],
                           f["allele_fraction"]), "|", assessment["summary"])


if __name__ == "__main__":
    main()
