"""VCF/BCF input with cyvcf2: target-region reading, tumour-sample choice, allele splitting and
per-caller depth extraction.

Indexed files (.tbi/.csi) are read by region, only over the target genes; others are streamed and
filtered.  Each ALT of each record becomes one `VariantCall` (multi-allelic records are split, alleles
trimmed).  Depth and allele fraction are taken from whatever the caller wrote, in this order:
FORMAT AD (+DP/AF) -> Strelka2 tier counts -> FreeBayes AO/RO -> VarScan AD/RD/FREQ -> INFO AF/DP.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import os
import re
import shutil
import struct
import subprocess
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from alkannot.core.contigs import canonical_chrom
from alkannot.core.sequence import trim_allele
from alkannot.errors import InputError
from alkannot.io.alignment import quiet_htslib
from alkannot.io.htslib import LOG_ERROR, cyvcf2_log_level
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
    warnings: list[str] = field(default_factory=list)  # read on, but the user should know (qc.input_warnings)
    contig_names: list[str] = field(default_factory=list)  # the index's (indexed) or header's contig names
    record_contigs: list[str] = field(default_factory=list)  # CHROM values seen while streaming
    prefiltered: Prefiltered | None = None  # a streamed text VCF's target lines (read mode: not indexed)

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
        index = index_of(path)
        # Plain gzip streams fine, but an index over it is meaningless: htslib then finds no records in
        # any region and says nothing.
        bgzf = _bgzf_head(head)
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
        if index and bgzf:
            _check_index_describes_file(path, index)
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


def _bgzf_head(head: bytes) -> bool:
    """BGZF (bgzip, BCF) = gzip with a 'BC' extra field; plain gzip has none."""
    return len(head) >= 14 and head[:2] == b"\x1f\x8b" and bool(head[3] & 4) and head[12:14] == b"BC"


def index_of(path: str) -> str | None:
    """The .tbi/.csi beside the file, if any."""
    return next((path + ext for ext in (".tbi", ".csi") if os.path.exists(path + ext)), None)


def is_indexed(path: str) -> bool:
    """Read by region: bgzip-compressed (VCF or BCF, whatever the file is called: x.vcf.gz, x.vcf.bgz,
    x.vcf.bgzf, x.bcf) with a .tbi/.csi beside it. The one answer for the annotator and the VCF writer."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(18)
    except OSError:
        return False
    return _bgzf_head(head) and index_of(path) is not None


def _index_last_offset(index: str) -> int | None:
    """Largest record-end virtual offset a .tbi/.csi index holds (from each contig's pseudo-bin,
    which stores the offsets of its first and last record); None when it indexes no record.
    Raises ValueError when the index cannot be parsed."""
    with gzip.open(index, "rb") as fh:
        data = fh.read()
    pos = 0

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    magic = data[:4]
    pos = 4
    if magic == b"TBI\x01":
        n_ref, = take("i")
        *_, l_nm = take("7i")
        pos += l_nm
        pseudo, csi = 37450, False
    elif magic == b"CSI\x01":
        _min_shift, depth, l_aux = take("3i")
        pos += l_aux
        n_ref, = take("i")
        pseudo, csi = ((1 << ((depth + 1) * 3)) - 1) // 7 + 1, True
    else:
        raise ValueError("not a tabix/CSI index")
    last = None
    for _ in range(n_ref):
        n_bin, = take("i")
        for _ in range(n_bin):
            b, = take("I")
            if csi:
                pos += 8  # loffset
            n_chunk, = take("i")
            chunks = struct.unpack_from(f"<{2 * n_chunk}Q", data, pos)
            pos += 16 * n_chunk
            if b == pseudo and n_chunk >= 2:
                n_mapped = chunks[2] + chunks[3]
                if n_mapped:
                    last = max(last or 0, chunks[1])
        if not csi:
            n_intv, = take("i")
            pos += 8 * n_intv
    return last


def _check_index_describes_file(path: str, index: str) -> None:
    """An index made for another file (copied over, or the file replaced by a newer one) makes
    htslib return no or wrong records without a word. The index holds the virtual offset where its
    last record ends: in the file it describes, only the BGZF end-of-file block follows it (or
    blank lines). Reading from there costs one or two 64 kB blocks."""
    fix = f"re-index it: tabix -f -p vcf {path} (bcftools index -f for BCF), or delete the index to stream the file"
    try:
        last = _index_last_offset(index)
    except (OSError, EOFError, ValueError, struct.error) as e:
        raise InputError(f"index {os.path.basename(index)} cannot be read ({e})", path=path, fix=fix) from None
    size = os.path.getsize(path)
    if last is None:
        # an index of no records: the file must hold none either
        try:
            if is_bcf(path):
                import cyvcf2

                has_record = next(iter(cyvcf2.VCF(path, lazy=True)), None) is not None
            else:
                has_record = any(not ln.startswith(b"#") and ln.strip() for ln in _text_lines(path))
        except Exception:  # noqa: BLE001 - unreadable files are reported by the reader itself
            has_record = False
        if has_record:
            raise InputError(f"index {os.path.basename(index)} lists no records but the file has some: it "
                             "does not describe this file", path=path, fix=fix)
        return
    coff, uoff = last >> 16, last & 0xFFFF
    ok = coff <= size - len(_BGZF_EOF) and size - coff <= 4 * 65536 + len(_BGZF_EOF)
    if ok:
        with open(path, "rb") as fh:
            fh.seek(coff)
            tail = fh.read()
        ok = tail[:4] == b"\x1f\x8b\x08\x04"
        if ok:
            try:
                out, buf = b"", tail
                while buf:  # BGZF = concatenated gzip members
                    d = zlib.decompressobj(31)
                    out += d.decompress(buf)
                    buf = d.unused_data
                ok = len(out) >= uoff and not out[uoff:].strip()
            except zlib.error:
                ok = False
    if not ok:
        raise InputError(f"index {os.path.basename(index)} does not describe this file (its last record ends "
                         "where the file does not): it belongs to another or an older version of the file",
                         path=path, fix=fix)


_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


# ---------------------------------------------------------------------------------------------
# htslib messages
# ---------------------------------------------------------------------------------------------
# htslib writes its own [W::...]/[E::...] lines straight to file descriptor 2. Every problem we care
# about becomes one InputError instead, so htslib is silenced while we read, and when a record fails
# to parse it is re-parsed alone with htslib's messages captured, to quote the reason.



def _next_record(it):
    """next(it) without cyvcf2's Python-level twin of htslib's noise ("no intervals found": an indexed
    region without records is normal here); the warning filters are restored at once."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)
        return next(it)


def _htslib_says(header: list[str], record: str) -> str | None:
    """htslib's own error text for one record line (parsed alone under the file's header)."""
    import cyvcf2

    with tempfile.TemporaryDirectory() as d:
        one = os.path.join(d, "one.vcf")
        with open(one, "w", encoding="utf-8", errors="replace") as fh:
            fh.write("\n".join(header) + "\n" + record + "\n")
        with cyvcf2_log_level(LOG_ERROR), quiet_htslib() as said:
            try:
                for _ in cyvcf2.VCF(one):
                    pass
            except Exception:  # noqa: BLE001 - the failure is what we want to describe
                pass
        msgs = [m for m in said if m.startswith("[E::")]
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
_META_FIELD = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|[^,"]*)\s*(?:,|$)')


def _text_lines(path: str) -> Iterator[bytes]:
    """The file's lines as bytes, decompressing gzip/BGZF (raises EOFError/OSError when truncated)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if not gz:
        with open(path, "rb") as fh:
            yield from fh
        return
    tool = _decompressor_cmd()
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


def header_columns(path: str) -> int | None:
    """Columns of the text VCF's #CHROM line (every record is checked against it); None without one."""
    for raw in _text_lines(path):
        if raw.startswith(b"#CHROM"):
            return len(raw.rstrip(b"\r\n").split(b"\t"))
        if not raw.startswith(b"#"):
            return None
    return None


@functools.cache
def _decompressor_cmd() -> tuple[str, ...] | None:
    """bgzip (htslib's, multi-threaded) or gzip from PATH, else None (Python's gzip module)."""
    if shutil.which("bgzip"):
        return ("bgzip", "-dc", "-@", "2")
    if shutil.which("gzip"):
        return ("gzip", "-dc")
    return None


def is_bcf(path: str) -> bool:
    """BCF (compressed or not), by its magic bytes."""
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


def scan_header(path: str, warnings_out: list[str] | None = None) -> list[str] | None:
    """The header lines of a text VCF, checked; None for BCF (htslib checks its binary header).

    A malformed ##INFO/##FORMAT line is an error, unless `warnings_out` is given: then it is noted
    there ("line N: ...") and the caller decides (htslib drops or repairs such lines and reads on)."""
    if is_bcf(path):
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


def _dropped_meta_lines(file_lines: list[str], htslib_lines: list[str], already: list[str]) -> list[str]:
    """'line N: ...' for structured meta-lines (##KEY=<...>) of the file that htslib could not parse
    and left out of its header (it says so only on stderr, which is silenced). htslib may re-serialise
    the lines it keeps, so lines are compared by KEY and ID, and lines without an ID by their count."""
    from collections import Counter

    def ident(text: str) -> tuple[str, str | None] | None:
        m = _STRUCTURED.match(text)
        if not m:
            return None
        i = _ID_OF.search(m.group(2))
        return m.group(1), (i.group(1) if i else None)

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


def open_vcf(path: str, *, tumor_sample: str | None = None, normal_sample: str | None = None) -> VcfInput:
    import cyvcf2

    path = str(path)
    _check_readable(path)
    meta_warnings: list[str] = []
    header_text = scan_header(path, meta_warnings)
    try:
        with cyvcf2_log_level():  # problems surface as InputErrors, not htslib's own lines
            vcf = cyvcf2.VCF(path, gts012=False, lazy=True, strict_gt=False)
    except (OSError, Exception) as e:  # cyvcf2 raises a plain Exception for unparsable headers
        if meta_warnings:  # htslib refused the header: the first malformed definition is the likely cause
            scan_header(path)
        raise InputError(f"cannot read as VCF/BCF ({str(e).strip() or type(e).__name__})", path=path,
                         fix="check the file is a VCF (.vcf/.vcf.gz) or BCF with a ##fileformat header") from None
    raw = vcf.raw_header or ""
    if not raw.startswith("##fileformat=VCF"):
        raise InputError("missing '##fileformat=VCF' first header line", path=path, line=1,
                         fix="give a VCF file")
    header_lines = raw.rstrip("\n").split("\n")
    # htslib's header may gain lines (e.g. ##FILTER=<ID=PASS>); record line numbers use the file's own
    n_header = len(header_text) if header_text is not None else len(header_lines)
    if header_text is not None:
        meta_warnings.extend(_dropped_meta_lines(header_text, header_lines, meta_warnings))
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
    indexed = is_indexed(path)
    # Only an indexed file can list its contigs without a read-through (and asking an unindexed one
    # makes htslib complain); streaming compares canonical names, so style only matters for queries.
    if indexed:
        with cyvcf2_log_level():
            seqnames = list(vcf.seqnames)
    else:
        seqnames = list(contig_len)
    style = "chr" if any(s.startswith("chr") for s in seqnames) else "bare"

    t_idx = n_idx = None
    if not samples and (tumor_sample or normal_sample):
        raise InputError(f"sample '{tumor_sample or normal_sample}' was named but the VCF has no sample columns "
                         "(sites-only)", path=path, line=n_header,
                         fix="leave tumor_sample/normal_sample empty for a sites-only VCF")
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
        if normal_sample is not None and normal_sample not in samples:
            raise InputError(f"normal sample '{normal_sample}' is not in the VCF (samples: {', '.join(samples)})",
                             path=path, line=n_header,
                             fix="set the sheet's normal_sample column or --normal-sample to one of them")
        if normal_sample is not None and samples.index(normal_sample) == t_idx:
            raise InputError(f"normal sample '{normal_sample}' is also the tumour sample", path=path,
                             line=n_header, fix="name two different samples for tumour and normal")
        want_n = normal_sample or header_normal
        if want_n is not None and want_n in samples and samples.index(want_n) != t_idx:
            n_idx = samples.index(want_n)
        elif want_n is None and len(samples) == 2:
            n_idx = 1 - t_idx
        elif want_n is not None and want_n not in samples:
            meta_warnings.append(f"##normal_sample={want_n} names no sample of the VCF; no matched normal used")
    varscan = "RD" in fmt_ids and "FREQ" in fmt_ids
    return VcfInput(path=path, vcf=vcf, samples=samples, tumor_index=t_idx, normal_index=n_idx, indexed=indexed,
                    contig_style=style, header_build=header_build, n_header_lines=n_header,
                    format_ids=fmt_ids, info_ids=info_ids, varscan=varscan, header_text=header_text,
                    warnings=meta_warnings, contig_names=seqnames)


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
    htslib is silent while the records are read (problems surface as InputErrors); its log level is put
    back when the iteration ends or is closed.
    """
    with cyvcf2_log_level():
        yield from _iter_records(vi, targets)


def _iter_records(vi: VcfInput, targets: list[tuple[str, int, int]]) -> Iterator[tuple[int | None, object]]:
    if vi.indexed:
        present = list(getattr(vi.vcf, "seqnames", []) or [])
        for name, start, end, skip_to in region_queries(present, targets, vi.contig_style):
            region = f"{name}:{start}-{end}"
            try:
                it = vi.vcf(region)
            except Exception as e:
                raise InputError(f"index query {region} failed ({e})", path=vi.path,
                                 fix="re-index the file with 'tabix -p vcf' (records must be sorted)") from None
            last = 0
            while True:
                try:
                    rec = _next_record(it)
                except StopIteration:
                    break
                except Exception:
                    raise InputError(f"a record in {region} cannot be parsed (after position {last})",
                                     path=vi.path, fix="check the file with 'bcftools view' and fix that record; "
                                                       "then re-compress and re-index it") from None
                if rec.POS < last or canonical_chrom(rec.CHROM) != canonical_chrom(name):
                    raise InputError(f"index does not match the file: {region} returned {rec.CHROM}:{rec.POS} "
                                     f"after position {last}", path=vi.path,
                                     fix="sort and re-index: bcftools sort -Oz -o sorted.vcf.gz FILE && "
                                         "tabix -p vcf sorted.vcf.gz")
                last = rec.POS
                if rec.POS <= skip_to:  # already read through the previous region
                    continue
                check_record(vi, rec, None)
                yield None, rec
    elif vi.header_text is None:
        # BCF: binary, no lines to prefilter; htslib parses every record
        line = vi.n_header_lines
        last_chrom, seen_contigs = None, set()
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
            if rec.CHROM != last_chrom:  # sorted or not, a cheap test per record
                last_chrom = rec.CHROM
                if last_chrom not in seen_contigs:
                    seen_contigs.add(last_chrom)
                    vi.record_contigs.append(last_chrom)
            check_record(vi, rec, line)
            yield line, rec
    else:
        yield from _iter_prefiltered(vi, targets)


def merged_regions(targets: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Target spans merged per contig (canonical names), sorted: disjoint regions for index queries."""
    out: list[list] = []
    for chrom, start, end in sorted((canonical_chrom(c), s, e) for c, s, e in targets):
        if out and out[-1][0] == chrom and start <= out[-1][2] + 1:
            out[-1][2] = max(out[-1][2], end)
        else:
            out.append([chrom, start, end])
    return [tuple(r) for r in out]


def region_queries(contigs: list[str], targets: list[tuple[str, int, int]],
                   style: str = "bare") -> Iterator[tuple[str, int, int, int]]:
    """How an indexed file is read over the targets (the annotator and the VCF writer both): (contig as the
    index spells it (chr2, 2, NC_000002.12), start, end, skip_to) per merged target region on a contig the
    index has (``style`` names the contig when the index lists none). Regions are merged and disjoint: a
    record also returned by the previous region of its contig starts at or before ``skip_to``; skipping
    exactly those (not records with equal content) keeps identical duplicate records, as streaming does."""
    names = {canonical_chrom(s): s for s in contigs}
    prev_end: dict[str, int] = {}
    for chrom, start, end in merged_regions(targets):
        name = names.get(canonical_chrom(chrom)) or (None if contigs else region_name(chrom, style))
        if name is None:
            continue  # contig absent from the index: nothing to read there
        skip_to = prev_end.get(name, 0)
        prev_end[name] = end
        yield name, start, end, skip_to


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
                if b"\0" in f[0]:
                    _nul_error(path, ln)
                sp = chrom_spans[f[0]] = spans.get(canonical_chrom(f[0].decode("utf-8", errors="replace")))
            if sp is None:
                continue  # no target on this contig
            pos = int(f[1])
            end = pos + (len(f[3]) or 1) - 1
            if f[4][:1] == b"<":
                end = max(end, _info_end(f[4]))  # symbolic allele: htslib's end is INFO/END
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
    """INFO/END from 'ALT\tQUAL\tFILTER\tINFO[\t...]' (0 when absent): the end htslib gives a
    symbolic record, so a <DEL> starting upstream of a gene is read like an indexed query reads it."""
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


def _iter_prefiltered(vi: VcfInput, targets):
    import cyvcf2

    n_cols = 8 if not vi.samples else 9 + len(vi.samples)
    pre = vi.prefiltered = prefilter_lines(
        vi.path, targets, n_columns=n_cols, on_bad_line=lambda ln: (_ for _ in ()).throw(_record_error(vi, ln)))
    header, kept, vi.records_seen = pre.header, pre.kept, pre.records
    vi.record_contigs = [c.decode("utf-8", errors="replace") for c in pre.contigs]
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


def _fmt(rec, key: str, s: int):
    try:
        arr = rec.format(key)
    except (KeyError, Exception):
        return None
    if arr is None:
        return None
    return arr[s]


_MISSING = object()  # a value the file wrote as unreadable text (not a number, not '.')


def _numbers(value) -> list:
    """One FORMAT/INFO value as a list of numbers, None for '.', _MISSING for text that is no number.

    htslib types an undefined tag as a String ("10,5"), a defined one as numbers with its own missing
    and vector-end markers; both come out the same here (what `bcftools query` prints)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        text = value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)
        out: list = []
        for part in text.strip().split(","):
            part = part.strip()
            if part in ("", "."):
                out.append(None)
                continue
            try:
                out.append(float(part))
            except ValueError:
                out.append(_MISSING)
        return [] if out == [None] else out
    items = list(value) if isinstance(value, (tuple, list, np.ndarray)) else [value]
    out = []
    for x in items:
        if isinstance(x, (str, bytes, np.str_, np.bytes_)):
            out.extend(_numbers(x) or [None])
            continue
        if isinstance(x, (int, np.integer)):
            if x == _MISSING_INT + 1:  # vector end: the sample wrote fewer values than the widest one
                break
            out.append(None if x == _MISSING_INT else int(x))
        else:
            fx = float(x)
            out.append(None if np.isnan(fx) else fx)
    return [] if all(v is None for v in out) else out


def _fmt_numbers(rec, key: str, s: int) -> list:
    """FORMAT `key` of sample `s` as numbers ([] when absent or all missing), header or not."""
    try:
        arr = rec.format(key)
    except Exception:  # noqa: BLE001 - cyvcf2 raises plain exceptions for absent/odd tags
        return []
    if arr is None:
        return []
    return _numbers(arr[s])


def _info_numbers(rec, key: str) -> list:
    try:
        v = rec.INFO.get(key)
    except Exception:  # noqa: BLE001
        return []
    if v is None or isinstance(v, bool):
        return []
    return _numbers(v)


def _count(v, flags: list[str], flag: str) -> int | None:
    """A read count: a whole number >= 0, else None with `flag` noted."""
    if v is None:
        return None
    if v is _MISSING or not np.isfinite(v) or v < 0 or v != int(v):
        if flag not in flags:
            flags.append(flag)
        return None
    return int(v)


def _fraction(v, flags: list[str], flag: str) -> float | None:
    """An allele fraction in [0, 1], else None with `flag` noted (AF > 1, negative, inf)."""
    if v is None:
        return None
    if v is _MISSING or not np.isfinite(v) or v < 0 or v > 1:
        if flag not in flags:
            flags.append(flag)
        return None
    return float(v)


def depth_for(vi: VcfInput, rec, s: int | None, alt_index: int, ref: str, alt: str,
              flags: list[str] | None = None) -> dict:
    """alt_index is 1-based (allele number). Returns depth, alt_reads, vaf, depth_source.

    FORMAT tags are read whether or not the header defines them (htslib reads an undefined tag as
    text; so does this). A value that cannot be a count or a fraction (negative DP, AF > 1 or inf,
    AD with more or fewer values than alleles) is not used and named in `flags` (invalid_dp,
    invalid_af, invalid_ad, ad_allele_count_mismatch); the next source the caller wrote is tried."""
    out = {"depth": None, "alt_reads": None, "vaf": None, "depth_source": None}
    flags = flags if flags is not None else []
    n_alleles = 1 + len(rec.ALT or [])
    if s is not None:
        def F(key):
            return _fmt_numbers(rec, key, s)

        dps = F("DP")
        dp = _count(dps[0], flags, "invalid_dp") if dps else None
        afs = F("AF")
        af = _fraction(afs[alt_index - 1], flags, "invalid_af") if len(afs) >= alt_index else None
        ad = [] if vi.varscan else F("AD")
        if ad and len(ad) != n_alleles:
            flags.append("ad_allele_count_mismatch")  # which value is which allele is unknown
            ad = []
        if ad:
            counts = [_count(x, flags, "invalid_ad") for x in ad]
            if "invalid_ad" in flags:
                counts = []
            if counts and counts[alt_index] is not None:
                vals = [v for v in counts if v is not None]
                out["alt_reads"] = counts[alt_index]
                out["depth"] = dp if dp is not None and dp >= sum(vals) else sum(vals)
                out["vaf"] = af if af is not None else (out["alt_reads"] / sum(vals) if sum(vals) else None)
                out["depth_source"] = "FORMAT/AD"
                return out
        if len(ref) == 1 and len(alt) == 1 and alt in "ACGT":
            # Strelka2 somatic SNV: {ACGT}U = (tier1, tier2) counts; tier 1 is what Strelka reports
            tiers = {b: F(f"{b}U") for b in "ACGT"}
            if all(tiers.values()):
                t1 = {b: _count(t[0], flags, "invalid_tier_count") for b, t in tiers.items()}
                alt_n = t1[alt]
                tot = sum(v or 0 for v in t1.values())
                out.update(alt_reads=alt_n, depth=tot, vaf=(alt_n / tot if tot and alt_n is not None else None),
                           depth_source="Strelka2 tier1 {ACGT}U")
                return out
        tir, tar = F("TIR"), F("TAR")
        if tir and tar:
            a, r = _count(tir[0], flags, "invalid_tier_count"), _count(tar[0], flags, "invalid_tier_count")
            if a is not None and r is not None:
                out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                           depth_source="Strelka2 tier1 TIR/TAR")
                return out
        ao, ro = F("AO"), F("RO")
        if ao and ro and len(ao) >= alt_index:
            aos = [_count(x, flags, "invalid_ao") for x in ao]
            r = _count(ro[0], flags, "invalid_ro")
            if r is not None and aos[alt_index - 1] is not None:
                a = aos[alt_index - 1]
                tot = r + sum(x or 0 for x in aos)
                out.update(alt_reads=a, depth=tot, vaf=a / tot if tot else None, depth_source="FreeBayes AO/RO")
                return out
        if vi.varscan:
            vad, rd = F("AD"), F("RD")
            a = _count(vad[0], flags, "invalid_ad") if vad else None
            r = _count(rd[0], flags, "invalid_rd") if rd else None
            if a is not None and r is not None:
                out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                           depth_source="VarScan2 AD/RD")
                return out
        if af is not None:
            out.update(vaf=af, depth=dp, depth_source="FORMAT/AF")
            return out
        out["depth"] = dp
    # INFO fallback
    iaf = _info_numbers(rec, "AF")
    if len(iaf) >= alt_index:
        v = _fraction(iaf[alt_index - 1], flags, "invalid_info_af")
        if v is not None:
            out["vaf"] = v
            out["depth_source"] = out["depth_source"] or "INFO/AF"
    if out["depth"] is None:
        idp = _info_numbers(rec, "DP")
        out["depth"] = _count(idp[0], flags, "invalid_info_dp") if idp else None
    if out["vaf"] is not None and out["depth"] is not None and out["alt_reads"] is None:
        out["alt_reads"] = int(round(out["vaf"] * out["depth"]))
        out["depth_source"] = (out["depth_source"] or "") + " (alt reads = VAF x depth)"
    return out


def _gt_info(rec, s: int) -> tuple[str | None, bool]:
    g = _gt_alleles(rec, s)
    if g is None:
        return None, False
    alleles, phased = g
    return ("|" if phased else "/").join("." if a is None else str(a) for a in alleles), phased


def _gt_alleles(rec, s: int) -> tuple[list[int | None], bool] | None:
    """The sample's GT as allele numbers (None = '.') and phasing, or None when the record has no GT
    (Strelka2 somatic, many sites-only or tier-count callers). Read whether or not ##FORMAT=<ID=GT>
    is declared, as htslib does."""
    try:
        g = rec.genotypes[s]
    except Exception:  # noqa: BLE001 - cyvcf2: "error parsing genotypes" when GT is absent
        return None
    if g is None or len(g) < 2:
        return None
    return [None if a < 0 else int(a) for a in g[:-1]], bool(g[-1])


# genotype_status of a VariantCall (see split_record)
GT_CALLED, GT_NOT_CALLED, GT_ALT_ABSENT = "called", "not_called", "alt_not_in_genotype"


def genotype_status(alleles: list[int | None] | None, alt_index: int) -> str | None:
    """Did the caller call this ALT (1-based allele number) in the tumour sample?

    None: the record gives no GT (nothing to honour; the call stands). `not_called`: GT is missing
    (./., .) or reference only (0/0, 0). `alt_not_in_genotype`: GT calls another ALT of the record.
    Any GT containing the allele (0/1, 1, 1/2, ./1, Mutect2's 0/1/2) is `called`."""
    if alleles is None:
        return None
    called = [a for a in alleles if a is not None]
    if alt_index in called:
        return GT_CALLED
    if not called or all(a == 0 for a in called):
        return GT_NOT_CALLED
    return GT_ALT_ABSENT


def _fmt_str(rec, key: str, s: int, fmt_ids: set[str]) -> str | None:
    # read whether or not the header defines the tag (htslib reads an undefined one as text)
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
    gta = _gt_alleles(rec, s) if s is not None else None
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
        vflags: list[str] = []
        d = depth_for(vi, rec, s, i, tref, talt, vflags) if alt is not None else {}
        call = VariantCall(chrom=rec.CHROM, pos=pos, ref=tref, alt=talt, filter=filt, line=line,
                           record_id=rec.ID, gt=gt, phased=phased, phase_set=ps, pgt=pgt, pid=pid, lps=lps,
                           info=info_keep, orig_pos=rec.POS, orig_ref=ref, orig_alt=alt_s, **d)
        call.genotype_status = genotype_status(gta[0] if gta else None, i)
        call.value_flags = vflags
        call.end = rec.end  # htslib's: INFO/END for symbolic alleles and gVCF blocks
        if vi.normal_index is not None and alt is not None:
            nd = depth_for(vi, rec, vi.normal_index, i, tref, talt, [])
            call.normal_alt_reads, call.normal_depth = nd.get("alt_reads"), nd.get("depth")
        calls.append(call)
    return calls


def _is_plain(allele: str) -> bool:
    return bool(allele) and all(c in "ACGTNacgtn" for c in allele)
