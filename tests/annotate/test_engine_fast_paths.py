"""The annotator's faster scans give what the former code gave, on many generated inputs.

Each `_former_*` is the implementation it replaced, kept here verbatim as the reference.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.annotate import protein
from alkannot.annotate.protein import (
    _common_suffix,
    _first_diff,
    _last_edited,
    codon_substitution,
    protein_change,
)
from alkannot.annotate.transcripts import Transcript, load_transcripts
from alkannot.core.sequence import translate

SETTINGS = settings(max_examples=500, deadline=None)


def _former_first_diff(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _former_common_suffix(a: str, b: str, limit: int) -> int:
    return _former_first_diff(a[::-1][:limit], b[::-1][:limit]) if limit > 0 else 0


def _former_last_edited(ref_cds: str, alt_cds: str, start: int) -> int:
    last, tail = len(ref_cds) - 1, len(ref_cds) - start - 1
    if tail > 0:
        same = _former_first_diff(alt_cds[: start: -1], ref_cds[: start: -1])
        last = start if same >= tail else last - same
    return last


def _former_exon_number_of_tidx(tx: Transcript, tidx: int) -> int:
    for i, (s, e) in enumerate(tx.exons):
        if tx._exon_offsets[i] <= tidx < tx._exon_offsets[i] + (e - s + 1):
            return i + 1
    raise IndexError(tidx)


seqs = st.text(alphabet="AC*", max_size=60)


@SETTINGS
@given(a=seqs, b=seqs, data=st.data())
def test_first_diff_with_a_known_prefix(a, b, data):
    n = _former_first_diff(a, b)
    lo = data.draw(st.integers(min_value=0, max_value=n))  # any prefix length known to be equal
    assert _first_diff(a, b, lo) == n
    assert _first_diff(a, b) == n


@SETTINGS
@given(a=seqs, b=seqs, limit=st.integers(min_value=-2, max_value=70))
def test_common_suffix(a, b, limit):
    assert _common_suffix(a, b, limit) == _former_common_suffix(a, b, limit)


@SETTINGS
@given(data=st.data())
def test_last_edited(data):
    ref = data.draw(st.text(alphabet="ACGT", min_size=1, max_size=60))
    alt = list(ref)
    for i in data.draw(st.lists(st.integers(min_value=0, max_value=len(ref) - 1), max_size=4)):
        alt[i] = data.draw(st.sampled_from("ACGT"))
    alt = "".join(alt)
    start = data.draw(st.integers(min_value=0, max_value=len(ref) + 2))
    assert _last_edited(ref, alt, start) == _former_last_edited(ref, alt, start)


def _former_protein_change(ref_cds, alt_cds, start):
    """protein_change with the former scans (and no known-prefix hint)."""
    swap = {"_first_diff": lambda a, b, lo=0: _former_first_diff(a, b), "_common_suffix": _former_common_suffix,
            "_last_edited": _former_last_edited}
    saved = {k: getattr(protein, k) for k in swap}
    try:
        for k, f in swap.items():
            setattr(protein, k, f)
        return protein_change(ref_cds, alt_cds, start)
    finally:
        for k, f in saved.items():
            setattr(protein, k, f)


codons = [c for c in (a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT") if translate(c) != "*"]


@settings(max_examples=1500, deadline=None)
@given(body=st.lists(st.sampled_from(codons), min_size=1, max_size=30), stop=st.sampled_from(["TAA", "TGA", "TAG", ""]),
       data=st.data())
def test_protein_change_as_before(body, stop, data):
    """Substitutions, MNVs, insertions, deletions and delins anywhere in a CDS (start and stop codons
    included; a stop-less CDS too): the same ProteinChange as the former scans gave."""
    ref = "ATG" + "".join(body) + stop
    if data.draw(st.booleans()):  # an unknown base somewhere
        i = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
        ref = ref[:i] + "N" + ref[i + 1:]
    a = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
    b = data.draw(st.integers(min_value=a, max_value=min(len(ref), a + 9)))
    ins = data.draw(st.text(alphabet="ACGT", max_size=9))
    alt = ref[:a] + ins + ref[b:]
    if alt == ref:
        return
    assert _outcome(protein_change, ref, alt, a) == _outcome(_former_protein_change, ref, alt, a)


def _outcome(f, *args):
    """f's result, or the type of what it raised (inputs the engine never builds may raise: alike, then)."""
    try:
        return f(*args)
    except Exception as e:  # noqa: BLE001
        return type(e)


def test_exon_number_of_tidx_every_index_of_every_transcript():
    for build in ("GRCh37", "GRCh38"):
        for tx in load_transcripts(build).transcripts:
            for t in (-1, *range(tx.length), tx.length, tx.length + 5):
                try:
                    want = _former_exon_number_of_tidx(tx, t)
                except IndexError:
                    want = IndexError
                try:
                    got = tx.exon_number_of_tidx(t)
                except IndexError:
                    got = IndexError
                assert got == want, (build, tx.gene, t)


def test_cds_seq_follows_a_new_sequence():
    tx = next(t for t in load_transcripts("GRCh38").transcripts if t.coding)
    first = tx.cds_seq()
    assert first == tx.sequence[tx.cds_start: tx.cds_end + 1]
    assert tx.cds_seq() is first  # one string per transcript
    tx.sequence = "A" + tx.sequence[1:] if tx.sequence[0] != "A" else "C" + tx.sequence[1:]
    assert tx.cds_seq() == tx.sequence[tx.cds_start: tx.cds_end + 1]
    tx.cds_end -= 3
    assert tx.cds_seq() == tx.sequence[tx.cds_start: tx.cds_end + 1]


@settings(max_examples=3000, deadline=None)
@given(body=st.lists(st.sampled_from([a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT"]), min_size=1,
                     max_size=25),
       stop=st.sampled_from(["TAA", "TGA", "TAG", "", "TA"]), start=st.sampled_from(["ATG", "CTG"]), data=st.data())
def test_codon_substitution_is_protein_change(body, stop, start, data):
    """Wherever it answers (anything but a sense codon after the first, before the stop, staying sense, is
    left to protein_change), the one-codon path gives protein_change's ProteinChange: internal stops, unknown
    bases, a CDS without a stop or with a partial last codon included."""
    ref = start + "".join(body) + stop
    for _ in range(data.draw(st.integers(min_value=0, max_value=2))):  # unknown bases
        i = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
        ref = ref[:i] + "N" + ref[i + 1:]
    index = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
    base = data.draw(st.sampled_from("ACGTN"))
    if base == ref[index]:
        return
    got = codon_substitution(ref, index, base)
    if got is not None:
        assert got == protein_change(ref, ref[:index] + base + ref[index + 1:], index)


def test_codon_substitution_answers_for_sense_codons():
    """(the test above must not pass by answering None everywhere)"""
    ref = "ATG" + "GGC" * 4 + "TGG" + "TAA"
    assert codon_substitution(ref, 4, "C").short == "G2A"
    assert codon_substitution(ref, 5, "T").short == "G2="
    assert codon_substitution(ref, 1, "C") is None  # start codon
    assert codon_substitution(ref, 16, "A") is None  # TGG -> TAG: a new stop
    assert codon_substitution(ref, 18, "C") is None  # the stop codon
    assert codon_substitution(ref, 4, "N") is None  # an unknown base


@settings(max_examples=500, deadline=None)
@given(a=st.text(alphabet="ACGTNacgtnRX*<>.ß", max_size=8))
def test_only_bases_is_the_set_test(a):
    from alkannot.core.sequence import only_bases

    assert only_bases(a) == (set(a.upper()) <= set("ACGTN"))


@settings(max_examples=300, deadline=None)
@given(base=st.characters())
def test_one_base_complement_is_revcomp(base):
    from alkannot.core.sequence import COMPLEMENT, revcomp

    assert COMPLEMENT.get(base, base) == revcomp(base)


# ---- the substitution path of engine._annotate (no to_interval, the REF check's transcript index reused) ----

from alkannot.annotate import engine  # noqa: E402
from alkannot.annotate.engine import (  # noqa: E402
    REASON_NO_ALT,
    REASON_NO_SEQUENCE,
    REASON_REF_MISMATCH,
    Annotation,
    ProteinEdit,
    _annotate_non_exonic,
    _hgvsc_exonic,
    _near_exon_edge,
    _prefix,
    _shift_3prime,
    revcomp,
    to_interval,
)
from alkannot.core.sequence import COMPLEMENT  # noqa: E402


def _former_annotate(tx: Transcript, pos: int, ref: str, alt: str) -> Annotation:
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

    g0, g1, ins = to_interval(pos, ref, alt)
    if g0 == g1 and not ins:
        ann.status, ann.reason = "not_annotated", REASON_NO_ALT
        return ann

    # Transcript-orientation interval [a, b) and inserted sequence, when fully exonic.
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




def _annotations(tx, pos, ref, alt, former):
    real = engine._annotate
    try:
        if former:
            engine._annotate = _former_annotate
        return _outcome(engine.annotate_allele, tx, pos, ref, alt)
    finally:
        engine._annotate = real


def _some_transcripts():
    ts = load_transcripts("GRCh38").transcripts
    # both strands, coding and not, a model with unknown (N) bases when the bundle has one
    return ts


@settings(max_examples=2000, deadline=None)
@given(data=st.data())
def test_annotate_allele_as_before(data):
    """Every kind of allele (mostly substitutions, the new path) on every bundled model, near exon edges, in
    introns and outside, REF matching or not: the same Annotation as the former engine._annotate gives."""
    ts = _some_transcripts()
    tx = data.draw(st.sampled_from(ts))
    s, e = data.draw(st.sampled_from(tx.exons))
    pos = data.draw(st.one_of(st.integers(min_value=s - 12, max_value=s + 12), st.integers(min_value=e - 12, max_value=e + 12),
                              st.integers(min_value=s, max_value=e), st.integers(min_value=tx.start - 30, max_value=tx.end + 30)))
    n_ref = data.draw(st.sampled_from([1, 1, 1, 1, 2, 3, 5]))
    ref = ""
    for i in range(n_ref):  # the model's own base (read as the genome's) mostly, another now and then
        t = tx.g_to_t(pos + i)
        own = tx.sequence[t] if t is not None else None
        if own is not None and tx.strand == "-":
            own = revcomp(own)
        ref += own if own in tuple("ACGT") and data.draw(st.integers(0, 9)) else data.draw(st.sampled_from("ACGTN"))
    alt = data.draw(st.one_of(st.sampled_from("ACGTN"), st.just(ref), st.just(ref[0]),
                              st.text(alphabet="ACGT", min_size=1, max_size=4).map(lambda x: ref[0] + x)))
    assert _annotations(tx, pos, ref, alt, False) == _annotations(tx, pos, ref, alt, True)


def test_annotate_allele_as_before_every_base_of_a_coding_exon():
    """Every position of one coding exon of every bundled gene, each other base: substitutions exhaustively."""
    for tx in load_transcripts("GRCh38").transcripts:
        if not tx.coding:
            continue
        s, e = tx.exons[min(1, len(tx.exons) - 1)]
        for pos in range(s - 4, min(e, s + 40) + 5):
            t = tx.g_to_t(pos)
            own = tx.sequence[t] if t is not None else "A"
            own = revcomp(own) if tx.strand == "-" and t is not None else own
            for alt in "ACGT":
                assert _annotations(tx, pos, own, alt, False) == _annotations(tx, pos, own, alt, True), (tx.gene, pos)
