"""Small BAMs built read by read in tests (pysam writes and indexes them)."""

from __future__ import annotations

from pathlib import Path

import pysam

CHR2_LEN_GRCH38 = 242_193_529


def chr2_header(length: int = CHR2_LEN_GRCH38) -> pysam.AlignmentHeader:
    """A coordinate-sorted header with one contig, chr2 (GRCh38 length by default)."""
    return pysam.AlignmentHeader.from_dict({"HD": {"VN": "1.6", "SO": "coordinate"},
                                            "SQ": [{"SN": "chr2", "LN": length}]})


def write_indexed_bam(path: Path, header: pysam.AlignmentHeader, reads: list[pysam.AlignedSegment]) -> Path:
    """Write the reads sorted by start and index the BAM."""
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for r in sorted(reads, key=lambda r: r.reference_start):
            out.write(r)
    pysam.index(str(path))
    return path
