"""Prototype for the streamed (unindexed) read path: filter raw lines by target span before cyvcf2.

Not used by alkannot: measures what `alkannot.io.vcf.iter_records` could gain on an unindexed file by
deciding "is this record in a target gene?" from the raw text (CHROM and POS fields only, per line,
keeping line numbers and the total record count) and handing only those lines to cyvcf2, instead of
building a cyvcf2 record for every line.

    python benchmarks/prototype_stream_prefilter.py [benchmarks/out/inputs/stream.vcf.gz]

Prints: cyvcf2 over every record, the prefilter, cyvcf2 over the kept lines, bcftools view -T, and checks
that both paths select the same records.
"""

from __future__ import annotations

import bisect
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from alkannot.annotate.transcripts import canonical_chrom, load_transcripts

ROOT = Path(__file__).resolve().parents[1]
TODAY = "cyvcf2 record for every line, filter in Python (today's design)"
BCF = "bcftools view -T targets.bed"


def target_spans(build: str) -> dict[str, list[tuple[int, int]]]:
    genes = set(yaml.safe_load((ROOT / "resources" / "settings.yaml").read_text())["target_genes"])
    spans: dict[str, list[tuple[int, int]]] = {}
    for t in load_transcripts(build).transcripts:
        if t.gene in genes:
            spans.setdefault(t.chrom, []).append((t.start, t.end))
    return {c: sorted(v) for c, v in spans.items()}


def prefilter(path: str, spans: dict[str, list[tuple[int, int]]], block: int = 1 << 24):
    """(header text, [(line number, line)], records read): lines whose CHROM/POS fall in a span.

    Reads `block` bytes at a time, so memory stays flat in file size. A record counts when its first base
    lies in a span; records starting before a span and reaching into it (long deletions) need the REF
    length too: the real implementation would pad each span by the longest REF allowed.
    """
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    starts = {c: [s for s, _ in v] for c, v in spans.items()}
    ends = {c: [e for _, e in v] for c, v in spans.items()}
    by_raw: dict[bytes, str | None] = {}
    header: list[bytes] = []
    kept: list[tuple[int, bytes]] = []
    n = lineno = 0
    rest = b""
    with opener(path, "rb") as fh:
        while True:
            chunk = fh.read(block)
            if not chunk:
                break
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                lineno += 1
                if line[:1] == b"#":
                    header.append(line)
                    continue
                if not line:
                    continue
                n += 1
                t1 = line.find(b"\t")
                raw = line[:t1]
                c = by_raw.get(raw, "?")
                if c == "?":
                    c = canonical_chrom(raw.decode())
                    by_raw[raw] = c if c in spans else None
                    c = by_raw[raw]
                if c is None:
                    continue
                pos = int(line[t1 + 1:line.find(b"\t", t1 + 1)])
                i = bisect.bisect_right(starts[c], pos) - 1
                if i >= 0 and pos <= max(ends[c][: i + 1]):
                    kept.append((lineno, line))
    if rest:
        lineno += 1
        n += 1  # unterminated last line: counted, filtered the same way in a real implementation
    return b"\n".join(header).decode() + "\n", kept, n


def cyvcf2_records(path: str):
    import cyvcf2

    return [(v.CHROM, v.POS, v.REF) for v in cyvcf2.VCF(path, lazy=True)]


def main(argv: list[str] | None = None) -> int:
    import cyvcf2

    argv = sys.argv[1:] if argv is None else argv
    path = argv[0] if argv else str(ROOT / "benchmarks" / "out" / "inputs" / "stream.vcf.gz")
    spans = target_spans("GRCh38")
    times = {}

    t = time.perf_counter()
    all_in = []
    n_all = 0
    for v in cyvcf2.VCF(path, lazy=True):
        n_all += 1
        c = canonical_chrom(v.CHROM)
        if c in spans and any(s <= v.POS <= e for s, e in spans[c]):
            all_in.append((v.CHROM, v.POS, v.REF))
    times[TODAY] = time.perf_counter() - t

    t = time.perf_counter()
    header, kept, n = prefilter(path, spans)
    times["raw-line prefilter (gzip + CHROM/POS)"] = time.perf_counter() - t
    t = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".vcf", delete=False) as tmp:
        tmp.write(header)
        tmp.write("".join(line.decode() + "\n" for _, line in kept))
    sel = cyvcf2_records(tmp.name)
    os.unlink(tmp.name)
    times["cyvcf2 over the kept lines"] = time.perf_counter() - t

    t = time.perf_counter()
    subprocess.run(["bcftools", "view", "-T", str(ROOT / "benchmarks/out/inputs/targets.bed"), "-Ov", "-o",
                    os.devnull, path], check=True, stderr=subprocess.DEVNULL)
    times[BCF] = time.perf_counter() - t

    assert n == n_all, (n, n_all)
    assert sel == all_in, (len(sel), len(all_in))
    for k, v in times.items():
        print(f"{v:6.2f} s  {k}")
    pre = times["raw-line prefilter (gzip + CHROM/POS)"] + times["cyvcf2 over the kept lines"]
    print(f"records {n}, in targets {len(sel)}; prefilter path {pre:.2f} s = {pre / times[BCF]:.1f}x bcftools "
          f"(today's record loop alone: {times[TODAY] / times[BCF]:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
