"""Two SNVs in one codon change one residue when they are on one haplotype (bcftools csq semantics):
G1202 is GGA (c.3604-3606); c.3604G>A alone is G1202R (AGA), c.3605G>A alone G1202E (GAA), both AAA = K."""

from __future__ import annotations

import pytest

from alkannot.annotate.variants import annotate_vcf
from alkannot.interpret.alk import alk_mutations

HEAD = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO	FORMAT	T
"""

CASES = [
    # (GT/PS of c.3605G>A at 29220746, GT/PS of c.3604G>A at 29220747, shorts, flag)
    ("0|1:100", "0|1:100", ["G1202K", "G1202K"], "combined_same_codon"),
    ("0|1:100", "1|0:100", ["G1202E", "G1202R"], "same_codon_trans"),
    ("0/1:.", "0/1:.", ["G1202E", "G1202R"], "same_codon_unphased"),
]


@pytest.mark.parametrize("a,b,shorts,flag", CASES)
def test_same_codon(tmp_path, a, b, shorts, flag):
    p = tmp_path / "codon.vcf"
    p.write_text(HEAD + f"chr2\t29220746\t.\tC\tT\t.\tPASS\t.\tGT:PS:AD\t{a}:50,50\n"
                        f"chr2\t29220747\t.\tC\tT\t.\tPASS\t.\tGT:PS:AD\t{b}:50,50\n")
    res = annotate_vcf(str(p), "GRCh38")
    assert [v.protein_short for v in res.variants] == shorts
    assert all(flag in v.flags for v in res.variants)
    if flag == "combined_same_codon":
        assert res.variants[0].hgvsp == "p.(Gly1202Lys)"
        assert alk_mutations(res.variants) == ["G1202K"]
    else:
        assert sorted(alk_mutations(res.variants)) == ["G1202E", "G1202R"]
