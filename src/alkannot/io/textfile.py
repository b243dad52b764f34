"""Small helpers for the tab-separated inputs (copy-number and fusion tables, MAF): gzip or plain text.

Tables are streamed line by line, so their size is not limited; a single line is (``MAX_LINE_CHARS``), so a
binary or newline-free file cannot make a reader hold gigabytes in one string.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

from alkannot.errors import InputError


def open_text(path: Path):
    """Text handle on a plain or gzip-compressed file (decided by its magic bytes, not its name)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rt") if magic == b"\x1f\x8b" else open(path)


MAX_LINE_CHARS = int(os.environ.get("ALKANNOT_MAX_LINE_CHARS", 1_000_000))


def numbered_lines(fh, path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of an open text file; a line longer than ``MAX_LINE_CHARS`` is an InputError."""
    ln = 0
    while True:
        line = fh.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        ln += 1
        if len(line) > MAX_LINE_CHARS:
            raise InputError(f"line is longer than {MAX_LINE_CHARS:,} characters (not a text table?)", path=str(path),
                             line=ln, fix="give the tool's tab-separated output (or raise ALKANNOT_MAX_LINE_CHARS)")
        yield ln, line


def first_line(path: Path, expected: str) -> tuple[int, str]:
    """(line number, text) of the first non-blank line; InputError naming `expected` if there is none."""
    with open_text(path) as fh:
        for ln, line in numbered_lines(fh, path):
            if line.strip():
                return ln, line.rstrip("\n\r")
    raise InputError("file is empty", path=str(path), fix=f"give {expected}")


def resolve_format(path: Path, fmt: str, formats, detect, kind: str) -> str:
    """The input's format: `fmt` if it is one of `formats`, detected from the header for "auto"."""
    if not path.exists():
        raise InputError("file not found", path=str(path), fix="check the path")
    if fmt == "auto":
        return detect(path)
    if fmt not in formats:
        raise InputError(f"unknown {kind} format {fmt!r}", path=str(path), fix=f"use one of {formats}")
    return fmt


# A SAM-style header record (@HD, @SQ, @RG, @PG, @CO and a tab), as GATK writes above its copy-number tables
_SAM_HEADER = ("@HD\t", "@SQ\t", "@RG\t", "@PG\t", "@CO\t")


def is_meta_line(text: str) -> bool:
    """A line above a table's column header that is not the header: a ``##`` comment, or a SAM-style header
    record (GATK's copy-number tables start with ``@HD``/``@SQ``/``@RG`` lines)."""
    return text.startswith("##") or text.startswith(_SAM_HEADER)


def header_line(path: Path, expected: str) -> tuple[int, str, list[str]]:
    """(line number, text, meta lines) of a table's header: the first non-blank line that is not a meta line
    (`is_meta_line`). Tools write ``##`` meta lines above the column header (ClinCNV ``##ANALYSISTYPE=``,
    Arriba and STAR-Fusion wrappers, CNVkit exports run through other pipelines), GATK a SAM-style header;
    those come back as meta lines.
    """
    meta: list[str] = []
    with open_text(path) as fh:
        for ln, line in numbered_lines(fh, path):
            text = line.rstrip("\n\r")
            if not text.strip():
                continue
            if is_meta_line(text):
                meta.append(text)
                continue
            return ln, text, meta
    if meta:
        raise InputError("file has only ## comment lines and no column header", path=str(path),
                         fix=f"give {expected}")
    raise InputError("file is empty", path=str(path), fix=f"give {expected}")


def table_header(path: Path, expected: str) -> tuple[int, list[str], list[str]] | None:
    """A table's header for format detection: None for a VCF (``##fileformat=VCF`` first), else (line number,
    column names without a leading ``#`` and surrounding blanks, ``##`` meta lines)."""
    _, first = first_line(path, expected)
    if first.startswith("##fileformat=VCF"):
        return None
    ln, text, meta = header_line(path, expected)
    return ln, [c.strip().lstrip("#") for c in text.split("\t")], meta


def table_rows(path: Path, *, short_rows: str = "error", long_rows: str = "error"):
    """(line number, header, fields) for each data row of a tab-separated table with one header row.

    Meta lines before the header (`is_meta_line`) and blank lines are skipped; ``#`` lines after the header
    are comments. A row with fewer fields than the header is an `InputError` naming the line (never
    padded: a cut row would be read with shifted or empty values); with ``long_rows="allow"`` extra
    trailing fields are kept.
    """
    with open_text(path) as fh:
        header: list[str] | None = None
        for ln, line in numbered_lines(fh, path):
            line = line.rstrip("\n\r")
            if not line.strip():
                continue
            if header is None:
                if is_meta_line(line):
                    continue
                header = [c.strip().lstrip("#") for c in line.split("\t")]
                continue
            if line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < len(header) and short_rows == "error" or \
                    len(fields) > len(header) and long_rows == "error":
                raise InputError(f"row has {len(fields)} columns, the header has {len(header)}",
                                 path=str(path), line=ln,
                                 fix="the table must be tab-separated and rectangular (is the file cut short?)")
            yield ln, header, fields


def vcf_data_lines(path: Path):
    """(line number, tab-split fields) of every record line of a plain or gzipped VCF, in file order, for
    checking values htslib would silently turn into missing ones (``CN=high`` reads as ``.``). None for
    BCF (binary: its values were typed when it was written)."""
    with open(path, "rb") as fh:
        if fh.read(3) == b"BCF":
            return None
    with open(path, "rb") as fh:
        magic = fh.read(2)

    def gen():
        import gzip as _gzip

        opener = _gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:
            for ln, raw in enumerate(fh, 1):
                if raw.startswith(b"#") or not raw.strip():
                    continue
                yield ln, raw.decode("utf-8", "replace").rstrip("\n\r").split("\t")
    return gen()


def raw_info(fields: list[str], key: str) -> str | None:
    """The raw text of INFO/<key> in a record line's fields (None when absent; '' for a flag)."""
    if len(fields) < 8:
        return None
    for item in fields[7].split(";"):
        k, eq, v = item.partition("=")
        if k == key:
            return v if eq else ""
    return None


def vcf_records(vcf, path: Path, raw_check=None):
    """(record number, file line, raw fields, record) for each record of a cyvcf2 `vcf` read from `path`.

    A record htslib cannot parse (e.g. text in an Integer FORMAT field) becomes an InputError naming its
    line; `raw_check(raw_fields, line)` runs first so that it can raise a more specific message.
    """
    raw_lines = vcf_data_lines(path)
    it = iter(vcf)
    n = 0
    while True:
        ln, raw = next(raw_lines, (None, None)) if raw_lines is not None else (None, None)
        try:
            rec = next(it)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - cyvcf2 raises bare Exception for records htslib rejects
            if raw_check is not None and raw is not None:
                raw_check(raw, ln)
            raise InputError("record cannot be parsed (htslib rejects one of its values)", path=str(path),
                             line=ln, fix="check that record's numbers (INFO/FORMAT values) against the header "
                                          "types; `bcftools view` stops at it too") from None
        n += 1
        if raw is not None and raw_check is not None:
            raw_check(raw, ln)
        yield n, (ln or n), raw, rec
