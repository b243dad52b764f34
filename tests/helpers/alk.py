"""Typed ALK mutations for tests that write mutations by name (verdict and phasing unit tests).

Production code carries each mutation's residue from its annotation (`ProteinEdit.residue`); a test that
names "G1202R" by hand has no annotation, so its residue is the first number of the name, read here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from alkannot.interpret.alk import AlkMutation


def residue(name: str) -> int | None:
    m = re.search(r"\d+", name)
    return int(m.group()) if m else None


def alk(names: Iterable[str], compounds: Iterable[dict] = ()) -> list[AlkMutation]:
    """AlkMutation records for `names`, then for any compound member not among them (the order the
    verdicts list them in: the mutations first, then compound members)."""
    out = list(dict.fromkeys([*names, *(m for c in compounds for m in c["mutations"])]))
    return [AlkMutation(n, residue(n), missense_at(n)) for n in out]


def missense_at(name: str) -> str | None:
    m = re.fullmatch(r"([A-Z]\d+)[A-Z]", name)
    return m.group(1) if m else None


def evaluate_named(names: Iterable[str], compounds: list[dict], *args, **kw) -> dict:
    """`alkannot.interpret.verdicts.evaluate` for mutations written by name (typed here with `alk`)."""
    from alkannot.interpret.verdicts import evaluate

    return evaluate(alk(names, compounds), compounds, *args, **kw)
