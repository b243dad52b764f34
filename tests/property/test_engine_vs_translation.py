"""A random SNV/MNV/deletion/insertion inside a known CDS, annotated by the engine from its genomic VCF
form, agrees with editing the CDS directly and translating it: same consequence class and protein
position.  Plus-strand (EGFR) and minus-strand (TP53, KRAS, ALK exons 20-28) genes, both builds.

The expectation is computed here from first principles (edit, translate, compare proteins) and does
not reuse the engine's protein code or HGVS formatting.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from alkannot.annotate.engine import annotate_allele
from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp, trim_allele

CODE = {a + b + c: "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"[16 * i + 4 * j + k]
        for i, a in enumerate("TCAG") for j, b in enumerate("TCAG") for k, c in enumerate("TCAG")}
GENES = {"EGFR": None, "TP53": None, "KRAS": None, "ALK": range(20, 29)}  # exon numbers allowed (None: all)
CASES = [(b, g) for b in ("GRCh37", "GRCh38") for g in GENES]
BASES = st.text(alphabet="ACGT", min_size=1, max_size=7)


def protein(cds: str) -> str:
    """Residues up to and including the first stop."""
    out = []
    for i in range(0, len(cds) - 2, 3):
        out.append(CODE.get(cds[i : i + 3], "X"))  # X: a codon the bundle does not know
        if out[-1] == "*":
            break
    return "".join(out)


def expected(cds: str, ca: int, n_del: int, ins: str) -> tuple[str, int]:
    """(consequence class, first affected residue) of replacing cds[ca:ca+n_del] with ins."""
    alt = cds[:ca] + ins + cds[ca + n_del :]
    rp, ap = protein(cds), protein(alt)
    n = 0
    while n < min(len(rp), len(ap)) and rp[n] == ap[n]:
        n += 1
    if (len(ins) - n_del) % 3:
        if ap[n : n + 1] == "*":
            return "stop_gained", n + 1
        # a frameshift that reaches the stop codon first (an insertion 3'-shifted up to it) changes the stop:
        # an extension, p.(Ter<n>Xaaext*?), classed stop_lost (VEP would add frameshift_variant)
        return ("stop_lost" if rp[n : n + 1] == "*" else "frameshift_variant"), n + 1
    if rp == ap:  # only substitutions get here: name the codon of the first base that changed
        first = ca + next(k for k in range(len(ins)) if ins[k] != cds[ca + k])
        return "synonymous_variant", first // 3 + 1
    delta = (len(ins) - n_del) // 3
    if ap.endswith("*") and len(ap) < len(rp) + delta:
        return "stop_gained", n + 1
    m = 0
    while m < len(rp) - n and m < len(ap) - n and rp[-1 - m] == ap[-1 - m]:
        m += 1
    d, i = len(rp) - m - n, len(ap) - m - n
    return ("missense_variant" if d == i else "inframe_insertion" if i > d else "inframe_deletion"), n + 1


def vcf_allele(tx, t0: int, n_del: int, ins: str) -> tuple[int, str, str]:
    """Replace transcript bases [t0, t0+n_del) by `ins` (transcript orientation) -> VCF (pos, ref, alt)."""
    seq = tx.sequence
    if n_del and ins:  # substitution of equal or different length: no anchor needed
        lo, hi = t0, t0 + n_del
        r, a = seq[lo:hi], ins
    else:  # indel: keep one anchor base on the genome's left
        if tx.strand == "+":
            lo, hi = t0 - 1, t0 + n_del
            r, a = seq[lo:hi], seq[t0 - 1] + ins
        else:
            lo, hi = t0, t0 + n_del + 1
            r, a = seq[lo:hi], ins + seq[t0 + n_del]
    if tx.strand == "+":
        return tx.t_to_g(lo), r, a
    return tx.t_to_g(hi - 1), revcomp(r), revcomp(a)


@pytest.mark.parametrize(("build", "gene"), CASES, ids=[f"{b}-{g}" for b, g in CASES])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_engine_matches_edit_and_translate(build, gene, data):
    tx = load_transcripts(build).by_gene(gene)
    cds = tx.cds_seq()
    exons = [n for n in range(1, len(tx.exons) + 1) if GENES[gene] is None or n in GENES[gene]]
    exon = data.draw(st.sampled_from(exons))
    e_lo, e_hi = tx.exon_bounds_t(exon)
    # stay inside the CDS, off the start codon and the last two codons (start/stop changes are other classes)
    lo, hi = max(e_lo + 1, tx.cds_start + 3), min(e_hi - 1, tx.cds_end - 6)
    assume(lo < hi)
    kind = data.draw(st.sampled_from(["snv", "mnv", "del", "ins", "delins"]))
    t0 = data.draw(st.integers(lo, hi))
    if kind == "snv":
        n_del, ins = 1, data.draw(st.sampled_from([b for b in "ACGT" if b != tx.sequence[t0]]))
    elif kind == "mnv":
        n_del = data.draw(st.integers(2, 3))
        ins = data.draw(st.text(alphabet="ACGT", min_size=n_del, max_size=n_del))
    elif kind == "del":
        n_del, ins = data.draw(st.integers(1, 6)), ""
    elif kind == "ins":
        n_del, ins = 0, data.draw(BASES)
    else:
        n_del, ins = data.draw(st.integers(1, 4)), data.draw(BASES)
    # the edit and its anchor must lie in one exon and inside the CDS window
    assume(t0 + n_del <= hi and tx.sequence[t0 : t0 + n_del] != ins)
    # the bundle lacks part of ALK's CDS (outside the kinase domain): the edited codons and the next
    # one must be known, and the first changed residue must be a known one
    ca = t0 - tx.cds_start
    assume("N" not in cds[(ca // 3) * 3 : ((ca + n_del) // 3 + 2) * 3])

    pos, ref, alt = trim_allele(*vcf_allele(tx, t0, n_del, ins))
    ann = annotate_allele(tx, pos, ref, alt)
    want_csq, want_pos = expected(cds, ca, n_del, ins)
    assume(protein(cds)[want_pos - 1 : want_pos] != "X")
    assert ann.status == "annotated", (ann.reason, pos, ref, alt)
    assert ann.ref_check == "match"
    terms = ann.consequence.split("&")
    assert want_csq in terms, (kind, pos, ref, alt, ann.hgvsc, ann.hgvsp, ann.consequence, want_csq)
    if want_csq == "inframe_insertion":
        # an insertion is placed between residues or named as a duplication of the residues before it
        assert want_pos - len(ins) // 3 - 1 <= ann.protein_position <= want_pos, (ann.hgvsp, want_pos)
    else:
        assert ann.protein_position == want_pos, (kind, ann.hgvsc, ann.hgvsp, want_pos)


def test_frameshift_into_the_stop_codon_is_an_extension():
    """Found by the property test above: a 7-base insertion drawn inside TP53's last exon is 3'-shifted (HGVS)
    up to the stop codon, so the first residue it changes is the stop: an extension (stop_lost), not a
    frameshift named at a residue. The oracle and the engine agree on it."""
    tx = load_transcripts("GRCh37").by_gene("TP53")
    assert expected(tx.cds_seq(), 1179, 0, "AACAGAC") == ("stop_lost", 394)
    ann = annotate_allele(tx, 7572934, "G", "GTTGTCTG")
    assert (ann.consequence, ann.hgvsc, ann.hgvsp, ann.protein_position) == (
        "stop_lost", "c.1179_1180insAACAGAC", "p.(Ter394AsnextTer?)", 394)
