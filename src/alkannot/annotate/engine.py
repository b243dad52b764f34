"""Genomic variant -> transcript -> protein, on either strand.

One entry point, `annotate_allele`, takes a trimmed VCF allele and one transcript and returns an
`Annotation`: HGVS c./p., the short protein form, SO consequence terms, exon/intron numbers, and
whether REF agreed with the transcript sequence.  Anything that cannot be computed from the bundled
model (unknown sequence, REF mismatch, an edit across a splice junction into unknown territory) is
returned with `status="not_annotated"` and a reason, never guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from sys import intern

from alkannot.annotate.protein import ProteinEdit, codon_substitution, protein_change
from alkannot.annotate.transcripts import CodingPosition, Transcript
from alkannot.core.sequence import COMPLEMENT, revcomp

# Sequence Ontology splice_region_variant: 1-3 exonic bases or 3-8 intronic bases from an exon boundary
# (the definition Ensembl VEP uses)
SPLICE_REGION_EXONIC = 3
SPLICE_REGION_INTRONIC = 8

# Reasons a record is listed but not annotated (keys of accounting.not_annotated).
REASON_REF_MISMATCH = "ref_mismatch"
REASON_NO_SEQUENCE = "reference_sequence_not_available"
REASON_SYMBOLIC = "symbolic_or_breakend_allele"
REASON_SPANNING = "spanning_deletion_allele"
REASON_NO_ALT = "no_alt_allele"
REASON_NO_CDS = "coding_sequence_not_available"
# the tumour sample's GT does not call the allele (0/0, ./., or GT names another ALT of the record)
REASON_GT_NOT_CALLED = "genotype_not_called"
REASON_ALT_NOT_IN_GT = "alt_not_in_genotype"


@dataclass
class Annotation:
    """One allele against one transcript: HGVS c./p., consequence, the REF check and, when it cannot be
    annotated, `status`/`reason` saying why (the allele is listed, never dropped)."""

    gene: str
    transcript: str
    status: str = "annotated"
    reason: str | None = None
    hgvsc: str | None = None
    coding_span: tuple[CodingPosition, CodingPosition] | None = None  # hgvsc's 5' and 3' positions
    hgvsp: str | None = None
    protein_short: str | None = None
    protein_edit: ProteinEdit | None = None  # the change hgvsp/protein_short are formatted from
    protein_position: int | None = None
    protein_end: int | None = None
    consequence: str | None = None
    exon: str | None = None
    exon_number: int | None = None  # the exon's number, as `exon` ("3/29") writes it
    intron: str | None = None
    ref_check: str = "not_checked"  # "match" | "mismatch" | "not_checked" (sequence unknown)
    flags: list[str] = field(default_factory=list)
    # transcript-space edit, used to combine same-codon changes
    t_start: int | None = None
    t_end: int | None = None
    t_alt: str | None = None


def to_interval(pos: int, ref: str, alt: str) -> tuple[int, int, str]:
    """VCF allele -> 0-based half-open genomic interval replaced by `alt` (no anchor bases)."""
    p, r, a = pos, ref, alt
    while r and a and r[0] == a[0]:
        r, a, p = r[1:], a[1:], p + 1
    while r and a and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    start0 = p - 1
    return start0, start0 + len(r), a


# ---------------------------------------------------------------------------------------------
# c. positions
# ---------------------------------------------------------------------------------------------

def _cpos_genomic(tx: Transcript, gpos: int) -> CodingPosition:
    t = tx.g_to_t(gpos)
    if t is not None:
        return tx.c_position(t)
    anc = tx.intron_anchor(gpos)
    if anc is None:
        # outside the transcript: HGVS uses c.-N for upstream, c.*N for downstream
        if (gpos < tx.start) == (tx.strand == "+"):
            d = (tx.start - gpos) if tx.strand == "+" else (gpos - tx.end)
            first = tx.c_position(0)
            return CodingPosition("", first.pos, -d) if first.region != "-" else CodingPosition("-", first.pos + d)
        d = (gpos - tx.end) if tx.strand == "+" else (tx.start - gpos)
        last = tx.c_position(tx.length - 1)
        return CodingPosition("", last.pos, d) if last.region != "*" else CodingPosition("*", last.pos + d)
    _, tidx, off = anc
    base = tx.c_position(tidx)
    return CodingPosition(base.region, base.pos, off)


def _prefix(tx: Transcript) -> str:
    return "c." if tx.coding else "n."


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------

def annotate_allele(tx: Transcript, pos: int, ref: str, alt: str) -> Annotation:
    """Annotate one (trimmed) VCF allele against one transcript."""
    ann = _annotate(tx, pos, ref, alt)
    if not tx.coding:
        ann.coding_span = None  # n. numbering: no c. positions
    if tx.coding or ann.status != "annotated":
        return ann
    # An exon-only model (the gene codes for a protein, but its CDS bounds are not bundled): n.
    # positions would pass it off as a non-coding transcript, so none is given; an exonic change
    # cannot be described at all, while splice-site and intronic consequences still hold.
    ann.hgvsc = ann.coding_span = None
    if ann.exon is not None or "spans_exon_intron_boundary" in ann.flags:
        ann.status, ann.reason, ann.consequence = "not_annotated", REASON_NO_CDS, None
    else:
        ann.flags.append("no_cds_model")
    return ann


def _annotate(tx: Transcript, pos: int, ref: str, alt: str) -> Annotation:
    ann = Annotation(gene=tx.gene, transcript=tx.transcript_id)
    # REF check over every REF base whose sequence we know.
    checked = mism = 0
    plus = tx.strand == "+"
    for i, base in enumerate(ref):
        t = tx.g_to_t(pos + i)
        if t is None:
            continue
        known = tx.sequence[t]
        if known == "N":
            continue
        checked += 1
        expect = base if plus else COMPLEMENT.get(base, base)  # (revcomp of one base)
        mism += known != expect
    if checked:
        ann.ref_check = "mismatch" if mism else "match"
    if mism:
        ann.status, ann.reason = "not_annotated", REASON_REF_MISMATCH
        return ann

    # Transcript-orientation interval [a, b) and inserted sequence, when fully exonic.
    substitution = len(ref) == 1 and len(alt) == 1 and ref != alt  # (most calls)
    if substitution:
        # what to_interval and the general case below give for one base: the REF base itself, whose
        # transcript index `t` the REF check has just computed (its one pass)
        g0, g1, ins = pos - 1, pos, alt
        exonic = t is not None
        if exonic:
            a, b = t, t + 1
    else:
        g0, g1, ins = to_interval(pos, ref, alt)
        if g0 == g1 and not ins:
            ann.status, ann.reason = "not_annotated", REASON_NO_ALT
            return ann
        if g1 > g0:
            ta = tx.g_to_t(g0 + 1)
            tb = ta if g1 == g0 + 1 else tx.g_to_t(g1)
            exonic = ta is not None and tb is not None and abs(tb - ta) == g1 - g0 - 1
            if exonic:
                a, b = (ta, tb + 1) if tx.strand == "+" else (tb, ta + 1)
        else:
            # insertion between genomic bases g0 and g0+1 (1-based): both must be exonic and adjacent
            left, right = tx.g_to_t(g0), tx.g_to_t(g0 + 1)
            exonic = left is not None and right is not None and abs(left - right) == 1
            if exonic:
                a = b = max(left, right)
    t_ins = ins if tx.strand == "+" else revcomp(ins)

    if not exonic:
        ref_bases = ref[g0 - (pos - 1) : g1 - (pos - 1)]
        return _annotate_non_exonic(tx, ann, g0, g1, ref_bases, ins)

    # ---- exonic -------------------------------------------------------------------------------
    seq = tx.sequence
    # Shift only within the exon: across a junction it would name a different genomic change.
    exon_no = tx.exon_number_of_tidx(a)  # an insertion's flanks are adjacent, so in one exon
    if not substitution:  # (a substitution never shifts)
        a, b, t_ins = _shift_3prime(seq, a, b, t_ins, limit=tx.exon_bounds_t(exon_no)[1] + 1)
    ann.t_start, ann.t_end, ann.t_alt = a, b, t_ins
    ann.exon_number = exon_no
    ann.exon = f"{exon_no}/{len(tx.exons)}"
    text, ann.coding_span = _hgvsc_exonic(tx, a, b, t_ins)
    ann.hgvsc = _prefix(tx) + text
    csqs = []
    if tx.coding and b > tx.cds_start and a <= tx.cds_end and not (a == b and (a == tx.cds_start)):
        inside = a >= tx.cds_start and b <= tx.cds_end + 1
        if not inside:
            csqs.append("coding_sequence_variant")
            ann.hgvsp = "p.?"
            ann.protein_short = "?"
            ann.protein_edit = ProteinEdit("unknown")
            ann.flags.append("partly_outside_cds")
        else:
            cds = tx.cds_seq()
            ca, cb = a - tx.cds_start, b - tx.cds_start
            # bases needed: from the edited codon to the end (frameshifts read on); require the
            # edited codons themselves to be known
            c0, c1 = (ca // 3) * 3, ((max(cb, ca + 1) + 2) // 3) * 3
            if "N" in cds[c0:c1]:
                ann.status, ann.reason = "not_annotated", REASON_NO_SEQUENCE
                ann.hgvsp = None
                return ann
            # a base substitution in a sense codon: from that codon (None: anything else, from both proteins)
            pc = codon_substitution(cds, ca, t_ins) if cb - ca == 1 and len(t_ins) == 1 else None
            if pc is None:
                pc = protein_change(cds, cds[:ca] + t_ins + cds[cb:], ca)
            if pc.unknown_sequence and pc.hgvsp == "p.?":
                ann.status, ann.reason = "not_annotated", REASON_NO_SEQUENCE
                return ann
            ann.hgvsp, ann.protein_short, ann.protein_position = pc.hgvsp, pc.short, pc.position
            ann.protein_edit = pc.edit
            ann.protein_end = pc.end_position
            if pc.unknown_sequence:
                ann.flags.append("protein_extends_into_unknown_sequence")
            csqs.append(pc.consequence)
    elif tx.coding:
        csqs.append("5_prime_UTR_variant" if a < tx.cds_start or (a == b == tx.cds_start)
                    else "3_prime_UTR_variant")
    else:
        csqs.append("non_coding_transcript_exon_variant")
    if _near_exon_edge(tx, a, b):
        csqs.append("splice_region_variant")
    ann.consequence = "&".join(csqs)
    return ann


def _near_exon_edge(tx: Transcript, a: int, b: int) -> bool:
    """Exonic edit within SPLICE_REGION_EXONIC bases of an internal exon boundary.

    Only exons whose transcript span (Transcript.exon_bounds_t) reaches within SPLICE_REGION_EXONIC of the edit
    can qualify: the scan starts at the exon holding ``lo - SPLICE_REGION_EXONIC`` (a bisect of the exon
    offsets) and stops past ``hi + SPLICE_REGION_EXONIC``."""
    lo, hi = a, max(b - 1, a)
    offsets, exons = tx._exon_offsets, tx.exons
    last = len(exons) - 1
    for i in range(max(bisect_right(offsets, lo - SPLICE_REGION_EXONIC) - 1, 0), last + 1):
        s = offsets[i]
        if s > hi + SPLICE_REGION_EXONIC:
            break
        e = s + (exons[i][1] - exons[i][0])
        if i > 0 and lo < s + SPLICE_REGION_EXONIC and hi >= s:
            return True
        if i < last and hi > e - SPLICE_REGION_EXONIC and lo <= e:
            return True
    return False


def _shift_3prime(seq: str, a: int, b: int, ins: str, limit: int) -> tuple[int, int, str]:
    """HGVS 3' rule in transcript orientation for pure deletions and insertions, up to transcript
    index `limit` (exclusive: the exon end) and only over known sequence."""
    if a == b and ins:
        while a < limit and seq[a] != "N" and seq[a] == ins[0]:
            ins = ins[1:] + ins[0]
            a += 1
            b += 1
        return a, b, ins
    if not ins and b > a:
        while b < limit and seq[b] != "N" and seq[b] == seq[a]:
            a += 1
            b += 1
    return a, b, ins


def _hgvsc_exonic(tx: Transcript, a: int, b: int, ins: str) -> tuple[str, tuple[CodingPosition, CodingPosition]]:
    """The c. text (without ``c.``) and its first and last positions (each position computed once)."""
    seq = tx.sequence
    cp = tx.c_position
    if a == b:  # insertion before index a
        k = len(ins)
        if a - k >= 0 and seq[a - k : a] == ins:
            last = cp(a - 1)
            if k == 1:
                return f"{last}dup", (last, last)
            first = cp(a - k)
            return f"{first}_{last}dup", (first, last)
        left, right = cp(a - 1), cp(a)
        return f"{left}_{right}ins{ins}", (left, right)
    first = cp(a)
    last = first if b - a == 1 else cp(b - 1)
    span = (first, last)
    rng = f"{first}" if b - a == 1 else f"{first}_{last}"
    if not ins:
        return f"{rng}del", span
    if b - a == 1 and len(ins) == 1:
        return f"{rng}{seq[a]}>{ins}", span
    return f"{rng}delins{ins}", span


def _annotate_non_exonic(tx: Transcript, ann: Annotation, g0: int, g1: int, ref_bases: str,
                         ins: str) -> Annotation:
    """Intronic, splice-site, boundary-spanning or flanking changes: positions from coordinates."""
    # Genomic ends in transcript orientation (5' first)
    if g1 > g0:
        lo, hi = g0 + 1, g1
    else:
        lo, hi = g0, g0 + 1  # insertion: flanking bases
    five, three_ = (lo, hi) if tx.strand == "+" else (hi, lo)
    p5 = _cpos_genomic(tx, five)
    p3 = p5 if three_ == five else _cpos_genomic(tx, three_)
    ann.coding_span = (p5, p5) if g1 - g0 == 1 else (p5, p3)
    t_ins = ins if tx.strand == "+" else revcomp(ins)
    if g1 == g0:
        ann.hgvsc = f"{_prefix(tx)}{p5}_{p3}ins{t_ins}"
    elif g1 - g0 == 1 and len(ins) == 1:
        # SNV outside the exons: REF comes from the VCF (intron sequence is not bundled)
        r = ref_bases if tx.strand == "+" else revcomp(ref_bases)
        ann.hgvsc = f"{_prefix(tx)}{p5}{r}>{t_ins}"
    else:
        rng = p5 if g1 - g0 == 1 else f"{p5}_{p3}"
        ann.hgvsc = f"{_prefix(tx)}{rng}{'delins' + t_ins if ins else 'del'}"
        if not ins and tx.strand == "+":
            # VCF left-alignment is 5' on a plus-strand transcript; without intron sequence we
            # cannot apply the HGVS 3' rule here
            ann.flags.append("not_3prime_shifted")

    # Consequences from the intronic offsets of every affected position.
    terms: list[str] = []
    positions = range(lo, hi + 1)
    exonic_hit = False
    introns = set()
    for g in positions:
        t = tx.g_to_t(g)
        if t is not None:
            exonic_hit = True
            continue
        anc = tx.intron_anchor(g)
        if anc is None:
            terms.append("upstream_gene_variant" if (g < tx.start) == (tx.strand == "+") else
                         "downstream_gene_variant")
            continue
        intron_no, _, off = anc
        introns.add(intron_no)
        if g1 == g0 and abs(off) == 1:
            # an insertion next to the exon does not change the +1/+2 or -1/-2 bases themselves;
            # it still sits in the splice region
            terms.append("splice_region_variant")
        elif off in (1, 2):
            terms.append("splice_donor_variant")
        elif off in (-1, -2):
            terms.append("splice_acceptor_variant")
        elif abs(off) <= SPLICE_REGION_INTRONIC:
            terms.append("splice_region_variant")
        else:
            terms.append("intron_variant")
    if exonic_hit:
        terms.append("coding_sequence_variant" if tx.coding else "non_coding_transcript_exon_variant")
        ann.flags.append("spans_exon_intron_boundary")
        ann.hgvsp = "p.?"
        ann.protein_short = "?"
        ann.protein_edit = ProteinEdit("unknown")
    order = ["splice_acceptor_variant", "splice_donor_variant", "coding_sequence_variant",
             "non_coding_transcript_exon_variant", "splice_region_variant", "intron_variant",
             "upstream_gene_variant", "downstream_gene_variant"]
    uniq = [t for t in order if t in terms]
    if "splice_region_variant" in uniq and "intron_variant" not in uniq and not exonic_hit:
        uniq.append("intron_variant")
    if any(t in uniq for t in ("splice_acceptor_variant", "splice_donor_variant")) and "intron_variant" in uniq:
        uniq.remove("intron_variant")
    ann.consequence = intern("&".join(uniq))  # (few distinct values over many variants: one string each)
    if introns:
        ann.intron = intern(f"{min(introns)}/{len(tx.exons) - 1}" if len(introns) == 1 else
                            f"{min(introns)}-{max(introns)}/{len(tx.exons) - 1}")
    if tx.coding and any(t in uniq for t in ("splice_acceptor_variant", "splice_donor_variant")):
        ann.hgvsp = "p.?"  # effect on the protein cannot be predicted from the sequence
        ann.protein_short = None
        ann.protein_edit = ProteinEdit("unknown")
    return ann

