"""Which compound sets a report lists when a sample has many ALK kinase-domain mutations.

k mutations give k(k-1)/2 pairs: 190 at k = 20, 32,640 at k = 256 (a hypermutated sample or an all-sites
file), each a JSON object, an HTML row, a variant label and an evidence-tier row, almost all "unresolved"
with no evidence either way. Above COMPOUND_LIST_MAX mutations the outputs list only the sets that say
something: phased cis or trans (by reads, the caller's phase or VAF), or matching a knowledge-base compound
statement (its mutations all in one statement's set, or containing one). The sets not listed are counted in
the additive `compound_summary` key (by size and by the phase method tried). Verdicts, mechanisms and tiers
are computed from every set before this choice; at or below the limit every set is listed and no summary
key is written (outputs unchanged).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

COMPOUND_LIST_MAX = 20  # ALK mutations phased against each other; above it only informative sets are listed

RULE = (f"above {COMPOUND_LIST_MAX} ALK kinase-domain mutations only sets phased cis or trans, or matching a "
        "knowledge-base compound statement, are listed; every set was phased and used for the verdicts")


def _kb_sets(kb: Any) -> list[frozenset[str]]:
    return [frozenset(kb.canonical(a) for a in s.alterations) for s in kb.statements if s.is_compound]


def limit_compounds(compounds: list[dict], n_mutations: int, kb: Any) -> tuple[list[dict], dict | None]:
    """(compound sets to list, summary of those not listed or None at or below the limit)."""
    if n_mutations <= COMPOUND_LIST_MAX:
        return compounds, None
    kb_sets = _kb_sets(kb)
    in_kb = frozenset().union(*kb_sets)  # a set sharing no mutation with any statement matches none
    listed, rest = [], []
    for c in compounds:
        ms = frozenset(kb.canonical(m) for m in c["mutations"])
        keep = c.get("phase") in ("cis", "trans") or (
            not ms.isdisjoint(in_kb) and any(ms <= s or s <= ms for s in kb_sets))
        (listed if keep else rest).append(c)
    summary = {
        "limit": COMPOUND_LIST_MAX,
        "alk_mutations_phased": n_mutations,
        "sets": len(compounds),
        "listed": len(listed),
        "not_listed": len(rest),
        "not_listed_by_size": {str(k): n for k, n in sorted(Counter(len(c["mutations"]) for c in rest).items())},
        "not_listed_by_method": dict(sorted(Counter(c.get("method", "none") for c in rest).items())),
        "evidence_tiers_not_listed": 0,
        "rule": RULE,
    }
    return listed, summary


def limit_evidence_tiers(tiers: list[dict], listed: list[dict], summary: dict | None, kb: Any,
                         default_rule: str = "no-evidence") -> list[dict]:
    """Above the limit: drop the compound tier rows of sets not listed that carry no evidence (the default
    tier), counting them in summary["evidence_tiers_not_listed"]; every row with evidence stays."""
    if summary is None:
        return tiers
    names = {" + ".join(kb.canonical(m) for m in c["mutations"]) for c in listed}
    out = [t for t in tiers if t.get("kind") != "compound" or t.get("finding") in names
           or t.get("rule") != default_rule or t.get("basis")]
    summary["evidence_tiers_not_listed"] = len(tiers) - len(out)
    return out
