"""VCF allele trimming: idempotent, never empties an allele, keeps the length change and the edit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.annotate.engine import to_interval
from alkannot.core.sequence import trim_allele

ALLELE = st.text(alphabet="ACGT", min_size=1, max_size=12)


def _apply(genome: str, pos: int, ref: str, alt: str) -> str:
    assert genome[pos - 1 : pos - 1 + len(ref)] == ref
    return genome[: pos - 1] + alt + genome[pos - 1 + len(ref) :]


@settings(max_examples=200, deadline=None)
@given(left=st.text(alphabet="ACGT", max_size=5), ref=ALLELE, alt=ALLELE, right=st.text(alphabet="ACGT", max_size=5))
def test_trim_is_idempotent_and_keeps_the_edit(left, ref, alt, right):
    genome = left + ref + right
    pos = len(left) + 1
    p, r, a = trim_allele(pos, ref, alt)
    assert trim_allele(p, r, a) == (p, r, a)
    assert r and a
    assert len(r) - len(a) == len(ref) - len(alt)
    assert pos <= p <= pos + len(ref) - 1
    # the trimmed allele describes the same change of the sequence
    assert _apply(genome, p, r, a) == _apply(genome, pos, ref, alt)
    # and the 0-based interval form agrees with it
    s0, e0, ins = to_interval(p, r, a)
    assert genome[:s0] + ins + genome[e0:] == _apply(genome, pos, ref, alt)
