"""Many ALK kinase-domain mutations in one sample: compound phasing and a 100,000-record VCF inside ALK.

    python benchmarks/bench_compound.py [--k 64 128 256] [--alk-records 100000] [--repeat 3]

Writes (GRCh38, deterministic) under benchmarks/out/inputs/:
  kd_<k>.vcf       k missense SNVs, one per ALK kinase-domain codon (the codon's middle base: every change
                   there alters the amino acid), REF = the bundled base, VAF 0.05-0.45
  alk_<n>.vcf      n records spread over the ALK gene (an all-sites file / hypermutated sample): the bundled
                   base as REF where the bundled model knows it, otherwise an arbitrary base (listed as
                   not annotatable, with the reason)
then times `alkannot annotate` on each (median of --repeat runs, peak RSS of the child) and, as the floor,
`bcftools view` of the same file in the same moment. Prints a Markdown table (`benchmarks/README.md`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from _timing import measure_against_floor

ROOT = Path(__file__).resolve().parents[1]
IN = ROOT / "benchmarks" / "out" / "inputs"
OUT = ROOT / "benchmarks" / "out"
BIN = ROOT / ".venv" / "bin"

sys.path.insert(0, str(ROOT / "tests"))
from helpers.alk_vcfs import alk_vcf as write_alk_vcf  # noqa: E402
from helpers.alk_vcfs import kd_vcf as write_kd_vcf  # noqa: E402


def kd_vcf(k: int) -> Path:
    path = IN / f"kd_{k}.vcf"
    if not path.exists():
        try:
            write_kd_vcf(path, k)
        except ValueError as exc:
            sys.exit(str(exc))
    return path


def alk_vcf(n: int) -> Path:
    path = IN / f"alk_{n}.vcf"
    if not path.exists():
        write_alk_vcf(path, n)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, nargs="*", default=[64, 128, 256])
    ap.add_argument("--alk-records", type=int, nargs="*", default=[100_000])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    IN.mkdir(parents=True, exist_ok=True)
    inputs = [(f"{k} kinase-domain mutations", kd_vcf(k)) for k in a.k]
    inputs += [(f"{n:,} records inside ALK", alk_vcf(n)) for n in a.alk_records]
    print(f"| case | alkannot annotate median of {a.repeat} (s) | CPU (s) | peak RSS (MB) | JSON (MB) | "
          "floor: bcftools view (s) | load (1 min) |")
    print("|---|---|---|---|---|---|---|")
    for label, vcf in inputs:
        out = OUT / "compound_run" / vcf.stem
        cmd = [str(BIN / "alkannot"), "annotate", str(vcf), "--build", "GRCh38", "--sample", "B", "--out", str(out)]
        floor = ["bcftools", "view", "-Ov", "-o", os.devnull, str(vcf)]
        r = measure_against_floor(cmd, floor, a.repeat)
        size = (out / "B.alkannot.json").stat().st_size / 1e6
        print(f"| {label} | {r.wall:.2f} | {r.cpu:.2f} | {r.peak_rss_mb} | {size:.1f} | {r.floor:.3f} | {r.load} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
