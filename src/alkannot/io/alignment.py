"""Opening BAM/CRAM files: the one place that does it (phasing, hotspot depth), so every failure is one line.

htslib writes its own diagnostics (`[E::hts_open_format] ...`, `[E::idx_find_and_load] ...`, "Closing failed")
straight to file descriptor 2. ``quiet_htslib`` captures that descriptor for the duration of a call and
restores it afterwards (scoped, nothing global left behind); the captured text is folded into our one-line
error instead of reaching the user raw.

``open_alignment`` checks, before htslib is asked anything it would complain about:
- the file exists, is not a directory, and its magic bytes say BAM or CRAM (a CRAM named `.bam` is detected
  and needs its reference like any CRAM; a garbage file is refused);
- a CRAM has a reference FASTA (htslib would otherwise try to download one; we never use the network);
- the index exists and is not older than the file, and after opening it answers a query on the file's own
  first contig (an index made for another BAM fails here);
- optionally, the contig set matches the VCF's build (``check_build``): a GRCh37 BAM with a GRCh38 VCF
  is one error, not 0x at every hotspot.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError

# chromosome 2 length per build (both UCSC and Ensembl naming), enough to tell the builds apart
CHR_LENGTHS = {
    "GRCh37": {"1": 249250621, "2": 243199373, "7": 159138663, "17": 81195210},
    "GRCh38": {"1": 248956422, "2": 242193529, "7": 159345973, "17": 83257441},
}


@contextmanager
def quiet_htslib() -> Iterator[list[str]]:
    """Capture what htslib prints on fd 2 during the block (yields a list that receives the text)."""
    captured: list[str] = []
    try:
        import pysam

        old_verbosity = pysam.set_verbosity(0)
    except Exception:  # pragma: no cover - pysam always present
        pysam, old_verbosity = None, None
    try:
        sys.stderr.flush()
    except Exception:  # pragma: no cover
        pass
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield captured
        finally:
            try:
                sys.stderr.flush()
            except Exception:  # pragma: no cover
                pass
            os.dup2(saved, 2)
            os.close(saved)
            if pysam is not None and old_verbosity is not None:
                pysam.set_verbosity(old_verbosity)
            tmp.seek(0)
            text = tmp.read(65536).decode("utf-8", errors="replace")
            captured.extend(ln.strip() for ln in text.splitlines() if ln.strip())


def excluded_read(read, min_mapq: int, *, unmapped: bool = False, secondary: bool = False,
                  supplementary: bool = False) -> str | None:
    """Why an alignment record does not count (None: it counts): unmapped, secondary and supplementary
    records unless allowed, then duplicates, QC failures and mapping quality below ``min_mapq``."""
    if read.is_unmapped and not unmapped:
        return "unmapped"
    if read.is_secondary and not secondary:
        return "secondary"
    if read.is_supplementary and not supplementary:
        return "supplementary"
    if read.is_duplicate:
        return "duplicate"
    if read.is_qcfail:
        return "qcfail"
    if read.mapping_quality < min_mapq:
        return "low_mapq"
    return None


def _htslib_reason(lines: list[str]) -> str:
    """The first htslib message, without its `[E::function]` prefix."""
    for ln in lines:
        if ln.startswith("[E::") or ln.startswith("[W::"):
            return ln.split("]", 1)[-1].strip()
    return lines[0] if lines else ""


def sniff_alignment(path: str) -> str:
    """'BAM', 'CRAM' or 'SAM' from the file's magic bytes; InputError otherwise."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
            if head[:2] == b"\x1f\x8b":
                fh.seek(0)
                try:
                    with gzip.GzipFile(fileobj=fh) as gz:
                        inner = gz.read(4)
                except (OSError, EOFError):
                    inner = b""
                if inner == b"BAM\x01":
                    return "BAM"
                raise InputError("not a BAM file (gzip-compressed, but not BAM)", path=path,
                                 fix="give the BAM/CRAM alignment (samtools view -b to convert SAM)")
    except IsADirectoryError:
        raise InputError("is a directory, not a BAM/CRAM file", path=path, fix="give the alignment file") from None
    except OSError as e:
        raise InputError(f"cannot read alignment file ({e.strerror})", path=path, fix="check the file") from None
    if head == b"CRAM":
        return "CRAM"
    if head[:1] == b"@":
        return "SAM"
    if not head:
        raise InputError("alignment file is empty", path=path, fix="give the BAM/CRAM (the upstream step failed?)")
    raise InputError("not a BAM or CRAM file (unrecognised content)", path=path,
                     fix="give a BAM or CRAM alignment with its index")


def _index_path(path: str, kind: str) -> str | None:
    exts = (".crai",) if kind == "CRAM" else (".bai", ".csi")
    stem = os.path.splitext(path)[0]
    for cand in [path + e for e in exts] + [stem + e for e in exts]:
        if os.path.exists(cand):
            return cand
    return None


def build_of_contigs(lengths: dict[str, int]) -> str | None:
    """'GRCh37'/'GRCh38' when the header's chr1/2/7/17 lengths match one build, else None."""
    canon = {canonical_chrom(n): ln for n, ln in lengths.items()}
    for build, want in CHR_LENGTHS.items():
        shared = [c for c in want if c in canon]
        if shared and all(canon[c] == want[c] for c in shared):
            return build
    return None


def check_alignment_build(af, build: str | None, path: str) -> None:
    """InputError when the alignment's contig lengths say another build than the VCF's."""
    if not build:
        return
    lengths = dict(zip(af.references, af.lengths))
    got = build_of_contigs(lengths)
    if got is not None and got != build:
        raise InputError(f"alignment is on {got} (contig lengths) but the VCF is {build}", path=path,
                         fix="give the BAM/CRAM aligned to the same genome build as the VCF")
    canon = {canonical_chrom(n) for n in lengths}
    if got is None and not canon & set(CHR_LENGTHS[build]):
        raise InputError(f"alignment header names none of chromosomes 1, 2, 7, 17 (contigs: "
                         f"{', '.join(list(lengths)[:5]) or 'none'})", path=path,
                         fix=f"give a BAM/CRAM aligned to {build}")


def open_alignment(alignment, reference: str | None = None, *, build: str | None = None):
    """Open an indexed BAM/CRAM (pysam.AlignmentFile); InputError with a fix for the usual mistakes."""
    import pysam

    path = str(alignment)
    if not os.path.exists(path):
        raise InputError("alignment file not found", path=path, fix="check the BAM/CRAM path in the sample sheet")
    if path.lower().endswith(".cram") and not reference:
        raise InputError("a CRAM needs its reference FASTA", path=path,
                         fix="pass the genome FASTA with --reference (sheet column 'reference')")
    kind = sniff_alignment(path)
    if kind == "SAM":
        raise InputError("alignment is uncompressed SAM text", path=path,
                         fix="convert and index it: samtools sort -o x.bam FILE && samtools index x.bam")
    if kind == "CRAM" and not reference:
        named = "" if path.lower().endswith(".cram") else " (the file is CRAM although it is named like a BAM)"
        # Without a FASTA htslib would try to download the reference, which we never do at run time.
        raise InputError(f"a CRAM needs its reference FASTA{named}", path=path,
                         fix="pass the genome FASTA with --reference (sheet column 'reference')")
    if reference and not os.path.exists(str(reference)):
        raise InputError("reference FASTA not found", path=str(reference), fix="check the reference path")
    idx = _index_path(path, kind)
    if idx is None:
        raise InputError("alignment file has no index", path=path, fix="run 'samtools index' on it")
    if os.path.getmtime(idx) < os.path.getmtime(path) - 1:
        raise InputError(f"index {os.path.basename(idx)} is older than the alignment, so it may not describe it",
                         path=path, fix="re-index it: samtools index FILE")
    env_ref = {}
    if kind == "CRAM":  # never fetch a reference from the network (EBI) when the FASTA lacks a contig
        env_ref = {"REF_PATH": ":", "REF_CACHE": ""}
    saved_env = {k: os.environ.get(k) for k in env_ref}
    os.environ.update(env_ref)
    try:
        with quiet_htslib() as msgs:
            try:
                af = pysam.AlignmentFile(path, "rc" if kind == "CRAM" else "rb",
                                         reference_filename=str(reference) if reference else None)
                err = None
            except (ValueError, OSError) as exc:
                af, err = None, exc
        if af is None:
            why = _htslib_reason(msgs) or str(err)
            raise InputError(f"cannot read the {kind}: {why}", path=path,
                             fix="check it with 'samtools quickcheck'; give a BAM or CRAM with its index")
        _probe_index(af, path, kind)
        check_alignment_build(af, build, path)
        return af
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _first_mapped_read(af):
    """The first mapped read in file order (streamed, without the index), or None."""
    for i, read in enumerate(af.fetch(until_eof=True)):
        if not read.is_unmapped and read.reference_id >= 0:
            return read
        if i > 10000:
            return None
    return None


def _probe_index(af, path: str, kind: str) -> None:
    """An index made for another file is caught here: the first mapped read of the file (streamed) must be
    found again through the index at its own position."""
    why = None
    with quiet_htslib() as msgs:
        ok = af.has_index()
        if ok and af.references:
            try:
                first = _first_mapped_read(af)
                if first is not None:
                    contig, start = first.reference_name, first.reference_start
                    found = any(r.query_name == first.query_name and r.reference_start == start
                                and r.flag == first.flag
                                for r in af.fetch(contig, start, start + 1))
                    if not found:
                        why = f"the first read, {first.query_name} at {contig}:{start + 1}, is not found through it"
            except (ValueError, OSError) as exc:
                why = str(exc)
    if not ok:
        with quiet_htslib():
            af.close()
        raise InputError("alignment file has no usable index", path=path, fix="run 'samtools index' on it")
    errors = [m for m in msgs if m.startswith("[E::")]
    if why is not None or errors:
        with quiet_htslib():
            try:
                af.close()
            except Exception:
                pass
        why = why if why and not errors else _htslib_reason(errors)
        raise InputError(f"the {kind} index does not describe this file ({why})", path=path,
                         fix="re-index it: samtools index FILE")
