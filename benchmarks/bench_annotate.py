"""Per-sample benchmark: `alkannot annotate` wall time and peak memory, and the streaming ratio to bcftools.

    python benchmarks/generate.py --no-cohort       # once: benchmarks/out/inputs/
    python benchmarks/bench_annotate.py [--repeat 3]

Each command runs --repeat times as a child process, alternating with the others (so a burst of load on
the shared machine hits every case alike); reported: the median and best wall time, the median CPU time
(user + system of the child: much less sensitive to other processes than wall time), peak RSS (os.wait4's
ru_maxrss) and the 1-minute load average. Floors run in the same rounds: `bcftools view -T/-R`,
`bgzip -dc`, `python -c pass` and the import floor of the named stack, `python -c 'import cyvcf2, pysam,
jinja2'`. "warm batch" is the per-sample time of `run_sample` on the panel VCF in one process after a
first sample (what `alkannot annotate-batch` pays per sample). Prints a Markdown table and writes
benchmarks/out/annotate.tsv.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import run_once

ROOT = Path(__file__).resolve().parents[1]
IN = ROOT / "benchmarks" / "out" / "inputs"
OUT = ROOT / "benchmarks" / "out"
BIN = ROOT / ".venv" / "bin"




# A batch writes each sample into folders of its own; a re-run writes over the same sample's files, which on
# this VM's ext4 (mounted with `discard`) costs ~1.5 ms more per sample: freeing the old files' blocks. Both.
WARM = """
import json, shutil, statistics, sys, time
from alkannot.pipeline import SampleSpec, run_sample
spec = SampleSpec(id="B", vcf=sys.argv[1], build="GRCh38")
base = sys.argv[2]
shutil.rmtree(base, ignore_errors=True)
run_sample(spec, base + "/rerun")
new, over = [], []
for i in range(int(sys.argv[3])):
    t0 = time.perf_counter(); run_sample(spec, f"{base}/s{i}"); new.append(time.perf_counter() - t0)
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); run_sample(spec, base + "/rerun"); over.append(time.perf_counter() - t0)
shutil.rmtree(base, ignore_errors=True)
print(json.dumps([statistics.median(new), statistics.median(over)]))
"""


GC_FLOOR = "floor: the same imports with the collector off, frozen at exit (as `alkannot annotate` runs)"


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
    # the import floor of the named stack (cyvcf2 pulls in numpy), with OpenBLAS at one thread as the CLI sets it
    floor_env = ["env", "OPENBLAS_NUM_THREADS=1"]
    cases = [
        ("floor: python start-up (`python -c pass`)", "-", [str(BIN / "python"), "-c", "pass"]),
        ("floor: `python -c 'import cyvcf2, pysam, jinja2'`", "-",
         [*floor_env, str(BIN / "python"), "-c", "import cyvcf2, pysam, jinja2"]),
        # the same imports in a process set up as `alkannot annotate` sets itself up (cli.console_main)
        (GC_FLOOR, "-", [*floor_env, str(BIN / "python"), "-c",
                         "import gc; gc.disable(); import cyvcf2, pysam, jinja2; gc.freeze()"]),
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
    cases.insert(9, ("floor: bgzip -dc (streamed input, decompression only)", "stream.vcf.gz",
                     ["sh", "-c", 'bgzip -dc "$1" > /dev/null', "bgzip", str(IN / "stream.vcf.gz")]))
    walls = {c[0]: [] for c in cases}
    rss = {c[0]: [] for c in cases}
    cpus = {c[0]: [] for c in cases}
    loads = {c[0]: [] for c in cases}
    for _ in range(a.repeat):
        for label, _inp, cmd in cases:
            loads[label].append(loadavg())
            w, m, c = run_once(cmd)
            walls[label].append(w)
            rss[label].append(m)
            cpus[label].append(c)
    rows = []
    for label, inp, cmd in cases:
        rows.append({"case": label, "input": inp, "records": "",
                     "median_s": f"{statistics.median(walls[label]):.3f}", "best_s": f"{min(walls[label]):.3f}",
                     "cpu_s": f"{statistics.median(cpus[label]):.3f}",
                     "runs_s": " ".join(f"{w:.3f}" for w in walls[label]),
                     "peak_rss_mb": max(rss[label]), "load1": " ".join(loads[label]), "command": " ".join(cmd)})
    # Outputs of the warm loop go under the system's temporary folder: on this VM, creating and renaming a file
    # under /work (where the repository is) took ~3x as long as elsewhere on the same disk in a micro-benchmark
    # (~200 vs ~70 us); the loop into benchmarks/out is printed too.
    n = str(max(5, 5 * a.repeat))
    with tempfile.TemporaryDirectory(prefix="alkannot-warm-") as scratch:
        warm = subprocess.run([str(BIN / "python"), "-c", WARM, str(IN / "panel.vcf"), scratch, n],
                              capture_output=True, text=True, check=True)
    warm_new, warm_over = json.loads(warm.stdout)
    here = subprocess.run([str(BIN / "python"), "-c", WARM, str(IN / "panel.vcf"), str(OUT / "annotate_warm"), n],
                          capture_output=True, text=True, check=True)
    here_new = json.loads(here.stdout)[0]
    for case, value, command in [
        ("warm batch process, per panel sample (median; each into new folders, as a batch)", warm_new,
         "run_sample() repeated in one process, each time into a new folder (system temporary folder)"),
        ("the same, each over the previous run's files (a re-run)", warm_over,
         "run_sample() repeated into one folder (system temporary folder)"),
        ("the same as the first, into benchmarks/out (this VM: slower file creation there)", here_new,
         "run_sample() repeated, each time into a new folder under benchmarks/out"),
    ]:
        rows.append({"case": case, "input": "panel.vcf", "records": "", "median_s": f"{value:.4f}", "best_s": "",
                     "cpu_s": "", "runs_s": "", "peak_rss_mb": "", "load1": loadavg(), "command": command})
    sizes = {f: count_records(IN / f) for f in ("panel.vcf", "wgs.vcf.gz", "stream.vcf.gz")}
    for r in rows:
        r["records"] = sizes.get(r["input"], "")
    by = {r["case"]: float(r["median_s"]) for r in rows}
    cpu = {r["case"]: float(r["cpu_s"]) for r in rows if r["cpu_s"]}
    stream, bcf = "annotate VCF, unindexed (streamed)", "bcftools view -T targets.bed (streamed)"
    bgz = "floor: bgzip -dc (streamed input, decompression only)"
    with open(OUT / "annotate.tsv", "w") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    print(f"| case | input (records) | median of {a.repeat} (s) | best (s) | CPU median (s) | peak RSS (MB) | "
          "load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['input']} ({r['records']}) | {r['median_s']} | {r['best_s']} | {r['cpu_s']} | "
              f"{r['peak_rss_mb']} | {r['load1']} |")
    print(f"\nstreamed annotate / bcftools -T: {by[stream] / by[bcf]:.2f}x wall, {cpu[stream] / cpu[bcf]:.2f}x CPU; "
          f"/ bgzip -dc: {by[stream] / by[bgz]:.2f}x wall; nproc {os.cpu_count()}")
    panel = by["annotate panel VCF"]
    print(f"panel annotate {panel:.3f} s = import floor as the command runs it {by[GC_FLOOR]:.3f} s "
          f"+ {panel - by[GC_FLOOR]:.3f} s (our imports, first-call costs and the sample's work)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
