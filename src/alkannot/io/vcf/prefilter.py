"""One pass over a streamed text VCF keeping the lines in the targets (the result object travels on)."""

from __future__ import annotations

import bisect
import os
import re
import zlib
from dataclasses import dataclass

from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.io.vcf.files import text_lines
from alkannot.io.vcf.targets import target_spans


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
    """
    spans = target_spans(targets)
    # raw CHROM bytes -> (sorted span starts, running max of ends), or None for contigs without targets
    chrom_spans: dict[bytes, tuple | None] = {}
    header: list[bytes] = []
    kept: list[tuple[int, bytes]] = []
    n = 0
    want_tabs = None if n_columns is None else n_columns - 1
    bisect_right = bisect.bisect_right
    keep = kept.append
    try:
        for ln, raw in enumerate(text_lines(path), 1):
            if raw[0] == 35:  # b"#"
                header.append(raw)
                continue
            # the column count first (one C scan): a line with the right number of tabs splits into 5
            if want_tabs is None or raw.count(b"\t") == want_tabs:
                f = raw.split(b"\t", 4)
                ok = len(f) == 5 and f[1].isdigit()
            else:
                ok = False
            if not ok:
                if not raw.strip():
                    continue  # blank line: no data, not a record
                n += 1
                on_bad_line(ln)
                raise InputError("record cannot be parsed", path=path, line=ln)  # if on_bad_line returned
            n += 1
            sp = chrom_spans.get(f[0], False)
            if sp is False:
                if b"\0" in f[0]:
                    _nul_error(path, ln)
                sp = chrom_spans[f[0]] = spans.get(canonical_chrom(f[0].decode("utf-8", errors="replace")))
            if sp is None:
                continue  # no target on this contig
            pos = int(f[1])
            end = pos + (len(f[3]) or 1) - 1
            if f[4][:1] in (b"<", b"."):  # symbolic or no ALT (gVCF/all-sites reference blocks):
                end = max(end, _info_end(f[4]))  # htslib's end is INFO/END
            i = bisect_right(sp[0], end) - 1
            if i >= 0 and sp[1][i] >= pos:
                if b"\0" in raw:
                    _nul_error(path, ln)
                keep((ln, raw if raw.endswith(b"\n") else raw + b"\n"))
    except (EOFError, OSError, zlib.error) as e:
        raise InputError(f"compressed file is truncated or corrupt ({e})", path=path,
                         fix="re-copy or re-compress it with bgzip") from None
    return Prefiltered(os.path.abspath(path), tuple(sorted(targets)), n_columns, header, kept, n,
                       list(chrom_spans))


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
