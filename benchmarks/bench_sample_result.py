"""`pipeline._sample_result` (annotation + interpretation of one sample) in a warm process, this tree against
another commit in alternating rounds.

    python benchmarks/bench_sample_result.py [--rev a3e4a0e] [--rounds 6] [--samples 25] [--vcf PATH]

Each round, for `--rev` (exported with `git archive` to benchmarks/out/rev-<rev>/, as compare_outputs.py does)
and for this tree, with the same interpreter and resources (PYTHONPATH=<tree>/src): one process runs
`run_sample()` on the panel VCF once (imports, knowledge base, compiled patterns: the warm state), then
`--samples` more times with `pipeline._sample_result` (looked up by run_sample at call time) wrapped in a timer
(wall and CPU of the calling thread's process). Prints the medians over all rounds' samples and new/old.
The two trees alternate so that both see the same load on a shared machine; compare the ratio.
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

CODE = r"""
import json, shutil, sys, tempfile, time
import alkannot.pipeline as P
spec = P.SampleSpec(id="B", vcf=sys.argv[1], build="GRCh38")
out = tempfile.mkdtemp(prefix="alkannot-bench-")
P.run_sample(spec, out)
orig = P._sample_result
ts, cs = [], []
def timed(s):
    t0 = time.perf_counter(); c0 = time.process_time(); r = orig(s)
    ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    return r
P._sample_result = timed
for _ in range(int(sys.argv[2])):
    P.run_sample(spec, out)
shutil.rmtree(out)
print(json.dumps([ts, cs]))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="a3e4a0e")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--samples", type=int, default=25)
    ap.add_argument("--vcf", default=str(OUT / "inputs" / "panel.vcf"))
    a = ap.parse_args(argv)
    if not Path(a.vcf).exists():
        sys.exit(f"{a.vcf} missing: run benchmarks/generate.py --no-cohort first")
    from compare_outputs import export

    trees = {a.rev: export(a.rev) / "src", "this tree": ROOT / "src"}
    times: dict[str, tuple[list[float], list[float]]] = {t: ([], []) for t in trees}
    env0 = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env0.update(ALKANNOT_RESOURCES=str(ROOT / "resources"), OPENBLAS_NUM_THREADS="1")
    for _round in range(a.rounds):
        for name, src in trees.items():
            done = subprocess.run([PY, "-c", CODE, a.vcf, str(a.samples)], cwd=ROOT, check=True, text=True,
                                  capture_output=True, env={**env0, "PYTHONPATH": str(src)})
            wall, cpu = json.loads(done.stdout.strip().splitlines()[-1])
            times[name][0].extend(wall)
            times[name][1].extend(cpu)
    for name, (wall, cpu) in times.items():
        print(f"{name}: _sample_result median {statistics.median(wall) * 1e3:.2f} ms wall, "
              f"{statistics.median(cpu) * 1e3:.2f} ms CPU (min {min(wall) * 1e3:.2f} ms; n={len(wall)})")
    old, new = (statistics.median(times[t][1]) for t in trees)
    old_w, new_w = (statistics.median(times[t][0]) for t in trees)
    print(f"this tree / {a.rev}: CPU {new / old:.3f}, wall {new_w / old_w:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
