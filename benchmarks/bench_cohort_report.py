"""The cohort report alone (`alkannot cohort-report`) for N samples: wall time, peak RSS, HTML size.

    python benchmarks/bench_cohort_report.py [--n 100 1000 10000] [--repeat 3]

Input: the sample JSONs of benchmarks/out/compare/cohort_json/ (the first 100 benchmark cohort samples,
annotated by benchmarks/compare_outputs.py), replicated to N samples under benchmarks/out/cohort_report_in/
(sample id, patient and TKI at collection rewritten, so there are N distinct samples in 7 TKI groups and each
replica keeps its findings: ~25 distinct findings per sample, like a cohort of hypermutated panels).
Floor: `cat` of the same N JSON files in the same moment (reading them is the least the report must do).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from _timing import measure_against_floor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SRC = OUT / "compare" / "cohort_json"
BIN = ROOT / ".venv" / "bin"
TKIS = ["crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib", "lorlatinib", None]


def inputs(n: int) -> list[Path]:
    base = sorted(SRC.glob("*/*.alkannot.json"))
    if not base:
        sys.exit(f"no sample JSONs in {SRC}: run benchmarks/compare_outputs.py --cases cohort_100 first")
    dest = OUT / "cohort_report_in"
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = dest / f"C{i:05d}.alkannot.json"
        if not p.exists():
            d = json.loads(base[i % len(base)].read_text())
            d["sample"].update(id=f"C{i:05d}", patient=f"PC{i // 2:05d}", current_tki=TKIS[i % len(TKIS)])
            p.write_text(json.dumps(d))
        paths.append(p)
    return paths




def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="*", default=[100, 1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    print(f"| samples | cohort-report median of {a.repeat} (s) | CPU (s) | peak RSS (MB) | summary.html (MB) | "
          "floor: cat the JSONs (s) | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for n in a.n:
        paths = [str(p) for p in inputs(n)]
        out = OUT / "cohort_report_run" / str(n)
        cmd = [str(BIN / "alkannot"), "cohort-report", "--outdir", str(out), *paths]
        r = measure_against_floor(cmd, ["sh", "-c", 'cat "$@" > /dev/null', "cat", *paths], a.repeat)
        size = (out / "summary.html").stat().st_size / 1e6
        print(f"| {n:,} | {r.wall:.2f} | {r.cpu:.2f} | {r.peak_rss_mb} | {size:.1f} | {r.floor:.2f} | {r.load} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
