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
import random
import sys
from pathlib import Path

from _timing import measure_against_floor

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp

ROOT = Path(__file__).resolve().parents[1]
IN = ROOT / "benchmarks" / "out" / "inputs"
OUT = ROOT / "benchmarks" / "out"
BIN = ROOT / ".venv" / "bin"
KD = (1116, 1392)  # ALK kinase domain residues (resources/alk_regions.tsv)
HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
    '##FILTER=<ID=PASS,Description="All filters passed">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n"
)


def alk():
    return next(t for t in load_transcripts("GRCh38").transcripts if t.gene == "ALK")


def genome_base(t, tidx: int) -> str:
    b = t.sequence[tidx]
    return b if t.strand == "+" else revcomp(b)


def record(pos: int, ref: str, alt: str, rng: random.Random) -> str:
    dp = rng.randint(200, 900)
    ad = max(1, int(dp * rng.uniform(0.05, 0.45)))
    return f"chr2\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:{dp - ad},{ad}:{ad / dp:.3f}:{dp}\n"


def kd_vcf(k: int) -> Path:
    path = IN / f"kd_{k}.vcf"
    if path.exists():
        return path
    t, rng = alk(), random.Random(k)
    recs = []
    for p in range(KD[0], KD[1] + 1):
        tidx = t.cds_start + 3 * (p - 1) + 1  # middle base of codon p
        if t.sequence[tidx] in "ACGT":
            recs.append(t.t_to_g(tidx))
    if len(recs) < k:
        sys.exit(f"only {len(recs)} kinase-domain codons with a bundled middle base")
    recs = sorted(rng.sample(recs, k))
    with open(path, "w") as fh:
        fh.write(HEADER)
        for g in recs:
            ref = genome_base(t, t.g_to_t(g))
            fh.write(record(g, ref, rng.choice([b for b in "ACGT" if b != ref]), rng))
    return path


def alk_vcf(n: int) -> Path:
    path = IN / f"alk_{n}.vcf"
    if path.exists():
        return path
    t, rng = alk(), random.Random(n)
    positions = sorted(rng.sample(range(t.start, t.end + 1), n))
    with open(path, "w") as fh:
        fh.write(HEADER)
        for g in positions:
            tidx = t.g_to_t(g)
            ref = genome_base(t, tidx) if tidx is not None and t.sequence[tidx] in "ACGT" else rng.choice("ACGT")
            fh.write(record(g, ref, rng.choice([b for b in "ACGT" if b != ref]), rng))
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
