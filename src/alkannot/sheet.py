"""The sample sheet: the one place that knows its columns, reads it and turns a row into a SampleSpec.

`alkannot annotate` (its flags become a row), `alkannot annotate-batch` and the Snakemake workflow
(workflow/rules/common.smk) all go through `read_sheet` / `spec_from_row`, so a value means the same
thing whichever way a sample is run.

The sheet is tab-separated text with one header line (lines starting with '#' are comments). Every
problem is one `InputError` naming the sheet, the line, the sample and the column:

- unknown columns are refused with the nearest known name ("did you mean tumor_fraction?");
- header names with surrounding spaces are refused (a `specimen ` column must not be silently ignored);
- a comma- or semicolon-separated sheet is refused in one line;
- a row with more or fewer cells than the header is refused (an extra tab shifts every later column);
- numbers are numbers within bounds; dates are ISO 8601 (YYYY-MM-DD): `report_date` must be one, `timepoint`
  may also be a label that does not look like a date.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from alkannot.drug_names import TKIS
from alkannot.errors import InputError

SPECIMENS = ("tissue", "plasma", "csf")
BUILDS = ("GRCh37", "GRCh38")
SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_SHEET_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id | path | text | enum | tkis | number | timepoint | date | tag
    help: str
    choices: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    required: bool = False


COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("sample", "id", "sample id (letters, digits, '.', '_', '-')", required=True),
    Column("vcf", "path", "the sample's VCF/BCF", required=True),
    Column("patient", "id", "patient id (groups samples into a timeline)"),
    Column("specimen", "enum", "tissue, plasma or csf", choices=SPECIMENS),
    Column("timepoint", "timepoint", "collection date YYYY-MM-DD (or a label such as 'baseline')"),
    Column("build", "enum", "GRCh37 or GRCh38", choices=BUILDS),
    Column("tumor_sample", "text", "tumour column of a multi-sample VCF"),
    Column("normal_sample", "text", "matched normal / WBC column"),
    Column("tumor_af_tag", "tag", "tag holding the tumour's allele fraction, e.g. INFO/TVAF (PCGR input)"),
    Column("tumor_dp_tag", "tag", "tag holding the tumour's read depth, e.g. INFO/TDP (PCGR input)"),
    Column("normal_af_tag", "tag", "tag holding the matched normal's allele fraction, e.g. INFO/CVAF (PCGR input)"),
    Column("normal_dp_tag", "tag", "tag holding the matched normal's read depth, e.g. INFO/CDP (PCGR input)"),
    Column("alignment", "path", "BAM/CRAM (+index)"),
    Column("reference", "path", "genome FASTA (indexed)"),
    Column("cnv", "path", "copy-number file"),
    Column("cnv_sample", "text", "sample to read from a copy-number file holding several (SEG ID, VCF column)"),
    Column("sv", "path", "SV/fusion calls"),
    Column("sv_sample", "text", "tumour column of an SV VCF holding several samples"),
    Column("population_af", "path", "population allele-frequency VCF (gnomAD-style INFO/AF)"),
    Column("current_tki", "enum", "TKI the patient progressed on", choices=TKIS),
    Column("prior_tkis", "tkis", "comma-separated earlier TKIs", choices=TKIS),
    Column("tumor_fraction", "number", "tumour fraction / purity, a fraction in (0, 1]", lo=0, hi=1,
           lo_open=True),
    Column("ploidy", "number", "tumour baseline ploidy, 0.5-8", lo=0.5, hi=8),
    Column("accession", "text", "specimen accession number from the lab system (printed on the report)"),
    Column("report_date", "date", "report date YYYY-MM-DD (default: the run date, UTC)"),
)}

_MONTH = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


CLI = "command line"  # `path` for a row built from `alkannot annotate` flags


def _err(what: str, *, path: str | None, line: int | None, fix: str) -> InputError:
    if path == CLI:  # flags, not sheet columns: name them as the user typed them
        what = re.sub(r"column '([a-z_]+)'", lambda m: "--" + m.group(1).replace("_", "-"), what)
        return InputError(what, fix=fix)
    return InputError(what, path=path, line=line, fix=fix)


def _close_match(word: str, choices) -> list[str]:
    """difflib's nearest choice (at most one), for the "did you mean" of an error: difflib is imported only
    when there is an error to word."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)


def _suggest(name: str) -> str:
    close = _close_match(name.strip().lower(), COLUMNS)
    return f"did you mean {close[0]}?" if close else f"known columns: {', '.join(COLUMNS)}"


def check_header(names: list[str], *, path: str | None = None, line: int | None = None) -> None:
    """Refuse unknown, blank, space-padded and duplicate column names, and missing required ones."""
    seen: set[str] = set()
    for i, name in enumerate(names, 1):
        if name == "" or not name.strip():
            where = "at the end of the header line (a trailing tab?)" if i == len(names) else f"in position {i}"
            raise _err(f"empty column name {where}", path=path, line=line,
                       fix="remove the extra tab or name the column")
        if name != name.strip():
            raise _err(f"column {name!r} has spaces around its name", path=path, line=line,
                       fix=f"rename it to {name.strip()!r}")
        if name not in COLUMNS:
            raise _err(f"unknown column {name!r}", path=path, line=line,
                       fix=f"{_suggest(name)} See config/README.md for the columns")
        if name in seen:
            raise _err(f"column {name!r} appears twice", path=path, line=line, fix="keep one of them")
        seen.add(name)
    for c in COLUMNS.values():
        if c.required and c.name not in seen:
            raise _err(f"sample sheet lacks the {c.name!r} column", path=path, line=line,
                       fix="add the column (see config/samples.tsv)")


def _number(raw: str, col: Column, where: dict) -> float:
    try:
        x = float(raw)
    except ValueError:
        hint = " (a percentage? give a fraction such as 0.35)" if raw.rstrip().endswith("%") else ""
        raise _err(f"{where['who']}column {col.name!r}: {raw!r} is not a number{hint}", path=where["path"],
                   line=where["line"], fix=f"give {col.help}") from None
    low_bad = (x <= col.lo) if col.lo_open else (x < col.lo)
    if x != x or x in (float("inf"), float("-inf")) or low_bad or x > col.hi:
        pct = " (a percentage? give a fraction such as 0.35)" if col.hi == 1 and 1 < x <= 100 else ""
        rng = f"({col.lo:g}, {col.hi:g}]" if col.lo_open else f"[{col.lo:g}, {col.hi:g}]"
        raise _err(f"{where['who']}column {col.name!r}: {raw} is outside {rng}{pct}", path=where["path"],
                   line=where["line"], fix=f"give {col.help}")
    return x


def check_timepoint(raw: str, *, who: str = "", path: str | None = None, line: int | None = None) -> str:
    """ISO 8601 date (YYYY-MM-DD), or a label that does not look like a date ('baseline', 'T2')."""
    if _ISO_DATE.match(raw):
        try:
            _dt.date.fromisoformat(raw)
        except ValueError:
            raise _err(f"{who}column 'timepoint': {raw!r} is not a valid date", path=path, line=line,
                       fix="give the collection date as YYYY-MM-DD") from None
        return raw
    datelike = raw[:1].isdigit() or (bool(_MONTH.search(raw)) and any(ch.isdigit() for ch in raw))
    if datelike:
        raise _err(f"{who}column 'timepoint': {raw!r} is not an ISO 8601 date (YYYY-MM-DD)", path=path,
                   line=line, fix="write dates as YYYY-MM-DD so timelines sort correctly, e.g. 2024-06-03")
    return raw


def check_date(raw: str, *, col: str = "report_date", who: str = "", path: str | None = None,
               line: int | None = None) -> str:
    """A real calendar date written YYYY-MM-DD (no labels, no other formats)."""
    ok = bool(_ISO_DATE.match(raw))
    if ok:
        try:
            _dt.date.fromisoformat(raw)
        except ValueError:
            ok = False
    if not ok:
        raise _err(f"{who}column '{col}': {raw!r} is not a calendar date written YYYY-MM-DD", path=path,
                   line=line, fix="give the date as YYYY-MM-DD, e.g. 2025-03-01, or leave it empty for the run date")
    return raw


def check_row(row: Mapping[str, str], *, path: str | None = None, line: int | None = None) -> dict[str, str]:
    """The row with every cell checked (values stay text; empty = not given)."""
    sid = row.get("sample") or ""
    who = f"sample {sid!r}, " if sid else ""
    where = {"who": who, "path": path, "line": line}
    out = {}
    for name, raw in row.items():
        col = COLUMNS.get(name)
        if col is None:
            raise _err(f"unknown column {name!r}", path=path, line=line, fix=_suggest(name))
        val = "" if raw is None else str(raw)
        if val != val.strip():
            raise _err(f"{who}column {name!r}: value {val!r} has spaces around it", path=path, line=line,
                       fix="remove the spaces")
        if not val:
            if col.required:
                raise _err(f"{who}column {name!r} is empty", path=path, line=line, fix=f"give {col.help}")
            out[name] = ""
            continue
        if col.kind == "id" and (not SAMPLE_ID.match(val) or ".." in val):
            rule = ("is not a safe name (letters, digits, '.', '_', '-'; no spaces, slashes or '..'; at most 100 "
                    "characters)")
            if name == "sample":
                raise _err(f"sample id {val!r} {rule}", path=path, line=line,
                           fix="rename the sample in the sheet or pass --sample")
            raise _err(f"{who}column {name!r}: {name} id {val!r} {rule}", path=path, line=line, fix="rename it")
        elif col.kind == "enum" and val not in col.choices:
            near = _close_match(val.lower(), col.choices)
            raise _err(f"{who}column {name!r}: {val!r} is not one of {', '.join(col.choices)}", path=path,
                       line=line, fix=f"did you mean {near[0]}?" if near else f"use one of {', '.join(col.choices)}")
        elif col.kind == "tkis":
            for t in val.split(","):
                if t not in col.choices:
                    raise _err(f"{who}column {name!r}: {t!r} is not one of {', '.join(col.choices)}", path=path,
                               line=line, fix="comma-separated TKI names without spaces, e.g. crizotinib,alectinib")
        elif col.kind == "number":
            _number(val, col, where)
        elif col.kind == "timepoint":
            check_timepoint(val, who=who, path=path, line=line)
        elif col.kind == "date":
            check_date(val, col=name, who=who, path=path, line=line)
        elif col.kind == "tag" and not _is_tag_name(val):
            raise _err(f"{who}column {name!r}: {val!r} is not a VCF tag name", path=path, line=line,
                       fix="name it as INFO/ID, FORMAT/ID or ID, e.g. INFO/TVAF")
        out[name] = val
    return out


def _is_tag_name(text: str) -> bool:
    """A VCF tag as bcftools names it (io.vcf.tags.TAG_SYNTAX; imported here, when a sheet names one: the VCF
    reader's package is not a sheet's concern otherwise)."""
    from alkannot.io.vcf.tags import TAG_SYNTAX

    return bool(TAG_SYNTAX.match(text))


def _sniff_separator(header: str, path: str) -> None:
    if "\t" in header:
        return
    for sep, name in ((",", "comma-separated (CSV)"), (";", "semicolon-separated")):
        if sep in header:
            raise _err(f"the sample sheet is {name}, not tab-separated", path=path, line=None,
                       fix="save it as tab-separated text (TSV), e.g. from a spreadsheet 'Save as: Tab delimited'")
    if " " in header.strip():
        raise _err("the sample sheet header is space-separated, not tab-separated", path=path, line=None,
                   fix="separate the columns with tabs")


def read_sheet(path: str | Path) -> dict[str, dict[str, str]]:
    """Checked sheet rows keyed by sample id, in sheet order (all cells text, '' = not given)."""
    p = str(path)
    try:
        size = Path(p).stat().st_size
        if size > MAX_SHEET_BYTES:
            raise _err(f"sample sheet is {size:,} bytes (limit {MAX_SHEET_BYTES:,})", path=p, line=None,
                       fix="split the sheet")
        raw = Path(p).read_bytes()
    except IsADirectoryError:
        raise _err("is a directory, not a sample sheet", path=p, line=None, fix="give the TSV file") from None
    except FileNotFoundError:
        raise _err("sample sheet not found", path=p, line=None, fix="check the path") from None
    except OSError as e:
        raise _err(f"cannot read the sample sheet ({e.strerror})", path=p, line=None, fix="check the file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _err(f"sample sheet is not UTF-8 text (byte {e.start})", path=p, line=None,
                   fix="save the sheet as UTF-8 text") from None
    if "\0" in text:
        raise _err("sample sheet contains NUL bytes (not a text file)", path=p, line=None,
                   fix="give the tab-separated sheet")
    lines = text.splitlines()
    numbered = [(i, ln) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]
    if not numbered:
        raise _err("sample sheet is empty (no header line)", path=p, line=None,
                   fix="give a tab-separated sheet with a header line (see config/samples.tsv)")
    hline, header = numbered[0]
    _sniff_separator(header, p)
    names = next(csv.reader([header], delimiter="\t", quoting=csv.QUOTE_NONE))
    check_header(names, path=p, line=hline)
    rows: dict[str, dict[str, str]] = {}
    for ln, text_line in numbered[1:]:
        cells = next(csv.reader([text_line], delimiter="\t", quoting=csv.QUOTE_NONE))
        sid = cells[0].strip() if cells else ""
        who = f"sample {sid!r}: " if sid else ""
        if len(cells) != len(names):
            more = len(cells) > len(names)
            extra = ""
            if more:
                extra = (" (an extra tab: every column after it is shifted; the last cell is "
                         f"{cells[-1]!r})" if cells[-1] else " (a trailing tab?)")
            raise _err(f"{who}{len(cells)} tab-separated cells but the header has {len(names)} columns{extra}",
                       path=p, line=ln, fix="make every row have one cell per header column (empty cells are fine)")
        row = check_row(dict(zip(names, cells)), path=p, line=ln)
        if row["sample"] in rows:
            raise _err(f"duplicate sample id {row['sample']!r}", path=p, line=ln, fix="make each sample id unique")
        rows[row["sample"]] = row
    return rows


def spec_from_row(row: Mapping[str, str], *, reference: str | None = "", pass_filters: list[str] | None = None,
                  kb_extra: list[str] | None = None, population_af: str | None = "",
                  civic: bool = True, civic_may_change_verdict: bool = False,
                  path: str | None = None, line: int | None = None):
    """The SampleSpec for one sheet row (or the CLI's flags as a row).

    Empty cell = not given; specimen defaults to tissue; the row's reference / population_af win over the
    run-wide ones; prior_tkis is comma-separated; numbers are checked against their bounds.
    """
    from alkannot.pipeline import SampleSpec

    row = check_row({k: v for k, v in row.items() if v is not None}, path=path, line=line)
    check_header(list(row), path=path, line=line)

    def cell(col: str) -> str | None:
        return row.get(col) or None

    num = {c: (float(row[c]) if row.get(c) else None) for c in ("tumor_fraction", "ploidy")}
    return SampleSpec(
        id=row["sample"], vcf=row["vcf"], build=cell("build"), patient=cell("patient"),
        specimen=cell("specimen") or "tissue", timepoint=cell("timepoint"),
        tumor_sample=cell("tumor_sample"), normal_sample=cell("normal_sample"),
        reference=cell("reference") or reference or None, alignment=cell("alignment"),
        cnv=cell("cnv"), sv=cell("sv"), cnv_sample=cell("cnv_sample"), sv_sample=cell("sv_sample"),
        current_tki=cell("current_tki"),
        prior_tkis=[x for x in (cell("prior_tkis") or "").split(",") if x],
        tumor_fraction=num["tumor_fraction"], ploidy=num["ploidy"],
        report_date=cell("report_date"), accession=cell("accession"),
        tumor_af_tag=cell("tumor_af_tag"), tumor_dp_tag=cell("tumor_dp_tag"),
        normal_af_tag=cell("normal_af_tag"), normal_dp_tag=cell("normal_dp_tag"),
        pass_filters=pass_filters, kb_extra=list(kb_extra or []),
        population_af=cell("population_af") or population_af or None,
        civic=civic, civic_may_change_verdict=civic_may_change_verdict,
    )


# SampleSpec field -> `alkannot annotate` flag (the workflow's per-sample command line)
_FLAGS = (("patient", "--patient"), ("specimen", "--specimen"), ("timepoint", "--timepoint"),
          ("build", "--build"), ("tumor_sample", "--tumor-sample"), ("normal_sample", "--normal-sample"),
          ("alignment", "--alignment"), ("reference", "--reference"), ("cnv", "--cnv"), ("sv", "--sv"),
          ("cnv_sample", "--cnv-sample"), ("sv_sample", "--sv-sample"),
          ("population_af", "--population-af"), ("current_tki", "--current-tki"),
          ("report_date", "--report-date"), ("accession", "--accession"), ("tumor_af_tag", "--tumor-af-tag"),
          ("tumor_dp_tag", "--tumor-dp-tag"), ("normal_af_tag", "--normal-af-tag"), ("normal_dp_tag", "--normal-dp-tag"))


def annotate_argv(spec) -> list[str]:
    """`alkannot annotate` arguments (after the VCF) that rebuild `spec` through `spec_from_row`."""
    args = ["--sample", spec.id]
    for field, flag in _FLAGS:
        v = getattr(spec, field)
        if v:
            args += [flag, str(v)]
    if spec.prior_tkis:
        args += ["--prior-tkis", ",".join(spec.prior_tkis)]
    for field, flag in (("tumor_fraction", "--tumor-fraction"), ("ploidy", "--ploidy")):
        v = getattr(spec, field)
        if v is not None:
            args += [flag, repr(float(v))]
    if spec.pass_filters:
        args += ["--pass-filters", ",".join(spec.pass_filters)]
    for p in spec.kb_extra:
        args += ["--kb-extra", p]
    if not spec.civic:
        args.append("--no-civic")
    if spec.civic_may_change_verdict:
        args.append("--civic-may-change-verdict")
    return args
