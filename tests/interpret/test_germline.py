"""Germline labels: the curated polymorphism table (checked against the bundled transcript models), the
population-frequency VCF, and the matched normal's precedence."""

from __future__ import annotations

import pytest

from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import CODON_TABLE as _CODE
from alkannot.interpret import germline
from alkannot.interpret.comutations import classify_co_mutations
from alkannot.interpret.ctdna import annotate_ch

TABLE = germline.load_polymorphisms()
COMP = str.maketrans("ACGT", "TGCA")
ONE = {v: k for k, v in {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
                          "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
                          "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V"}.items()}


@pytest.mark.parametrize("entry", TABLE["polymorphisms"], ids=[e["rsid"] for e in TABLE["polymorphisms"]])
@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_every_entry_matches_the_bundled_transcript(entry, build):
    """Position, REF and ALT follow from the codon and the protein change in the bundled MANE model."""
    t = load_transcripts(build).by_gene(entry["gene"])
    assert t.transcript_id.split(".")[0] == entry["transcript"].split(".")[0]
    ref_aa, codon, alt_aa = entry["protein"][0], int(entry["protein"][1:-1]), entry["protein"][-1]
    first = t.cds_start + 3 * (codon - 1)
    seq = t.sequence[first:first + 3]
    assert _CODE[seq] == ref_aa, (seq, entry)
    g = entry[build]
    gpos = [t.t_to_g(first + i) for i in range(3)]
    assert g["pos"] in gpos and str(g["chrom"]) == t.chrom
    i = gpos.index(g["pos"])
    tref = g["ref"] if t.strand == "+" else g["ref"].translate(COMP)
    talt = g["alt"] if t.strand == "+" else g["alt"].translate(COMP)
    assert seq[i] == tref
    assert _CODE[seq[:i] + talt + seq[i + 1:]] == alt_aa
    assert entry["hgvsc"] == f"c.{3 * (codon - 1) + i + 1}{tref}>{talt}"
    assert all(s in TABLE["sources"] for s in entry["sources"])


def _v(**kw):
    base = {"gene": "TP53", "chrom": "chr17", "pos": 7676154, "ref": "G", "alt": "C", "vaf": 0.48, "depth": 500,
            "alt_reads": 240, "filter": "PASS", "status": "annotated", "consequence": "missense_variant",
            "protein_short": "P72R", "protein_position": 72, "transcript": "NM_000546.6",
            "hgvsc": "NM_000546.6:c.215C>G", "normal_alt_reads": None, "normal_depth": None}
    return AnnotatedVariant.from_dict({**base, **kw})


def test_tp53_p72r_is_germline_not_a_co_mutation():
    out = annotate_ch([_v()], "tissue", build="GRCh38")
    assert out[0].ch_status == "germline" and "rs1042522" in out[0].ch_evidence
    assert classify_co_mutations(out, {"build": "GRCh38"}) == []
    assert len(out) == 1  # labelled, not dropped


def test_other_build_position_does_not_match():
    out = annotate_ch([_v()], "tissue", build="GRCh37")
    assert out[0].ch_status is None


def test_clean_deep_normal_overrides_the_table():
    out = annotate_ch([_v(normal_alt_reads=0, normal_depth=400)], "tissue", build="GRCh38")
    assert out[0].ch_status is None and "kept as somatic" in out[0].ch_evidence


def test_normal_depth_without_alt_reads_does_not_clear():
    """A normal whose depth is known but whose alt-read count is not (a column with DP and AF only) has not
    been seen to lack the allele: the germline label stands."""
    out = annotate_ch([_v(normal_alt_reads=None, normal_depth=400)], "tissue", build="GRCh38")
    assert out[0].ch_status == "germline" and "rs1042522" in out[0].ch_evidence


def test_population_af_vcf_labels_common_alleles(tmp_path):
    vcf = tmp_path / "gnomad.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr12,length=133275309>\n"
                   '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "chr12\t100\t.\tA\tG,T\t.\tPASS\tAF=0.002,0.08\n")
    common = _v(gene="KRAS", chrom="12", pos=100, ref="A", alt="T", protein_short="X1Y")
    rare = _v(gene="KRAS", chrom="12", pos=100, ref="A", alt="G", protein_short="X1Z")
    out = annotate_ch([common, rare], "tissue", build="GRCh38", population_af=str(vcf))
    assert out[0].ch_status == "germline" and "population AF 0.08 >= 0.01" in out[0].ch_evidence
    assert out[0].population_af == 0.08
    assert out[1].ch_status is None and out[1].population_af == 0.002


def test_population_af_file_without_af_is_an_error(tmp_path):
    from alkannot.errors import InputError

    vcf = tmp_path / "x.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    with pytest.raises(InputError, match="no INFO/AF"):
        annotate_ch([_v()], "tissue", build="GRCh38", population_af=str(vcf))
