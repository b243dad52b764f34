"""Faster verdict steps give what the former ones gave, on many generated inputs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.interpret.verdicts import _linking, resolve_phase

MUTS = ["G1202R", "L1196M", "I1171N", "F1174L", "C1156Y", "G1269A"]
compound = st.fixed_dictionaries({
    "mutations": st.lists(st.sampled_from(MUTS), min_size=1, max_size=4),
    "phase": st.sampled_from(["cis", "trans", "unresolved"]),
    "method": st.sampled_from(["reads", "vcf", "vaf", "none"]),
})


@settings(max_examples=1000, deadline=None)
@given(members=st.lists(st.sampled_from(MUTS), min_size=1, max_size=3), compounds=st.lists(compound, max_size=12))
def test_phase_from_the_compounds_naming_a_member(members, compounds):
    """verdicts._match resolves a statement's phase from the compounds naming its mutations at least twice
    (verdicts._linking), in their order: the same phase and methods as from every compound (the others cannot
    join or separate them). Repeated names in a compound included."""
    naming: dict[str, list[int]] = {}
    for i, c in enumerate(compounds):
        for m in c["mutations"]:
            naming.setdefault(m, []).append(i)
    assert resolve_phase(members, _linking(members, compounds, naming)) == resolve_phase(members, compounds)
