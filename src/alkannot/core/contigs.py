"""Contig naming: one canonical name per chromosome, whatever the file calls it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


@functools.lru_cache(maxsize=4096)
def canonical_chrom(chrom: str) -> str:
    """'chr2' and '2' are the same contig; we store the bare name ('MT' for chrM).

    Accession names of the primary chromosomes (RefSeq NC_000002.11/.12, GenBank CM000664.1/.2,
    NC_012920/J01415 for the mitochondrion) and zero-padded numbers (chr02) are the same contig too.
    Remembered per name (a file has a few contig names, asked for on every record and allele)."""
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    if c in ("M", "m"):
        return "MT"
    if c[:1] == "0" or c[:3] in ("NC_", "CM0", "J01"):
        return _accession_chrom(c)
    return c


def _accession_chrom(c: str) -> str:
    m = re.fullmatch(r"0+([1-9]\d?)", c)
    if m:
        return m.group(1)
    m = re.fullmatch(r"NC_0000(\d\d)\.\d+", c)
    if m and 1 <= int(m.group(1)) <= 24:
        return {23: "X", 24: "Y"}.get(int(m.group(1)), str(int(m.group(1))))
    m = re.fullmatch(r"CM000(\d{3})\.\d+", c)  # GRCh37/38 GenBank: CM000663 = chr1 ... CM000686 = chrY
    if m and 663 <= int(m.group(1)) <= 686:
        n = int(m.group(1)) - 662
        return {23: "X", 24: "Y"}.get(n, str(n))
    if re.fullmatch(r"(NC_012920|J01415)\.\d+", c):
        return "MT"
    return c


def contig_named(names: Iterable[str], chrom: str) -> str | None:
    """A file's own name for ``chrom`` among ``names`` (its header, index or FASTA: chr2, 2, NC_000002.12,
    chrM/MT), or None when it has none."""
    want = canonical_chrom(chrom)
    return next((n for n in names if canonical_chrom(n) == want), None)
