"""Genome <-> transcript <-> CDS coordinate mapping: round trips on both strands, every bundled transcript."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.annotate.transcripts import load_transcripts

TRANSCRIPTS = [(b, t) for b in ("GRCh37", "GRCh38") for t in load_transcripts(b).transcripts]
IDS = [f"{b}-{t.gene}" for b, t in TRANSCRIPTS]
SETTINGS = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(("build", "tx"), TRANSCRIPTS, ids=IDS)
@SETTINGS
@given(frac=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_transcript_index_round_trip(build, tx, frac):
    t = int(frac * tx.length)
    g = tx.t_to_g(t)
    assert tx.start <= g <= tx.end
    assert tx.g_to_t(g) == t
    # neighbours in one exon are neighbours on the genome, in the strand's direction
    if t + 1 < tx.length and tx.exon_number_of_tidx(t) == tx.exon_number_of_tidx(t + 1):
        assert tx.t_to_g(t + 1) - g == (1 if tx.strand == "+" else -1)


@pytest.mark.parametrize(("build", "tx"), TRANSCRIPTS, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_genomic_position_round_trip(build, tx, data):
    g = data.draw(st.integers(min_value=tx.start - 50, max_value=tx.end + 50))
    t = tx.g_to_t(g)
    if t is None:
        # intronic or outside: not in any exon; an intronic base has an anchor in an adjacent exon
        assert tx.exon_index_of(g) is None
        anc = tx.intron_anchor(g)
        if tx.start <= g <= tx.end:
            assert anc is not None
            intron, tidx, off = anc
            assert 1 <= intron <= len(tx.exons) - 1 and off != 0
            # walking `off` bases back towards the exon in transcript orientation reaches the anchor
            step = 1 if tx.strand == "+" else -1
            assert tx.t_to_g(tidx) == g - off * step
        else:
            assert anc is None
    else:
        assert 0 <= t < tx.length
        assert tx.t_to_g(t) == g
        assert tx.exon_index_of(g) + 1 == tx.exon_number_of_tidx(t)


@pytest.mark.parametrize(("build", "tx"), [x for x in TRANSCRIPTS if x[1].coding], ids=lambda x: getattr(x, "gene", x))
@SETTINGS
@given(frac=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_cds_position_round_trip(build, tx, frac):
    """c.N <-> transcript index <-> genome, and codon N is residue ceil(N/3)."""
    n_cds = tx.cds_end - tx.cds_start + 1
    assert n_cds % 3 == 0
    c = int(frac * n_cds) + 1  # c.1 .. c.n_cds
    t = tx.cds_start + c - 1
    assert tx.c_pos(t) == str(c)
    assert tx.g_to_t(tx.t_to_g(t)) == t
    assert tx.cds_seq()[c - 1] == tx.sequence[t]
