"""Sets of 3+ mutations are grown from cis pairs: the same sets, in the same order, as checking every
combination (the way it was done before), for random cis/trans/unresolved pair patterns."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from alkannot.phase import compound


def _brute_force(names, by_pair, max_size):
    out = []
    for size in range(3, min(len(names), max_size) + 1):
        for members in combinations(names, size):
            if all(by_pair[(x, y)] == "cis" for x, y in combinations(members, 2)):
                out.append(list(members))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_sets_match_every_combination_check(monkeypatch, seed):
    rng = random.Random(seed)
    n = rng.randint(3, 11)
    p_cis = rng.choice([0.0, 0.3, 0.7, 1.0])
    names = [f"X{1100 + 7 * i}Y" for i in range(n)]
    phases = {pair: ("cis" if rng.random() < p_cis else rng.choice(["trans", "unresolved"]))
              for pair in combinations(names, 2)}

    def fake_pair(m1, m2, **_):
        pair = (m1["protein_short"], m2["protein_short"])
        return {"mutations": list(pair), "phase": phases[pair], "method": "vcf",
                "evidence": {"confidence": 0.9, "confidence_label": "high", "explanation": "test"}}

    monkeypatch.setattr(compound, "decide_pair", fake_pair)
    muts = [{"protein_short": x, "residue": 1100 + 7 * names.index(x), "call": object()} for x in reversed(names)]
    max_size = rng.choice([3, 4, 5])
    out = compound.decide_compounds(muts, config={"max_set_size": max_size})
    pairs = [c for c in out if len(c["mutations"]) == 2]
    sets = [c["mutations"] for c in out if len(c["mutations"]) > 2]
    assert [tuple(c["mutations"]) for c in pairs] == list(combinations(names, 2))
    assert sets == _brute_force(names, phases, max_size)
    assert all(c["phase"] == "cis" for c in out if len(c["mutations"]) > 2)
