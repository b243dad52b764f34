"""Cohort summary: mechanisms per sample grouped by the TKI the patient progressed on.

Outputs an HTML page (oncoprint-style matrix + counts), ``summary.tsv`` (one row per sample) and MultiQC
custom-content files carrying the same table, so a MultiQC run over the results picks it up.
"""

from __future__ import annotations

import html as _html

from alkannot.report.html import DRUGS, MECHANISM_TYPES, environment
from alkannot.report.values import as_dict as _dict
from alkannot.report.values import as_list as _list
from alkannot.report.values import as_text as _text

NO_TKI = "no TKI recorded"
# One-letter cell codes so the oncoprint does not rely on colour.
TYPE_CODES = {"on_target": "A", "off_target": "B", "histologic": "H", "other": "O"}
SUMMARY_COLUMNS = ("sample", "patient", "specimen", "timepoint", "current_tki", "prior_tkis", "alk_mutations",
                   "compound", "on_target", "off_target", "histologic", "other") + DRUGS


def _clean(v) -> str:
    """TSV cells: no tabs or line breaks (they would shift columns)."""
    return " ".join(_text(v).split())


def sample_summary(data: dict) -> dict:
    """One sample's row of ``summary.tsv`` (keys = SUMMARY_COLUMNS); lists joined with '; '."""
    data = _dict(data)
    s = _dict(data.get("sample"))
    mechs: dict[str, list[str]] = {t: [] for t in TYPE_CODES}
    for m in map(_dict, _list(data.get("mechanisms"))):
        mechs.setdefault(_text(m.get("type")) or "other", mechs["other"]).append(_text(m.get("name")))
    drugs = _dict(data.get("drugs"))
    row = {
        "sample": _text(s.get("id")), "patient": _text(s.get("patient")), "specimen": _text(s.get("specimen")),
        "timepoint": _text(s.get("timepoint")), "current_tki": _text(s.get("current_tki")) or NO_TKI,
        "prior_tkis": "; ".join(_text(t) for t in _list(s.get("prior_tkis"))),
        "alk_mutations": "; ".join(_text(m) for m in _list(data.get("alk_mutations"))),
        "compound": "; ".join("+".join(_text(x) for x in _list(_dict(c).get("mutations")))
                              + f":{_text(_dict(c).get('phase')) or 'unresolved'}"
                              for c in _list(data.get("compound"))),
        **{t: "; ".join(names) for t, names in mechs.items() if t in TYPE_CODES},
    }
    for d in DRUGS:
        row[d] = _text(_dict(drugs.get(d)).get("verdict")) or "not assessed"
    return {k: _clean(row.get(k, "")) for k in SUMMARY_COLUMNS}


def tki_order(tkis) -> list[str]:
    present = set(tkis)
    return [d for d in DRUGS if d in present] + sorted(t for t in present if t not in DRUGS)


def mechanism_features(data: dict) -> list[tuple[str, str]]:
    """(row name, type) features of one sample for the oncoprint: each ALK mutation, then other mechanisms."""
    data = _dict(data)
    feats = [(f"ALK {_text(m)}", "on_target") for m in _list(data.get("alk_mutations"))]
    for m in map(_dict, _list(data.get("mechanisms"))):
        t = _text(m.get("type")) or "other"
        if t == "on_target" and feats:
            continue  # already represented mutation by mutation
        feats.append((_text(m.get("name")), t if t in TYPE_CODES else "other"))
    return list(dict.fromkeys(feats))


def cohort_model(samples: list[dict]) -> dict:
    """Oncoprint model.

    Returns {groups: [{tki, samples: [summary rows]}], features: [{name, type, code, cells: [[bool per sample
    in group] per group], counts: [{n, total, pct} per group], n, pct}], n_samples}.
    """
    rows = [sample_summary(s) for s in samples]
    feats = [mechanism_features(s) for s in samples]
    order = tki_order(r["current_tki"] for r in rows)
    groups = []
    for tki in order:
        idx = sorted((i for i, r in enumerate(rows) if r["current_tki"] == tki),
                     key=lambda i: (rows[i]["patient"], rows[i]["timepoint"], rows[i]["sample"]))
        groups.append({"tki": tki, "idx": idx, "samples": [rows[i] for i in idx]})
    all_feats: dict[tuple[str, str], None] = {}
    for f in feats:
        all_feats.update(dict.fromkeys(f))
    type_rank = {t: k for k, t in enumerate(MECHANISM_TYPES)}
    features = []
    for name, typ in all_feats:
        cells = [[(name, typ) in feats[i] for i in g["idx"]] for g in groups]
        counts = [{"n": sum(c), "total": len(c), "pct": 100.0 * sum(c) / len(c) if c else 0.0} for c in cells]
        n = sum(c["n"] for c in counts)
        features.append({"name": name, "type": typ, "code": TYPE_CODES[typ], "cells": cells, "counts": counts,
                         "n": n, "pct": 100.0 * n / len(rows) if rows else 0.0})
    features.sort(key=lambda f: (type_rank.get(f["type"], 99), -f["n"], f["name"]))
    none_cells = [[not feats[i] for i in g["idx"]] for g in groups]
    return {"groups": groups, "features": features, "n_samples": len(rows), "rows": rows,
            "none": {"cells": none_cells,
                     "counts": [{"n": sum(c), "total": len(c), "pct": 100.0 * sum(c) / len(c) if c else 0.0}
                                for c in none_cells]}}


def summary_tsv(rows: list[dict]) -> str:
    lines = ["\t".join(SUMMARY_COLUMNS)]
    lines += ["\t".join(r[c] for c in SUMMARY_COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


def multiqc_files(rows: list[dict], model: dict) -> dict[str, str]:
    """MultiQC custom-content files: the per-sample table and per-TKI mechanism counts.

    Cell values are HTML-escaped because MultiQC places table cells into its report as markup.
    """
    cols = [c for c in SUMMARY_COLUMNS if c != "sample"]
    header = [
        "# id: 'alkannot'",
        "# section_name: 'alkannot: ALK TKI resistance'",
        ("# description: 'ALK TKI resistance mechanisms and predicted drug activity per sample "
        "(alkannot; research use only).'"),
        "# format: 'tsv'",
        "# plot_type: 'table'",
        "# pconfig:",
        "#     id: 'alkannot_table'",
        "#     title: 'alkannot: ALK TKI resistance'",
        "#     namespace: 'alkannot'",
    ]
    body = ["Sample\t" + "\t".join(cols)]
    body += ["\t".join(_html.escape(r[c]) for c in ["sample"] + cols) for r in rows]
    table = "\n".join(header + body) + "\n"

    groups = [g["tki"] for g in model["groups"]]
    feats = model["features"]
    bar_header = [
        "# id: 'alkannot_mechanisms'",
        "# section_name: 'alkannot: mechanisms by TKI at progression'",
        "# description: 'Number of samples with each resistance mechanism, grouped by the TKI at collection.'",
        "# format: 'tsv'",
        "# plot_type: 'bargraph'",
        "# pconfig:",
        "#     id: 'alkannot_mechanisms_plot'",
        "#     title: 'alkannot: mechanisms by TKI at progression'",
        "#     ylab: 'Samples'",
    ]
    bar = ["TKI\t" + "\t".join(_html.escape(_clean(f["name"])) for f in feats)]
    for gi, tki in enumerate(groups):
        bar.append("\t".join([_html.escape(_clean(tki))] + [str(f["counts"][gi]["n"]) for f in feats]))
    files = {"alkannot_mqc.tsv": table}
    if feats:
        files["alkannot_mechanisms_mqc.tsv"] = "\n".join(bar_header + bar) + "\n"
    return files


def render_cohort(samples: list[dict]) -> tuple[str, str, dict[str, str]]:
    """(cohort HTML, summary.tsv text, {MultiQC custom-content file name: text})."""
    model = cohort_model(samples)
    page = environment().get_template("cohort.html.j2").render(
        c=model, type_titles=MECHANISM_TYPES, codes=TYPE_CODES, drugs=DRUGS)
    rows = [r for g in model["groups"] for r in g["samples"]]  # grouped, as on the page
    return page, summary_tsv(rows), multiqc_files(rows, model)
