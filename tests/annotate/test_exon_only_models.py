"""Genes bundled with exons only (RB1, NF2, MYC, FGFR2, MAP2K1): an exonic change cannot be described
without the CDS and is listed with that reason; a splice-site change still gets its consequence."""

from __future__ import annotations

import pytest

from alkannot.annotate.engine import annotate_allele
from alkannot.annotate.transcripts import load_transcripts


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
@pytest.mark.parametrize("gene", ["RB1", "NF2", "MAP2K1"])
def test_exon_only_model(build, gene):
    tx = load_transcripts(build).by_gene(gene)
    assert not tx.coding
    s, e = tx.exons[2]  # exon 3, transcript order
    mid = (s + e) // 2
    exonic = annotate_allele(tx, mid, "A", "G")
    assert (exonic.status, exonic.reason, exonic.hgvsc, exonic.exon) == \
        ("not_annotated", "coding_sequence_not_available", None, f"3/{len(tx.exons)}")
    # first intron base after exon 3 in transcript orientation: donor +1
    donor = e + 1 if tx.strand == "+" else s - 1
    splice = annotate_allele(tx, donor, "A", "G")
    assert (splice.status, splice.consequence, splice.hgvsc) == ("annotated", "splice_donor_variant", None)
    assert "no_cds_model" in splice.flags
