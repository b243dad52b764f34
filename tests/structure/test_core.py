"""The bottom layer's contig and sequence helpers (alkannot.core), which every reader relies on."""

from __future__ import annotations

import pytest

from alkannot.core.contigs import canonical_chrom, contig_named
from alkannot.core.sequence import CODON_TABLE, ONE, THREE, three, translate


@pytest.mark.parametrize("names,chrom,want", [
    (["chr1", "chr2"], "2", "chr2"),
    (["1", "2"], "chr2", "2"),
    (["NC_000002.12", "NC_000012.12"], "2", "NC_000002.12"),
    (["chr02"], "chr2", "chr02"),
    (["chrM"], "MT", "chrM"),
    (["1", "3"], "2", None),
    (["chr21"], "2", None),  # a prefix is not the same contig
])
def test_contig_named(names, chrom, want):
    assert contig_named(names, chrom) == want


def test_canonical_names_of_the_accessions():
    assert canonical_chrom("CM000664.2") == "2" and canonical_chrom("NC_000023.11") == "X"
    assert canonical_chrom("J01415.2") == "MT" and canonical_chrom("chrUn_KI270302v1") == "Un_KI270302v1"


def test_amino_acid_tables_agree():
    assert set(CODON_TABLE.values()) <= set(THREE)  # every translated residue has a three-letter code
    assert all(ONE[THREE[a]] == a for a in THREE)
    assert translate("ATGGGAAGGTAA") == "MGR*" and three("GR*") == "GlyArgTer"
