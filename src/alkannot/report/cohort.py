"""Cohort summary: mechanisms per sample grouped by the TKI the patient progressed on.

Outputs an HTML page (oncoprint-style matrix + counts), ``summary.tsv`` (one row per sample) and MultiQC
custom-content files carrying the same table, so a MultiQC run over the results picks it up.
"""

from __future__ import annotations

import html as _html
import re

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


def slim_sample(data) -> dict:
    """The parts of a sample JSON that `sample_summary` and `mechanism_features` read (same results, a
    fraction of the memory: the cohort report holds every sample at once)."""
    if not isinstance(data, dict):
        return data

    def keep(x, keys):
        return {k: x.get(k) for k in keys if k in x} if isinstance(x, dict) else x

    out = {k: data[k] for k in ("sample", "alk_mutations") if k in data}
    if "mechanisms" in data:
        m = data["mechanisms"]
        out["mechanisms"] = [keep(x, ("type", "name")) for x in m] if isinstance(m, list) else m
    if "compound" in data:
        c = data["compound"]
        out["compound"] = [keep(x, ("mutations", "phase")) for x in c] if isinstance(c, list) else c
    if "drugs" in data:
        d = data["drugs"]
        out["drugs"] = {k: keep(v, ("verdict",)) for k, v in d.items()} if isinstance(d, dict) else d
    return out


def tki_order(tkis) -> list[str]:
    present = set(tkis)
    return [d for d in DRUGS if d in present] + sorted(t for t in present if t not in DRUGS)


def mechanism_features(data: dict) -> list[tuple[str, str]]:
    """(row name, type) features of one sample for the oncoprint: each ALK mutation, then other mechanisms."""
    data = _dict(data)
    from alkannot.report.wording import mechanism_phrase

    feats = [(f"ALK {_text(m)}", "on_target") for m in _list(data.get("alk_mutations"))]
    # compound mutations get their own row (phase included: cis and trans are different findings)
    feats += [(f"ALK {' + '.join(_text(x) for x in _list(_dict(c).get('mutations')))} "
               f"({_text(_dict(c).get('phase')) or 'unresolved'})", "on_target") for c in _list(data.get("compound"))]
    for m in map(_dict, _list(data.get("mechanisms"))):
        t = _text(m.get("type")) or "other"
        if t == "on_target" and feats:
            continue  # already represented mutation by mutation
        words = mechanism_phrase(m)
        label = words["label"] + (" (prognostic)" if words["prognostic"] else "") \
            + ("" if words["in_kb"] else " (no knowledge-base statement)")
        feats.append((label, t if t in TYPE_CODES else "other"))
    return list(dict.fromkeys(feats))


# Beyond these sizes the mechanism matrix summarises instead of drawing every cell (a 1,000-sample cohort
# of hypermutated panels has ~25,000 distinct findings: a full matrix is a 500 MB page nobody can read):
# - at most MATRIX_MAX_FEATURES rows are listed one by one (the most frequent; ties in table order); the
#   other findings are combined into one row per gene and mechanism type ("ALK: 2,345 less frequent
#   findings, combined"), counted as "the sample has at least one of them";
# - per-sample columns are drawn up to MATRIX_MAX_SAMPLES samples; above it the matrix shows the counts
#   per TKI group only. summary.tsv always lists every sample and every finding.
MATRIX_MAX_FEATURES = 60
MATRIX_MAX_SAMPLES = 200
_GENE = re.compile(r"^([A-Z0-9][A-Z0-9.-]*)[: ]")


def _counts(cells_n: list[int], totals: list[int]) -> list[dict]:
    return [{"n": n, "total": t, "pct": 100.0 * n / t if t else 0.0} for n, t in zip(cells_n, totals)]


def _gene(name: str) -> str:
    """Gene a finding's row name starts with ("ALK G1202R", "MET:amplification"), else "other"."""
    m = _GENE.match(name)
    return m.group(1) if m else "other"


def cohort_model(samples: list[dict], max_features: int | None = MATRIX_MAX_FEATURES,
                 max_samples: int | None = MATRIX_MAX_SAMPLES) -> dict:
    """Oncoprint model.

    Returns {groups: [{tki, samples: [summary rows]}], features: [{name, type, code, cells: [[bool per sample
    in group] per group] (None when the matrix is summarised), counts: [{n, total, pct} per group], n, pct,
    combined (number of findings combined into the row, 0 for a single finding)}], n_samples, matrix (are
    per-sample columns drawn), combined_findings (findings not listed one by one)}. Linear in samples x
    findings per sample; see MATRIX_MAX_FEATURES / MATRIX_MAX_SAMPLES for the summarised form.
    """
    rows = [sample_summary(s) for s in samples]
    feats = [set(mechanism_features(s)) for s in samples]
    order = tki_order(r["current_tki"] for r in rows)
    groups = []
    for tki in order:
        idx = sorted((i for i, r in enumerate(rows) if r["current_tki"] == tki),
                     key=lambda i: (rows[i]["patient"], rows[i]["timepoint"], rows[i]["sample"]))
        groups.append({"tki": tki, "idx": idx, "samples": [rows[i] for i in idx]})
    totals = [len(g["idx"]) for g in groups]
    # per finding, samples per group (one pass over the samples' findings)
    per_group: dict[tuple[str, str], list[int]] = {}
    for gi, g in enumerate(groups):
        for i in g["idx"]:
            for f in feats[i]:
                per_group.setdefault(f, [0] * len(groups))[gi] += 1
    type_rank = {t: k for k, t in enumerate(MECHANISM_TYPES)}

    def key(f):
        return type_rank.get(f[1], 99), -sum(per_group[f]), f[0]

    listed = sorted(per_group, key=key)
    fold: dict[tuple[str, str], tuple[str, str]] = {}  # finding -> (gene, type) of its combined row
    if max_features is not None and len(listed) > max_features:
        top = set(sorted(listed, key=lambda f: (-sum(per_group[f]), key(f)))[:max_features])
        fold = {f: (_gene(f[0]), f[1]) for f in listed if f not in top}
        listed = [f for f in listed if f in top]
    members: dict[tuple[str, str], int] = {}
    for g in fold.values():
        members[g] = members.get(g, 0) + 1
    combined_counts: dict[tuple[str, str], list[int]] = {g: [0] * len(groups) for g in members}
    sample_combined: list[set] = [set() for _ in rows]
    if fold:
        for gi, g in enumerate(groups):
            for i in g["idx"]:
                sample_combined[i] = {fold[f] for f in feats[i] if f in fold}
                for c in sample_combined[i]:
                    combined_counts[c][gi] += 1
    matrix = max_samples is None or len(rows) <= max_samples
    features = []
    for name, typ in listed:
        n_g = per_group[(name, typ)]
        cells = [[(name, typ) in feats[i] for i in g["idx"]] for g in groups] if matrix else None
        n = sum(n_g)
        features.append({"name": name, "type": typ, "code": TYPE_CODES[typ], "cells": cells,
                         "counts": _counts(n_g, totals), "n": n, "pct": 100.0 * n / len(rows) if rows else 0.0,
                         "combined": 0})
    for (gene, typ), k in members.items():
        n_g = combined_counts[(gene, typ)]
        cells = [[(gene, typ) in sample_combined[i] for i in g["idx"]] for g in groups] if matrix else None
        n = sum(n_g)
        features.append({"name": f"{gene}: {k:,} less frequent findings, combined", "type": typ,
                         "code": TYPE_CODES[typ], "cells": cells, "counts": _counts(n_g, totals), "n": n,
                         "pct": 100.0 * n / len(rows) if rows else 0.0, "combined": k})
    features.sort(key=lambda f: (type_rank.get(f["type"], 99), -f["n"], f["name"]))
    none_n = [sum(1 for i in g["idx"] if not feats[i]) for g in groups]
    none_cells = [[not feats[i] for i in g["idx"]] for g in groups] if matrix else None
    return {"groups": groups, "features": features, "n_samples": len(rows), "rows": rows, "matrix": matrix,
            "combined_findings": len(fold), "max_features": max_features, "max_samples": max_samples,
            "none": {"cells": none_cells, "counts": _counts(none_n, totals)}}


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
    model = cohort_model(samples, MATRIX_MAX_FEATURES, MATRIX_MAX_SAMPLES)
    page = environment().get_template("cohort.html.j2").render(
        c=model, type_titles=MECHANISM_TYPES, codes=TYPE_CODES, drugs=DRUGS)
    rows = [r for g in model["groups"] for r in g["samples"]]  # grouped, as on the page
    return page, summary_tsv(rows), multiqc_files(rows, model)
