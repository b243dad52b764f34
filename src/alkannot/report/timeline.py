"""Per-patient timeline: resistance-relevant alterations across a patient's samples.

The model (``build_timeline``) is pure and separate from rendering so the emergence/clearance and
concordance logic can be tested on tables of cases. Three states per alteration and sample:
"detected", "not_detected" (the sample assessed it and it was absent) and "not_assessed" (the section was
missing or empty, or the hotspot was not covered deeply enough) — absence is only claimed when assessed.
"""

from __future__ import annotations

from datetime import date

from alkannot.errors import InputError
from alkannot.report.html import COVERED_STATUSES, as_float, environment, hotspot_index
from alkannot.report.svg import vaf_timeline_chart
from alkannot.report.values import as_dict as _dict
from alkannot.report.values import as_list as _list
from alkannot.report.values import as_text as _text

DETECTED, NOT_DETECTED, NOT_ASSESSED = "detected", "not_detected", "not_assessed"
# Copy-number calls that count as an alteration on the timeline; low-level gains are left to the per-sample
# report because they are not a resistance mechanism on their own.
CN_CALLS_SHOWN = frozenset({"amplification", "deletion", "homozygous_deletion", "loss"})
# Horizontal room between neighbouring samples on the chart (fraction of the axis), so samples taken days
# apart keep readable labels; the axis stays in date order but is then only roughly to scale.
MIN_COLUMN_GAP = 0.16


def parse_date(tp) -> date | None:
    try:
        return date.fromisoformat(str(tp)[:10])
    except ValueError:
        return None


def order_samples(samples: list[dict]) -> list[dict]:
    """Date order when every timepoint is an ISO date, otherwise the order given (labels cannot be sorted)."""
    dates = [parse_date(_dict(s.get("sample")).get("timepoint")) for s in samples]
    if all(dates):
        idx = sorted(range(len(samples)), key=lambda i: (dates[i], _text(_dict(samples[i].get("sample")).get("id"))))
        return [samples[i] for i in idx]
    return list(samples)


def column_positions(dates: list[date | None]) -> list[float]:
    """Relative x (0..1) per column: proportional to time when all dates are known, else evenly spaced."""
    n = len(dates)
    if n == 1:
        return [0.5]
    if not all(dates) or dates[0] == dates[-1]:
        return [i / (n - 1) for i in range(n)]
    total = (dates[-1] - dates[0]).days
    xs = [(d - dates[0]).days / total for d in dates]
    for i in range(1, n):
        xs[i] = max(xs[i], xs[i - 1] + MIN_COLUMN_GAP)
    return [x / xs[-1] for x in xs]


def relevant_alterations(samples: list[dict]) -> list[tuple[str, str]]:
    """(name, kind) of resistance-relevant alterations across the samples, in first-seen order.

    kind is "cn" for copy-number calls (assessed only where the sample has copy-number data), "fusion" for
    fusions (assessed where fusion_assessment says so; the value plotted is the fusion allele fraction from
    the reads), else "variant".
    """
    names: dict[str, str] = {}
    for s in samples:
        for m in _list(s.get("alk_mutations")):
            names.setdefault(f"ALK {_text(m)}", "variant")
        for c in map(_dict, _list(s.get("copy_number"))):
            if _text(c.get("call")).lower() in CN_CALLS_SHOWN:
                names.setdefault(f"{_text(c.get('gene'))} {_text(c.get('call'))}", "cn")
        for c in map(_dict, _list(s.get("co_alterations"))):
            names.setdefault(f"{_text(c.get('gene'))} {_text(c.get('alteration'))}", "variant")
        for f in map(_dict, _list(s.get("fusions"))):
            names.setdefault(fusion_row_name(f), "fusion")
    return list(names.items())


def fusion_row_name(f: dict) -> str:
    """'EML4-ALK v3a/b' (variant when named) - the timeline row of a fusion."""
    return f"{_text(f.get('name'))} {_text(f.get('variant') or 'fusion')}"


def fusion_in_sample(sample: dict, name: str) -> dict:
    """State and fusion allele fraction (fusion / (fusion + wild-type) fragments; reads only) in one sample."""
    for f in map(_dict, _list(sample.get("fusions"))):
        if fusion_row_name(f) == name:
            return {"state": DETECTED, "vaf": as_float(f.get("allele_fraction")), "ch": ""}
    status = _text(_dict(sample.get("fusion_assessment")).get("status"))
    assessed = status in ("none_found", "detected")
    return {"state": NOT_DETECTED if assessed else NOT_ASSESSED, "vaf": 0.0 if assessed else None, "ch": ""}


def call_in_sample(sample: dict, name: str, kind: str = "variant") -> dict:
    """State and VAF of one named alteration in one sample dict."""
    if kind == "fusion":
        return fusion_in_sample(sample, name)
    gene, _, change = name.partition(" ")
    for v in map(_dict, _list(sample.get("variants"))):
        if v.get("status") == "not_annotated":
            continue
        if _text(v.get("gene")) == gene and change in (_text(v.get("protein_short")), _text(v.get("hgvsp"))):
            return {"state": DETECTED, "vaf": as_float(v.get("vaf")), "ch": _text(v.get("ch_status"))}
    for c in map(_dict, _list(sample.get("co_alterations"))):
        if _text(c.get("gene")) == gene and _text(c.get("alteration")) == change:
            return {"state": DETECTED, "vaf": as_float(c.get("vaf")), "ch": ""}
    cn = [_dict(c) for c in _list(sample.get("copy_number"))]
    for c in cn:
        if _text(c.get("gene")) == gene and _text(c.get("call")) == change:
            return {"state": DETECTED, "vaf": None, "ch": ""}
    # Absent: say so only if this sample could have seen it.
    hotspot = hotspot_index(sample.get("ctdna")).get(change)
    if hotspot is not None and _text(hotspot.get("status")) not in COVERED_STATUSES:
        return {"state": NOT_ASSESSED, "vaf": None, "ch": ""}
    assessed = bool(cn) if kind == "cn" else ("variants" in sample)
    return {"state": NOT_DETECTED if assessed else NOT_ASSESSED, "vaf": 0.0 if assessed else None, "ch": ""}


def transitions(states: list[str], specimens: list[str]) -> list[str]:
    """Per column: "emerged", "cleared", "persists", "first seen" or "" vs the previous sample of the same
    specimen type (tissue and plasma differ in sensitivity, so cross-specimen changes are left to the
    concordance table)."""
    out = []
    for i, st in enumerate(states):
        prev = next((states[j] for j in range(i - 1, -1, -1) if specimens[j] == specimens[i]), None)
        if st == NOT_ASSESSED or prev is None or prev == NOT_ASSESSED:
            out.append("first seen" if st == DETECTED and DETECTED not in states[:i] else "")
        elif prev == NOT_DETECTED and st == DETECTED:
            out.append("emerged")
        elif prev == DETECTED and st == NOT_DETECTED:
            out.append("cleared")
        elif prev == DETECTED and st == DETECTED:
            out.append("persists")
        else:
            out.append("")
    return out


def concordance_verdict(tissue: str, plasma: str) -> str:
    if NOT_ASSESSED in (tissue, plasma):
        return "not assessable"
    return {(DETECTED, DETECTED): "concordant (both)", (NOT_DETECTED, NOT_DETECTED): "concordant (neither)",
            (DETECTED, NOT_DETECTED): "tissue only", (NOT_DETECTED, DETECTED): "plasma only"}[(tissue, plasma)]


def build_timeline(samples: list[dict]) -> dict:
    """Model of one patient's samples.

    Returns {patient, columns: [{id, label, date, x, specimen, therapy, prior}],
    rows: [{name, cells: [{state, vaf, ch, change}]}], series (for the chart),
    concordance: [{plasma, tissue, gap_days, rows: [{name, tissue, plasma, verdict}]}]}.
    """
    samples = [_dict(s) for s in samples]
    patients = sorted({_text(_dict(s.get("sample")).get("patient")) for s in samples})
    if len(patients) > 1:
        raise InputError(f"timeline needs samples of one patient, got {', '.join(patients)}",
                         fix="group samples by sample.patient before calling render_patient_html")
    samples = order_samples(samples)
    meta = [_dict(s.get("sample")) for s in samples]
    dates = [parse_date(m.get("timepoint")) for m in meta]
    xs = column_positions(dates)
    columns = [{"id": _text(m.get("id")), "label": _text(m.get("timepoint")) or _text(m.get("id")),
                "date": dates[i], "x": xs[i], "specimen": _text(m.get("specimen")),
                "therapy": _text(m.get("current_tki")), "prior": [_text(t) for t in _list(m.get("prior_tkis"))],
                "mechanisms": [_text(_dict(x).get("name")) for x in _list(samples[i].get("mechanisms"))],
                "mechanism_words": _mechanism_words(samples[i])}
               for i, m in enumerate(meta)]
    specimens = [c["specimen"] for c in columns]
    rows, series = [], []
    for name, kind in relevant_alterations(samples):
        cells = [call_in_sample(s, name, kind) for s in samples]
        for c, t in zip(cells, transitions([c["state"] for c in cells], specimens), strict=True):
            c["change"] = t
        rows.append({"name": name, "cells": cells})
        # One line per specimen type: tissue and plasma VAFs are not on the same scale (tumour fraction).
        for style, spec in enumerate(dict.fromkeys(specimens)):
            idx = [i for i, sp in enumerate(specimens) if sp == spec]
            if any(cells[i]["vaf"] for i in idx):
                series.append({"name": f"{name} ({spec or 'unknown specimen'})", "colour": len(rows) - 1,
                               "specimen": spec,
                               "style": style,
                               "points": [{"col": i, "vaf": cells[i]["vaf"], "state": cells[i]["state"]} for i in idx]})
    return {"patient": patients[0] if patients else "", "columns": columns, "rows": rows, "series": series,
            "concordance": concordance(columns, rows)}


def _distance(columns: list[dict], a: int, b: int) -> int:
    """Days between two columns; without dates, columns further apart in the given order are further."""
    da, db = columns[a]["date"], columns[b]["date"]
    return abs((da - db).days) if da and db else abs(a - b) * 10**6


def concordance(columns: list[dict], rows: list[dict]) -> list[dict]:
    """Each plasma sample against the tissue sample nearest in time."""
    tissue = [i for i, c in enumerate(columns) if c["specimen"] == "tissue"]
    out = []
    for p, col in enumerate(columns):
        if col["specimen"] != "plasma" or not tissue:
            continue

        t = min(tissue, key=lambda i: (_distance(columns, i, p), i))
        days = abs((columns[t]["date"] - col["date"]).days) if columns[t]["date"] and col["date"] else None
        out.append({"plasma": col["id"], "tissue": columns[t]["id"], "gap_days": days,
                    "rows": [{"name": r["name"], "tissue": r["cells"][t]["state"], "plasma": r["cells"][p]["state"],
                              "verdict": concordance_verdict(r["cells"][t]["state"], r["cells"][p]["state"])}
                             for r in rows]})
    return out


def _mechanism_words(sample: dict) -> list[str]:
    """The sample page's words for its mechanisms ('TP53 R273H mutation (prognostic)'), no engine tokens."""
    from alkannot.report.wording import mechanism_phrase

    out = []
    for m in _list(sample.get("mechanisms")):
        w = mechanism_phrase(_dict(m))
        out.append(w["label"] + (" (prognostic)" if w["prognostic"] else "")
                   + ("" if w["in_kb"] else " (no knowledge-base statement)"))
    return list(dict.fromkeys(out))


def render_patient_html(samples: list[dict]) -> str:
    """Self-contained HTML timeline for one patient's samples (intended for two or more)."""
    model = build_timeline(samples)
    # One chart per specimen type on a shared time axis: plasma VAFs are bounded by the tumour fraction and
    # would be flattened against tissue VAFs on one scale.
    charts = []
    for k, spec in enumerate(dict.fromkeys(s["specimen"] for s in model["series"])):
        label = spec or "unknown specimen"
        charts.append({"specimen": label, "svg": vaf_timeline_chart(
            model["columns"], [s for s in model["series"] if s["specimen"] == spec], chart_id=f"tchart{k}",
            title=f"VAF over time, {label} samples")})
    return environment().get_template("patient.html.j2").render(t=model, charts=charts)
