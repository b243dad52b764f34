"""Copy-number segments from the callers labs use, as one record type (`Segment`).

Supported shapes, detected from the header row (or forced with ``fmt=``):

* ``cnvkit``  CNVkit ``.cnr`` (bins), ``.cns`` / ``.call.cns`` (segments): ``chromosome start end gene log2``
  (+ ``cn`` after ``cnvkit call``). CNVkit writes BED-style 0-based half-open starts; we add 1.
* ``purple``  PURPLE ``*.purple.cnv.somatic.tsv``: ``chromosome start end copyNumber`` (1-based, absolute,
  already purity/ploidy fitted).
* ``pcgr``    PCGR ``*.cna.tsv``: ``Chromosome Start End nMajor nMinor`` (allele-specific absolute copy
  numbers from a purity/ploidy caller; total = nMajor + nMinor).
* ``seg``     SEG / generic segment tables (DNAcopy, GISTIC, maftools, ``cnvkit export seg``): chromosome,
  start, end and a log2 value (``seg.mean``, ``Segment_Mean``, ``Seg.CN``, ``log2``) or an absolute copy
  number (``copy_number``, ``cn``). Column names are matched case-insensitively ignoring ``._ ``.
  SEG is 1-based. GISTIC's ``Seg.CN`` is log2(CN) - 1, i.e. a log2 ratio. Several samples in one file
  need ``sample=``.
* ``clincnv`` ClinCNV somatic tables (tumour-normal ``CLINCNV_TUMOR_NORMAL_PAIR`` and tumour-only
  ``CLINCNV_TUMOR_ONLY``): ``##`` meta lines, then ``#chr start end ... tumor_CN_change ... CN_change``.
  ``tumor_CN_change`` is the tumour cells' copy number (ClinCNV already fitted the clonality/purity), so
  it is used as an absolute copy number and never purity-adjusted again; ``CN_change`` alone (older
  tumour-only output) is the sample's mixed copy number. ClinCNV lists altered segments only. Germline
  ClinCNV files are refused (they are not tumour copy number).
* ``gatk``    GATK 4 somatic copy-number tables, below a SAM-style header (``@HD``/``@SQ``/``@RG``, whose
  ``SM:`` names the sample): ``CONTIG START END`` (1-based, closed) and a log2 copy ratio (relative, the
  sample's mixture): ``MEAN_LOG2_COPY_RATIO`` (ModelSegments/CallCopyRatioSegments ``.cr.seg``,
  ``.called.seg``), else ``LOG2_COPY_RATIO_POSTERIOR_50`` (``.modelFinal.seg``: the posterior median), else
  ``LOG2_COPY_RATIO`` (DenoiseReadCounts ``.denoisedCR.tsv`` bins). GATK's ``CALL`` (+/-/0) is not read:
  the gene call follows resources/cnv_genes.yaml, as for every format.
* ``facets``  FACETS ``cncf`` tables (``chrom seg ... start end cf.em tcn.em lcn.em``): ``tcn.em``, the
  tumour's total copy number fitted for purity and ploidy (absolute; ``cnlr.median``, a log ratio of the
  mixture, is not read). FACETS numbers chromosome X as 23 (Y as 24).
* ``sequenza`` Sequenza ``*_segments.txt`` (``chromosome start.pos end.pos ... CNt A B``; R writes the header
  and chromosome names in double quotes): ``CNt``, the tumour's total copy number fitted for cellularity and
  ploidy (absolute; ``depth.ratio`` is not read).
* ``ascat``   ASCAT segments (``sample chr startpos endpos nMajor nMinor``): allele-specific absolute copy
  numbers, total = nMajor + nMinor; several samples per file, as in SEG.
* ``ichorcna`` ichorCNA (plasma): ``*.seg.txt`` (``ID chrom start end ... seg.median.logR copy.number ...
  Corrected_Copy_Number``) and the per-bin ``*.cna.seg`` (``chr start end <sample>.copy.number ...
  <sample>.Corrected_Copy_Number``): the tumour's copies under the tumour fraction ichorCNA fitted (absolute,
  never adjusted again; read as a mixture they would turn a gain into an amplification at a low tumour
  fraction). ``Corrected_Copy_Number`` is preferred: ``copy.number`` stops at the HMM's top state. Its IGV
  ``.seg`` (``seg.median.logR`` only) is a SEG file with a log2 ratio.
* ``vcf``     CNV/DEL/DUP records (INFO/SVTYPE or a symbolic ALT) with FORMAT/CN (tumour sample) or
  INFO/CN, e.g. DELLY. POS is the padding base of a symbolic allele, so the segment is POS+1..END. The CN is
  the sample's copy number (purity-adjusted when a tumour fraction is given), except in DRAGEN's somatic
  allele-specific VCF, whose header gives the purity it fitted (``##EstimatedTumorPurity=0.42``): there it is
  the tumour cells' (absolute).

Every table may start with ``##`` comment lines before its header. Values are checked where they are
read: a log2 ratio that is not finite or beyond +-32 (CNVkit writes -20 for bins without coverage), a copy
number that is not finite, above 10000 or far below zero, or a CNV VCF ``CN`` that is not one number,
stops the run with ``FILE:LINE``. A slightly negative absolute copy number (PURPLE writes e.g. -0.01 at
a homozygous deletion: fit noise around 0) is read as 0; a clearly negative one (< -0.5) cannot be a copy
number: the segment is kept without a value and flagged (`Segment.flag`), and the gene call says so.

Gene-level tables (cBioPortal/GISTIC discrete calls, OncoKB examples) and GISTIC peak files are not
segments and are rejected with an `InputError` saying so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from alkannot.core.contigs import (
    canonical_chrom,
    check_declared_build,
    sam_header_lengths,
    vcf_header_lengths,
)
from alkannot.errors import InputError
from alkannot.io.textfile import (
    header_line,
    raw_info,
    resolve_format,
    table_header,
    table_rows,
    vcf_records,
)

FORMATS = ("cnvkit", "purple", "pcgr", "seg", "clincnv", "gatk", "facets", "sequenza", "ascat", "ichorcna", "vcf")
# copy numbers already fitted for purity/ploidy (+ clincnv when tumor_CN_change is given)
ABSOLUTE_FORMATS = ("purple", "pcgr", "facets", "sequenza", "ascat", "ichorcna")
ALLELE_SPECIFIC_FORMATS = ("pcgr", "ascat")  # total copy number = nMajor + nMinor
# ichorCNA's copy-number columns, preferred first (a bare name in seg.txt, "<sample>." before it in .cna.seg)
_ICHOR_CN = ("corrected_copy_number", "copy.number")
# FACETS numbers the sex chromosomes
_FACETS_CHROM = {"23": "X", "24": "Y"}
ALTERED_ONLY_FORMATS = ("clincnv", "vcf")  # files that list altered segments only

LOG2_LIMIT = 32.0
CN_LIMIT = 10000.0
NEGATIVE_CN_NOISE = 0.5  # |negative copy number| up to this is fit noise around 0 (PURPLE)


@dataclass(frozen=True)
class Segment:
    """One copy-number segment (or bin), 1-based inclusive, canonical chromosome name."""

    chrom: str
    start: int
    end: int
    log2: float | None  # log2 ratio against the reference (None when the caller gives only copies)
    copy_number: float | None  # caller's copy number (absolute or relative, see `absolute`)
    source_format: str
    absolute: bool = False  # True: copy number already fitted for purity/ploidy (PURPLE, PCGR)
    line: int | None = None  # line in the input file, for messages
    sample: str | None = None
    flag: str | None = None  # why a value in this row was not used (shown with the gene call)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


Region = tuple[str, int, int]

# normalised header name -> field; normalisation: lower case, drop everything but letters/digits
_CHROM = {"chrom", "chromosome", "chr", "contig", "seqnames", "seqname"}
_START = {"start", "locstart", "startbp", "startpos", "segstart", "begin", "chromstart"}
_END = {"end", "locend", "endbp", "endpos", "segend", "stop", "chromend"}
_LOG2 = {"log2", "segmean", "segmentmean", "log2ratio", "segcn", "mean", "logr", "log2r", "segmedianlogr"}
_CN = {"copynumber", "cn", "totalcn", "tcn", "absolutecn", "copies"}
_SAMPLE = {"id", "sample", "samplename", "sampleid", "tumorsamplebarcode"}
_GENE_LEVEL = {"hugosymbol", "genesymbol", "gene"}
# GATK's log2 copy-ratio columns, in the order they are preferred when a table has several (CombineSegmentBreakpoints
# output can carry the segment mean and the posterior deciles side by side)
_GATK_LOG2 = ("mean_log2_copy_ratio", "log2_copy_ratio_posterior_50", "log2_copy_ratio")

_MISSING = {"", "na", "nan", "none", ".", "null"}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _name(column: str) -> str:
    """A header cell as the readers compare it: lower case, without the double quotes R's write.table puts
    around it (Sequenza)."""
    return column.strip().strip('"').lower()


def detect_format(path: str | Path) -> str:
    """Name the shape of a copy-number file from its header (one of FORMATS); InputError if none fits."""
    path = Path(path)
    header = table_header(path, "a copy-number segment file")
    if header is None:
        return "vcf"
    ln, cols, meta = header
    analysis = next((m.split("=", 1)[1].strip() for m in meta if m.startswith("##ANALYSISTYPE=")), "")
    if analysis.startswith("CLINCNV_GERMLINE"):
        raise InputError(f"this is a germline ClinCNV file ({analysis}), not tumour copy number",
                         path=str(path), line=ln,
                         fix="give ClinCNV's somatic output (tumour-normal pair or tumour-only)")
    names = {_name(c) for c in cols}
    normed = {_norm(c) for c in cols}
    if {"chr", "start", "end"} <= names and ("tumor_cn_change" in names or
                                             (analysis.startswith("CLINCNV") and "cn_change" in names)):
        return "clincnv"
    if {"chromosome", "start", "end", "log2"} <= names and "gene" in names:
        return "cnvkit"
    if {"chromosome", "start", "end", "copynumber"} <= names:
        return "purple"
    if {"chromosome", "start", "end", "nmajor", "nminor"} <= names:
        return "pcgr"
    if {"chr", "startpos", "endpos", "nmajor", "nminor"} <= names:
        return "ascat"
    if {"chrom", "seg", "start", "end", "cnlr.median"} <= names:
        return "facets"
    if {"chromosome", "start.pos", "end.pos", "cnt"} <= names:
        return "sequenza"
    if ({"chrom", "start", "end", "seg.median.logr"} <= names and names & set(_ICHOR_CN)) or \
            ({"chr", "start", "end"} <= names and any(n.endswith("." + c) for n in names for c in _ICHOR_CN)):
        return "ichorcna"
    if {"contig", "start", "end"} <= names and names & set(_GATK_LOG2):
        return "gatk"
    if {"gene", "start", "end", "mincopynumber", "maxcopynumber"} <= names:
        raise InputError("this is PURPLE's gene-level table (*.purple.cnv.gene.tsv: the lowest and highest copy "
                         "number per gene), not segments", path=str(path), line=ln,
                         fix="give PURPLE's segments, *.purple.cnv.somatic.tsv (focality needs the segments)")
    if normed & _CHROM and normed & _START and normed & _END and normed & (_LOG2 | _CN):
        return "seg"
    if normed & _GENE_LEVEL and not normed & _START:
        raise InputError(
            "this is a gene-level copy-number table (one value per gene), not segments",
            path=str(path), line=ln,
            fix="give the caller's segment file (CNVkit .cns/.cnr, PURPLE .cnv.somatic.tsv, SEG, PCGR "
                "cna.tsv or a CNV VCF)")
    raise InputError(
        f"unrecognised copy-number header ({' '.join(cols[:8])})", path=str(path), line=ln,
        fix="expected columns chromosome/start/end plus log2 (CNVkit, SEG: seg.mean/Segment_Mean, GATK "
            "MEAN_LOG2_COPY_RATIO) or a copy number (PURPLE copyNumber, PCGR/ASCAT nMajor+nMinor, ClinCNV "
            "tumor_CN_change, FACETS tcn.em, Sequenza CNt, ichorCNA copy.number, copy_number), or a VCF with "
            "CNV records")


def _overlaps(regions: list[Region] | None, chrom: str, start: int, end: int) -> bool:
    if regions is None:
        return True
    return any(c == chrom and s <= end and start <= e for c, s, e in regions)


def _float(value: str, path: Path, ln: int, column: str) -> float | None:
    if value.strip().lower() in _MISSING:
        return None
    try:
        x = float(value)
    except ValueError:
        raise InputError(f"column {column!r} is not a number: {value!r}", path=str(path), line=ln,
                         fix="check the file is a copy-number table and not truncated") from None
    return None if math.isnan(x) else x


def checked_log2(x: float | None, path: Path, ln: int | None, column: str = "log2") -> float | None:
    """A log2 ratio that can be used: finite and within +-LOG2_LIMIT; InputError naming the line otherwise."""
    if x is None:
        return None
    if not math.isfinite(x) or abs(x) > LOG2_LIMIT:
        raise InputError(f"{column} value {x!r} is not a usable log2 ratio (must be finite, within "
                         f"+-{LOG2_LIMIT:g})", path=str(path), line=ln,
                         fix="fix or remove the row; CNVkit writes -20 for bins without coverage")
    return x


def checked_copy_number(x: float | None, path: Path, ln: int | None, column: str) -> tuple[float | None, str | None]:
    """(usable copy number, flag): fit noise just below 0 reads as 0; a clearly negative value is not a
    copy number (None + flag); infinite, NaN-free but absurd values stop the run with the line."""
    if x is None:
        return None, None
    if not math.isfinite(x) or x > CN_LIMIT:
        raise InputError(f"{column} value {x!r} is not a usable copy number (must be finite, at most "
                         f"{CN_LIMIT:g})", path=str(path), line=ln, fix="fix or remove the row")
    if x < -NEGATIVE_CN_NOISE:
        return None, (f"line {ln}: {column} {x:g} is negative, not a copy number; the segment was not used "
                      "(not read as a deletion)")
    return max(0.0, x), None


def _int(value: str, path: Path, ln: int, column: str) -> int:
    try:
        return int(float(value)) if "e" in value.lower() else int(value)
    except ValueError:
        raise InputError(f"column {column!r} is not an integer position: {value!r}", path=str(path),
                         line=ln, fix="check the column order / header") from None


def _rows(path: Path) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line number, header, fields) for each data row of a tab-separated table with one header row
    (``##`` comment lines before the header are skipped)."""
    yield from table_rows(path)


def _col(header: list[str], wanted: set[str]) -> int | None:
    for i, name in enumerate(header):
        if _norm(name) in wanted:
            return i
    return None


_FIXED = {
    "cnvkit": {"chrom": "chromosome", "start": "start", "end": "end", "log2": "log2"},
    "purple": {"chrom": "chromosome", "start": "start", "end": "end", "cn": "copynumber"},
    "pcgr": {"chrom": "chromosome", "start": "start", "end": "end", "nmajor": "nmajor", "nminor": "nminor"},
    "clincnv": {"chrom": "chr", "start": "start", "end": "end"},
    "gatk": {"chrom": "contig", "start": "start", "end": "end"},
    "facets": {"chrom": "chrom", "start": "start", "end": "end", "cn": "tcn.em"},
    "sequenza": {"chrom": "chromosome", "start": "start.pos", "end": "end.pos", "cn": "cnt"},
    "ascat": {"chrom": "chr", "start": "startpos", "end": "endpos", "nmajor": "nmajor", "nminor": "nminor"},
}


def _column_index(header: list[str], fmt: str, path: Path, ln: int) -> dict[str, int | None]:
    """Field -> column index for a format; InputError naming the missing columns."""
    lower = [_name(h) for h in header]
    if fmt in _FIXED:
        need = _FIXED[fmt]
        missing = [name for name in need.values() if name not in lower]
        idx: dict[str, int | None] = {k: lower.index(v) for k, v in need.items() if v in lower}
        if fmt == "cnvkit":
            idx["cn"] = lower.index("cn") if "cn" in lower else None
        if fmt == "ascat":
            idx["sample"] = lower.index("sample") if "sample" in lower else None
        if fmt == "gatk":
            idx["log2"] = next((lower.index(c) for c in _GATK_LOG2 if c in lower), None)
            if idx["log2"] is None:
                missing.append(" or ".join(c.upper() for c in _GATK_LOG2))
        if fmt == "clincnv":
            # tumour cells' copy number when given (tumour-normal and current tumour-only output), else the
            # sample's mixed copy number (CN_change)
            tumour = "tumor_cn_change" in lower
            idx["cn"] = lower.index("tumor_cn_change" if tumour else "cn_change") \
                if tumour or "cn_change" in lower else None
            idx["clincnv_tumour"] = 1 if tumour else None
            if idx["cn"] is None:
                missing.append("tumor_CN_change or CN_change")
    else:
        idx = {"chrom": _col(header, _CHROM), "start": _col(header, _START), "end": _col(header, _END),
               "log2": _col(header, _LOG2), "cn": _col(header, _CN), "sample": _col(header, _SAMPLE)}
        missing = [k for k in ("chrom", "start", "end") if idx[k] is None]
        if idx["log2"] is None and idx["cn"] is None:
            missing.append("log2 or copy number")
    if missing:
        expected = " ".join(_FIXED[fmt].values()) if fmt in _FIXED else \
            "chromosome start end + log2 (seg.mean/Segment_Mean/log2) or copy_number"
        raise InputError(f"{fmt} table lacks column(s) {', '.join(missing)}", path=str(path), line=ln,
                         fix=f"expected columns: {expected}")
    return idx


def _probes(header: list[str], fields: list[str]) -> int | None:
    lower = [_name(h) for h in header]
    if "probes" not in lower:
        return None
    try:
        return int(fields[lower.index("probes")])
    except ValueError:
        return None


def _sam_header_sample(path: Path) -> str | None:
    """The sample a GATK table names in its SAM-style header (the first ``@RG`` line's ``SM:``), if any."""
    _, _, meta = header_line(path, "a copy-number segment file")
    for m in meta:
        if m.startswith("@RG\t"):
            return next((f[3:].strip() or None for f in m.split("\t")[1:] if f.startswith("SM:")), None)
    return None


def _ichor_columns(header: list[str], path: Path, ln: int, sample: str | None,
                   hints: tuple) -> tuple[dict[str, int | None], str | None]:
    """(field -> column, the sample its columns name) of an ichorCNA table: seg.txt has one copy-number column
    and the sample in ``ID``; a .cna.seg names a column set per sample ``<sample>.copy.number``, of which the
    one asked for, else the first hint it holds, else the only one is read."""
    lower = [_name(h) for h in header]
    chrom = "chrom" if "chrom" in lower else "chr"
    idx: dict[str, int | None] = {"chrom": lower.index(chrom), "start": lower.index("start"),
                                  "end": lower.index("end"), "log2": None,
                                  "sample": lower.index("id") if "id" in lower else None}
    if "seg.median.logr" in lower:  # seg.txt
        idx["cn"] = next(lower.index(c) for c in _ICHOR_CN if c in lower)
        return idx, None
    prefixes = list(dict.fromkeys(h[: -len("." + c)] for h in header for c in _ICHOR_CN
                                  if h.lower().endswith("." + c)))
    chosen = named_sample(prefixes, sample, hints, path=path, what="segment file", option=CNV_SAMPLE_OPTION,
                          line=ln)
    wanted = [f"{chosen}.{c}".lower() for c in _ICHOR_CN]
    idx["cn"] = next(lower.index(c) for c in wanted if c in lower)
    return idx, chosen


def _read_table(path: Path, fmt: str, regions: list[Region] | None, sample: str | None,
                hints: tuple) -> list[Segment]:
    out: list[Segment] = []
    samples_seen: list[str] = []
    idx: dict[str, int | None] = {}
    file_sample = _sam_header_sample(path) if fmt == "gatk" else None  # a one-sample table that names it
    for ln, header, f in _rows(path):
        if not idx and fmt == "ichorcna":
            idx, file_sample = _ichor_columns(header, path, ln - 1, sample, hints)
        elif not idx:
            idx = _column_index(header, fmt, path, ln - 1)
        sid = f[idx["sample"]] if idx.get("sample") is not None else file_sample
        if sid is not None:
            if sid not in samples_seen:
                samples_seen.append(sid)
            if sample is not None and sid != sample:
                continue
        chrom = f[idx["chrom"]].strip().strip('"')
        chrom = canonical_chrom(_FACETS_CHROM.get(chrom, chrom) if fmt == "facets" else chrom)
        start = _int(f[idx["start"]], path, ln, "start")
        end = _int(f[idx["end"]], path, ln, "end")
        if fmt == "cnvkit":
            start += 1  # CNVkit tables are BED-like: 0-based half-open
        if end < start and fmt == "cnvkit" and _probes(header, f) == 0:
            continue  # CNVkit can emit an inverted zero-probe segment: it covers no bins, holds no data
        if end < start:
            raise InputError(f"segment end {end} before start {start}", path=str(path), line=ln,
                             fix="check the coordinate columns")
        if not _overlaps(regions, chrom, start, end):
            continue
        log2 = _float(f[idx["log2"]], path, ln, "log2") if idx.get("log2") is not None else None
        log2 = checked_log2(log2, path, ln, header[idx["log2"]] if idx.get("log2") is not None else "log2")
        if fmt in ALLELE_SPECIFIC_FORMATS:
            a = _float(f[idx["nmajor"]], path, ln, "nMajor")
            b = _float(f[idx["nminor"]], path, ln, "nMinor")
            cn = None if a is None or b is None else a + b
            column = "nMajor+nMinor"
        else:
            cn = _float(f[idx["cn"]], path, ln, "copy number") if idx.get("cn") is not None else None
            column = header[idx["cn"]] if idx.get("cn") is not None else "copy number"
        cn, flag = checked_copy_number(cn, path, ln, column)
        absolute = fmt in ABSOLUTE_FORMATS or (fmt == "clincnv" and idx.get("clincnv_tumour") is not None)
        out.append(Segment(chrom=chrom, start=start, end=end, log2=log2, copy_number=cn, source_format=fmt,
                           absolute=absolute, line=ln, sample=sid, flag=flag))
    chosen = named_sample(samples_seen, sample, hints, path=path, what="segment file", option=CNV_SAMPLE_OPTION)
    if sample is None and len(samples_seen) > 1:  # (with `sample`, the other samples' rows were not kept)
        return [seg for seg in out if seg.sample == chosen]
    return out


# How a user names the sample to read from a copy-number file that holds several (the sheet column and the flag)
CNV_SAMPLE_OPTION = "the sheet's cnv_sample column (alkannot annotate --cnv-sample)"


def first_held(hints: Iterable[str | None], samples: list[str]) -> str | None:
    """The first of `hints` (names the sample may have in this file: the VCF's tumour column, the sample id)
    that `samples` holds; None when none does."""
    return next((h for h in hints if h and h in samples), None)


def named_sample(samples: list[str], sample: str | None, hints: Iterable[str | None], *, path: Path, what: str,
                 option: str, line: int | None = None) -> str | None:
    """The one sample to read of a table naming `samples` (in file order): `sample`, which it must hold, else the
    first of `hints` it holds, else its only one (None when it names none). Several with none of them named is
    an InputError asking for `option`: reading them all would mix patients or time points."""
    if sample is not None:
        if samples and sample not in samples:
            raise InputError(f"sample {sample!r} not in the {what}", path=str(path), line=line,
                             fix=f"set {option} to one of: {', '.join(samples[:10])}")
        return sample
    hinted = first_held(hints, samples)
    if hinted is not None:
        return hinted
    if len(samples) > 1:
        shown = ", ".join(samples[:5]) + (" ..." if len(samples) > 5 else "")
        raise InputError(f"{what} holds {len(samples)} samples ({shown})", path=str(path), line=line,
                         fix=f"name the sample with {option}")
    return samples[0] if samples else None


def pick_tumour_sample(samples: list[str], sample: str | None, path: Path, *, hints: Iterable[str | None] = (),
                       option: str = CNV_SAMPLE_OPTION) -> int | None:
    """Index of the tumour sample: the one asked for (`sample`), the only one, the first of `hints` the file
    holds (the small-variant VCF's tumour column, the sample id: one pipeline names a sample alike in its
    files), or the one named like a tumour. `option` is how the user names it when none of these decides."""
    if not samples:
        return None
    if sample is not None:
        if sample not in samples:
            raise InputError(f"sample {sample!r} not in the VCF", path=str(path),
                             fix=f"set {option} to one of: {', '.join(samples)}")
        return samples.index(sample)
    if len(samples) == 1:
        return 0
    hinted = first_held(hints, samples)
    if hinted is not None:
        return samples.index(hinted)
    tum = [i for i, s in enumerate(samples) if re.search(r"tumou?r|(^|[_.-])t($|[_.-])", s, re.IGNORECASE)]
    if len(tum) == 1:
        return tum[0]
    # Hartwig-style pairs name the reference ...R (or ...N) and the tumour ...T
    tum = [i for i, s in enumerate(samples) if s.endswith("T")]
    if len(tum) == 1 and all(s[-1:] in ("R", "N") for i, s in enumerate(samples) if i != tum[0]):
        return tum[0]
    raise InputError(f"VCF has samples {', '.join(samples)} and none is clearly the tumour", path=str(path),
                     fix=f"name the tumour with {option}")


def _read_vcf(path: Path, regions: list[Region] | None, sample: str | None, hints: tuple,
              pass_filters: tuple[str, ...], build: str | None = None) -> list[Segment]:
    """htslib's own warnings (e.g. ``[W::vcf_parse_info]``) never reach the user raw: values are checked here."""
    from alkannot.io.htslib import cyvcf2_log_level

    with cyvcf2_log_level():
        return _read_vcf_records(path, regions, sample, hints, pass_filters, build)


def _read_vcf_records(path: Path, regions: list[Region] | None, sample: str | None, hints: tuple,
                      pass_filters: tuple[str, ...], build: str | None) -> list[Segment]:
    from cyvcf2 import VCF

    try:
        vcf = VCF(str(path))
    except Exception as err:  # noqa: BLE001 - cyvcf2 raises bare Exception for unreadable files
        raise InputError(f"cannot read VCF: {err}", path=str(path), fix="give a valid (b)gzipped/plain VCF") \
            from None
    check_declared_build(vcf_header_lengths(vcf.raw_header), build, path, "copy-number file")
    has_fmt_cn = "##FORMAT=<ID=CN," in vcf.raw_header
    # DRAGEN's somatic allele-specific caller fits purity and ploidy (##EstimatedTumorPurity=<fraction>): its CN is
    # the tumour cells' copy number. NA (its default diploid model) or no such line: the sample's copy number.
    absolute = re.search(r"^##EstimatedTumorPurity=[0-9]*\.?[0-9]+\s*$", vcf.raw_header, re.MULTILINE) is not None
    si = pick_tumour_sample(list(vcf.samples), sample, path, hints=hints) if has_fmt_cn else None
    out: list[Segment] = []
    cnv_like = 0
    def raw_check(raw: list[str], ln: int | None) -> None:
        if si is not None:
            _check_format_cn(raw, si, path, ln)

    for _n, ln, raw, rec in vcf_records(vcf, path, raw_check):
        alt = rec.ALT[0] if rec.ALT else ""
        svtype = rec.INFO.get("SVTYPE") or (alt[1:-1].split(":")[0] if alt.startswith("<") else None)
        if svtype not in ("CNV", "DEL", "DUP"):
            continue
        cnv_like += 1
        cn = None
        if has_fmt_cn and si is not None:
            v = rec.format("CN")
            if v is not None:
                x = float(v[si][0])
                cn = x if x >= 0 and not math.isnan(x) else None  # DELLY writes -1 for "not estimated"
        if cn is None:
            cn = _info_cn(rec, raw, path, ln)
        if cn is None:
            continue  # a DEL/DUP without a copy-number estimate is an SV, read by io.sv instead
        cn, flag = checked_copy_number(cn, path, ln, "CN")
        chrom = canonical_chrom(rec.CHROM)
        start, end = rec.POS + 1, int(rec.INFO.get("END") or rec.end)
        if not _overlaps(regions, chrom, start, end):
            continue
        filt = rec.FILTER or "PASS"
        if filt not in pass_filters:  # the caller did not call it: kept without a value, the gene call says why
            cn, flag = None, (f"line {ln}: FILTER {filt} is not a pass filter: the caller did not call this "
                              f"segment (CN {cn:g}); not used")
        out.append(Segment(chrom=chrom, start=start, end=end, log2=None, copy_number=cn, source_format="vcf",
                           absolute=absolute, line=ln, sample=vcf.samples[si] if si is not None else None,
                           flag=flag))
    if cnv_like and not out and regions is None:
        raise InputError(f"{cnv_like} CNV/DEL/DUP records but none carries a copy number (FORMAT/CN or INFO/CN)",
                         path=str(path), fix="give the caller's copy-number output instead")
    if not cnv_like:
        raise InputError("no CNV/DEL/DUP records in this VCF", path=str(path),
                         fix="give a copy-number VCF (SVTYPE=CNV/DEL/DUP with CN) or a segment table")
    return out


def _check_format_cn(raw: list[str] | None, si: int, path: Path, ln: int | None) -> None:
    """FORMAT/CN of the tumour sample must be one number (or missing); htslib would read text as missing."""
    if raw is None or len(raw) <= 9 + si:
        return
    keys = raw[8].split(":")
    if "CN" not in keys:
        return
    vals = raw[9 + si].split(":")
    text = vals[keys.index("CN")] if keys.index("CN") < len(vals) else "."
    if text == ".":
        return
    if "," in text:
        raise InputError(f"FORMAT/CN={text} holds several values; a CNV record needs one copy number",
                         path=str(path), line=ln, fix="keep one CN value per sample")
    try:
        float(text)
    except ValueError:
        raise InputError(f"FORMAT/CN={text} is not a number", path=str(path), line=ln,
                         fix="CN must be the segment's copy number, e.g. 4 (or . when not estimated)") from None


def _info_cn(rec, raw: list[str] | None, path: Path, ln: int | None) -> float | None:
    """INFO/CN as one number; InputError naming the line for a list (``CN=9,10``) or text (``CN=high``)."""
    text = raw_info(raw, "CN") if raw is not None else None
    value = rec.INFO.get("CN")
    if text is None and value is None:
        return None
    shown = text if text is not None else str(value)
    if isinstance(value, tuple) or (text is not None and "," in text):
        raise InputError(f"INFO/CN={shown} holds several values; a CNV record needs one copy number",
                         path=str(path), line=ln, fix="split the record or keep one CN value")
    if text in (".", "") and value is None:
        return None
    try:
        return float(text) if text is not None else float(value)
    except (TypeError, ValueError):
        raise InputError(f"INFO/CN={shown} is not a number", path=str(path), line=ln,
                         fix="CN must be the segment's copy number, e.g. CN=4") from None


def read_segments(path: str | Path, *, fmt: str = "auto", regions: Iterable[Region] | None = None,
                  sample: str | None = None, hints: Iterable[str | None] = (),
                  pass_filters: Iterable[str] = ("PASS", "."), build: str | None = None) -> list[Segment]:
    """Read copy-number segments (1-based inclusive, canonical chromosome names).

    `regions` (chrom, start, end) keeps only segments overlapping them, so large ``.cnr`` files stream
    through without being held in memory. `sample` picks one sample from multi-sample SEG files/VCFs (it
    must be there); without it, a file holding several samples is read for the first of `hints` it holds
    (the VCF's tumour column, the sample id), else (VCF) the one named like a tumour, else it is an error
    asking for `CNV_SAMPLE_OPTION`. A CNV VCF record whose FILTER is not one of `pass_filters` (the sample's, as
    for its small variants) is kept without a value, flagged (`Segment.flag`): the gene call says why. With
    `build`, a file whose header declares the other build's contig lengths (a VCF's ##contig, GATK's @SQ) is
    refused.
    """
    path = Path(path)
    fmt = resolve_format(path, fmt, FORMATS, detect_format, "copy-number")
    regs = [(canonical_chrom(c), int(s), int(e)) for c, s, e in regions] if regions is not None else None
    if fmt == "vcf":
        return _read_vcf(path, regs, sample, tuple(hints), tuple(pass_filters), build)
    if fmt == "gatk":
        check_declared_build(sam_header_lengths(header_line(path, "a copy-number segment file")[2]), build, path,
                             "copy-number file")
    return _read_table(path, fmt, regs, sample, tuple(hints))
