"""--reference: a genome FASTA lets the engine annotate where the bundled sequence is unknown (ALK
outside exons 20-28), and a FASTA that disagrees with the bundled bases is refused."""

from __future__ import annotations

import pysam
import pytest

from alkannot.annotate.transcripts import load_transcripts
from alkannot.annotate.variants import annotate_vcf
from alkannot.core.sequence import revcomp
from alkannot.errors import InputError


def _fasta(tmp_path, mutate_known=False):
    """chr2 up to the end of ALK: the bundled sequence where known; elsewhere in ALK's CDS a stop-free
    made-up codon (GCT = Ala) so translation is defined; introns N."""
    tx = load_transcripts("GRCh38").by_gene("ALK")
    seq = bytearray(b"N" * (tx.end + 10))
    tseq = list(tx.sequence)
    for i, b in enumerate(tseq):
        if b == "N":
            if tx.cds_start <= i <= tx.cds_end:
                tseq[i] = "GCT"[(i - tx.cds_start) % 3]
            else:
                tseq[i] = "A"
    if mutate_known:
        k = tx.cds_start + 3603  # c.3604, known in the bundle
        tseq[k] = "C" if tseq[k] != "C" else "T"
    for i, b in enumerate(tseq):
        g = tx.t_to_g(i)
        seq[g - 1] = ord(revcomp(b))
    path = tmp_path / "chr2.fa"
    with open(path, "w") as fh:
        fh.write(">chr2\n")
        for i in range(0, len(seq), 80):
            fh.write(seq[i : i + 80].decode() + "\n")
    pysam.faidx(str(path))
    return tx, path


def _vcf(tmp_path, tx):
    g = tx.t_to_g(tx.cds_start + 1000)  # c.1001, codon 334 (made-up GCT -> 'C' is the middle base)
    ref = revcomp("C")
    alt = revcomp("A")  # GCT -> GAT: Ala334Asp
    p = tmp_path / "in.vcf"
    p.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                 f"chr2\t{g}\t.\t{ref}\t{alt}\t.\tPASS\t.\n")
    return p


def test_without_reference_not_annotated(tmp_path):
    tx = load_transcripts("GRCh38").by_gene("ALK")
    v = annotate_vcf(str(_vcf(tmp_path, tx)), "GRCh38").variants[0]
    assert (v.status, v.reason) == ("not_annotated", "reference_sequence_not_available")


def test_with_reference_annotated(tmp_path):
    tx, fa = _fasta(tmp_path)
    v = annotate_vcf(str(_vcf(tmp_path, tx)), "GRCh38", reference=str(fa)).variants[0]
    assert (v.status, v.hgvsc, v.hgvsp, v.ref_check) == \
        ("annotated", "c.1001C>A", "p.(Ala334Asp)", "match")
    assert v.alk_kinase_domain is False


def test_reference_disagreeing_with_bundle_is_refused(tmp_path):
    tx, fa = _fasta(tmp_path, mutate_known=True)
    with pytest.raises(InputError, match="disagrees with the bundled"):
        annotate_vcf(str(_vcf(tmp_path, tx)), "GRCh38", reference=str(fa))
