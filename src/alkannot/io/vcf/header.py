"""Header checks (text VCFs): line numbers and plain words before htslib sees the file; the INFO/FORMAT
definitions as htslib read them (``header_definitions``)."""

from __future__ import annotations

import re

from alkannot.errors import InputError
from alkannot.io.vcf.files import is_bcf, text_lines

_FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
_NUMBER = re.compile(r"^(\d+|[ARG.])$")
_TYPES = {"INFO": {"Integer", "Float", "Flag", "Character", "String"},
          "FORMAT": {"Integer", "Float", "Character", "String"}}
_META_FIELD = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|[^,"]*)\s*(?:,|$)')


def header_definitions(vcf) -> dict[tuple[str, str], tuple[str, str]]:
    """(section, ID) -> (Number, Type) of an opened VCF's INFO and FORMAT definitions, as htslib parsed them
    (keys in any order, quoted descriptions with commas)."""
    out = {}
    for h in vcf.header_iter():
        if h.type in ("INFO", "FORMAT"):
            d = h.info()
            out[(h.type, d.get("ID"))] = (d.get("Number", "."), d.get("Type"))
    return out


def _structured(body: str) -> dict[str, str] | None:
    """'ID=AD,Number=R,...' -> dict, or None when it is not key=value pairs."""
    out, i = {}, 0
    while i < len(body):
        m = _META_FIELD.match(body, i)
        if not m or m.end() == i:
            return None
        out[m.group(1)] = m.group(2)
        i = m.end()
    return out


def scan_header(path: str, warnings_out: list[str] | None = None) -> list[str] | None:
    """The header lines of a text VCF, checked; None for BCF (htslib checks its binary header).

    A malformed ##INFO/##FORMAT line is an error, unless `warnings_out` is given: then it is noted
    there ("line N: ...") and the caller decides (htslib drops or repairs such lines and reads on)."""
    if is_bcf(path):
        return None
    lines: list[str] = []
    for ln, raw in enumerate(text_lines(path), 1):
        if ln == 1 and not raw.startswith(b"##fileformat=VCF"):
            raise InputError("missing '##fileformat=VCF' first header line", path=path, line=1,
                             fix="give a VCF file (this does not look like one)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            bad = raw[e.start : e.start + 1].hex().upper()
            raise InputError(f"header is not UTF-8 text (byte 0x{bad})", path=path, line=ln,
                             fix="VCF must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8") from None
        text = text.rstrip("\r\n")
        if text.startswith("##"):
            key = text[2:].split("=", 1)[0]
            if key in ("INFO", "FORMAT"):
                try:
                    _check_definition(text, key, path, ln)
                except InputError as e:
                    if warnings_out is None:
                        raise
                    warnings_out.append(_meta_warning(e, ln))
            lines.append(text)
            continue
        if text.startswith("#CHROM"):
            cols = text.split("\t")
            if cols[:8] != _FIXED or (len(cols) > 8 and cols[8] != "FORMAT"):
                raise InputError("the #CHROM line is not the 8 tab-separated VCF columns "
                                 "(#CHROM POS ID REF ALT QUAL FILTER INFO [FORMAT samples...])", path=path, line=ln,
                                 fix="the file must be tab-separated; re-export it from the caller, not a spreadsheet")
            samples = cols[9:]
            dup = sorted({s for s in samples if samples.count(s) > 1})
            if dup:
                raise InputError(f"duplicate sample names in the header: {', '.join(dup)}", path=path, line=ln,
                                 fix="rename the samples with 'bcftools reheader -s'")
            lines.append(text)
            return lines
        raise InputError("a line before the '#CHROM' header line is not a '##' header line", path=path, line=ln,
                         fix="the header must end with the tab-separated '#CHROM POS ID ...' line")
    raise InputError("no '#CHROM ...' header line (the file ends inside the header)", path=path,
                     line=len(lines) or None, fix="the header must end with the tab-separated '#CHROM' line")


def _check_definition(text: str, key: str, path: str, ln: int) -> None:
    body = text[len(key) + 3 :]
    fields = _structured(body[1:-1]) if body.startswith("<") and body.endswith(">") else None
    problem = None
    if fields is None or "ID" not in fields:
        problem = "is not <ID=...,Number=...,Type=...,Description=\"...\">"
    elif not re.match(r"^([A-Za-z_][A-Za-z0-9_.]*|1000G)$", fields["ID"]):
        problem = f"has an invalid ID {fields['ID']!r}"
    elif not _NUMBER.match(fields.get("Number", "")):
        problem = f"has Number={fields.get('Number')!r} (must be an integer, A, R, G or .)"
    elif fields.get("Type") not in _TYPES[key]:
        problem = f"has Type={fields.get('Type')!r} (must be one of {', '.join(sorted(_TYPES[key]))})"
    if problem:
        raise InputError(f"##{key} header line {problem}", path=path, line=ln,
                         fix="fix the header line (see the VCF specification, section 1.4)")


_STRUCTURED = re.compile(r"^##([A-Za-z0-9_.-]+)=<(.*)>$")
_ID_OF = re.compile(r"(?:^|,)\s*ID=([^,>]*)")


def dropped_meta_lines(file_lines: list[str], htslib_lines: list[str], already: list[str]) -> list[str]:
    """'line N: ...' for structured meta-lines (##KEY=<...>) of the file that htslib could not parse
    and left out of its header (it says so only on stderr, which is silenced). htslib may re-serialise
    the lines it keeps, so lines are compared by KEY and ID, and lines without an ID by their count."""
    from collections import Counter

    seen: dict[str, tuple[str, str | None] | None] = {}  # most lines are in both lists: each text read once

    def ident(text: str) -> tuple[str, str | None] | None:
        if text in seen:
            return seen[text]
        m = _STRUCTURED.match(text)
        if not m:
            seen[text] = None
            return None
        i = _ID_OF.search(m.group(2))
        seen[text] = k = (m.group(1), (i.group(1) if i else None))
        return k

    kept_ids, kept_n = set(), Counter()
    for h in htslib_lines:
        k = ident(h)
        if k:
            kept_ids.add(k)
            kept_n[k[0]] += 1
    said = {w.split(":", 1)[0] for w in already}
    mine = [(ln, text[2:].split("=", 1)[0], ident(text)) for ln, text in enumerate(file_lines, 1)
            if text.startswith("##") and "=<" in text.split(",", 1)[0] and f"line {ln}" not in said]
    file_n = Counter(key for _, key, _ in mine)
    out = []
    for ln, key, k in mine:
        if k is not None and k[1] is not None:
            dropped = k not in kept_ids
        else:  # no ID (or not <...>): lost when htslib kept fewer lines of this key
            dropped = k is None or kept_n[key] < file_n[key]
        if dropped:
            out.append(f"line {ln}: htslib cannot parse this ##{key[:40]} header line"
                       + (" and ignores it" if k is None or k[1] is not None else
                          f" (or another ##{key[:40]} line) and ignores it"))
    return out


def _meta_warning(e: InputError, ln: int) -> str:
    return f"line {ln}: {e.what}; read as htslib reads it (the definition is repaired or ignored)"
