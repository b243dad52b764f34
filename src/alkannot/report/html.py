"""Per-sample HTML report: one self-contained file rendered from the ``alkannot.json`` dict.

The file carries its CSS and SVG inline and no script, under a Content-Security-Policy that forbids every
fetch, so it opens the same from a USB stick as from a web server. Everything from the input dict is
treated as hostile text: Jinja2 autoescaping is on, no template uses ``|safe``, the SVG builders escape
what they draw, and so do the long tables' row builders (report/table_rows.py and variant_table_html here:
markupsafe.escape's bytes per value). Missing or empty sections render as "not assessed"; nothing here invents a result.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from alkannot.drug_names import TKIS
from alkannot.report.civic_view import civic_cell, civic_methods
from alkannot.report.numbers import fmt_num, fmt_rate, fmt_vaf  # noqa: F401 (also used from here by other renderers)
from alkannot.report.svg import MAP_END, MAP_START, as_float, kinase_domain_map, map_markers, resolve_regions
from alkannot.report.values import as_dict as _dict
from alkannot.report.values import as_list as _list
from alkannot.report.values import as_text as _text

# The six drugs of the JSON contract's ``drugs`` object, in order of approval (the review's Table 1 order).
DRUGS = TKIS
# Verdict -> (symbol, text): the cell always carries text as well as colour.
VERDICTS = {
    "resistant": ("✗", "resistant"),
    "sensitive": ("✓", "sensitive"),
    "conflicting": ("⚠", "conflicting"),
    "uncertain": ("?", "uncertain"),
    "unknown": ("?", "unknown"),
}
MECHANISM_TYPES = {
    "on_target": "On-target (ALK)",
    "off_target": "Off-target (bypass / downstream)",
    "histologic": "Histologic transformation",
    "other": "Other",
}
# Hotspot statuses that mean the locus was looked at deeply enough to call; anything else is "not covered".
COVERED_STATUSES = frozenset({"detected", "not_detected", "covered"})

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")

NOT_ASSESSED = "not assessed"


# ---------------------------------------------------------------------------------------------
# Formatting helpers (pure; used as Jinja filters and by the timeline/cohort renderers; the number formats
# fmt_vaf/fmt_num/fmt_rate live in report/numbers.py, imported above)
# ---------------------------------------------------------------------------------------------

_DOI_RE = re.compile(r"\b(10\.\d{4,9}/[-._;()/:A-Za-z0-9]+[A-Za-z0-9)])")
_PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)


def citation_url(text: str) -> str | None:
    """A link we build ourselves from a DOI or PMID in the text; never a URL taken from the input."""
    m = _DOI_RE.search(text or "")
    if m:
        return "https://doi.org/" + m.group(1)
    m = _PMID_RE.search(text or "")
    if m:
        return f"https://pubmed.ncbi.nlm.nih.gov/{m.group(1)}/"
    return None


def _bytecode_cache():
    """Templates compiled once, not per process: Jinja's file cache in alkannot's private per-user cache folder
    (``alkannot.core.cache``: ``jinja/``; an entry is used only for the same template source). None when
    there is no usable folder (or ``ALKANNOT_CACHE_DIR=off``)."""
    from jinja2 import FileSystemBytecodeCache

    from alkannot.core.cache import cache_dir

    path = cache_dir("jinja")
    return None if path is None else FileSystemBytecodeCache(str(path))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("alkannot", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache())
    from alkannot.report.wording import engine_words

    env.filters.update(vaf=fmt_vaf, num=fmt_num, rate=fmt_rate, words=engine_words)
    # CSP is our own constant (not input-derived); Markup keeps its quotes readable in the page source.
    from alkannot.report.readable import hgvs_html, patient_href, sample_href

    env.globals.update(CSP=Markup(CSP), NOT_ASSESSED=NOT_ASSESSED, hgvs=hgvs_html, sample_href=sample_href,
                       patient_href=patient_href)
    from alkannot.report import table_rows

    # the long tables' rows, rendered in Python (report/table_rows.py)
    env.globals.update(variant_table_rows=table_rows.variant_table_rows,
                       compound_table_rows=table_rows.compound_table_rows,
                       co_alteration_table_rows=table_rows.co_alteration_table_rows,
                       tier_table_rows=table_rows.tier_table_rows,
                       evidence_trail_sections=table_rows.evidence_trail_sections,
                       drug_cards=table_rows.drug_cards, resource_file_rows=table_rows.resource_file_rows,
                       reference_items=table_rows.reference_items)
    return env


# ---------------------------------------------------------------------------------------------
# View model: the input dict normalised so the template never meets a missing key
# ---------------------------------------------------------------------------------------------

def evidence_items(ev) -> list[dict]:
    """Evidence may be a list of {source, statement} dicts or of plain strings."""
    out = []
    for e in _list(ev):
        if isinstance(e, dict):
            out.append({"source": _text(e.get("source")), "statement": _text(e.get("statement"))})
        else:
            out.append({"source": "", "statement": _text(e)})
    return out


def drug_cells(drugs: dict, tc: dict | None = None) -> list[dict]:
    drugs = _dict(drugs)
    names = list(DRUGS) + sorted(k for k in drugs if k not in DRUGS)
    cells = []
    for name in names:
        d = _dict(drugs.get(name))
        verdict = _text(d.get("verdict")) if d else ""
        kind = verdict if verdict in VERDICTS else "unknown"
        symbol, _ = VERDICTS[kind]
        cells.append({
            "drug": name, "kind": kind if d else "na", "symbol": symbol if d else "–",
            "verdict": verdict or NOT_ASSESSED,
            "reasons": [_text(r) for r in _list(d.get("reasons"))],
            "evidence": evidence_items(d.get("evidence")),
            "notes": [_text(n) for n in _list(d.get("notes"))],
            "civic": civic_cell(d.get("civic")),
            **_card_lines(name, verdict, d, tc or {}),
        })
    return cells


def _card_lines(name: str, verdict: str, d: dict, tc: dict) -> dict:
    """What a drug card shows without being opened (docs/verdicts.md V2-V5): the drug the patient is
    progressing on, a phase-dependent verdict, a missing piece of evidence."""
    lines = []
    kind = None
    if d.get("current_tki"):
        if verdict == "sensitive":
            lines.append("progressing on it although reported active; not offered (see therapy context)")
            kind = "progressing"
        else:
            lines.append("current TKI (progressing on it)")
    pd = _dict(d.get("phase_dependent"))
    if pd:
        lines.append(f"depends on phase ({', '.join(_text(m) for m in _list(pd.get('mutations')))}): if cis "
                     f"{_text(pd.get('if_cis'))}, if trans {_text(pd.get('if_trans'))}; read-backed phase from "
                     "the BAM resolves it")
    gaps = [_text(g) for g in _list(d.get("evidence_gaps"))]
    untested = [_text(u) for u in _list(d.get("untested_combinations"))]
    if verdict == "uncertain" and (gaps or untested):
        from alkannot.report.wording import LIST_IN_WORDS_MAX

        more = len(gaps) - LIST_IN_WORDS_MAX  # a hypermutated sample: name the first ones, count the rest
        shown = gaps[:LIST_IN_WORDS_MAX] + ([f"{more} more (all listed under Variants)"] if more > 0 else [])
        lines.append("no evidence for " + ", ".join(shown + [f"{u} together" for u in untested]))
    return {"lines": lines, **({"kind": kind, "symbol": "⚠"} if kind else {})}


_HOTSPOT_RE = re.compile(r"^([A-Z])(\d+)([A-Za-z*/]+)$")


def hotspot_names(mutation: str) -> set[str]:
    """Short names a hotspot row stands for: "L1196M/F" -> {"L1196M/F", "L1196M", "L1196F"}."""
    names = {mutation}
    m = _HOTSPOT_RE.match(mutation or "")
    if m and "/" in m.group(3):
        names.update(f"{m.group(1)}{m.group(2)}{alt}" for alt in m.group(3).split("/") if alt)
    return names


def hotspot_index(ctdna) -> dict[str, dict]:
    """Hotspot-coverage rows by every short mutation name they cover (first row wins)."""
    index: dict[str, dict] = {}
    for h in map(_dict, _list(_dict(ctdna).get("hotspot_coverage"))):
        for name in sorted(hotspot_names(_text(h.get("mutation")))):
            index.setdefault(name, h)
    return index


# The sample page's variant table lists every variant up to VARIANT_TABLE_MAX rows. Above it (an all-sites VCF, a
# hypermutated sample) it lists only the rows `always_listed` keeps and says how many it leaves out and where they
# are (<sample>.variants.tsv and the JSON list every variant), like the cohort report's MATRIX_MAX_* and
# report/compound_listing.py's COMPOUND_LIST_MAX. Below the limit the page is unchanged.
VARIANT_TABLE_MAX = 1000


def always_listed(v: dict) -> bool:
    """Rows the sample page lists however many variants the sample has: every call outside ALK (the
    co-alteration genes), ALK kinase-domain changes and ALK changes drawn on the kinase-domain map, calls that
    failed the caller's FILTER or were not annotated, and calls labelled germline/CH/possible CH. What is left
    out: annotated, FILTER-passing, unlabelled ALK calls outside the kinase domain."""
    if v.get("gene") != "ALK" or v.get("alk_kinase_domain") or v.get("status") == "not_annotated" \
            or v.get("filter_pass") is False or v.get("ch_status"):
        return True
    pos = as_float(v.get("protein_position"))
    return pos is not None and MAP_START <= pos <= MAP_END


def variant_rows(variants, ctdna: dict) -> list[dict]:
    """The variant table's rows (report/table_rows.variant_row_html draws them), with the reader columns:
    published alias, one FILTER cell in words, flag labels (see report/wording.py). One pass, one dict per
    variant: an all-sites sample has tens of thousands."""
    from alkannot.report.wording import flag_label

    lod = hotspot_index(ctdna)
    rows = []
    for v in map(_dict, _list(variants)):
        get = v.get
        short = _text(get("protein_short"))
        hs = lod.get(short, {})
        spec = _text(get("specimen_filter"))
        words = _text(get("filter")) or "—"
        if get("filter_pass") is False:
            words += " (caller FILTER not passing: shown, not used for verdicts)"
        elif spec:
            words += " · " + ("passes specimen filters" if spec == "pass" else flag_label(spec))
        ch = _text(get("ch_status"))
        flags = [flag_label(f) for f in _list(get("flags"))]
        if ch:
            flags.append(flag_label(ch))
        rows.append({
            "gene": _text(get("gene")),
            "locus": f"{_text(get('chrom'))}:{_text(get('pos'))} {_text(get('ref'))}>{_text(get('alt'))}",
            "transcript": _text(get("transcript")),
            "hgvsc": _text(get("hgvsc")), "hgvsp": _text(get("hgvsp")), "short": short,
            "consequence": _text(get("consequence")), "exon": _text(get("exon")),
            "region": _text(get("alk_region")), "kinase": bool(get("alk_kinase_domain")),
            "vaf": get("vaf"), "depth": get("depth"), "alt_reads": get("alt_reads"),
            "lod": get("lod", hs.get("lod")),
            "ch": ch,
            "ch_evidence": _text(get("ch_evidence")),
            "annotated": get("status") != "not_annotated",
            "reason": _text(get("reason")),
            "alias": ", ".join([_text(a) for a in _list(get("protein_aliases"))]),
            "filter_words": words, "flag_words": flags,
        })
    return rows


_KINASE_TAG = '<br><span class="tag">kinase domain</span>'
# One row of the variant table: our own markup around the escaped cells (variant_table_html fills it with %,
# so a '%' in a cell is a value, never a directive).
_VARIANT_ROW = ('<tr class="%s%s">\n<td>%s%s</td>\n<td><strong>%s</strong>%s<br><span class="mono">%s</span></td>\n'
                '<td class="mono">%s<br>%s</td>\n<td>%s%s%s</td>\n<td class="num">%s</td>\n'
                '<td class="num">%s%s</td>\n<td class="num">%s</td>\n<td>%s</td>\n<td>%s%s</td>\n<td>%s</td>\n'
                "</tr>\n")
# The variant fields the table shows as text, read in one go per variant (``_VARIANT_TEXT``'s order).
_VARIANT_TEXT_KEYS = ("gene", "protein_short", "chrom", "pos", "ref", "alt", "transcript", "hgvsc", "hgvsp",
                      "consequence", "exon", "alk_region", "specimen_filter", "filter", "ch_status", "ch_evidence",
                      "reason")


def variant_table_html(variants, ctdna: dict) -> Markup:
    """The variant table's body: ``table_rows.variant_table_rows(variant_rows(variants, ctdna))``, without the
    row dicts (tested byte for byte against that pair, which is tested against the former Jinja loop, in
    tests/report/test_table_rows.py). The sample page draws a row per listed variant: building a 24-key dict per
    variant and reading it back cost as much as writing the row, and so did a call per cell to read each value
    as text and to escape it. So the first pass reads each variant's text fields at once (a value that is
    already a str is taken as it is, anything else goes through ``values.as_text``) and collects every cell's
    text; all cells are escaped together (``values.html_texts``: markupsafe.escape's bytes); the second pass
    joins our own constant markup around the escaped cells. Every input-derived value is escaped."""
    from alkannot.report.numbers import fmt_num, fmt_vaf
    from alkannot.report.values import html_texts
    from alkannot.report.wording import flag_label

    lod_index = hotspot_index(ctdna)
    cells: list[str] = []  # every row's escaped cells, in the order the second pass takes them
    shape = []  # per row: (annotated, ch, kinase domain, alt_reads given, number of flags)
    keys = _VARIANT_TEXT_KEYS
    for v in map(_dict, _list(variants)):
        get = v.get
        (gene, short, chrom, pos, ref, alt, transcript, hgvsc, hgvsp, consequence, exon, region, spec, filt, ch,
         ch_evidence, reason) = [x if x.__class__ is str else _text(x) for x in map(get, keys)]
        words = filt or "—"
        if get("filter_pass") is False:
            words += " (caller FILTER not passing: shown, not used for verdicts)"
        elif spec:
            words += " · " + ("passes specimen filters" if spec == "pass" else flag_label(spec))
        flags = [flag_label(f) for f in _list(get("flags"))]
        if ch:
            flags.append(flag_label(ch))
        alt_reads = get("alt_reads")
        annotated = get("status") != "not_annotated"
        shape.append((annotated, ch, get("alk_kinase_domain"), alt_reads is not None, len(flags)))
        cells += (gene or "—", short or "—", ", ".join([_text(a) for a in _list(get("protein_aliases"))]),
                  f"{chrom}:{pos} {ref}>{alt}", f"{transcript}:{hgvsc}", hgvsp,
                  (consequence or "—").replace("_", " "), exon, region, fmt_vaf(get("vaf")),
                  fmt_num(get("depth")), fmt_num(alt_reads) if alt_reads is not None else "",
                  fmt_vaf(get("lod") if "lod" in v else lod_index.get(short, {}).get("lod")), words,
                  ch_evidence, "" if annotated else (reason or "no reason given").replace("_", " "))
        cells += flags
    cells = html_texts(cells)
    out = []
    i = 0
    for annotated, ch, kinase, has_alt_reads, n_flags in shape:
        (gene, short, alias, locus, tx_c, hgvsp, consequence, exon, region, vaf, depth, alt_reads, lod, words,
         ch_evidence, reason) = cells[i:i + 16]
        flags = cells[i + 16:i + 16 + n_flags]
        i += 16 + n_flags
        out.append(_VARIANT_ROW % (
            "" if annotated else "not-annotated", " ch" if ch else "",
            gene, _KINASE_TAG if kinase else "",
            short, f' <span class="alias">(published as {alias})</span>' if alias else "", _hgvs_escaped(locus),
            _hgvs_escaped(tx_c), _hgvs_escaped(hgvsp),
            consequence, f"<br>exon {exon}" if exon else "", f"<br>{region}" if region else "",
            vaf, depth, f" ({alt_reads})" if has_alt_reads else "", lod, words,
            "".join([f'<span class="tag">{f}</span> ' for f in flags]) if flags else "—",
            f"<br><small>{ch_evidence}</small>" if ch_evidence else "",
            "annotated" if annotated else f"<strong>not annotated</strong>: {reason}"))
    return Markup("".join(out))


def _hgvs_escaped(text: str) -> str:
    """``table_rows.hgvs_text`` for parts already joined on ':' and escaped (escaping keeps every ':'). Without an
    empty token (the usual case) every ':' becomes a token boundary, one replace."""
    if text and text[0] != ":" and text[-1] != ":" and "::" not in text:
        return '<span class="hgvs"><span class="tok">' + text.replace(":", '</span>:<wbr><span class="tok">') \
            + "</span></span>"
    tokens = [x for x in text.split(":") if x]
    if not tokens:
        return "—"
    return '<span class="hgvs"><span class="tok">' + '</span>:<wbr><span class="tok">'.join(tokens) + "</span></span>"


def compound_rows(compounds) -> list[dict]:
    rows = []
    for c in map(_dict, _list(compounds)):
        ev = _dict(c.get("evidence"))
        rows.append({
            "mutations": [_text(m) for m in _list(c.get("mutations"))],
            "phase": _text(c.get("phase")) or "unresolved", "method": _text(c.get("method")) or "none",
            "counts": [(k, ev.get(k)) for k in ("alt_alt", "alt_ref", "ref_alt", "ref_ref")],
            "confidence": _text(ev.get("confidence")), "explanation": _text(ev.get("explanation")),
        })
    return rows


def hotspot_rows(ctdna: dict) -> tuple[list[dict], list[str]]:
    rows, not_covered = [], []
    for h in map(_dict, _list(_dict(ctdna).get("hotspot_coverage"))):
        status = _text(h.get("status"))
        row = {"mutation": _text(h.get("mutation")), "depth": h.get("depth"),
               "lod": h.get("lod_effective", h.get("lod")),  # max(sampling LoD, specimen minimum VAF)
               "status": status or NOT_ASSESSED, "text": _text(h.get("text")),
               "covered": status in COVERED_STATUSES}
        rows.append(row)
        if not row["covered"]:
            not_covered.append(row["mutation"])
    return rows, not_covered


def sample_view(data: dict, regions, not_listed: dict | None = None) -> dict:
    """Normalise one sample dict into the template's view model (``not_listed``: see render_sample_html).

    Only what ``sample.html.j2`` reads from ``v``: the first screen's sentences, mechanisms, therapy context,
    evidence tiers and references come from ``readable.readable_view`` (``r``), so they are not built here a
    second time (a warm batch process renders one page per sample; every key here costs on each)."""
    data = _dict(data)
    s = _dict(data.get("sample"))
    ctdna = _dict(data.get("ctdna"))
    hotspots, not_covered = hotspot_rows(ctdna)
    alk_muts = [_text(m) for m in _list(data.get("alk_mutations"))]
    _, unplaced = map_markers(_list(data.get("variants")), alk_muts)
    acc = _dict(data.get("accounting"))
    kb = _dict(data.get("kb"))
    res = _dict(data.get("resources"))
    tf = _dict(ctdna.get("tumor_fraction"))
    tc = _dict(data.get("therapy_context"))
    return {
        "sample": {
            "id": _text(s.get("id")) or "unnamed sample", "patient": _text(s.get("patient")),
            "specimen": _text(s.get("specimen")), "timepoint": _text(s.get("timepoint")),
            "build": _text(s.get("build")), "current_tki": _text(s.get("current_tki")),
            "prior_tkis": [_text(t) for t in _list(s.get("prior_tkis"))],
        },
        "mechanisms_assessed": "mechanisms" in data,
        "drugs": drug_cells(data.get("drugs"), tc),
        "therapy": {"clonality": [f"{_text(c.get('mutation'))}: {_text(c.get('clonality'))}"
                                  + (f" ({_text(c.get('note'))})" if c.get("note") else "")
                                  for c in map(_dict, _list(data.get("alk_clonality")))]},
        "map_svg": kinase_domain_map(_list(data.get("variants")), _list(data.get("compound")), regions, alk_muts),
        "regions": regions,
        "unplaced": unplaced,
        "variants": _list(data.get("variants")),  # the template asks only whether there are any
        "variant_table": variant_table_html(data.get("variants"), ctdna),
        "not_listed": not_listed,
        "variants_assessed": "variants" in data,
        # where the table's depths and VAFs were read (the variants' depth_source, each once)
        "depth_sources": sorted({_text(x.get("depth_source")) for x in map(_dict, _list(data.get("variants")))
                                 if x.get("depth_source")}),
        "compounds": compound_rows(data.get("compound")),
        "compound_summary": _dict(data.get("compound_summary")) or None,
        "co_alterations": [
            {"gene": _text(c.get("gene")), "alteration": _text(c.get("alteration")),
             "category": _text(c.get("category")), "role": _text(c.get("role")), "vaf": c.get("vaf"),
             "evidence": evidence_items(c.get("evidence"))}
            for c in map(_dict, _list(data.get("co_alterations")))],
        "copy_number": [
            {"gene": _text(c.get("gene")), "log2": c.get("log2"), "cn": c.get("copy_number"),
             "cn_adjusted": c.get("copy_number_purity_adjusted"),
             "call": _text(c.get("call")), "caveat": _text(c.get("caveat"))}
            for c in map(_dict, _list(data.get("copy_number")))],
        "fusions": [
            {**{k: _text(f.get(k)) for k in ("name", "variant", "exons", "partner_5p", "partner_3p", "category")},
             "notes": "; ".join(_text(n) for n in _list(f.get("notes"))), **fusion_read_cells(f)}
            for f in map(_dict, _list(data.get("fusions")))],
        "fusion_assessment": _text(_dict(data.get("fusion_assessment")).get("summary")),
        "fusion_status": _text(_dict(data.get("fusion_assessment")).get("status")),
        "ctdna": {"tf_note": _text(tf.get("note"))},
        "hotspots": hotspots, "not_covered": not_covered,
        "qc": {k: _dict(data.get("qc")).get(k) for k in ("ref_mismatch_rate", "ref_checked", "ref_mismatches")},
        "input_warnings": [_text(w) for w in _list(_dict(data.get("qc")).get("input_warnings"))],
        "accounting": {"records_read": acc.get("records_read"), "records_in_targets": acc.get("records_in_targets"),
                       "annotated": acc.get("annotated"),
                       "not_annotated": sorted((_text(k), v) for k, v in _dict(acc.get("not_annotated")).items())},
        "methods": {
            "alkannot_version": _text(data.get("alkannot_version")),
            "schema_version": _text(data.get("schema_version")),
            "kb_version": _text(kb.get("version") or data.get("kb_version")),
            "kb_extensions": [_text(e) for e in _list(kb.get("extensions"))],
            "build": _text(res.get("build") or s.get("build")),
            "transcripts": _text(res.get("transcripts") or res.get("transcripts_source")
                                 or res.get("transcripts source")),
            "inputs": [{"role": _text(i.get("role")), "path": _text(i.get("path")), "sha256": _text(i.get("sha256")),
                        "sample": _text(i.get("sample"))} for i in map(_dict, _list(data.get("inputs")))],
        },
        "tier_scheme": _text(_dict(data.get("evidence_tier_scheme")).get("scheme")),
        "civic": civic_methods(data),
    }


def render_sample_html(data: dict, *, resources: Path | None = None, not_listed: dict | None = None) -> str:
    """One self-contained HTML report for one sample's ``alkannot.json`` dict.

    ALK region spans come from ``data['alk_regions']`` or ``<resources>/alk_regions.tsv`` (default: the
    package's resources dir); without either the map shows the kinase domain without structural regions.
    ``not_listed`` ({"listed", "total", "not_listed", "limit", "files"}): ``data['variants']`` holds only the
    rows `always_listed` keeps out of ``total`` (above VARIANT_TABLE_MAX); the page says so.
    """
    from alkannot.report.readable import readable_view

    regions = resolve_regions(data if isinstance(data, dict) else {}, resources)
    return environment().get_template("sample.html.j2").render(
        v=sample_view(data, regions, not_listed), r=readable_view(data if isinstance(data, dict) else {}, resources))


def fusion_read_cells(f: dict) -> dict:
    """Breakpoints, junction, read support, fusion fraction and evidence of one fusion, as report text."""
    bps = "; ".join(f"{_text(b.get('gene'))} {_text(b.get('region'))} ({_text(b.get('chrom'))}:{_text(b.get('pos'))})"
                    for b in map(_dict, _list(f.get("breakpoints"))))
    r = _dict(f.get("read_evidence"))
    frag, exc = _dict(r.get("fragments")), _dict(r.get("excluded_reads"))
    support = ""
    if frag:
        support = (f"{_text(frag.get('total'))} fragments: {_text(frag.get('split'))} split, "
                   f"{_text(frag.get('clipped'))} clipped, {_text(frag.get('pairs'))} pairs")
        dropped = ", ".join(f"{_text(v)} {_text(k)}" for k, v in exc.items() if v)
        if dropped:
            support += f" (excluded reads: {dropped})"
    elif f.get("supporting_reads") is not None:
        support = f"{_text(f.get('supporting_reads'))} reads (caller)"
    af = as_float(r.get("allele_fraction"))
    fraction = f"{af * 100:.2g}% of {_text(r.get('depth'))} fragments" if af is not None else ""
    sources = _list(f.get("evidence_sources")) or [f.get("evidence")]
    return {"breakpoints": bps, "junction": _text(r.get("junction_sequence")), "support": support,
            "fusion_fraction": fraction, "evidence_sources": ", ".join(_text(x) for x in sources if x)}
