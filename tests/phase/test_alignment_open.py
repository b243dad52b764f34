"""alkannot.io.alignment: htslib's stderr captured in a scoped, restored way; build from contig lengths."""

from __future__ import annotations

import os
import subprocess
import sys

from alkannot.io.alignment import build_of_contigs, quiet_htslib

SCRIPT = """
import os
from alkannot.io.alignment import quiet_htslib
with quiet_htslib() as msgs:
    os.write(2, b"[E::hts_open_format] Failed to open file\\n")
os.write(2, b"after\\n")
print(msgs)
"""


def test_quiet_htslib_captures_and_restores_fd2():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert r.stderr == "after\n"
    assert "[E::hts_open_format] Failed to open file" in r.stdout


def test_quiet_htslib_restores_on_exception():
    before = os.fstat(2).st_ino
    try:
        with quiet_htslib():
            raise ValueError("x")
    except ValueError:
        pass
    assert os.fstat(2).st_ino == before


def test_build_from_contig_lengths():
    assert build_of_contigs({"chr2": 242193529}) == "GRCh38"
    assert build_of_contigs({"2": 243199373, "7": 159138663}) == "GRCh37"
    assert build_of_contigs({"chrX": 1000}) is None
    assert build_of_contigs({"chr2": 242193529, "chr7": 159138663}) is None  # mixed: no claim
