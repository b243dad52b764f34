"""Contig naming: one canonical name per chromosome, whatever the file calls it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from alkannot.errors import InputError

# Lengths that tell the two builds apart from a header (##contig, SAM @SQ): chr2 (ALK, EML4) and chr7 (MET)
BUILD_CONTIG_LENGTHS = {"GRCh37": {"2": 243199373, "7": 159138663},
                        "GRCh38": {"2": 242193529, "7": 159345973}}


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


def build_of_lengths(lengths: Mapping[str, int]) -> tuple[str, str, int] | None:
    """(build, contig, its length) when a header's contig lengths name a build (`BUILD_CONTIG_LENGTHS`):
    the first of chr2, chr7 whose length is one build's; None when neither says."""
    by_name = {canonical_chrom(c): n for c, n in lengths.items()}
    for contig in ("2", "7"):
        for build, known in BUILD_CONTIG_LENGTHS.items():
            if by_name.get(contig) == known[contig]:
                return build, contig, known[contig]
    return None


def vcf_header_lengths(header_text: str) -> dict[str, int]:
    """Contig -> length of a VCF header's ``##contig=<ID=..,length=..>`` lines."""
    out = {}
    for m in re.finditer(r"^##contig=<ID=([^,>]+)[^>]*?,length=(\d+)", header_text, re.MULTILINE):
        out[m.group(1)] = int(m.group(2))
    return out


def sam_header_lengths(lines: Iterable[str]) -> dict[str, int]:
    """Contig -> length of SAM-style ``@SQ SN:.. LN:..`` header lines (GATK's copy-number tables)."""
    out = {}
    for line in lines:
        if line.startswith("@SQ\t"):
            f = dict(x.split(":", 1) for x in line.split("\t")[1:] if ":" in x)
            if "SN" in f and f.get("LN", "").isdigit():
                out[f["SN"]] = int(f["LN"])
    return out


def check_declared_build(lengths: Mapping[str, int], build: str | None, path, what: str) -> None:
    """InputError when a file's header declares contig lengths of the other build than the sample's."""
    found = build_of_lengths(lengths) if build else None
    if found is not None and found[0] != build:
        declared, contig, length = found
        raise InputError(f"{what} is {declared} (its header gives chr{contig} length {length:,}) but the sample "
                         f"is {build}", path=str(path),
                         fix=f"give the {what} made on {build} (the same reference as the sample's VCF)")
