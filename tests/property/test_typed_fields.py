"""The typed values downstream code reads agree with the text written beside them, for any allele the
engine annotates (exonic, intronic, splice, UTR, flanking; both strands, both builds):

* ``coding_span`` is hgvsc's first and last position: ``str()`` writes them as hgvsc does, and the
  CDS-numbered span the co-alteration rules compare equals what reading the c. text back gives (the
  regex this replaced in interpret/comutations.py, kept here as the reference);
* ``exon_number`` is the number ``exon`` writes ("3/29" -> 3);
* ``ProteinEdit.residue`` is the first number of ``protein_short`` (what verdicts and phasing order by);
* the form compared with the caller's own annotation is ``protein_short`` cut after ``fs``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.annotate.engine import annotate_allele
from alkannot.annotate.external import _comparable
from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import trim_allele
from alkannot.interpret.comutations import _coding_span

GENES = ("ALK", "MET", "EGFR", "TP53", "KRAS")
CASES = [(b, g) for b in ("GRCh37", "GRCh38") for g in GENES]
_HGVSC = re.compile(r"c\.(\d+)([+-]\d+)?(?:_(\d+)([+-]\d+)?)?")


def read_back(hgvsc: str | None):
    """The c. span as interpret/comutations.py used to read it out of the text."""
    if not hgvsc:
        return None
    m = _HGVSC.search(hgvsc.split(":")[-1])
    if not m:
        return None
    a = (int(m.group(1)), int(m.group(2) or 0))
    b = (int(m.group(3)), int(m.group(4) or 0)) if m.group(3) else a
    return min(a, b), max(a, b)


class _V:  # the two fields _coding_span reads
    def __init__(self, ann):
        self.coding_span = ann.coding_span


@pytest.mark.parametrize(("build", "gene"), CASES, ids=[f"{b}-{g}" for b, g in CASES])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_typed_fields_match_their_text(build, gene, data):
    tx = load_transcripts(build).by_gene(gene)
    # near an exon boundary most of the time (splice sites, introns), anywhere in or around the gene otherwise
    exon = data.draw(st.integers(1, len(tx.exons)))
    s, e = tx.exons[exon - 1]
    pos = data.draw(st.one_of(st.integers(s - 12, s + 12), st.integers(e - 12, e + 12),
                              st.integers(tx.start - 60, tx.end + 60)))
    n_ref = data.draw(st.integers(1, 5))
    ref = data.draw(st.text(alphabet="ACGT", min_size=n_ref, max_size=n_ref))
    alt = data.draw(st.one_of(st.text(alphabet="ACGT", min_size=1, max_size=6), st.just(ref[0])))
    if alt == ref:
        return
    p, r, a = trim_allele(pos, ref, alt)
    ann = annotate_allele(tx, p, r, a)
    if ann.hgvsc is None:
        assert ann.coding_span is None
    else:
        first, last = ann.coding_span
        assert ann.hgvsc.startswith(f"c.{first}"), (ann.hgvsc, first, last)
        if "_" in ann.hgvsc:
            assert f"_{last}" in ann.hgvsc, (ann.hgvsc, first, last)
    assert _coding_span(_V(ann)) == read_back(ann.hgvsc), (ann.hgvsc, ann.coding_span)
    if ann.exon is not None:
        assert ann.exon_number == int(ann.exon.split("/")[0])
    else:
        assert ann.exon_number is None
    if ann.protein_short is not None and ann.protein_edit is not None:
        m = re.search(r"\d+", ann.protein_short)
        assert ann.protein_edit.residue == (int(m.group()) if m else None), ann.protein_short
        assert _comparable(ann.protein_edit) == re.sub(r"fs.*", "fs", ann.protein_short), ann.protein_short
