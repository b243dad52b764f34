"""Opening a VCF/BCF (tumour/normal choice, header facts) and iterating its records in the targets,
by region when indexed, else through the prefilter; htslib's messages are silenced while reading and
quoted when a record fails."""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.io.alignment import quiet_htslib
from alkannot.io.htslib import LOG_ERROR, cyvcf2_log_level
from alkannot.io.vcf.files import check_readable, is_indexed, text_lines
from alkannot.io.vcf.header import dropped_meta_lines, header_definitions, scan_header
from alkannot.io.vcf.prefilter import prefilter_lines, write_subset
from alkannot.io.vcf.records import check_record
from alkannot.io.vcf.source import CHR2_LENGTH, VcfInput
from alkannot.io.vcf.tags import resolve_vaf_tags, unnamed_convention_hint
from alkannot.io.vcf.targets import region_queries


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


def open_vcf(path: str, *, tumor_sample: str | None = None, normal_sample: str | None = None,
             tumor_af_tag: str | None = None, tumor_dp_tag: str | None = None, normal_af_tag: str | None = None,
             normal_dp_tag: str | None = None) -> VcfInput:
    """The file opened with its header facts; ``tumor_af_tag``/``tumor_dp_tag`` (``normal_*``): the tags holding
    the tumour's (the matched normal's) allele fraction and depth when the caller's standard ones do not
    (io.vcf.tags), checked against the header."""
    import cyvcf2

    path = str(path)
    check_readable(path)
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
        meta_warnings.extend(dropped_meta_lines(header_text, header_lines, meta_warnings))
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
    # the definitions (Number, Type) only when a tag is named: most samples name none
    declared = header_definitions(vcf) if any((tumor_af_tag, tumor_dp_tag, normal_af_tag, normal_dp_tag)) else {}
    tags = resolve_vaf_tags(tumor_af_tag, tumor_dp_tag, declared, has_column=bool(samples), path=path,
                            line=n_header)
    normal_tags = resolve_vaf_tags(normal_af_tag, normal_dp_tag, declared, who="normal",
                                   has_column=n_idx is not None, path=path, line=n_header)
    for who, named in (("tumor", tags), ("normal", normal_tags)):
        hint = None if named is not None else unnamed_convention_hint(info_ids, who)
        if hint:
            meta_warnings.append(hint)
    return VcfInput(path=path, vcf=vcf, samples=samples, tumor_index=t_idx, normal_index=n_idx, indexed=indexed,
                    contig_style=style, header_build=header_build, n_header_lines=n_header,
                    format_ids=fmt_ids, info_ids=info_ids, varscan=varscan, header_text=header_text,
                    warnings=meta_warnings, contig_names=seqnames, raw_header=raw, vaf_tags=tags,
                    normal_tags=normal_tags)


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


def _iter_prefiltered(vi: VcfInput, targets):
    import cyvcf2

    n_cols = 8 if not vi.samples else 9 + len(vi.samples)
    pre = vi.prefiltered = prefilter_lines(
        vi.path, targets, n_columns=n_cols, on_bad_line=lambda ln: (_ for _ in ()).throw(_record_error(vi, ln)))
    header, kept, vi.records_seen = pre.header, pre.kept, pre.records
    vi.record_contigs = [c.decode("utf-8", errors="replace") for c in pre.contigs]
    if not kept:
        return
    with subset_path(header, kept) as sub:
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


SMALL_SUBSET = 4 << 20  # bytes of header and kept lines that subset_path may hold in memory


@contextmanager
def subset_path(header: list[bytes], kept: list[tuple[int, bytes]]) -> Iterator[str]:
    """A path htslib opens to parse the kept lines under the file's header (the same bytes either way).

    htslib parses the kept lines from a file of their own. Up to SMALL_SUBSET bytes (a panel's target
    lines) that file is an anonymous in-memory one (Linux memfd, opened by htslib through /proc/self/fd like
    any path): creating, writing and removing a file in the temporary folder cost ~0.25 ms of a panel
    sample on this machine's file system. Larger subsets, and systems without memfd, use one temporary
    file (not a temporary folder holding it: creating and removing a folder costs ~1 ms per sample on some
    file systems)."""
    fd = _memfd(header, kept)
    if fd is not None:
        try:
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    fd, sub = tempfile.mkstemp(prefix="alkannot-", suffix=".targets.vcf")
    try:
        os.close(fd)
        write_subset(sub, header, kept)
        yield sub
    finally:
        os.unlink(sub)


def _memfd(header: list[bytes], kept: list[tuple[int, bytes]]) -> int | None:
    """An in-memory file holding the header and kept lines (its descriptor: the caller closes it), or None
    when they are larger than SMALL_SUBSET or the system has no memfd / /proc/self/fd."""
    if not hasattr(os, "memfd_create") or not os.path.isdir("/proc/self/fd"):
        return None
    if sum(map(len, header)) + sum(len(line) for _, line in kept) > SMALL_SUBSET:
        return None
    try:
        fd = os.memfd_create("alkannot-targets", os.MFD_CLOEXEC)
    except OSError:  # (e.g. refused by a sandbox): the temporary file
        return None
    try:
        with open(fd, "wb", closefd=False) as fh:
            fh.writelines(header)
            fh.writelines(line for _, line in kept)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _raw_line(path: str, line: int) -> str | None:
    for ln, raw in enumerate(text_lines(path), 1):
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
