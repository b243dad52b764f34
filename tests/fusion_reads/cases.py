"""Simulated ALK rearrangements and what the read-based detector must report for each.

expected: None = no call; else name, variant, exons, partner breakpoint exactness and source.
Breakpoints are checked against the simulated truth (ALK within 3 bases; partner within 3 bases when
exact, within one fragment length from mates).
"""

from __future__ import annotations

from fusion_reads.simulate import Case

KIF5B_GRCH38 = 32030000  # inside KIF5B (chr10, minus strand), resources/fusion_genes.yaml span
KIF5B_GRCH37 = 32318900

CASES = [
    Case("v1", partner_intron=13,
         expected={"name": "EML4-ALK", "variant": "v1", "exons": "E13;A20", "partner_source": "supplementary alignments"}),
    Case("v2", partner_intron=20,
         expected={"name": "EML4-ALK", "variant": "v2", "exons": "E20;A20", "partner_source": "supplementary alignments"}),
    Case("v3", partner_intron=6,
         expected={"name": "EML4-ALK", "variant": "v3a/b", "exons": "E6;A20", "partner_source": "supplementary alignments"}),
    Case("v5a_grch37_nochr", partner_intron=2, build="GRCh37", chr_prefix=False,
         expected={"name": "EML4-ALK", "variant": "v5a", "exons": "E2;A20", "partner_source": "supplementary alignments"}),
    # partner on the minus strand: its 5' part is the right side of the break
    Case("kif5b", partner="KIF5B", partner_chrom="10", partner_pos=KIF5B_GRCH38, partner_side="right",
         partner_intron=None,
         expected={"name": "KIF5B-ALK", "variant": None, "exons": "KIF5B:?;ALK:exon 20",
                   "partner_source": "supplementary alignments"}),
    Case("kif5b_grch37", partner="KIF5B", partner_chrom="10", partner_pos=KIF5B_GRCH37, partner_side="right",
         partner_intron=None, build="GRCh37",
         expected={"name": "KIF5B-ALK", "variant": None, "exons": "KIF5B:?;ALK:exon 20",
                   "partner_source": "supplementary alignments"}),
    # the reciprocal junction (ALK 5' part kept): evidence of the rearrangement, not the driver junction
    Case("reciprocal", alk_side="right", partner_side="right", partner_intron=13,
         expected={"name": "ALK-EML4", "variant": None, "exons": "ALK:exon 19;EML4:exon 14",
                   "partner_source": "supplementary alignments"}),
    # ALK-only capture, aligner wrote no supplementary alignments: partner from mate positions
    Case("alk_only_mates", partner_intron=13, sa=False, alk_only=True,
         expected={"name": "EML4-ALK", "variant": "v1", "exons": "E13;A20", "partner_source": "mate positions"}),
    # ALK-only capture with SA tags: partner from the supplementary alignments
    Case("alk_only_sa", partner_intron=6, alk_only=True,
         expected={"name": "EML4-ALK", "variant": "v3a/b", "exons": "E6;A20",
                   "partner_source": "supplementary alignments"}),
    # supplementary alignments hard-clipped (bwa mem default): the ALK part is often the supplementary record
    Case("v2_hard_clipped", partner_intron=20, hard_clip=True,
         expected={"name": "EML4-ALK", "variant": "v2", "exons": "E20;A20", "partner_source": "supplementary alignments"}),
    # `bwa mem -M`: the split hit is flagged secondary (with an SA tag), not supplementary
    Case("v1_bwa_M", partner_intron=13, split_secondary=True,
         expected={"name": "EML4-ALK", "variant": "v1", "exons": "E13;A20", "partner_source": "supplementary alignments"}),
    # negatives
    Case("low_support", fusion=2, expected=None),
    Case("duplicates_only", fusion=1, dups=15, expected=None),
    Case("low_mapq", fusion=20, mapq=5, expected=None),
    Case("no_fusion", fusion=0, expected=None),
    # a library chimera: ALK joined to a locus in no known partner gene, pairs and clipped reads only
    Case("chimera_unknown_partner", partner_chrom="2", partner_pos=190907360, partner_intron=None, sa=False,
         fusion=30, expected=None),
]
