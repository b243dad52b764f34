"""The reader-facing part of the sample report's view model (first screen, evidence trail, references).

Kept apart from ``html.sample_view`` (the data tables) so both can grow without touching each other: the
template reads ``v`` for the tables and ``r`` for what this module adds. All text comes from
``wording`` and ``references``; nothing here decides a result.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from alkannot.report import wording as w
from alkannot.report.references import Citer, load_references
from alkannot.report.table_rows import hgvs_text
from alkannot.report.values import as_dict, as_list, as_text

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
QC_LEVEL_WORDS = {"pass": "QC pass", "caution": "QC caution", "fail": "QC fail"}
DEPTH_SOURCES = {
    "alignment": "BAM/CRAM reads after filters (duplicates, secondary/supplementary, MAPQ < 20, base quality < 20 "
                 "removed)",
    "variant": "the variant caller's depth for the called variant (no BAM/CRAM given)",
}


_d, _l, _t = as_dict, as_list, as_text  # the lenient readers of untrusted JSON values (report/values.py)


def links(data: dict) -> dict:
    """Relative links from results/<sample>/<sample>.report.html to the patient and cohort pages.

    Relative, so they survive copying the results folder; a patient id that is not a safe file name gets no
    link (the workflow would not have written a page under that name either).
    """
    patient = _t(_d(data.get("sample")).get("patient"))
    return {"patient": patient_href(patient), "cohort": "../cohort/summary.html"}


def sample_href(sample_id) -> str | None:
    """From results/patients/ or results/cohort/: the sample's report, relative (None for unsafe ids)."""
    sid = _t(sample_id)
    return f"../{sid}/{sid}.report.html" if SAFE_NAME.match(sid) and ".." not in sid else None


def patient_href(patient) -> str | None:
    p = _t(patient)
    return f"../patients/{p}.html" if SAFE_NAME.match(p) and ".." not in p else None


def hgvs_html(*parts: str) -> Markup:
    """'NM_004304.5', 'c.3604G>A' -> tokens that never break inside; a line may only break after ':'."""
    return Markup(hgvs_text(*[_t(p) for p in parts]))


def depth_note(data: dict) -> dict:
    """Which depth the hotspot table shows, and why it can differ from the variant table's caller depth."""
    hs = w.hotspot_summary(data)
    rows = [_d(h) for h in _l(_d(_d(data).get("ctdna")).get("hotspot_coverage"))]
    srcs = sorted({_t(h.get("depth_source")) for h in rows if h.get("depth_source")})
    diffs = []
    by_short = {_t(v.get("protein_short")): v for v in map(_d, _l(data.get("variants"))) if v.get("gene") == "ALK"}
    for h in rows:
        v = by_short.get(_t(h.get("detected_as")))
        if v and h.get("depth_source") == "alignment" and v.get("depth") not in (None, h.get("depth")):
            diffs.append(f"{v.get('protein_short')}: caller {v.get('depth'):,} vs BAM {h.get('depth'):,}")
    collapsed = bool(rows) and not hs["has_alignment"]
    return {
        "collapsed": collapsed,
        "sources": [DEPTH_SOURCES.get(s, s) for s in srcs],
        "differences": diffs,
        "why": ("The variant table shows the caller's depth (FORMAT/AD or DP, counted by the caller with its own "
                "filters); the hotspot table counts BAM/CRAM reads after alkannot's filters (duplicates, "
                "secondary/supplementary, low mapping or base quality removed), so it is usually lower."),
        "unknown": hs["unknown"], "total": hs["total"],
    }


def _tier_trail_line(t: dict) -> str:
    """One evidence tier as the trail records it. A panel sample has a couple of hundred tiers, most of them
    without a basis: their line is made without the join (the same text)."""
    get = t.get
    basis = get("basis")
    return (f"{_t(get('finding'))}: {_t(get('label'))} by rule {_t(get('rule'))}; basis "
            + (", ".join(map(_t, _l(basis))) if basis else ""))


def evidence_trail(data: dict) -> list[dict]:
    """Everything the engine recorded, verbatim, for the collapsed appendix: [{title, lines}]."""
    out = []
    for name, d in _d(data.get("drugs")).items():
        d = _d(d)
        items = [f"verdict: {_t(d.get('verdict'))}"] + [f"reason: {_t(r)}" for r in _l(d.get("reasons"))]
        items += [f"evidence [{_t(e.get('statement_id'))}] {_t(e.get('effect'))} ({_t(e.get('source'))}): "
                  f"{_t(e.get('statement'))}" for e in map(_d, _l(d.get("evidence")))]
        items += [f"note: {_t(n)}" for n in _l(d.get("notes"))]
        for key in ("current_tki", "evidence_gaps", "untested_combinations", "phase_dependent"):
            if d.get(key):
                items.append(f"{key}: {_t(d.get(key))}")
        civ = _d(d.get("civic"))
        if civ:
            items.append(f"CIViC {_t(civ.get('release'))}: agreement {_t(civ.get('agreement'))}; "
                         + ", ".join(f"EID{_t(i.get('eid'))} {_t(i.get('effect'))} level "
                                     f"{_t(i.get('level'))}" + (f" PMID {_t(i.get('pmid'))}" if i.get("pmid") else "")
                                     for i in map(_d, _l(civ.get("items")))))
        out.append({"title": f"{name}", "lines": items})
    mech = [f"{_t(m.get('type'))}: {_t(m.get('name'))} — "
            + ", ".join([_t(_d(e).get("statement_id")) for e in _l(m.get("evidence"))])
            for m in map(_d, _l(data.get("mechanisms")))]
    if mech:
        out.append({"title": "mechanisms (engine names)", "lines": mech})
    tc = _d(data.get("therapy_context"))
    items = [f"flag {_t(_d(f).get('id'))}: {_t(_d(f).get('message'))}" for f in _l(tc.get("flags"))]
    items += [f"option {_t(_d(o).get('drug'))}: "
              + ", ".join(_t(_d(e).get("statement_id")) for e in _l(_d(o).get("evidence"))) for o in _l(tc.get("options"))]
    items += [f"background [{_t(_d(e).get('statement_id'))}] ({_t(_d(e).get('source'))}): {_t(_d(e).get('statement'))}"
              for e in _l(tc.get("background"))]
    items += [f"not offered {_t(_d(o).get('drug'))}: {_t(_d(o).get('why'))}" for o in _l(tc.get("not_offered"))]
    if items:
        out.append({"title": "therapy context", "lines": items})
    co = [f"{_t(c.get('gene'))} {_t(c.get('alteration'))}: role {_t(c.get('role'))}, rule "
          f"{_t(c.get('rule'))}, sources " + ", ".join([_t(_d(e).get("source")) for e in _l(c.get("evidence"))])
          for c in map(_d, _l(data.get("co_alterations")))]
    if co:
        out.append({"title": "co-alteration rules", "lines": co})
    ex = _d(_d(data.get("ctdna")).get("alk_exclusion"))
    if ex:
        out.append({"title": "ALK exclusion (ctdna.alk_exclusion)", "lines": [
            f"excluded: {_t(ex.get('excluded'))}; {_t(ex.get('text'))}"]
            + [f"reason: {_t(r)}" for r in _l(ex.get("reasons"))]
            + [f"hotspot {_t(_d(h).get('mutation'))}: {_t(_d(h).get('why'))}" for h in _l(ex.get("inadequate_hotspots"))]
            + [f"blocking call {_t(_d(b).get('variant_ref'))} {_t(_d(b).get('protein'))}: {_t(_d(b).get('why'))}"
               for b in _l(ex.get("blocking_calls"))]})
    clon = [f"{_t(_d(c).get('mutation'))}: {_t(_d(c).get('clonality'))}; {_t(_d(c).get('note'))}"
            for c in _l(data.get("alk_clonality"))]
    if clon:
        out.append({"title": "ALK clonality", "lines": clon})
    fa = _d(data.get("fusion_assessment"))
    if fa:
        out.append({"title": "fusion assessment", "lines": [
            f"status {_t(fa.get('status'))}, sources {', '.join(map(_t, _l(fa.get('sources'))))}: {_t(fa.get('summary'))}"]})
    tiers = [_tier_trail_line(t) for t in map(_d, _l(data.get("evidence_tiers")))]
    if tiers:
        out.append({"title": "evidence tiers", "lines": tiers})
    un = [f"{_t(_d(u).get('variant_ref'))} {_t(_d(u).get('gene'))}: {_t(_d(u).get('reason'))}"
          for u in _l(data.get("uninterpreted"))]
    if un:
        out.append({"title": "calls not interpreted", "lines": un})
    return out


def _co_cite(evidence: list, citer: Citer) -> str:
    """One co-alteration's citation: its evidence sources' labels, each once, in order. Most co-alterations
    have one statement, whose labels ``Citer.cite`` already gives each once: no second de-duplication for it."""
    if len(evidence) == 1:
        return "; ".join(citer.cite(_t(_d(evidence[0]).get("source"))))
    return "; ".join(dict.fromkeys(lbl for e in evidence for lbl in citer.cite(_t(_d(e).get("source")))))


def readable_view(data: dict, resources: Path | None = None) -> dict:
    data = _d(data)
    citer = Citer(load_references(resources))
    findings = w.key_findings(data, citer)
    explain = w.reasons_for(data, citer)
    res, prog, unknown = w.split_mechanisms(data, citer)
    mech_cites = {m["label"]: "; ".join(dict.fromkeys(c for e in m["evidence"]
                                                     for c in citer.cite(_t(_d(e).get("source")))))
                  for m in res + prog}
    co = [{"gene": _t(c.get("gene")), "cite": _co_cite(_l(c.get("evidence")), citer)}
          for c in map(_d, _l(data.get("co_alterations")))]
    options = w.therapy_options(data, citer)
    flags = [w.as_sentence(w.humanise(_t(_d(f).get("message")) if isinstance(f, dict) else _t(f), citer))
             for f in _l(_d(data.get("therapy_context")).get("flags"))]
    report = _d(data.get("report"))
    s = _d(data.get("sample"))
    tc = _d(data.get("therapy_context"))
    subclonal = {_t(_d(c).get("mutation")): line for c, line in
                 zip([c for c in map(_d, _l(data.get("alk_clonality"))) if c.get("clonality") == "subclonal"],
                     w.clonality_findings(data))}
    for name, x in explain.items():
        alts = {a for e in _l(_d(_d(_d(data.get("drugs")).get(name))).get("evidence")) for a in _l(_d(e).get("alterations"))}
        x["extra"] = [line for m, line in subclonal.items() if m in alts]
    return {
        "report": {"id": _t(report.get("id")), "date": _t(report.get("date")),
                   "accession": _t(report.get("accession")), "generated_at": _t(data.get("generated_at"))},
        "findings": findings,
        "qc": {**w.qc_badge(data), "words": QC_LEVEL_WORDS},
        "explain": explain,
        "mechanisms": [{**m, "cite": mech_cites.get(m["label"], "")} for m in res],
        "prognostic": [{**m, "cite": mech_cites.get(m["label"], "")} for m in prog],
        "uncovered": [m["label"] for m in unknown],
        "co_cites": co,
        "options": options,
        "flags": flags,
        "not_offered": [f"{_t(_d(o).get('drug'))}: {_t(_d(o).get('why'))}" for o in _l(tc.get("not_offered"))],
        "has_therapy": bool(tc),
        "not_interpreted": [
            _t(_d(b).get("protein")) + (f" at VAF {w.pct(_d(b).get('vaf'))}" if _d(b).get("vaf") is not None else "")
            + f" ({w.engine_words(_d(b).get('why'))})"
            for b in _l(_d(_d(data.get("ctdna")).get("alk_exclusion")).get("blocking_calls"))],
        "uninterpreted": w.uninterpreted_rows(data),
        "labelled": w.labelled_rows(data),
        "tiers": w.tier_rows(data, citer),
        "tumour": w.tumour_content(data),
        "specimen": _t(s.get("specimen")) or "tissue",
        "depth": depth_note(data),
        "links": links(data),
        "trail": evidence_trail(data),
        "resource_files": [{"role": _t(r.get("role")), "file": _t(r.get("file")), "version": _t(r.get("version")),
                            "sha256": _t(r.get("sha256"))} for r in map(_d, _l(data.get("resource_files")))],
        # last: every citation above has been collected by now
        "references": citer.entries(),
    }
