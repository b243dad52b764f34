"""Synthetic GRCh38 VCFs inside ALK, used by the compound-listing tests and `benchmarks/bench_compound.py`.

`kd_vcf`: k missense SNVs, one per ALK kinase-domain codon (the codon's middle base: every change there
alters the amino acid), REF = the bundled base, VAF 0.05-0.45. `alk_vcf`: n records spread over the ALK gene
(an all-sites file / hypermutated sample): the bundled base as REF where the bundled model knows it,
otherwise an arbitrary base (listed by alkannot as not annotatable, with the reason). Deterministic per seed.
"""

from __future__ import annotations

import random
from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp

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


def _genome_base(t, tidx: int) -> str:
    b = t.sequence[tidx]
    return b if t.strand == "+" else revcomp(b)


def _record(pos: int, ref: str, alt: str, rng: random.Random) -> str:
    dp = rng.randint(200, 900)
    ad = max(1, int(dp * rng.uniform(0.05, 0.45)))
    return f"chr2\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t.\tGT:AD:AF:DP\t0/1:{dp - ad},{ad}:{ad / dp:.3f}:{dp}\n"


def kd_sites() -> list[int]:
    """Genomic positions of the middle base of every kinase-domain codon whose base the bundled model knows."""
    t = alk()
    sites = []
    for p in range(KD[0], KD[1] + 1):
        tidx = t.cds_start + 3 * (p - 1) + 1
        if t.sequence[tidx] in "ACGT":
            sites.append(t.t_to_g(tidx))
    return sites


def kd_vcf(path: Path, k: int, seed: int | None = None) -> Path:
    """k kinase-domain missense SNVs (seed defaults to k, as the benchmark's files use)."""
    t, rng = alk(), random.Random(k if seed is None else seed)
    sites = kd_sites()
    if len(sites) < k:
        raise ValueError(f"only {len(sites)} kinase-domain codons with a bundled middle base")
    with open(path, "w") as fh:
        fh.write(HEADER)
        for g in sorted(rng.sample(sites, k)):
            ref = _genome_base(t, t.g_to_t(g))
            fh.write(_record(g, ref, rng.choice([b for b in "ACGT" if b != ref]), rng))
    return Path(path)


def alk_vcf(path: Path, n: int, seed: int | None = None) -> Path:
    """n records spread over the ALK gene (seed defaults to n)."""
    t, rng = alk(), random.Random(n if seed is None else seed)
    with open(path, "w") as fh:
        fh.write(HEADER)
        for g in sorted(rng.sample(range(t.start, t.end + 1), n)):
            tidx = t.g_to_t(g)
            ref = _genome_base(t, tidx) if tidx is not None and t.sequence[tidx] in "ACGT" else rng.choice("ACGT")
            fh.write(_record(g, ref, rng.choice([b for b in "ACGT" if b != ref]), rng))
    return Path(path)
