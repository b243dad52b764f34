"""classify_co_mutations classifies each variant as classify_variant alone does (the rules' consequence terms
read where they are, the exons' c. bounds from exon_c_bounds), on many generated variants of the rules' genes
annotated by the engine: near exon edges (MET exon 14 splice sites), in introns, substitutions and indels."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.annotate.engine import annotate_allele
from alkannot.annotate.transcripts import load_transcripts
from alkannot.annotate.variants import variant_record
from alkannot.core.sequence import revcomp
from alkannot.interpret import comutations as C
from alkannot.model import VariantCall

RULES = C.load_co_alterations()
TXS = [t for t in load_transcripts("GRCh38").transcripts if t.gene in RULES["genes"] and t.coding]


SKIPPED = [(t, int(r["exon"])) for t in TXS for r in RULES["genes"][t.gene]["rules"] if r["kind"] == "exon_skipping"]


def _variant(data):
    if SKIPPED and data.draw(st.booleans()):  # often at an exon an exon-skipping rule names
        tx, n = data.draw(st.sampled_from(SKIPPED))
        s, e = tx.exons[n - 1]
    else:
        tx = data.draw(st.sampled_from(TXS))
        s, e = data.draw(st.sampled_from(tx.exons))
    pos = data.draw(st.one_of(st.integers(min_value=s - 25, max_value=s + 3), st.integers(min_value=e - 3, max_value=e + 25),
                              st.integers(min_value=s, max_value=e)))
    t = tx.g_to_t(pos)
    ref = tx.sequence[t] if t is not None else data.draw(st.sampled_from("ACGT"))
    ref = revcomp(ref) if t is not None and tx.strand == "-" else ref
    if ref not in "ACGT":
        ref = "A"
    alt = data.draw(st.one_of(st.sampled_from([b for b in "ACGT" if b != ref]),
                              st.text(alphabet="ACGT", min_size=1, max_size=6).map(lambda x: ref + x)))
    if data.draw(st.booleans()) and len(alt) > 1:
        ref, alt = alt, ref  # a deletion
    call = VariantCall(chrom=tx.chrom, pos=pos, ref=ref, alt=alt, vaf=0.2, depth=100, alt_reads=20)
    ann = annotate_allele(tx, pos, ref, alt)
    return variant_record(call, ann, ann.status, ann.reason, {"PASS"})


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_classified_as_variant_by_variant(data):
    variants = [_variant(data) for _ in range(data.draw(st.integers(min_value=1, max_value=12)))]
    cfg = C._settings({"co_alterations": RULES})
    want = [e for e in (C.classify_variant(v, RULES, cfg["build"]) for v in variants
                        if C.counts_as_somatic_call(v, cfg)[0]) if e is not None]
    assert C.classify_co_mutations(variants, {"co_alterations": RULES}) == want


def test_the_generated_variants_reach_the_exon_and_list_rules():
    """The rules the generated variants are drawn for are there: an exon-skipping rule (MET exon 14), which the
    acceptor's intronic base matches."""
    kinds = {r["kind"] for g in RULES["genes"].values() for r in g["rules"]}
    assert "exon_skipping" in kinds
    met = next(t for t in TXS if t.gene == "MET")
    rule = next(r for r in RULES["genes"]["MET"]["rules"] if r["kind"] == "exon_skipping")
    s, e = met.exons[int(rule["exon"]) - 1]
    pos = s - 1 if met.strand == "+" else e + 1  # the acceptor's intronic base
    ref = "A"
    ann = annotate_allele(met, pos, ref, "G")
    v = variant_record(VariantCall(chrom=met.chrom, pos=pos, ref=ref, alt="G", vaf=0.2), ann, ann.status,
                       ann.reason, {"PASS"})
    assert C._exon_skipping_hit(v, rule, "MET", "GRCh38") is not None
