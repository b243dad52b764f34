"""The sample page alone (report.html.render_sample_html) on the panel sample, this tree against another commit.

    python benchmarks/bench_sample_html.py [--rev a3e4a0e] [--rounds 5] [--n 200] [--vcf kd_64.vcf]

Each round, for `--rev` (exported with `git archive` to benchmarks/out/rev-<rev>/, as compare_outputs.py does) and
for this tree, in alternation, one process (PYTHONPATH=<tree>/src) runs `run_sample()` on
benchmarks/out/inputs/panel.vcf (or `--vcf`, a file there) once, keeps the arguments `render_sample_html` was called with, then times `--n`
calls of it in that warm process: the median is the round's figure. Prints the medians over the rounds and the
ratio (the warm-batch part of issue 19: this page is a fixed share of every sample's time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
PY = str(ROOT / ".venv" / "bin" / "python")

TIME = """
import json, statistics, sys, time
import alkannot.report.html as h
from alkannot.pipeline import SampleSpec, run_sample
calls, render = [], h.render_sample_html
def keep(*a, **k):
    calls.append((a, k))
    return render(*a, **k)
h.render_sample_html = keep
run_sample(SampleSpec(id="B", vcf=sys.argv[1], build="GRCh38"), sys.argv[2])
a, k = calls[-1]
for _ in range(5):
    render(*a, **k)
ts = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); render(*a, **k); ts.append(time.perf_counter() - t0)
print(json.dumps(statistics.median(ts)))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="a3e4a0e")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=200, help="timed calls per round")
    ap.add_argument("--vcf", default="panel.vcf", help="a VCF in benchmarks/out/inputs/")
    a = ap.parse_args(argv)
    vcf = OUT / "inputs" / a.vcf
    if not vcf.exists():
        sys.exit(f"{vcf} missing: run benchmarks/generate.py --no-cohort first")
    from compare_outputs import export

    trees = {a.rev: export(a.rev) / "src", "this tree": ROOT / "src"}
    res: dict[str, list[float]] = {t: [] for t in trees}
    for _round in range(a.rounds):
        for name, src in trees.items():
            env = {**os.environ, "PYTHONPATH": str(src), "ALKANNOT_RESOURCES": str(ROOT / "resources"),
                   "OPENBLAS_NUM_THREADS": "1"}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            out = OUT / "bench_sample_html" / name.replace(" ", "_")
            out.mkdir(parents=True, exist_ok=True)
            r = subprocess.run([PY, "-c", TIME, str(vcf), str(out), str(a.n)], env=env, check=True,
                               capture_output=True, text=True)
            res[name].append(json.loads(r.stdout.strip().splitlines()[-1]))
    med = {t: statistics.median(v) for t, v in res.items()}
    for t, v in res.items():
        print(f"{t:>10}: render_sample_html median {med[t] * 1000:.2f} ms "
              f"(rounds: {', '.join(f'{x * 1000:.2f}' for x in v)})")
    base, new = med[a.rev], med["this tree"]
    print(f"this tree / {a.rev}: {new / base:.2f} ({(1 - new / base) * 100:.0f}% less time)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
