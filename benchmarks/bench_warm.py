"""Panel sample, warm and fresh, this tree against another commit in alternating rounds.

    python benchmarks/bench_warm.py [--rev 11fd7e9] [--rounds 7] [--fresh-pairs 21]

Each round, for `--rev` (exported with `git archive` to benchmarks/out/rev-<rev>/, as compare_outputs.py does)
and for this tree, with the same interpreter and resources (PYTHONPATH=<tree>/src):
  warm   one process runs `run_sample()` on benchmarks/out/inputs/panel.vcf once, then 25 times: the median of
         the 25 (wall, and CPU from time.process_time) is the round's figure (bench_annotate.py's WARM);
  fresh  one `python -m alkannot.cli annotate panel.vcf` (wall; CPU of the child from os.wait4);
  parts  one process: the import floor (cyvcf2, pysam, jinja2), our imports (alkannot.pipeline and the
         verdict engine), `main()` of that first annotate, then the median of 5 warm samples (first-call costs =
         main() - warm).
Prints the medians over the rounds and the 1-minute load of each round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
# the warm loops' outputs: the system's temporary folder (file creation under /work is ~3x slower on this VM)
SCRATCH = Path(tempfile.gettempdir()) / f"alkannot-bench-warm-{os.getuid()}"
PY = str(ROOT / ".venv" / "bin" / "python")

# Each warm repetition into a new folder, as a batch writes each sample (writing over the previous run's
# files costs ~1.5 ms more per sample on this VM's ext4 with `discard`: bench_annotate.py shows both).
WARM = """
import json, shutil, statistics, sys, time
from alkannot.pipeline import SampleSpec, run_sample
spec = SampleSpec(id="B", vcf=sys.argv[1], build="GRCh38")
base = sys.argv[2]
shutil.rmtree(base, ignore_errors=True)
run_sample(spec, base + "/first")
ts, cs = [], []
for i in range(25):
    t0 = time.perf_counter(); c0 = time.process_time(); run_sample(spec, f"{base}/s{i}")
    ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
shutil.rmtree(base, ignore_errors=True)
print(json.dumps([statistics.median(ts), statistics.median(cs)]))
"""

PARTS = """
import json, statistics, sys, time
t0 = time.perf_counter()
import cyvcf2, pysam, jinja2
t1 = time.perf_counter()
import alkannot.cli, alkannot.pipeline, alkannot.interpret.verdicts
t2 = time.perf_counter()
from alkannot.cli import main
main(["annotate", "--build", "GRCh38", "--sample", "B", "--out", sys.argv[2], sys.argv[1]])
t3 = time.perf_counter()
from alkannot.pipeline import SampleSpec, run_sample
spec = SampleSpec(id="B", vcf=sys.argv[1], build="GRCh38")
ts = []
for _ in range(5):
    a = time.perf_counter(); run_sample(spec, sys.argv[2]); ts.append(time.perf_counter() - a)
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, statistics.median(ts)]))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="11fd7e9")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--fresh-pairs", type=int, default=0, metavar="N",
                    help="then N pairs of fresh `alkannot annotate` runs, the two trees in alternating order, each "
                         "into a new folder under the system's temporary folder: medians and the paired difference")
    a = ap.parse_args(argv)
    vcf = OUT / "inputs" / "panel.vcf"
    if not vcf.exists():
        sys.exit(f"{vcf} missing: run benchmarks/generate.py --no-cohort first")
    from compare_outputs import export

    trees = {a.rev: export(a.rev) / "src", "this tree": ROOT / "src"}
    keys = ("warm", "warm_cpu", "fresh", "fresh_cpu", "floor", "ours", "main", "warm5")
    res: dict[str, dict[str, list[float]]] = {t: {k: [] for k in keys} for t in trees}
    loads = []
    for _round in range(a.rounds):
        for name, src in trees.items():
            env = {**os.environ, "PYTHONPATH": str(src), "ALKANNOT_RESOURCES": str(ROOT / "resources"),
                   "OPENBLAS_NUM_THREADS": "1"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env.pop("ALKANNOT_TIMESTAMP", None)
            tag = "rev" if name == a.rev else "head"
            # outputs under the system's temporary folder (file creation under /work is ~3x slower on this VM)
            out = subprocess.run([PY, "-c", WARM, str(vcf), str(SCRATCH / f"warm_{tag}")], env=env, capture_output=True,
                                 text=True, check=True)
            w, c = json.loads(out.stdout)
            res[name]["warm"].append(w)
            res[name]["warm_cpu"].append(c)
            t0 = time.perf_counter()
            p = subprocess.Popen([PY, "-m", "alkannot.cli", "annotate", "--build", "GRCh38", "--sample", "B",
                                  "--out", str(OUT / f"fresh_{tag}"), str(vcf)], env=env, stdout=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            res[name]["fresh"].append(time.perf_counter() - t0)
            res[name]["fresh_cpu"].append(ru.ru_utime + ru.ru_stime)
            if status != 0:
                sys.exit(f"{name}: alkannot annotate failed")
            out = subprocess.run([PY, "-c", PARTS, str(vcf), str(OUT / f"parts_{tag}")], env=env, capture_output=True,
                                 text=True, check=True)
            for k, v in zip(("floor", "ours", "main", "warm5"), json.loads(out.stdout.strip().splitlines()[-1])):
                res[name][k].append(v)
        loads.append(Path("/proc/loadavg").read_text().split()[0])
    med = {t: {k: statistics.median(v) for k, v in d.items()} for t, d in res.items()}
    for name, m in med.items():
        print(f"{name}: warm per sample {m['warm'] * 1000:.1f} ms (rounds "
              f"{', '.join(f'{x * 1000:.1f}' for x in res[name]['warm'])}; CPU {m['warm_cpu'] * 1000:.1f} ms); "
              f"fresh panel {m['fresh']:.3f} s (best {min(res[name]['fresh']):.3f}, CPU {m['fresh_cpu']:.3f} s); "
              f"import floor {m['floor'] * 1000:.0f} ms, our imports {m['ours'] * 1000:.0f} ms, main() "
              f"{m['main'] * 1000:.0f} ms = warm {m['warm5'] * 1000:.0f} ms + first-call ~"
              f"{(m['main'] - m['warm5']) * 1000:.0f} ms")
    print(f"load (1 min) per round: {' '.join(loads)}; nproc {os.cpu_count()}")
    if a.fresh_pairs:
        fresh_pairs(trees, a.rev, vcf, a.fresh_pairs)
    return 0


def fresh_pairs(trees: dict[str, Path], rev: str, vcf: Path, n: int) -> None:
    """Fresh panel samples in pairs (rev, this tree; then this tree, rev; ...): a start-up change of a few ms
    shows in the paired differences while the VM's speed drifts between pairs."""
    code = "import sys; sys.argv[0] = 'alkannot'; from alkannot.cli import console_main; console_main()"
    got: dict[str, list[tuple[float, float]]] = {t: [] for t in trees}
    for i in range(n):
        for name in (list(trees) if i % 2 == 0 else list(trees)[::-1]):
            env = {**os.environ, "PYTHONPATH": str(trees[name]), "ALKANNOT_RESOURCES": str(ROOT / "resources"),
                   "OPENBLAS_NUM_THREADS": "1"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            with tempfile.TemporaryDirectory(prefix="alkannot-fresh-") as out:
                t0 = time.perf_counter()
                p = subprocess.Popen([PY, "-c", code, "annotate", "--build", "GRCh38", "--sample", "B", "--out", out,
                                      str(vcf)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                wall = time.perf_counter() - t0
            if status != 0:
                sys.exit(f"{name}: alkannot annotate failed")
            got[name].append((wall, ru.ru_utime + ru.ru_stime))
    for name, runs in got.items():
        print(f"{name}: fresh panel, {n} runs: wall {statistics.median(r[0] for r in runs) * 1000:.1f} ms, "
              f"CPU {statistics.median(r[1] for r in runs) * 1000:.1f} ms")
    new, old = got["this tree"], got[rev]
    print(f"this tree - {rev}, paired medians: wall {statistics.median(b[0] - a[0] for a, b in zip(old, new)) * 1000:+.1f}"
          f" ms, CPU {statistics.median(b[1] - a[1] for a, b in zip(old, new)) * 1000:+.1f} ms")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
