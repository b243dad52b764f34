"""Per-sample benchmark: `alkannot annotate` wall time and peak memory, and the streaming ratio to bcftools.

    python benchmarks/generate.py --no-cohort       # once: benchmarks/out/inputs/
    python benchmarks/bench_annotate.py [--repeat 3]

Each command runs --repeat times as a child process; wall time is the best run, peak RSS (os.wait4's
ru_maxrss of that child) the largest. The load average is noted before each command (the machine is shared).
Prints a Markdown table and writes benchmarks/out/annotate.tsv.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IN = ROOT / "benchmarks" / "out" / "inputs"
OUT = ROOT / "benchmarks" / "out"
BIN = ROOT / ".venv" / "bin"


def run_once(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one child process; raises on a non-zero exit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def count_records(path: Path) -> int:
    """Data lines, counted by bcftools | wc in a shell (no big buffer in this process: a forked child's
    peak RSS would include it)."""
    out = subprocess.run(f"bcftools view -H '{path}' | wc -l", shell=True, capture_output=True, check=True)
    return int(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    for f in ("panel.vcf", "wgs.vcf.gz", "stream.vcf.gz", "targets.bed"):
        if not (IN / f).exists():
            sys.exit(f"{IN / f} missing: run benchmarks/generate.py --no-cohort first")
    if not shutil.which("bcftools"):
        sys.exit("bcftools not found (Debian package bcftools)")
    res = OUT / "annotate_run"
    ann = [str(BIN / "alkannot"), "annotate", "--build", "GRCh38", "--sample", "B", "--out", str(res)]
    cases = [
        ("python start-up + `alkannot --help`", "-", [str(BIN / "alkannot"), "--help"]),
        ("import alkannot.pipeline (all annotate imports)", "-",
         [str(BIN / "python"), "-c", "import alkannot.pipeline, alkannot.interpret.verdicts, cyvcf2"]),
        ("annotate panel VCF", "panel.vcf", [*ann, str(IN / "panel.vcf")]),
        ("annotate WGS VCF, indexed (regions)", "wgs.vcf.gz", [*ann, str(IN / "wgs.vcf.gz")]),
        ("annotate VCF, unindexed (streamed)", "stream.vcf.gz", [*ann, str(IN / "stream.vcf.gz")]),
        ("bcftools view -T targets.bed (streamed)", "stream.vcf.gz",
         ["bcftools", "view", "-T", str(IN / "targets.bed"), "-Ov", "-o", os.devnull, str(IN / "stream.vcf.gz")]),
        ("bcftools view -R targets.bed (indexed)", "wgs.vcf.gz",
         ["bcftools", "view", "-R", str(IN / "targets.bed"), "-Ov", "-o", os.devnull, str(IN / "wgs.vcf.gz")]),
    ]
    rows = []
    for label, inp, cmd in cases:
        walls, rss, loads = [], [], []
        for _ in range(a.repeat):
            loads.append(loadavg())
            w, m = run_once(cmd)
            walls.append(w)
            rss.append(m)
        rows.append({"case": label, "input": inp, "records": "",
                     "best_s": f"{min(walls):.2f}", "runs_s": " ".join(f"{w:.2f}" for w in walls),
                     "peak_rss_mb": max(rss), "load1": " ".join(loads), "command": " ".join(cmd)})
    sizes = {f: count_records(IN / f) for f in ("panel.vcf", "wgs.vcf.gz", "stream.vcf.gz")}
    for r in rows:
        r["records"] = sizes.get(r["input"], "")
    by = {r["case"]: float(r["best_s"]) for r in rows}
    ratio = by["annotate VCF, unindexed (streamed)"] / by["bcftools view -T targets.bed (streamed)"]
    with open(OUT / "annotate.tsv", "w") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    print(f"| case | input (records) | best of {a.repeat} (s) | all runs (s) | peak RSS (MB) | load (1 min) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['input']} ({r['records']}) | {r['best_s']} | {r['runs_s']} | "
              f"{r['peak_rss_mb']} | {r['load1']} |")
    print(f"\nstreamed annotate / bcftools -T: {ratio:.1f}x; nproc {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
