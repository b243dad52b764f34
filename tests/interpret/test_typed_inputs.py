"""Verdicts, phasing and CIViC matching read the typed ALK mutation (name, residue, missense residue),
never the name's digits: a residue that disagrees with the name decides the order, and strings are refused."""

from __future__ import annotations

import pytest
from helpers.alk import alk

from alkannot.annotate.protein import ProteinEdit
from alkannot.annotate.record import AnnotatedVariant
from alkannot.errors import InputError
from alkannot.interpret import civic as C
from alkannot.interpret.alk import AlkMutation, alk_mutation_records
from alkannot.interpret.verdicts import _components, evaluate
from alkannot.phase import compound


def test_components_follow_the_residue_not_the_name():
    cis = [{"mutations": ["G1202R", "L1196M"], "phase": "cis"}]
    assert _components(["G1202R", "L1196M"], cis, False, {"G1202R": 1202, "L1196M": 1196}) == [["L1196M", "G1202R"]]
    # residues swapped: the order follows them (no number is read out of the names)
    assert _components(["G1202R", "L1196M"], cis, False, {"G1202R": 1, "L1196M": 2}) == [["G1202R", "L1196M"]]
    # unnumbered (None) sorts last, by name
    assert _components(["B", "A", "C"], [{"mutations": ["A", "B", "C"], "phase": "cis"}], False,
                       {"A": None, "B": None, "C": 5}) == [["C", "A", "B"]]


def test_phasing_orders_by_the_residue(monkeypatch):
    seen = []

    def fake_pair(m1, m2, **_):
        seen.append((m1["protein_short"], m2["protein_short"]))
        return {"mutations": [m1["protein_short"], m2["protein_short"]], "phase": "trans", "method": "vcf",
                "evidence": {"confidence": 0.9, "confidence_label": "high", "explanation": "test"}}

    monkeypatch.setattr(compound, "decide_pair", fake_pair)
    muts = [{"protein_short": "G1202R", "residue": 7, "call": object()},
            {"protein_short": "L1196M", "residue": 9, "call": object()},
            {"protein_short": "Z", "residue": None, "call": object()}]
    out = compound.decide_compounds(muts)
    assert [c["mutations"] for c in out] == [["G1202R", "L1196M"], ["G1202R", "Z"], ["L1196M", "Z"]]


def test_records_carry_residue_and_missense_from_the_edit():
    def v(short, edit):
        return AnnotatedVariant(gene="ALK", chrom="2", pos=1, ref="C", alt="T", protein_short=short,
                                protein_edit=edit, consequence="missense_variant", alk_kinase_domain=True)

    got = alk_mutation_records([v("G1202R", ProteinEdit("sub", 1202, "G", alt="R")),
                                v("T1151dup", ProteinEdit("dup", 1151, "T")),
                                v("G1202R", ProteinEdit("sub", 1202, "G", alt="R"))])
    assert got == [AlkMutation("G1202R", 1202, "G1202"), AlkMutation("T1151dup", 1151, None)]


def test_names_are_refused(kb):
    with pytest.raises(TypeError, match="AlkMutation"):
        evaluate(["G1202R"], [], [], kb)


def test_compound_members_must_be_typed_mutations(kb):
    comp = [{"mutations": ["G1202R", "L1196M"], "phase": "cis", "method": "reads", "evidence": {}}]
    with pytest.raises(InputError, match="compound member L1196M"):
        evaluate(alk(["G1202R"]), comp, [], kb)
    # an alias of a given mutation is one of them
    comp = [{"mutations": ["G1202R", "I1151Tins"], "phase": "cis", "method": "reads", "evidence": {}}]
    assert evaluate(alk(["G1202R", "T1151dup"]), comp, [], kb)["drugs"]


def test_alias_takes_the_kb_names_residue(kb):
    # the KB's typo alias V11180L -> V1180L: the residue and missense residue are the canonical name's
    assert kb.alias_residue("V1180L") == 1180 and kb.alias_missense_at("V1180L") == "V1180"
    assert kb.alias_residue("T1151dup") == 1151 and kb.alias_missense_at("T1151dup") is None
    f = C.findings_of([AlkMutation("V11180L", 11180, "V11180")], [], [], [], kb)
    assert f.alk == ("V1180L",) and f.missense == (("V1180L", "V1180"),)


def test_civic_position_statement_matches_the_typed_missense(kb):
    st = {"match": "position", "alterations": ["G1202"]}
    assert C._matches(st, C.findings_of(alk(["G1202R"]), [], [], [], kb)) == ["G1202R"]
    # a non-missense change at the residue does not match a position statement
    assert C._matches(st, C.findings_of([AlkMutation("G1202del", 1202, None)], [], [], [], kb)) == []
