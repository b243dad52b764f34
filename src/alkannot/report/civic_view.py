"""View model of the CIViC side-by-side blocks and the CIViC methods line (HTML report; the per-finding
evidence tiers are worded by ``wording.tier_rows``).

Everything here comes from the sample JSON (``drugs[D].civic``, ``evidence_tier_scheme``, ``kb.civic``); values
are passed to Jinja as text, which autoescapes them.
"""

from __future__ import annotations

from typing import Any

AGREEMENT = {
    "agrees": ("✓", "agrees"),
    "disagrees": ("≠", "disagrees"),
    "mixed": ("±", "mixed"),
    "civic_only": ("i", "CIViC only"),
    "no_civic_evidence": ("–", "no item"),
}


def _t(v: Any) -> str:
    return "" if v is None else str(v)


def civic_cell(block: Any) -> dict[str, Any] | None:
    """drugs[D].civic -> what the drug card shows (None when the sample JSON has no CIViC block)."""
    if not isinstance(block, dict):
        return None
    agreement = _t(block.get("agreement"))
    symbol, label = AGREEMENT.get(agreement, ("?", agreement or "not compared"))
    counts = block.get("counts") if isinstance(block.get("counts"), dict) else {}
    count_text = []
    for effect in ("resistant", "sensitive"):
        by_level = counts.get(effect) if isinstance(counts.get(effect), dict) else {}
        parts = [f"{lv}:{n}" for lv, n in by_level.items() if n]
        if parts:
            count_text.append(f"{effect} {' '.join(parts)}")
    items = []
    for it in block.get("items") or []:
        if not isinstance(it, dict):
            continue
        items.append({
            "eid": f"EID{_t(it.get('eid'))}", "url": _t(it.get("url")), "finding": _t(it.get("finding")),
            "effect": _t(it.get("effect")), "level": _t(it.get("level")), "disease": _t(it.get("disease")),
            "other_disease": not it.get("tumour_type_match"), "pmid": _t(it.get("pmid")),
            "citation": _t(it.get("citation")), "origin": _t(it.get("variant_origin")),
            "with": ", ".join(_t(d) for d in it.get("other_drugs") or []),
        })
    fus = block.get("fusion_level") if isinstance(block.get("fusion_level"), dict) else {}
    fus_levels = " ".join(f"{lv}:{n}" for lv, n in (fus.get("by_level") or {}).items() if n)
    changed = block.get("verdict_changed") if isinstance(block.get("verdict_changed"), dict) else None
    return {
        "agreement": agreement or "none", "symbol": symbol, "label": label,
        "explanation": _t(block.get("explanation")), "counts": "; ".join(count_text) or "no items",
        "n_items": block.get("n_items") or 0, "rows": items[:5], "more": max(0, len(items) - 5),
        "fusion_n": fus.get("n_items") or 0, "fusion_levels": fus_levels,
        "fusion_top": [f"EID{_t(i.get('eid'))} ({_t(i.get('level'))}, {_t(i.get('disease'))})"
                       for i in fus.get("top") or [] if isinstance(i, dict)],
        "changed": (f"verdict moved from {_t(changed.get('from'))} to {_t(changed.get('to'))} by "
                    + ", ".join(f"EID{_t(e)}" for e in changed.get("eids") or [])) if changed else "",
        "release": _t(block.get("release")),
    }


def civic_methods(data: dict[str, Any]) -> dict[str, str] | None:
    kb = data.get("kb") if isinstance(data.get("kb"), dict) else {}
    c = kb.get("civic")
    if not isinstance(c, dict):
        return None
    scheme = data.get("evidence_tier_scheme") if isinstance(data.get("evidence_tier_scheme"), dict) else {}
    return {"release": _t(c.get("release_date")), "file": _t(c.get("file")), "sha256": _t(c.get("sha256")),
            "statements": _t(c.get("statements")), "may_change": "on" if c.get("may_change_verdict") else "off",
            "scheme": _t(scheme.get("scheme")), "citation": _t(scheme.get("citation"))}
