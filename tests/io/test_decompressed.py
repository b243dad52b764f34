"""io.vcf.files reads a file's bytes the same way whichever decompressor there is: bgzip on the other core, or
Python's gzip module when the PATH has neither bgzip nor gzip; a plain file as it is."""

from __future__ import annotations

import gzip

import pysam
import pytest

from alkannot.io.vcf import files

LINES = [b"##fileformat=VCFv4.2\n", b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"] + [
    f"chr2\t{29220000 + i}\t.\tC\tT\t.\tPASS\t.\n".encode() for i in range(5000)]


@pytest.fixture(params=["decompressor", "gzip module"])
def mode(request, monkeypatch):
    if request.param == "gzip module":
        monkeypatch.setattr(files, "_decompressor_cmd", lambda: None)
    elif files._decompressor_cmd() is None:
        pytest.skip("neither bgzip nor gzip on PATH")
    return request.param


@pytest.mark.parametrize("kind", ["plain", "bgzf", "gzip"])
def test_lines_and_blocks_are_the_file_bytes(tmp_path, mode, kind):
    plain = tmp_path / "in.vcf"
    plain.write_bytes(b"".join(LINES))
    path = plain
    if kind == "bgzf":
        path = tmp_path / "in.vcf.gz"
        pysam.tabix_compress(str(plain), str(path))
    elif kind == "gzip":
        path = tmp_path / "in.gz"
        path.write_bytes(gzip.compress(plain.read_bytes()))
    assert list(files.text_lines(str(path))) == LINES
    assert b"".join(files.text_blocks(str(path), size=4096)) == b"".join(LINES)
    assert files.header_columns(str(path)) == 8


def test_truncated_gzip_raises(tmp_path, mode):
    path = tmp_path / "cut.vcf.gz"
    data = gzip.compress(b"".join(LINES))
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises((EOFError, OSError)):
        list(files.text_lines(str(path)))
