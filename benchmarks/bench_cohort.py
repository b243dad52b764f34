"""End-to-end cohort benchmark: N panel samples through `snakemake --cores 2` in a scratch working dir.

    python benchmarks/generate.py                     # once: benchmarks/out/inputs/cohort/
    python benchmarks/bench_cohort.py --mode per-sample [--scheduler greedy|ilp] [--samples 1000]
    python benchmarks/bench_cohort.py --mode batch [--batch-size 50]

Runs the repository's Snakefile, per sample (`annotate_batch_size: 0`) or in batches
(`annotate_batch_size: N`; the default mode, N = 50), in benchmarks/out/cohort_<mode>/, from scratch, and
prints one TSV row:
mode, scheduler, samples, jobs, wall seconds, CPU seconds (Snakemake and all its jobs), sum of the annotate jobs' own wall seconds (Snakemake
`benchmark:` files), load average before/after. Appends the row to benchmarks/out/cohort.tsv.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "benchmarks" / "out" / "inputs" / "cohort"
def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["per-sample", "batch"], default="per-sample")
    ap.add_argument("--scheduler", choices=["greedy", "ilp"], default="greedy")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--snakemake-args", default="", help="extra snakemake arguments, e.g. '--drop-metadata'")
    a = ap.parse_args(argv)
    sheet = INPUTS / "samples.tsv"
    if not sheet.exists():
        sys.exit(f"{sheet} missing: run benchmarks/generate.py first")
    work = ROOT / "benchmarks" / "out" / f"cohort_{a.mode}"
    shutil.rmtree(work, ignore_errors=True)
    (work / "config").mkdir(parents=True)
    lines = sheet.read_text().splitlines()
    (work / "samples.tsv").write_text("\n".join(lines[: a.samples + 1]) + "\n")
    shutil.copy(ROOT / "config" / "config.yaml", work / "config" / "config.yaml")
    snakefile = ROOT / "Snakefile"
    batch = a.batch_size if a.mode == "batch" else 0
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    cmd = [str(ROOT / ".venv" / "bin" / "snakemake"), "-s", str(snakefile), "--directory", str(work),
           "--cores", str(a.cores), "--scheduler", a.scheduler, "--quiet", "rules",
           "--workflow-profile", str(ROOT / "profiles" / "default"),
           "--config", f"samples={work / 'samples.tsv'}", "outdir=results", f"annotate_batch_size={batch}",
           *a.snakemake_args.split()]
    before = loadavg()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # snakemake and every job it ran
    after = loadavg()
    (work / "snakemake.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    bench = list((work / "benchmarks" / "out").rglob("*.tsv"))
    job_s = {}
    for p in bench:
        with open(p) as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        key = p.parent.name if p.parent.name != "out" else p.stem
        job_s[key] = job_s.get(key, 0.0) + sum(float(r["s"]) for r in rows)
    row = {"mode": a.mode, "scheduler": a.scheduler, "samples": a.samples, "cores": a.cores,
           "batch_size": a.batch_size if a.mode == "batch" else "", "extra": a.snakemake_args, "wall_s": f"{wall:.1f}",
           "cpu_s": f"{cpu:.1f}",
           "job_seconds": ";".join(f"{k}={v:.0f}" for k, v in sorted(job_s.items())),
           "load_before": before, "load_after": after, "nproc": os.cpu_count()}
    out = ROOT / "benchmarks" / "out" / "cohort.tsv"
    new = not out.exists()
    with open(out, "a") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row), delimiter="\t")
        if new:
            w.writeheader()
        w.writerow(row)
    print("\t".join(str(v) for v in row.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
