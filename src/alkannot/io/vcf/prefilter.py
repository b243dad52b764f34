"""One pass over a streamed text VCF keeping the lines in the targets (the result object travels on)."""

from __future__ import annotations

import functools
import os
import re
import zlib
from dataclasses import dataclass

from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.io.vcf.files import text_blocks, text_lines
from alkannot.io.vcf.targets import span_overlaps, target_spans


@dataclass
class Prefiltered:
    """One pass over a text VCF (``prefilter_lines``): its header lines, the record lines overlapping the
    targets with their line numbers, how many records it has and the CHROM values seen. The annotator
    keeps it on its result (``AnnotationResult.prefiltered``) so the annotated-VCF writer reads the same
    lines without a second pass."""

    path: str  # absolute
    targets: tuple
    n_columns: int | None
    header: list[bytes]
    kept: list[tuple[int, bytes]]
    records: int
    contigs: list[bytes]

    def covers(self, path: str, targets: list[tuple[str, int, int]], n_columns: int | None) -> bool:
        """Made from this file, for these targets and column count."""
        return (self.path, self.targets, self.n_columns) == (os.path.abspath(path), tuple(sorted(targets)),
                                                             n_columns)


def prefilter_lines(path: str, targets: list[tuple[str, int, int]], *, n_columns: int | None = None,
                    on_bad_line=None) -> Prefiltered:
    """One pass over a text VCF: its header lines, the [(line number, record line)] overlapping the targets
    and the number of records (a ``Prefiltered``).

    Deciding "in a target?" from CHROM/POS/REF of the raw text avoids building a parsed record for
    each of millions of off-target lines (the reason a streamed VCF costs about what `bcftools view
    -T` does). Every line's column count and POS are still checked; blank lines are skipped and not
    counted; line numbers are the file's own. `on_bad_line(line_number)` is called for a malformed
    record and must raise.

    With the column count known, the decompressed text is scanned in blocks by C-level passes (``_Scan``)
    instead of line by line in Python; lines those passes cannot vouch for go through the same per-line
    test (``_Scan.line``), so what is kept, counted and refused is the same either way.
    """
    scan = _Scan(path, targets, n_columns, on_bad_line)
    key = tuple(sorted(targets))
    scan.warm = key in _WARM_TARGETS
    try:
        if scan.want_tabs is None or scan.want_tabs < 4:
            for ln, raw in enumerate(text_lines(path), 1):
                scan.line(ln, raw)
        else:
            for block in text_blocks(path):
                scan.block(block)
            scan.end()
    except (EOFError, OSError, zlib.error) as e:
        raise InputError(f"compressed file is truncated or corrupt ({e})", path=path,
                         fix="re-copy or re-compress it with bgzip") from None
    if len(_WARM_TARGETS) >= 64:  # (a process sees a target set or two per build: bounded all the same)
        _WARM_TARGETS.clear()
    _WARM_TARGETS.add(key)
    return Prefiltered(os.path.abspath(path), key, n_columns, scan.header, scan.kept, scan.n,
                       list(scan.chrom_spans))


# A record on a contig with targets whose REF is shorter than this and whose ALT is neither symbolic nor '.' ends
# before POS + REF_SPAN, so only POS in [target start - REF_SPAN, target end] can overlap a target.
REF_SPAN = 1000
ONE_BY_ONE_LINES = 10_000  # the first lines of a file go through the per-line test (a panel VCF: all of them)
# Target sets this process has already scanned a file for. Line by line is cheaper for a small file only
# while the block scan's regexes (_run_patterns, kept per process) are not compiled yet; once a file with the
# same targets has been scanned, a later one (the next sample of a batch) is scanned in blocks from its first
# line. Either way the same lines are kept, counted and refused (tests/io/test_prefilter_blocks.py).
_WARM_TARGETS: set[tuple] = set()
_NOT_SEPARATOR = bytes(b for b in range(256) if b not in (9, 10))  # every byte but tab and newline


class _Scan:
    """The prefilter's state, fed lines (``line``: the per-line test) or blocks of text (``block``).

    A block's complete lines are vouched for by C-level passes where they can be: one ``bytes.translate``
    checks that every line has the header's number of tabs; then, per run of lines on one contig, one
    regex search finds where the run ends (the first line that is not "CHROM<tab>digits<tab>...", or, on a
    contig with targets, whose REF is REF_SPAN bases or longer or whose ALT is symbolic or '.', as INFO/END may then extend it); within a run on a
    contig with targets a second regex finds the lines whose POS lies within REF_SPAN of a target (digit
    ranges), and only those are tested exactly. Every other line (a block failing the tab check, the line
    ending a run, header lines) goes through ``line``, in file order, so errors name the same first bad line.
    """

    def __init__(self, path, targets, n_columns, on_bad_line):
        self.path = path
        self.spans = target_spans(targets)
        # raw CHROM bytes -> (sorted span starts, running max of ends), or None for contigs without targets
        self.chrom_spans: dict[bytes, tuple | None] = {}
        self.header: list[bytes] = []
        self.kept: list[tuple[int, bytes]] = []
        self.n = 0
        self.want_tabs = None if n_columns is None else n_columns - 1
        self.on_bad_line = on_bad_line
        self.ln = 0  # lines consumed (blocks)
        self.warm = False  # True: the block scan from the first line (see _WARM_TARGETS)
        self.tail = b""
        self._runs: dict[bytes, tuple] = {}  # raw CHROM -> (run regex, candidate regex or None)

    # ---- one line (the definition) ----
    def line(self, ln: int, raw: bytes) -> None:
        if raw[0] == 35:  # b"#"
            self.header.append(raw)
            return
        want_tabs = self.want_tabs
        # the column count first (one C scan): a line with the right number of tabs splits into 5
        if want_tabs is None or raw.count(b"\t") == want_tabs:
            f = raw.split(b"\t", 4)
            ok = len(f) == 5 and f[1].isdigit()
        else:
            ok = False
        if not ok:
            if not raw.strip():
                return  # blank line: no data, not a record
            self.n += 1
            self.on_bad_line(ln)
            raise InputError("record cannot be parsed", path=self.path, line=ln)  # if on_bad_line returned
        self.n += 1
        sp = self.chrom_spans.get(f[0], False)  # (a contig already seen: its spans without a method call)
        if sp is False:
            sp = self._contig(f[0], ln)
        if sp is None:
            return  # no target on this contig
        self._test(ln, raw, f, sp)

    def _contig(self, chrom: bytes, ln: int):
        sp = self.chrom_spans.get(chrom, False)
        if sp is False:
            if b"\0" in chrom:
                _nul_error(self.path, ln)
            sp = self.chrom_spans[chrom] = self._spans_of(chrom)
        return sp

    def _spans_of(self, chrom: bytes):
        """The target spans of a raw CHROM (whatever the contig is called: chr2, 2, NC_000002.12), or None."""
        return self.spans.get(canonical_chrom(chrom.decode("utf-8", errors="replace")))

    def _test(self, ln: int, raw: bytes, f: list[bytes], sp) -> None:
        pos = int(f[1])
        end = pos + (len(f[3]) or 1) - 1
        if f[4][:1] in (b"<", b"."):  # symbolic or no ALT (gVCF/all-sites reference blocks):
            end = max(end, _info_end(f[4]))  # htslib's end is INFO/END
        if span_overlaps(sp, pos, end):
            if b"\0" in raw:
                _nul_error(self.path, ln)
            self.kept.append((ln, raw if raw.endswith(b"\n") else raw + b"\n"))

    # ---- blocks of text ----
    def block(self, data: bytes) -> None:
        i = data.find(b"\n")
        if i < 0:
            self.tail += data
            return
        self.ln += 1  # the line the previous block began (or this block's first line): on its own
        self.line(self.ln, self.tail + data[:i + 1] if self.tail else data[:i + 1])
        last = data.rfind(b"\n")
        self.tail = data[last + 1:]
        if last > i:
            if self.ln < ONE_BY_ONE_LINES and not self.warm:  # a small file costs less line by line than
                # compiling its regexes (when they are not compiled yet)
                self._one_by_one(data, i, last)
            else:
                self._lines(data, i, last)

    def end(self) -> None:
        if self.tail:  # a last line without a newline
            self.ln += 1
            self.line(self.ln, self.tail)
            self.tail = b""

    def _one_by_one(self, buf: bytes, p: int, stop: int) -> None:
        """The lines of buf after the newline at p up to the newline at stop, through ``line``."""
        ln = self.ln
        while p < stop:
            e = buf.index(b"\n", p + 1)
            ln += 1
            self.line(ln, buf[p + 1:e + 1])
            p = e
        self.ln = ln

    def _lines(self, buf: bytes, p: int, L: int) -> None:
        """The lines of buf after the newline at p up to the newline at L."""
        while p < L and buf[p + 1] == 35:  # header lines (and any other '#' line at the block start)
            e = buf.index(b"\n", p + 1)
            self.ln += 1
            self.line(self.ln, buf[p + 1:e + 1])
            p = e
        if p >= L:
            return
        # the tabs and newlines of these lines, in order, must be the header's tab count then a newline
        seps = buf.translate(None, _NOT_SEPARATOR)
        body = seps[buf.count(b"\t", 0, p) + buf.count(b"\n", 0, p + 1):len(seps) - buf.count(b"\t", L + 1)]
        lines, rest = divmod(len(body), self.want_tabs + 1)
        if rest or body != (b"\t" * self.want_tabs + b"\n") * lines:
            self._one_by_one(buf, p, L)  # a line with another number of tabs (or a blank one): line by line
            return
        base = self.ln  # number of the line ending at the newline at p
        cpos, cln = p, base  # a newline position and the number of the line ending there (counted lazily)
        handled = 0  # lines given to ``line`` (it counts the records among them)
        end = L + 1
        while p < L:
            chrom = buf[p + 1:buf.index(b"\t", p + 1)]
            run = self._runs.get(chrom)
            if run is None:
                sp = self._spans_of(chrom)
                run = self._runs[chrom] = _run_patterns(chrom, None if sp is None else (tuple(sp[0]), tuple(sp[1])))
            q = p if buf[p + 1] == 35 else run[0].search(buf, p, end).start()  # (a '#' line is a header line)
            # q: the newline before the first line ending the run (or L)
            if q == p:  # this line is not a plain record of its contig: the per-line test decides
                e = buf.index(b"\n", p + 1)
                cln += buf.count(b"\n", cpos, p)
                cpos = p
                self.line(cln + 1, buf[p + 1:e + 1])
                handled += 1
                p = e
                continue
            sp = self.chrom_spans.get(chrom, False)
            if sp is False:  # a new contig: its CHROM is checked at its first record
                cln += buf.count(b"\n", cpos, p)
                cpos = p
                sp = self._contig(chrom, cln + 1)
            if sp is not None:
                for m in run[1].finditer(buf, p, q):
                    c = m.start()
                    cln += buf.count(b"\n", cpos, c)
                    cpos = c
                    raw = buf[c + 1:buf.index(b"\n", c + 1) + 1]
                    self._test(cln + 1, raw, raw.split(b"\t", 4), sp)
            p = q
        self.n += lines - handled
        self.ln = base + lines


@functools.lru_cache(maxsize=1024)
def _run_patterns(chrom: bytes, sp: tuple | None):
    """(regex finding the end of a run of plain records on `chrom`, regex finding the lines of such a run
    whose POS may overlap a target: None on a contig without targets); built once per process."""
    c = re.escape(chrom)
    if sp is None:
        return re.compile(rb"\n(?!" + c + rb"\t[0-9]+\t)"), None
    ref = b"[^\\t\\n]{0,%d}" % (REF_SPAN - 1)
    run = re.compile(rb"\n(?!" + c + rb"\t[0-9]+\t[^\t\n]*\t" + ref + rb"\t[^<.])")
    # to about four leading digits (10 kb at chr2's positions): a short regex, a few more lines tested exactly
    unit = 10 ** max(0, len(str(max(sp[1]))) - 4)
    ranges = [(max(0, s - REF_SPAN) // unit * unit, (e // unit + 1) * unit - 1) for s, e in zip(sp[0], sp[1])]
    cand = re.compile(rb"\n" + c + rb"\t0*(?:" + number_range_regex(ranges).encode() + rb")\t")
    return run, cand


_END = re.compile(rb"(?:^|;)END=(\d+)(?:;|$)")


def _info_end(rest: bytes) -> int:
    """INFO/END from 'ALT\tQUAL\tFILTER\tINFO[\t...]' (0 when absent): the end htslib gives a record (a
    symbolic <DEL>, a gVCF or all-sites reference block with ALT '.'), so a record starting upstream of a
    gene is read like an indexed query reads it. (htslib honours INFO/END of a record with base ALTs too;
    VCF defines it only for these, and looking for it in every line would cost a third of this pass.)"""
    cols = rest.split(b"\t", 4)
    if len(cols) < 4:
        return 0
    m = _END.search(cols[3])
    return int(m.group(1)) if m else 0


def _nul_error(path: str, ln: int) -> None:
    raise InputError("record line contains a NUL byte (binary data inside a text VCF)", path=path, line=ln,
                     fix="the file is corrupt: re-export or re-copy it; bcftools view does not read it either")


def write_subset(dest: str, header: list[bytes], kept: list[tuple[int, bytes]]) -> None:
    with open(dest, "wb") as fh:
        fh.writelines(header)
        fh.writelines(line for _, line in kept)


def number_range_regex(ranges: list[tuple[int, int]]) -> str:
    """A regex matching exactly the decimal numbers (no leading zeros) in the union of the inclusive
    ranges: a digit trie, so a number far from every range fails at its first digits."""
    merged: list[list[int]] = []
    for lo, hi in sorted((max(0, lo), hi) for lo, hi in ranges if hi >= max(0, lo)):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    alts = []
    if merged and merged[0][0] == 0:
        alts.append("0")
        merged[0][0] = 1
        if merged[0][0] > merged[0][1]:
            merged.pop(0)
    for width in range(1, len(str(merged[-1][1])) + 1 if merged else 1):
        lo_w, hi_w = 10 ** (width - 1), 10 ** width - 1
        part = [(max(lo, lo_w), min(hi, hi_w)) for lo, hi in merged if lo <= hi_w and hi >= lo_w]
        if part:  # numbers of this width (their first digit is 1-9)
            alts.append(_trie(part, width))
    return "|".join(alts) if alts else "(?!)"


def _trie(ranges: list[tuple[int, int]], width: int) -> str:
    """Regex for the `width`-digit strings (leading zeros allowed) whose values lie in the sorted, disjoint
    ranges; digits that lead to the same rest share one class."""
    if width == 0:
        return ""
    unit = 10 ** (width - 1)
    if ranges == [(0, 10 ** width - 1)]:
        return "[0-9]" if width == 1 else f"[0-9]{{{width}}}"
    by_digit: dict[int, tuple] = {}
    for d in range(10):
        lo_d, hi_d = d * unit, d * unit + unit - 1
        rest = tuple((max(lo, lo_d) - lo_d, min(hi, hi_d) - lo_d) for lo, hi in ranges if lo <= hi_d and hi >= lo_d)
        if rest:
            by_digit[d] = rest
    groups: dict[tuple, list[int]] = {}
    for d, rest in by_digit.items():
        groups.setdefault(rest, []).append(d)
    alts = []
    for rest, digits in groups.items():
        runs, start = [], digits[0]
        for a, b in zip(digits, digits[1:] + [None]):
            if b != a + 1:
                runs.append(str(start) if start == a else f"{start}-{a}")
                start = b
        cls = digits[0] if len(digits) == 1 else None
        head = str(cls) if cls is not None else "[" + "".join(runs) + "]"
        alts.append(head + _trie(list(rest), width - 1))
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
