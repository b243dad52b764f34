"""Annotations already in the VCF (VEP CSQ, SnpEff ANN, bcftools BCSQ) are compared, never trusted."""

from __future__ import annotations

import pytest

from alkannot.annotate.variants import annotate_vcf

HEAD = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|SYMBOL|Feature|HGVSc|HGVSp">
##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p'">
##INFO=<ID=BCSQ,Number=.,Type=String,Description="Local consequence annotation from BCFtools/csq. Format: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO
"""

CASES = [
    # (INFO, expected [(tool, theirs, agrees)])
    ("CSQ=T|missense_variant|ALK|ENST00000389048.8|c.3604G>A|ENSP00000373700.3:p.Gly1202Arg",
     [("VEP", "G1202R", True)]),
    ("CSQ=T|missense_variant|ALK|NM_004304.4|c.3604G>A|NP_004295.2:p.Gly1202Trp",
     [("VEP", "G1202W", False)]),
    ("ANN=T|missense_variant|MODERATE|ALK|ALK|transcript|NM_004304.5|protein_coding|23/29|c.3604G>A|p.Gly1202Arg",
     [("SnpEff", "G1202R", True)]),
    ("BCSQ=missense|ALK|ENST00000389048|protein_coding|-|1202G>1202R|29220747C>T", [("bcftools csq", "G1202R", True)]),
    # another transcript of the gene is not compared
    ("CSQ=T|missense_variant|ALK|ENST00000431873|c.100G>A|ENSP1:p.Gly34Arg", []),
]


@pytest.mark.parametrize("info,expected", CASES)
def test_external_annotation_compared(tmp_path, info, expected):
    p = tmp_path / "ext.vcf"
    p.write_text(HEAD + f"chr2\t29220747\t.\tC\tT\t.\tPASS\t{info}\n")
    v = annotate_vcf(str(p), "GRCh38").variants[0]
    assert v.protein_short == "G1202R"
    got = [(e["tool"], e["hgvsp_short"], e["agrees"]) for e in v.external_annotations or []]
    assert got == expected
    assert ("external_annotation_disagrees" in v.flags) == any(not a for *_, a in expected)
