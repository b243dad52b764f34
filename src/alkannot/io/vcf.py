"""VCF/BCF input with cyvcf2: target-region reading, tumour-sample choice, allele splitting and
per-caller depth extraction.

Indexed files (.tbi/.csi) are read by region, only over the target genes; others are streamed and
filtered.  Each ALT of each record becomes one `VariantCall` (multi-allelic records are split, alleles
trimmed).  Depth and allele fraction are taken from whatever the caller wrote, in this order:
FORMAT AD (+DP/AF) -> Strelka2 tier counts -> FreeBayes AO/RO -> VarScan AD/RD/FREQ -> INFO AF/DP.
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from alkannot.annotate.engine import trim_allele
from alkannot.annotate.transcripts import canonical_chrom
from alkannot.errors import InputError
from alkannot.model import VariantCall

# GRCh37/GRCh38 chr2 lengths: enough to tell the builds apart from a header.
CHR2_LENGTH = {"GRCh37": 243199373, "GRCh38": 242193529}
KEEP_INFO = ("CSQ", "ANN", "BCSQ", "SVTYPE")
_MISSING_INT = -2147483648


@dataclass
class VcfInput:
    path: str
    vcf: object  # cyvcf2.VCF
    samples: list[str]
    tumor_index: int | None
    normal_index: int | None
    indexed: bool
    contig_style: str  # "chr" or "bare"
    header_build: str | None
    n_header_lines: int
    format_ids: set[str] = field(default_factory=set)
    info_ids: set[str] = field(default_factory=set)
    varscan: bool = False
    header_text: list[str] | None = None  # the file's own header lines (text VCFs), for diagnosing records
    records_seen: int = 0  # records in the whole file (streamed text VCFs), counted by the prefilter

    @property
    def tumor_sample(self) -> str | None:
        return None if self.tumor_index is None else self.samples[self.tumor_index]


def _check_readable(path: str) -> None:
    if not os.path.exists(path):
        raise InputError("file not found", path=path, fix="check the path in the sample sheet or command line")
    if os.path.isdir(path):
        raise InputError("is a directory, not a VCF file", path=path, fix="give the VCF file itself")
    if os.path.getsize(path) == 0:
        raise InputError("file is empty (not even a VCF header)", path=path, fix="give a VCF with a header")
    with open(path, "rb") as fh:
        head = fh.read(18)
    if head[:2] == b"\x1f\x8b":
        index = next((path + ext for ext in (".tbi", ".csi") if os.path.exists(path + ext)), None)
        # BGZF = gzip with a 'BC' extra field. Plain gzip streams fine, but an index over it is
        # meaningless: htslib then finds no records in any region and says nothing.
        bgzf = len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC"
        if index and not bgzf:
            raise InputError("compressed with plain gzip, not bgzip, so its index cannot be used", path=path,
                             fix=f"recompress and re-index: zcat {path} | bgzip > new.vcf.gz && tabix -p vcf "
                                 "new.vcf.gz (or delete the index to stream the file)")
        # whole seconds, as htslib compares: copies and checkouts write both files within one second
        if index and int(os.path.getmtime(index)) < int(os.path.getmtime(path)):
            # htslib only warns; a stale index silently returns no (or the wrong) records.
            raise InputError(f"index {os.path.basename(index)} is older than the file, so it may not describe it",
                             path=path, fix=f"re-index it: tabix -f -p vcf {path} (sort first with "
                                            "'bcftools sort' if tabix says the file is unsorted)")
        # Truncated gzip/BGZF is the commonest corrupt input. BGZF ends with a fixed empty block (htslib
        # checks the same), so a cut file is found from its last 28 bytes; plain gzip must be read through.
        if bgzf:
            with open(path, "rb") as fh:
                fh.seek(max(0, os.path.getsize(path) - len(_BGZF_EOF)))
                if fh.read() != _BGZF_EOF:
                    raise InputError("compressed file is truncated or corrupt (no BGZF end-of-file block)",
                                     path=path, fix="re-copy or re-compress it with bgzip")
        else:
            try:
                with gzip.open(path, "rb") as g:
                    while g.read(1 << 20):
                        pass
            except (EOFError, OSError) as e:
                raise InputError(f"compressed file is truncated or corrupt ({e})", path=path,
                                 fix="re-copy or re-compress it with bgzip") from None


_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


# ---------------------------------------------------------------------------------------------
# htslib messages
# ---------------------------------------------------------------------------------------------
# htslib writes its own [W::...]/[E::...] lines straight to file descriptor 2. Every problem we care
# about becomes one InputError instead, so htslib is silenced while we read, and when a record fails
# to parse it is re-parsed alone with htslib's messages captured, to quote the reason.

_HTS_LOG_OFF, _HTS_LOG_ERROR = 0, 1
# cyvcf2's Python-level twin of that noise: an indexed region without records is normal here.
warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)


def _hts_lib():
    import cyvcf2

    try:
        return ctypes.CDLL(cyvcf2.cyvcf2.__file__)  # htslib is linked into the extension module
    except OSError:
        return None


def _set_hts_log_level(level: int) -> int | None:
    lib = _hts_lib()
    if lib is None or not hasattr(lib, "hts_set_log_level"):
        return None
    old = lib.hts_get_log_level()
    lib.hts_set_log_level(level)
    return old


def _htslib_says(header: list[str], record: str) -> str | None:
    """htslib's own error text for one record line (parsed alone under the file's header)."""
    import cyvcf2

    with tempfile.TemporaryDirectory() as d:
        one = os.path.join(d, "one.vcf")
        with open(one, "w", encoding="utf-8", errors="replace") as fh:
            fh.write("\n".join(header) + "\n" + record + "\n")
        cap = os.path.join(d, "stderr")
        old_level = _set_hts_log_level(_HTS_LOG_ERROR)
        saved = os.dup(2)
        try:
            with open(cap, "wb") as c:
                os.dup2(c.fileno(), 2)
                try:
                    for _ in cyvcf2.VCF(one):
                        pass
                except Exception:  # noqa: BLE001 - the failure is what we want to describe
                    pass
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if old_level is not None:
                _set_hts_log_level(old_level)
        msgs = [m for m in open(cap, encoding="utf-8", errors="replace").read().splitlines() if m.startswith("[E::")]
    if not msgs:
        return None
    return re.sub(r"^\[E::[^\]]*\]\s*", "", msgs[-1]).strip()


# ---------------------------------------------------------------------------------------------
# Header checks (text VCFs): line numbers and plain words before htslib sees the file
# ---------------------------------------------------------------------------------------------

_FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
_NUMBER = re.compile(r"^(\d+|[ARG.])$")
_TYPES = {"INFO": {"Integer", "Float", "Flag", "Character", "String"},
          "FORMAT": {"Integer", "Float", "Character", "String"}}
_META_FIELD = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)')


def _text_lines(path: str) -> Iterator[bytes]:
    """The file's lines as bytes, decompressing gzip/BGZF (raises EOFError/OSError when truncated)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if not gz:
        with open(path, "rb") as fh:
            yield from fh
        return
    tool = _DECOMPRESSOR()
    if tool is None:
        with gzip.open(path, "rb") as fh:
            yield from fh
        return
    # A decompressor process runs on the other core while Python reads lines: a streamed
    # multi-million-record VCF costs about half as much as with the gzip module.
    proc = subprocess.Popen([*tool, path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            bufsize=1 << 20)
    finished = False
    try:
        yield from proc.stdout
        finished = True
    finally:
        if not finished:
            proc.kill()  # the caller stopped early (e.g. after the header)
        proc.stdout.close()
        rc = proc.wait()
    if finished and rc != 0:
        raise EOFError(f"{tool[0]} could not decompress it (exit {rc})")


@functools.cache
def _decompressor_cmd() -> tuple[str, ...] | None:
    """bgzip (htslib's, multi-threaded) or gzip from PATH, else None (Python's gzip module)."""
    if shutil.which("bgzip"):
        return ("bgzip", "-dc", "-@", "2")
    if shutil.which("gzip"):
        return ("gzip", "-dc")
    return None


_DECOMPRESSOR = _decompressor_cmd


def _is_bcf(path: str) -> bool:
    try:
        first = next(_text_lines(path), b"")
    except (OSError, EOFError):
        return False
    return first.startswith(b"BCF")


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


def scan_header(path: str) -> list[str] | None:
    """The header lines of a text VCF, checked; None for BCF (htslib checks its binary header)."""
    if _is_bcf(path):
        return None
    lines: list[str] = []
    for ln, raw in enumerate(_text_lines(path), 1):
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
                _check_definition(text, key, path, ln)
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


def open_vcf(path: str, *, tumor_sample: str | None = None, normal_sample: str | None = None,
             check_compression: bool = True) -> VcfInput:
    import cyvcf2

    path = str(path)
    if check_compression:
        _check_readable(path)
    header_text = scan_header(path)
    _set_hts_log_level(_HTS_LOG_OFF)  # problems surface as InputErrors, not htslib's own lines
    try:
        vcf = cyvcf2.VCF(path, gts012=False, lazy=True, strict_gt=False)
    except (OSError, Exception) as e:  # cyvcf2 raises a plain Exception for unparsable headers
        raise InputError(f"cannot read as VCF/BCF ({str(e).strip() or type(e).__name__})", path=path,
                         fix="check the file is a VCF (.vcf/.vcf.gz) or BCF with a ##fileformat header") from None
    raw = vcf.raw_header or ""
    if not raw.startswith("##fileformat=VCF"):
        raise InputError("missing '##fileformat=VCF' first header line", path=path, line=1,
                         fix="give a VCF file")
    header_lines = raw.rstrip("\n").split("\n")
    # htslib's header may gain lines (e.g. ##FILTER=<ID=PASS>); record line numbers use the file's own
    n_header = len(header_text) if header_text is not None else len(header_lines)
    samples = list(vcf.samples)
    if len(samples) != len(set(samples)):
        dup = sorted({s for s in samples if samples.count(s) > 1})
        raise InputError(f"duplicate sample names in the header: {', '.join(dup)}", path=path,
                         line=n_header, fix="rename the samples with 'bcftools reheader'")
    fmt_ids, info_ids = set(), set()
    header_tumor = header_normal = None
    contig_len = {}
    for h in header_lines:
        if h.startswith("##FORMAT=<ID="):
            fmt_ids.add(h[13:].split(",", 1)[0])
        elif h.startswith("##INFO=<ID="):
            info_ids.add(h[11:].split(",", 1)[0])
        elif h.startswith("##tumor_sample="):
            header_tumor = h.split("=", 1)[1].strip()
        elif h.startswith("##normal_sample="):
            header_normal = h.split("=", 1)[1].strip()
        elif h.startswith("##contig=<ID="):
            body = h[13:].rstrip(">")
            parts = dict(p.split("=", 1) for p in ("ID=" + body).split(",") if "=" in p)
            if "length" in parts and parts["length"].isdigit():
                contig_len[parts["ID"]] = int(parts["length"])
    header_build = None
    for name in ("chr2", "2"):
        for build, ln in CHR2_LENGTH.items():
            if contig_len.get(name) == ln:
                header_build = build
    indexed = any(os.path.exists(path + ext) for ext in (".tbi", ".csi")) and path.endswith((".gz", ".bgz", ".bcf"))
    # Only an indexed file can list its contigs without a read-through (and asking an unindexed one
    # makes htslib complain); streaming compares canonical names, so style only matters for queries.
    seqnames = list(vcf.seqnames) if indexed else list(contig_len)
    style = "chr" if any(s.startswith("chr") for s in seqnames) else "bare"

    t_idx = n_idx = None
    if samples:
        want = tumor_sample or header_tumor
        if want is not None:
            if want not in samples:
                raise InputError(f"tumour sample '{want}' is not in the VCF (samples: {', '.join(samples)})",
                                 path=path, line=n_header,
                                 fix="set the sheet's tumor_sample column or --tumor-sample to one of them")
            t_idx = samples.index(want)
        elif len(samples) == 1:
            t_idx = 0
        elif len(samples) == 2 and {s.upper() for s in samples} == {"TUMOR", "NORMAL"}:
            t_idx = [s.upper() for s in samples].index("TUMOR")  # Strelka2/Manta convention
        else:
            raise InputError(f"{len(samples)} samples in the VCF and no tumour sample named "
                             f"(samples: {', '.join(samples)})", path=path, line=n_header,
                             fix="set the sheet's tumor_sample column or --tumor-sample")
        want_n = normal_sample or header_normal
        if want_n is not None and want_n in samples and samples.index(want_n) != t_idx:
            n_idx = samples.index(want_n)
        elif want_n is None and len(samples) == 2:
            n_idx = 1 - t_idx
    varscan = "RD" in fmt_ids and "FREQ" in fmt_ids
    return VcfInput(path=path, vcf=vcf, samples=samples, tumor_index=t_idx, normal_index=n_idx, indexed=indexed,
                    contig_style=style, header_build=header_build, n_header_lines=n_header,
                    format_ids=fmt_ids, info_ids=info_ids, varscan=varscan, header_text=header_text)


def region_name(chrom: str, style: str) -> str:
    c = canonical_chrom(chrom)
    if style == "chr":
        return "chrM" if c == "MT" else "chr" + c
    return c


def iter_records(vi: VcfInput, targets: list[tuple[str, int, int]]) -> Iterator[tuple[int | None, object]]:
    """Yield (line number or None, cyvcf2 record) for records overlapping the targets.

    Streaming yields every record (line numbers known); the caller filters by target so that the
    records-read count covers the whole file.  Indexed reading only visits the targets.  Every
    record is checked (check_record); a record htslib cannot parse is an InputError naming its line.
    """
    if vi.indexed:
        seen = set()
        present = set(getattr(vi.vcf, "seqnames", []) or [])
        for chrom, start, end in sorted(targets):
            name = region_name(chrom, vi.contig_style)
            if present and name not in present:
                continue  # contig absent from the index: nothing to read there
            region = f"{name}:{start}-{end}"
            try:
                it = vi.vcf(region)
            except Exception as e:
                raise InputError(f"index query {region} failed ({e})", path=vi.path,
                                 fix="re-index the file with 'tabix -p vcf' (records must be sorted)") from None
            last = 0
            while True:
                try:
                    rec = next(it)
                except StopIteration:
                    break
                except Exception:
                    raise InputError(f"a record in {region} cannot be parsed (after position {last})",
                                     path=vi.path, fix="check the file with 'bcftools view' and fix that record; "
                                                       "then re-compress and re-index it") from None
                if rec.POS < last or canonical_chrom(rec.CHROM) != canonical_chrom(chrom):
                    raise InputError(f"index does not match the file: {region} returned {rec.CHROM}:{rec.POS} "
                                     f"after position {last}", path=vi.path,
                                     fix="sort and re-index: bcftools sort -Oz -o sorted.vcf.gz FILE && "
                                         "tabix -p vcf sorted.vcf.gz")
                last = rec.POS
                key = (rec.CHROM, rec.POS, rec.REF, tuple(rec.ALT))
                if key in seen:  # overlapping targets
                    continue
                seen.add(key)
                check_record(vi, rec, None)
                yield None, rec
    elif vi.header_text is None:
        # BCF: binary, no lines to prefilter; htslib parses every record
        line = vi.n_header_lines
        it = iter(vi.vcf)
        while True:
            line += 1
            try:
                rec = next(it)
            except StopIteration:
                break
            except Exception:
                raise _record_error(vi, line) from None
            vi.records_seen += 1
            check_record(vi, rec, line)
            yield line, rec
    else:
        yield from _iter_prefiltered(vi, targets)


def target_spans(targets: list[tuple[str, int, int]]) -> dict[str, tuple[list[int], list[int]]]:
    """{canonical chrom: (sorted starts, running max of ends)} for fast overlap tests with bisect."""
    by: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in targets:
        by.setdefault(canonical_chrom(chrom), []).append((start, end))
    out = {}
    for c, spans in by.items():
        spans.sort()
        starts, maxend, m = [], [], 0
        for s, e in spans:
            m = max(m, e)
            starts.append(s)
            maxend.append(m)
        out[c] = (starts, maxend)
    return out


def prefilter_lines(path: str, targets: list[tuple[str, int, int]], *, n_columns: int | None = None,
                    on_bad_line=None) -> tuple[list[bytes], list[tuple[int, bytes]], int]:
    """One pass over a text VCF: (header lines, [(line number, record line)] overlapping the targets,
    number of records).

    Deciding "in a target?" from CHROM/POS/REF of the raw text avoids building a parsed record for
    each of millions of off-target lines (the reason a streamed VCF costs about what `bcftools view
    -T` does). Every line's column count and POS are still checked; blank lines are skipped and not
    counted; line numbers are the file's own. `on_bad_line(line_number)` is called for a malformed
    record and must raise.
    """
    key = (os.path.abspath(path), os.path.getsize(path), os.stat(path).st_mtime_ns, tuple(sorted(targets)),
           n_columns)
    if _PREFILTER_CACHE.get("key") == key:  # the annotated-VCF writer reads the same lines again
        return _PREFILTER_CACHE["value"]
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
        for ln, raw in enumerate(_text_lines(path), 1):
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
                sp = chrom_spans[f[0]] = spans.get(canonical_chrom(f[0].decode("utf-8", errors="replace")))
            if sp is None:
                continue  # no target on this contig
            pos = int(f[1])
            i = bisect_right(sp[0], pos + (len(f[3]) or 1) - 1) - 1
            if i >= 0 and sp[1][i] >= pos:
                keep((ln, raw if raw.endswith(b"\n") else raw + b"\n"))
    except (EOFError, OSError, zlib.error) as e:
        raise InputError(f"compressed file is truncated or corrupt ({e})", path=path,
                         fix="re-copy or re-compress it with bgzip") from None
    _PREFILTER_CACHE.update(key=key, value=(header, kept, n))
    return header, kept, n


_PREFILTER_CACHE: dict = {}  # the last file only: memory stays flat across a batch


def write_subset(dest: str, header: list[bytes], kept: list[tuple[int, bytes]]) -> None:
    with open(dest, "wb") as fh:
        fh.writelines(header)
        fh.writelines(line for _, line in kept)


def _iter_prefiltered(vi: VcfInput, targets):
    import cyvcf2

    n_cols = 8 if not vi.samples else 9 + len(vi.samples)
    header, kept, vi.records_seen = prefilter_lines(
        vi.path, targets, n_columns=n_cols, on_bad_line=lambda ln: (_ for _ in ()).throw(_record_error(vi, ln)))
    if not kept:
        return
    with tempfile.TemporaryDirectory(prefix="alkannot-") as tmp:
        sub = os.path.join(tmp, "targets.vcf")
        write_subset(sub, header, kept)
        it = iter(cyvcf2.VCF(sub, gts012=False, lazy=True, strict_gt=False))
        for line, _raw in kept:
            try:
                rec = next(it)
            except StopIteration:
                raise _record_error(vi, line) from None
            except Exception:
                raise _record_error(vi, line) from None
            if rec.CHROM == "":
                continue
            check_record(vi, rec, line)
            yield line, rec


def _raw_line(path: str, line: int) -> str | None:
    for ln, raw in enumerate(_text_lines(path), 1):
        if ln == line:
            return raw.decode("utf-8", errors="replace").rstrip("\r\n")
    return None


def _record_error(vi: VcfInput, line: int) -> InputError:
    """Why htslib could not parse the record on `line` (streamed text VCF), in plain words."""
    fix = "fix or remove this record (bcftools view stops at it too)"
    raw = _raw_line(vi.path, line) if vi.header_text is not None else None
    if raw is None:
        return InputError("record cannot be parsed", path=vi.path, line=line if vi.header_text else None, fix=fix)
    cols = raw.split("\t")
    want = 8 if not vi.samples else 9 + len(vi.samples)
    if len(cols) < 8 or (vi.samples and len(cols) < 9):
        spaced = " (separated by spaces, not tabs?)" if len(cols) == 1 and " " in raw else ""
        return InputError(f"record has {len(cols)} tab-separated column(s), the header has {want}{spaced}",
                          path=vi.path, line=line, fix=fix)
    if not cols[1].isdigit():
        return InputError(f"POS {cols[1][:40]!r} is not a whole number", path=vi.path, line=line, fix=fix)
    said = _htslib_says(vi.header_text, raw)
    what = f"record cannot be parsed: {said}" if said else f"record cannot be parsed: {raw[:80]!r}"
    return InputError(what, path=vi.path, line=line, fix=fix)


_REF_OK = re.compile(r"^[ACGTNRYSWKMBDHVacgtnryswkmbdhv]+$")  # VCF allows IUPAC codes in REF
_ALT_OK = re.compile(
    r"^(?:[ACGTNacgtn]+|\*|\.|<[^<>,\s]+>"  # bases, spanning deletion, missing, symbolic
    r"|[ACGTNacgtn]+(?:/[ACGTNacgtn]+)+"  # VarScan2 writes 'A/T' at some sites: listed, not refused
    r"|[ACGTNacgtn]*[\[\]][^\[\]\s]+:\d+[\[\]][ACGTNacgtn]*"  # breakend t[p[ / ]p]t
    r"|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$"  # single breakends
)


def check_record(vi: VcfInput, rec, line: int | None) -> None:
    """REF/ALT alphabet and UTF-8: what htslib accepts but a variant record must not contain."""
    where = {"path": vi.path, "line": line}
    if not _REF_OK.match(rec.REF or ""):
        raise InputError(f"REF {str(rec.REF)[:40]!r} is not a DNA sequence", **where,
                         fix="REF must be bases (A, C, G, T, N); fix or remove this record")
    for alt in rec.ALT or []:
        if not _ALT_OK.match(alt):
            raise InputError(f"ALT {alt[:40]!r} is not a VCF allele (bases, <ID>, breakend, '*' or '.'; "
                             "several ALTs are comma-separated)", **where, fix="fix or remove this record")
    for name, value in (("CHROM", rec.CHROM), ("ID", rec.ID), ("FILTER", rec.FILTER)):
        if value and "\ufffd" in value:  # cyvcf2 decodes with errors='replace'
            raise InputError(f"{name} is not UTF-8 text", **where,
                             fix="VCF must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8")


def _first(x):
    if x is None:
        return None
    if isinstance(x, (tuple, list, np.ndarray)):
        return x[0] if len(x) else None
    return x


def _int_or_none(v) -> int | None:
    if v is None:
        return None
    try:
        iv = int(v)
    except (TypeError, ValueError):
        return None
    return None if iv < 0 else iv


def _float_or_none(v) -> float | None:
    if v is None:
        return None
    try:
        fv = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(fv) else fv


def _fmt(rec, key: str, s: int):
    try:
        arr = rec.format(key)
    except (KeyError, Exception):
        return None
    if arr is None:
        return None
    return arr[s]


def depth_for(vi: VcfInput, rec, s: int | None, alt_index: int, ref: str, alt: str) -> dict:
    """alt_index is 1-based (allele number). Returns depth, alt_reads, vaf, depth_source."""
    out = {"depth": None, "alt_reads": None, "vaf": None, "depth_source": None}
    fmt = vi.format_ids
    if s is not None:
        if "AD" in fmt and not vi.varscan:
            ad = _fmt(rec, "AD", s)
            if ad is not None and len(ad) > alt_index and _int_or_none(ad[alt_index]) is not None:
                vals = [_int_or_none(x) for x in ad]
                vals = [v for v in vals if v is not None]
                out["alt_reads"] = _int_or_none(ad[alt_index])
                dp = _int_or_none(_first(_fmt(rec, "DP", s))) if "DP" in fmt else None
                out["depth"] = dp if dp is not None and dp >= sum(vals) else sum(vals)
                af = _fmt(rec, "AF", s) if "AF" in fmt else None
                afv = _float_or_none(af[alt_index - 1]) if af is not None and len(af) >= alt_index else None
                out["vaf"] = afv if afv is not None else (out["alt_reads"] / sum(vals) if sum(vals) else None)
                out["depth_source"] = "FORMAT/AD"
                return out
        if len(ref) == 1 and len(alt) == 1 and f"{alt}U" in fmt and "AU" in fmt:
            # Strelka2 somatic SNV: {ACGT}U = (tier1, tier2) counts; tier 1 is what Strelka reports
            tiers = {b: _fmt(rec, f"{b}U", s) for b in "ACGT"}
            if all(t is not None for t in tiers.values()):
                alt_n = _int_or_none(tiers[alt][0])
                tot = sum(_int_or_none(t[0]) or 0 for t in tiers.values())
                out.update(alt_reads=alt_n, depth=tot, vaf=(alt_n / tot if tot and alt_n is not None else None),
                           depth_source="Strelka2 tier1 {ACGT}U")
                return out
        if "TIR" in fmt and "TAR" in fmt:
            tir, tar = _fmt(rec, "TIR", s), _fmt(rec, "TAR", s)
            if tir is not None and tar is not None:
                a, r = _int_or_none(tir[0]), _int_or_none(tar[0])
                if a is not None and r is not None:
                    out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                               depth_source="Strelka2 tier1 TIR/TAR")
                    return out
        if "AO" in fmt and "RO" in fmt:
            ao, ro = _fmt(rec, "AO", s), _first(_fmt(rec, "RO", s))
            if ao is not None and len(ao) >= alt_index and _int_or_none(ro) is not None:
                aos = [_int_or_none(x) or 0 for x in ao]
                a = aos[alt_index - 1]
                tot = _int_or_none(ro) + sum(aos)
                out.update(alt_reads=a, depth=tot, vaf=a / tot if tot else None, depth_source="FreeBayes AO/RO")
                return out
        if vi.varscan:
            ad, rd = _first(_fmt(rec, "AD", s)), _first(_fmt(rec, "RD", s))
            a, r = _int_or_none(ad), _int_or_none(rd)
            if a is not None and r is not None:
                out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                           depth_source="VarScan2 AD/RD")
                return out
        if "AF" in fmt:
            af = _fmt(rec, "AF", s)
            if af is not None and len(af) >= alt_index:
                out["vaf"] = _float_or_none(af[alt_index - 1])
                if "DP" in fmt:
                    out["depth"] = _int_or_none(_first(_fmt(rec, "DP", s)))
                out["depth_source"] = "FORMAT/AF"
                if out["vaf"] is not None:
                    return out
        if "DP" in fmt and out["depth"] is None:
            out["depth"] = _int_or_none(_first(_fmt(rec, "DP", s)))
    # INFO fallback
    info = rec.INFO
    af = info.get("AF") if "AF" in vi.info_ids else None
    if af is not None:
        afs = af if isinstance(af, tuple) else (af,)
        if len(afs) >= alt_index:
            out["vaf"] = _float_or_none(afs[alt_index - 1])
            out["depth_source"] = out["depth_source"] or "INFO/AF"
    if out["depth"] is None and "DP" in vi.info_ids:
        out["depth"] = _int_or_none(info.get("DP"))
    if out["vaf"] is not None and out["depth"] is not None and out["alt_reads"] is None:
        out["alt_reads"] = int(round(out["vaf"] * out["depth"]))
        out["depth_source"] = (out["depth_source"] or "") + " (alt reads = VAF x depth)"
    return out


def _gt_info(rec, s: int) -> tuple[str | None, bool]:
    try:
        g = rec.genotypes[s]
    except Exception:
        return None, False
    alleles = ["." if a < 0 else str(a) for a in g[:-1]]
    phased = bool(g[-1])
    return ("|" if phased else "/").join(alleles), phased


def _fmt_str(rec, key: str, s: int, fmt_ids: set[str]) -> str | None:
    if key not in fmt_ids:
        return None
    v = _fmt(rec, key, s)
    if v is None:
        return None
    if isinstance(v, (np.ndarray, list, tuple)):
        v = v[0] if len(v) else None
    if v is None:
        return None
    v = str(v)
    if v in (".", "", str(_MISSING_INT)):
        return None
    return v


def split_record(vi: VcfInput, rec, line: int | None) -> list[VariantCall]:
    """One VariantCall per ALT allele (multi-allelic records split; alleles trimmed)."""
    calls = []
    filt = rec.FILTER or "PASS"
    s = vi.tumor_index
    gt, phased = _gt_info(rec, s) if s is not None else (None, False)
    ps = _fmt_str(rec, "PS", s, vi.format_ids) if s is not None else None
    pgt = _fmt_str(rec, "PGT", s, vi.format_ids) if s is not None else None
    pid = _fmt_str(rec, "PID", s, vi.format_ids) if s is not None else None
    lps = _fmt_str(rec, "LPS", s, vi.format_ids) if s is not None else None
    info_keep = {}
    for k in KEEP_INFO:
        if k in vi.info_ids:
            v = rec.INFO.get(k)
            if v is not None:
                info_keep[k] = v if isinstance(v, (str, int, float)) else ",".join(map(str, v))
    alts = rec.ALT or []
    if not alts:
        alts = [None]
    for i, alt in enumerate(alts, start=1):
        ref = rec.REF
        alt_s = alt if alt is not None else "."
        pos, tref, talt = (rec.POS, ref, alt_s)
        if alt is not None and _is_plain(ref) and _is_plain(alt_s):
            pos, tref, talt = trim_allele(rec.POS, ref.upper(), alt_s.upper())
        d = depth_for(vi, rec, s, i, tref, talt) if alt is not None else {}
        call = VariantCall(chrom=rec.CHROM, pos=pos, ref=tref, alt=talt, filter=filt, line=line,
                           record_id=rec.ID, gt=gt, phased=phased, phase_set=ps, pgt=pgt, pid=pid, lps=lps,
                           info=info_keep, orig_pos=rec.POS, orig_ref=ref, orig_alt=alt_s, **d)
        if vi.normal_index is not None and alt is not None:
            nd = depth_for(vi, rec, vi.normal_index, i, tref, talt)
            call.normal_alt_reads, call.normal_depth = nd.get("alt_reads"), nd.get("depth")
        calls.append(call)
    return calls


def _is_plain(allele: str) -> bool:
    return bool(allele) and all(c in "ACGTNacgtn" for c in allele)
