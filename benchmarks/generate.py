"""Generate benchmark inputs under benchmarks/out/inputs/ (deterministic seeds; ~1 min in all).

    python benchmarks/generate.py [--wgs-records 4005000] [--stream-records 1001000] [--cohort 1000]

Writes (GRCh38, one tumour column, Mutect2-like FORMAT GT:AD:AF:DP):
  panel.vcf                   ~500 records: ALK resistance hotspots, exonic SNVs in the target genes with
                              the bundled reference base, off-target records elsewhere
  wgs.vcf.gz (+ .tbi)         the panel's target records among --wgs-records background records (bgzip + tabix)
  stream.vcf.gz               the same shape with --stream-records records, bgzipped, NOT indexed
  targets.bed                 target gene spans (load_transcripts + settings.yaml target_genes), 0-based BED
  cohort/samples.tsv, cohort/vcf/S0001.vcf ...   --cohort panel samples (sheet columns as config/samples.tsv)

Background records are never placed inside a target gene (+-1 kb): their REF base is arbitrary and would
trip the REF check; the records inside target genes carry the bundled reference base.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "inputs"
BUILD = "GRCh38"
# GRCh38 primary assembly lengths (chr2's length is also how alkannot recognises the build).
LENGTHS = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555, "chr5": 181538259,
    "chr6": 170805979, "chr7": 159345973, "chr8": 145138636, "chr9": 138394717, "chr10": 133797422,
    "chr11": 135086622, "chr12": 133275309, "chr13": 114364328, "chr14": 107043718, "chr15": 101991189,
    "chr16": 90338345, "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895,
}
ORDER = {c: i for i, c in enumerate(LENGTHS)}
# GRCh38 ALK kinase-domain resistance hotspots (tests/io/alk_hotspots.tsv, from CIViC/DoCM via the truth set)
HOTSPOTS = [
    (29220747, "C", "T"), (29220765, "G", "T"), (29222347, "A", "T"), (29220829, "G", "T"),
    (29222392, "C", "T"), (29209816, "C", "G"), (29220759, "G", "A"), (29209798, "C", "T"),
]
HEADER = (
    "##fileformat=VCFv4.2\n"
    + "".join(f"##contig=<ID={c},length={n}>\n" for c, n in LENGTHS.items())
    + '##FILTER=<ID=PASS,Description="All filters passed">\n'
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">\n'
    '##INFO=<ID=MQ,Number=1,Type=Integer,Description="RMS mapping quality">\n'
    '##INFO=<ID=FS,Number=1,Type=Float,Description="Fisher strand bias">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
    "##source=alkannot-benchmark\n"
)
SHEET_COLUMNS = ["sample", "patient", "specimen", "timepoint", "build", "vcf", "tumor_sample"]


def target_transcripts():
    genes = set(yaml.safe_load((ROOT / "resources" / "settings.yaml").read_text())["target_genes"])
    return [t for t in load_transcripts(BUILD).transcripts if t.gene in genes]


def header(sample: str) -> str:
    return HEADER + f"##tumor_sample={sample}\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}\n"


def fmt(rng: random.Random) -> str:
    dp = rng.randint(200, 900)
    alt = rng.randint(10, dp // 2)
    return f"GT:AD:AF:DP\t0/1:{dp - alt},{alt}:{alt / dp:.3f}:{dp}"


def known_bases(txs) -> list:
    return [(t, i) for t in txs for i, b in enumerate(t.sequence) if b in "ACGT"]


def exonic_records(known: list, n: int, rng: random.Random) -> list[tuple[str, int, str, str]]:
    """n SNVs at exonic positions whose bundled base is known, REF = that base (genome strand)."""
    out = set()
    while len(out) < n:
        t, i = rng.choice(known)
        ref = t.sequence[i] if t.strand == "+" else revcomp(t.sequence[i])
        alt = rng.choice([b for b in "ACGT" if b != ref])
        out.add(("chr" + t.chrom, t.t_to_g(i), ref, alt))
    return sorted(out)


def background_positions(n: int, avoid: dict[str, list[tuple[int, int]]], rng: random.Random):
    """n (chrom, pos) spread over the genome in proportion to length, sorted, outside `avoid`."""
    total = sum(LENGTHS.values())
    for chrom, length in LENGTHS.items():
        k = max(1, round(n * length / total))
        step = length / (k + 1)
        spans = avoid.get(chrom, [])
        for j in range(1, k + 1):
            pos = int(j * step) + rng.randint(0, 50)
            if any(s <= pos <= e for s, e in spans):
                continue
            yield chrom, pos


def write_vcf(path: Path, sample: str, special: list[tuple[str, int, str, str]], n_background: int,
              avoid, rng: random.Random, compress: bool) -> int:
    """Merge `special` records into sorted background records; bgzip when `compress`. Returns records."""
    spec = sorted(special, key=lambda r: (ORDER[r[0]], r[1]))
    n = 0
    if compress:
        fh = open(path, "wb")
        proc = subprocess.Popen([bgzip(), "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=fh)
        write = proc.stdin.write
        enc = True
    else:
        fh = open(path, "w")
        write = fh.write
        enc = False
    buf = [header(sample)]
    si = 0
    bases = "ACGT"
    getbits = rng.getrandbits
    for chrom, pos in background_positions(n_background, avoid, rng):
        while si < len(spec) and (ORDER[spec[si][0]], spec[si][1]) <= (ORDER[chrom], pos):
            c, p, r, a = spec[si]
            buf.append(f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\t.\t{fmt(rng)}\n")
            si += 1
            n += 1
        # random QUAL/INFO/FORMAT numbers so the file compresses like a real caller's output (~40 B/record)
        x = getbits(64)
        dp = 20 + (x & 511)
        ad = (x >> 9) & 255 if (x >> 9) & 255 < dp else dp >> 1
        buf.append(f"{chrom}\t{pos}\t.\t{bases[x >> 20 & 3]}\t{bases[(x >> 20) + 1 & 3]}\t{(x >> 22 & 65535) / 100}"
                   f"\tPASS\tDP={dp};MQ={40 + (x >> 38 & 31)};FS={(x >> 43 & 4095) / 1000}"
                   f"\tGT:AD:AF:DP\t0/1:{dp - ad},{ad}:{ad / dp:.3f}:{dp}\n")
        n += 1
        if len(buf) >= 20000:
            s = "".join(buf)
            write(s.encode() if enc else s)
            buf.clear()
    for c, p, r, a in spec[si:]:
        buf.append(f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\t.\t{fmt(rng)}\n")
        n += 1
    s = "".join(buf)
    write(s.encode() if enc else s)
    if compress:
        proc.stdin.close()
        if proc.wait() != 0:
            sys.exit(f"bgzip failed for {path}")
    fh.close()
    return n


def bgzip() -> str:
    exe = shutil.which("bgzip")
    if not exe:
        sys.exit("bgzip not found: install Debian 'tabix' (apt-get install tabix)")
    return exe


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wgs-records", type=int, default=4_005_000)
    ap.add_argument("--stream-records", type=int, default=1_001_000)
    ap.add_argument("--cohort", type=int, default=1000)
    ap.add_argument("--cohort-only", action="store_true", help="write only the cohort")
    ap.add_argument("--no-cohort", action="store_true", help="skip the cohort")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    out: Path = a.out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    txs = target_transcripts()
    avoid: dict[str, list[tuple[int, int]]] = {}
    with open(out / "targets.bed", "w") as bed:
        for t in sorted(txs, key=lambda t: (ORDER["chr" + t.chrom], t.start)):
            bed.write(f"chr{t.chrom}\t{t.start - 1}\t{t.end}\t{t.gene}\n")
            avoid.setdefault("chr" + t.chrom, []).append((t.start - 1000, t.end + 1000))

    known = known_bases(txs)
    hot = [("chr2", p, r, a) for p, r, a in HOTSPOTS]
    exonic = [r for r in exonic_records(known, 150, rng) if (r[0], r[1]) not in {(h[0], h[1]) for h in hot}]
    panel_special = hot[:3] + exonic
    t0 = time.time()
    n = write_vcf(out / "panel.vcf", "TUMOR1", panel_special, 500 - len(panel_special), avoid, rng, False)
    print(f"panel.vcf: {n} records", file=sys.stderr)

    big = [] if a.cohort_only else [("wgs.vcf.gz", a.wgs_records, True), ("stream.vcf.gz", a.stream_records, False)]
    for name, n_bg, index in big:
        t1 = time.time()
        p = out / name
        n = write_vcf(p, "TUMOR1", panel_special, n_bg, avoid, random.Random(name), True)
        for ext in (".tbi", ".csi"):
            Path(str(p) + ext).unlink(missing_ok=True)
        if index:
            subprocess.run(["tabix", "-f", "-p", "vcf", str(p)], check=True)
        print(f"{name}: {n} records, {p.stat().st_size / 1e6:.0f} MB, {time.time() - t1:.1f} s", file=sys.stderr)

    if a.no_cohort:
        return 0
    cohort = out / "cohort"
    rng = random.Random(2)  # own seed: the cohort is the same with or without the large files
    (cohort / "vcf").mkdir(parents=True, exist_ok=True)
    rows = ["\t".join(SHEET_COLUMNS)]
    for i in range(1, a.cohort + 1):
        sid = f"S{i:04d}"
        # each sample: one or two ALK hotspots (so compounds and verdicts vary) + 120 exonic + off-target
        k = 1 + (i % 2)
        picks = [hot[(i + j) % len(hot)] for j in range(k)]
        special = picks + exonic_records(known, 120, rng)
        vcf = cohort / "vcf" / f"{sid}.vcf"
        write_vcf(vcf, f"{sid}_tumor", special, 500 - len(special), avoid, rng, False)
        # every 10th sample is a second time point of the previous sample's patient (100 timelines)
        patient = f"PT{i - 1 if i % 10 == 0 else i:04d}"
        rows.append("\t".join([sid, patient, "tissue", f"2024-01-{1 + i % 28:02d}", BUILD,
                               str(vcf), f"{sid}_tumor"]))
    (cohort / "samples.tsv").write_text("\n".join(rows) + "\n")
    print(f"cohort: {a.cohort} samples in {cohort}; all inputs in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
