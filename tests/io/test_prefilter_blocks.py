"""The streamed prefilter scans blocks of text with C-level passes (io/vcf/prefilter.py, _Scan); what it
keeps, counts and refuses must be exactly what the per-line test gives, line by line, whatever the block
boundaries: checked on generated VCF text with the awkward cases (bad lines, blank and '#' lines in the
body, NUL bytes, CRLF, long REF, symbolic alleles with END, unsorted contigs, regex characters in CHROM)."""

from __future__ import annotations

import gzip
import random

import pytest

from alkannot.errors import InputError
from alkannot.io.vcf import prefilter as P
from alkannot.io.vcf.files import text_lines

TARGETS = [("chr2", 29192774, 29921586), ("chr2", 42169353, 42332548), ("chr7", 55020001, 55029999),
           ("2", 29415640, 30144477), ("chr1.x+[1]", 5000, 6000)]
HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
NCOL = 10


class Bad(Exception):
    pass


def bad_line(ln):
    raise Bad(ln)


def outcome(fn):
    try:
        r = fn()
    except Bad as e:
        return ("bad line", e.args[0])
    except InputError as e:
        return ("error", e.one_line())
    return (r.header, r.kept, r.records, r.contigs)


def reference(path):
    """The per-line test alone, over every line of the file."""
    def run():
        scan = P._Scan(path, TARGETS, NCOL, bad_line)
        for ln, raw in enumerate(text_lines(path), 1):
            scan.line(ln, raw)
        return P.Prefiltered(path, (), NCOL, scan.header, scan.kept, scan.n, list(scan.chrom_spans))
    return outcome(run)


REAL_BLOCKS = P.text_blocks


def scanned(path, size, monkeypatch, one_by_one=0):
    """The block scan (after `one_by_one` lines tested one by one, as a file's first lines are)."""
    monkeypatch.setattr(P, "text_blocks", lambda p: REAL_BLOCKS(p, size))
    monkeypatch.setattr(P, "ONE_BY_ONE_LINES", one_by_one)
    return outcome(lambda: P.prefilter_lines(path, TARGETS, n_columns=NCOL, on_bad_line=bad_line))


def record(rng, chrom=None, pos=None, ref=None, alt=None, info="DP=10"):
    chrom = chrom or rng.choice(["chr2", "chr2", "chr7", "chr1", "2", "chr1.x+[1]", "chrUn_%d"])
    if pos is None:
        pos = rng.choice([rng.randint(1, 250_000_000), rng.randint(29_190_000, 29_195_000), rng.randint(1, 99_999),
                          rng.randint(29_919_000, 29_923_000), rng.randint(42_160_000, 42_170_000),
                          rng.randint(4_000, 7_000), rng.randint(55_018_000, 55_031_000)])
    ref = ref or rng.choice("ACGT")
    alt = alt or rng.choice("ACGT")
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\tGT:DP\t0/1:10\n"


def tabbed(rng):
    """Lines with the header's number of tabs that are not plain records of a target contig: the block scan
    must hand them to the per-line test or rule them out exactly."""
    return rng.choice([
        record(rng, chrom="chr2", pos=29192774 - 1500, ref="A" * 1600),  # long REF reaching ALK
        record(rng, chrom="chr2", pos=29192774 - 3000, ref="A" * 1600),  # long REF ending before ALK
        record(rng, chrom="chr2", pos=29192774 - 900, ref="A" * 950),  # REF just under REF_SPAN, reaching ALK
        record(rng, chrom="chr2", pos=29192774 - 990, ref="A" * 980),  # ... ending just before ALK
        record(rng, chrom="chr2", pos=29100000, alt="<DEL>", info="SVTYPE=DEL;END=29200000"),
        record(rng, chrom="chr2", pos=29100000, alt="<DEL>", info="SVTYPE=DEL;END=29100500"),
        record(rng, chrom="chr2", pos=29950000, alt="<DUP>", info="END=29960000"),
        record(rng, chrom="chr2", pos=29100000, alt=".", info="END=29200000"),  # reference block reaching ALK
        record(rng, chrom="chr2", pos=29100000, alt=".", info="END=29100500"),  # ... ending before it
        record(rng, chrom="chr9", pos=100, info="X=\0"),  # NUL in a line that is not kept
        record(rng, chrom="chr2", pos=0),
        record(rng, chrom="chr2", pos="000029200000"),  # leading zeros
        record(rng, chrom="chr2", pos=29200000).replace("\n", "\r\n"),  # CRLF
        record(rng, chrom="chr2", pos=29200000, ref=""),  # empty REF
        "#\t" * 9 + "comment with the right number of tabs\n",
        "#chr2\t29200000\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n",  # a '#' line shaped like a record: header
        "chr2\t29200000\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n",  # (after which the same line as a record)
        " \t" * 9 + " \n",  # whitespace only, right number of tabs
        record(rng, chrom="chr7", pos=55019500, ref="C" * 600),  # reaching a target that starts at a round 10 kb
        record(rng, chrom="chr7", pos=55019300, ref="C" * 600),  # ... ending just before it
        record(rng, chrom="chr7", pos=rng.randint(55020001, 55029999)),  # inside it
        record(rng, chrom="chr2", pos=29192774 - 1),  # just outside
        record(rng, chrom="chr2", pos=29921586 + 1),
        record(rng, chrom="chr2", pos=29921586),  # last base
    ])


def untabbed(rng):
    """Lines that send the block they are in through the per-line test (another number of tabs)."""
    return rng.choice(["\n", "   \t \n", "#a comment in the body\n"])


def fatal(rng):
    """Lines the prefilter refuses (the first one in the file is reported)."""
    return rng.choice([
        "chr2\tx12\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n",  # POS not a number
        "chr2\t\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n",  # POS empty
        "chr2\t29200000\t.\tA\tC\t50\tPASS\t.\tGT\n",  # a column short
        "chr2\t29200000\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\textra\n",  # a column more
        record(rng, chrom="chr2", pos=29192774, info="X=\0"),  # NUL in a kept line
        record(rng, chrom="chr\0x", pos=100),  # NUL in CHROM
    ])


def vcf_text(rng, n, p_tabbed, p_untabbed, fatal_line):
    lines = [HEADER]
    for _ in range(n):
        r = rng.random()
        lines.append(tabbed(rng) if r < p_tabbed else untabbed(rng) if r < p_tabbed + p_untabbed else record(rng))
    if fatal_line and n:
        lines.insert(rng.randint(1, len(lines)), fatal(rng))
    if rng.random() < 0.5:  # sorted, as most files are
        lines[1:] = sorted(lines[1:], key=lambda x: (x.split("\t")[0], x.split("\t")[1] if "\t" in x else ""))
    text = "".join(lines)
    if rng.random() < 0.3:
        text = text.rstrip("\n")  # no newline at the end
    return text


@pytest.mark.parametrize("seed", range(80))
def test_blocks_give_what_lines_give(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    text = vcf_text(rng, rng.choice([0, 1, 5, 300, 3000]), rng.choice([0, 0.01, 0.05, 0.3]),
                    rng.choice([0, 0, 0.001, 0.05]), rng.random() < 0.25)
    path = tmp_path / ("in.vcf.gz" if seed % 3 == 0 else "in.vcf")
    data = text.encode()
    path.write_bytes(gzip.compress(data) if seed % 3 == 0 else data)
    want = reference(str(path))
    for size in (1, 7, 100, 4096, 1 << 18):
        assert scanned(str(path), size, monkeypatch) == want, size
    assert scanned(str(path), 512, monkeypatch, one_by_one=40) == want


def test_sorted_clean_file_keeps_only_overlaps(tmp_path, monkeypatch):
    rng = random.Random(7)
    rows = sorted((c, rng.randint(1, 60_000_000)) for c in ("chr1", "chr2", "chr7") for _ in range(3000))
    text = HEADER + "".join(record(rng, chrom=c, pos=p) for c, p in rows)
    path = tmp_path / "s.vcf"
    path.write_text(text)
    got = scanned(str(path), 1 << 12, monkeypatch)
    assert got == reference(str(path))
    header, kept, records, contigs = got
    assert records == len(rows) and contigs == [b"chr1", b"chr2", b"chr7"]
    spans = {"chr1": [], "chr2": [(s, e) for c, s, e in TARGETS if c in ("chr2", "2")],
             "chr7": [(s, e) for c, s, e in TARGETS if c == "chr7"]}
    want = [(ln, line.encode()) for ln, line in enumerate(text.splitlines(keepends=True), 1)
            if not line.startswith("#")
            and any(s <= int(line.split("\t")[1]) <= e for s, e in spans[line.split("\t")[0]])]
    assert kept == want and kept


@pytest.mark.parametrize("lo,hi", [(0, 0), (0, 9), (1, 1), (5, 123), (99, 100), (29191774, 29921586),
                                   (1, 10**9), (999, 1000), (10**6, 10**6 + 1)])
def test_number_range_regex(lo, hi):
    import re

    rx = re.compile("0*(?:" + P.number_range_regex([(lo, hi)]) + ")")
    for n in {0, 1, 9, 10, 99, 100, lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, (lo + hi) // 2, 10**9 + 7}:
        if n >= 0:
            assert (rx.fullmatch(str(n)) is not None) == (lo <= n <= hi), n
            assert (rx.fullmatch("00" + str(n)) is not None) == (lo <= n <= hi), n


@pytest.mark.parametrize("seed", range(6))
def test_warm_process_scans_small_files_in_blocks(seed, tmp_path, monkeypatch):
    """A small file is tested line by line the first time a process scans for its targets; the next file with
    the same targets goes through the block scan from its first line, keeping, counting and refusing the same."""
    rng = random.Random(1000 + seed)
    path = tmp_path / "small.vcf"
    path.write_text(vcf_text(rng, 200, rng.choice([0, 0.01, 0.05]), rng.choice([0, 0.001]), rng.random() < 0.25))
    want = reference(str(path))
    monkeypatch.setattr(P, "_WARM_TARGETS", set())
    calls = []
    real_lines = P._Scan._lines
    monkeypatch.setattr(P._Scan, "_lines", lambda self, *a: calls.append(1) or real_lines(self, *a))

    def run():
        return outcome(lambda: P.prefilter_lines(str(path), TARGETS, n_columns=NCOL, on_bad_line=bad_line))

    assert run() == want and not calls  # cold: line by line
    assert run() == want  # warm: in blocks
    assert calls or want[0] == "bad line" or want[0] == "error"
