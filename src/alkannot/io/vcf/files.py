"""The file itself: readable, compressed how, indexed or not (the one definition: is_indexed), its lines."""

from __future__ import annotations

import contextlib
import functools
import gzip
import os
import shutil
import struct
import zlib
from collections.abc import Iterator

from alkannot.errors import InputError


def check_readable(path: str) -> None:
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
    bin_head = struct.Struct("<IQi" if csi else "<Ii")  # bin, [loffset,] n_chunk
    pseudo_chunks = struct.Struct("<4Q")
    int32 = struct.Struct("<i")
    unpack_bin, unpack_int = bin_head.unpack_from, int32.unpack_from
    for _ in range(n_ref):
        n_bin, = unpack_int(data, pos)
        pos += 4
        for _ in range(n_bin):
            head = unpack_bin(data, pos)
            pos += bin_head.size
            n_chunk = head[-1]
            if head[0] == pseudo and n_chunk >= 2:  # (first, last record offsets), (mapped, unmapped counts)
                _, end, mapped, unmapped = pseudo_chunks.unpack_from(data, pos)
                if mapped + unmapped:
                    last = max(last or 0, end)
            pos += 16 * n_chunk
        if not csi:
            n_intv, = unpack_int(data, pos)
            pos += 4 + 8 * n_intv
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
                has_record = any(not ln.startswith(b"#") and ln.strip() for ln in text_lines(path))
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


@contextlib.contextmanager
def _decompressed(path: str, *, bufsize: int = -1, wide_pipe: bool = False):
    """A binary stream of the file's bytes, gzip/BGZF decompressed: by a decompressor process on the other
    core when there is one (a streamed multi-million-record VCF then costs about half as much as with the
    gzip module), else by the gzip module; a plain file as it is. Leaving the block early (the caller
    stopped, or raised) stops the process; a decompressor that failed raises EOFError once the stream was
    read to its end."""
    with open(path, "rb") as fh:  # the sniffing handle is the stream itself unless a decompressor runs
        gz = fh.read(2) == b"\x1f\x8b"
        tool = _decompressor_cmd() if gz else None
        if tool is None:
            fh.seek(0)
            if not gz:
                yield fh
                return
            with gzip.GzipFile(fileobj=fh, mode="rb") as stream:
                yield stream
            return
    import subprocess  # here: only an unindexed compressed input needs it (~1.5 ms of every start-up otherwise)

    proc = subprocess.Popen([*tool, path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=bufsize)
    if wide_pipe:
        _widen_pipe(proc.stdout)
    try:
        yield proc.stdout
    except BaseException:
        proc.kill()
        proc.stdout.close()
        proc.wait()
        raise
    proc.stdout.close()
    rc = proc.wait()
    if rc != 0:
        raise EOFError(f"{tool[0]} could not decompress it (exit {rc})")


def text_lines(path: str) -> Iterator[bytes]:
    """The file's lines as bytes, decompressing gzip/BGZF (raises EOFError/OSError when truncated)."""
    with _decompressed(path, bufsize=1 << 20) as fh:
        yield from fh


def text_blocks(path: str, size: int = 1 << 18) -> Iterator[bytes]:
    """The file's bytes in blocks of `size` (the last shorter; lines cut anywhere), decompressed as
    text_lines does (same decompressor, same EOFError/OSError when truncated). The decompressor writes into
    a 1 MB pipe, so it runs ahead of the scan by several blocks."""
    with _decompressed(path, bufsize=0, wide_pipe=True) as fh:
        while block := _read_block(fh, size):
            yield block


def _widen_pipe(stream) -> None:
    """A 1 MB pipe (Linux; the default is 64 kB): the decompressor keeps working while a block is scanned."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):  # not Linux, or not allowed: the default pipe, a little slower
        pass


def _read_block(stream, size: int) -> bytes:
    """Up to `size` bytes from a binary stream (fewer only at its end)."""
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = stream.readinto(view[got:])
        if not n:
            break
        got += n
    view.release()
    del buf[got:]
    return bytes(buf)


def header_columns(path: str) -> int | None:
    """Columns of the text VCF's #CHROM line (every record is checked against it); None without one."""
    for raw in text_lines(path):
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
        first = next(text_lines(path), b"")
    except (OSError, EOFError):
        return False
    return first.startswith(b"BCF")
