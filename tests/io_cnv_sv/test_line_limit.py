"""Tables are streamed, so their size is free; one line is bounded, so a newline-free or binary file given as a
table stops with one line instead of being read into a single multi-gigabyte string."""

from __future__ import annotations

import pytest

from alkannot.annotate import maf_input
from alkannot.errors import InputError
from alkannot.io import cnv, textfile
from alkannot.io.sv import read_fusions


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(textfile, "MAX_LINE_CHARS", 200)


def test_copy_number_table_with_an_endless_line_is_one_error(tmp_path, small_limit):
    p = tmp_path / "sample.cns"
    p.write_text("chromosome\tstart\tend\tgene\tlog2\n" + "chr7\t1\t2\tMET\t" + "9" * 5000 + "\n")
    with pytest.raises(InputError, match=r"longer than 200 characters") as e:
        cnv.read_segments(str(p))
    assert e.value.line == 2


def test_fusion_table_header_longer_than_the_limit(tmp_path, small_limit):
    p = tmp_path / "fusions.tsv"
    p.write_text("#gene1\tgene2" + "\tx" * 500 + "\n")
    with pytest.raises(InputError, match=r"longer than 200 characters"):
        read_fusions(str(p), "GRCh38")


def test_maf_row_longer_than_the_limit(tmp_path, small_limit):
    p = tmp_path / "calls.maf"
    p.write_text("Hugo_Symbol\tChromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\n"
                 "ALK\tchr2\t" + "1" * 5000 + "\tC\tT\n")
    with pytest.raises(InputError, match=r"longer than 200 characters") as e:
        list(maf_input._rows(p))
    assert e.value.line == 2


def test_lines_within_the_limit_are_read_unchanged(tmp_path):
    p = tmp_path / "t.tsv"
    p.write_text("a\tb\n1\t2\n")
    with textfile.open_text(p) as fh:
        assert list(textfile.numbered_lines(fh, p)) == [(1, "a\tb\n"), (2, "1\t2\n")]
