"""The sample page's long lists, rendered in Python: the tables' rows (variants, compounds, co-alterations,
evidence tiers, resource files), the drug cards, the evidence trail's lists and the References list.

Each function gives the markup ``sample.html.j2`` / ``_macros.html.j2`` drew with a Jinja loop
(`tests/report/test_table_rows.py` renders those loops beside this code, on random and hostile values: the same
bytes); a warm batch process renders one page per sample, and Jinja's per-item cost was most of the page's. Every value from the view rows (``html.sample_view``,
``readable.readable_view``) is input-derived and untrusted: it is escaped as Jinja's autoescape escapes it
(``markupsafe.escape``), and only our own constant markup is joined around it.
"""

from __future__ import annotations

from markupsafe import Markup

from alkannot.report.numbers import fmt_num, fmt_vaf
from alkannot.report.values import html_text as _e  # markupsafe.escape's bytes, as text
from alkannot.report.wording import engine_words


def hgvs_text(*parts: str) -> str:
    """HGVS parts ('NM_004304.5', 'c.3604G>A': strings) as tokens that never break inside, a line breaking
    only after ':'; each token escaped (readable.hgvs_html is this as Markup). Escaping never adds or removes a
    ':', so the parts are escaped together, once, and split after."""
    tokens = [x for x in _e(":".join(parts)).split(":") if x]
    if not tokens:
        return "—"
    return '<span class="hgvs"><span class="tok">' + '</span>:<wbr><span class="tok">'.join(tokens) + "</span></span>"


def variant_row_html(row: dict) -> str:
    """One ``<tr>`` of the variant table (with its trailing newline) for one ``html.variant_rows`` row."""
    e = _e
    flags = row["flag_words"]
    return "".join([
        '<tr class="', "" if row["annotated"] else "not-annotated", " ch" if row["ch"] else "", '">\n',
        "<td>", e(row["gene"] or "—"), '<br><span class="tag">kinase domain</span>' if row["kinase"] else "",
        "</td>\n",
        "<td><strong>", e(row["short"] or "—"), "</strong>",
        f' <span class="alias">(published as {e(row["alias"])})</span>' if row["alias"] else "",
        '<br><span class="mono">', hgvs_text(row["locus"]), "</span></td>\n",
        '<td class="mono">', hgvs_text(row["transcript"], row["hgvsc"]), "<br>", hgvs_text(row["hgvsp"]),
        "</td>\n",
        "<td>", e(str(row["consequence"] or "—").replace("_", " ")),
        f"<br>exon {e(row['exon'])}" if row["exon"] else "", f"<br>{e(row['region'])}" if row["region"] else "",
        "</td>\n",
        '<td class="num">', e(fmt_vaf(row["vaf"])), "</td>\n",
        '<td class="num">', e(fmt_num(row["depth"])),
        f" ({e(fmt_num(row['alt_reads']))})" if row["alt_reads"] is not None else "", "</td>\n",
        '<td class="num">', e(fmt_vaf(row["lod"])), "</td>\n",
        "<td>", e(row["filter_words"]), "</td>\n",
        "<td>", "".join([f'<span class="tag">{e(f)}</span> ' for f in flags]), "" if flags else "—",
        f"<br><small>{e(row['ch_evidence'])}</small>" if row["ch_evidence"] else "", "</td>\n",
        "<td>", "annotated" if row["annotated"] else
        f'<strong>not annotated</strong>: {e(str(row["reason"] or "no reason given").replace("_", " "))}',
        "</td>\n",
        "</tr>\n",
    ])


def variant_table_rows(rows) -> Markup:
    """Every row of the table's body, in order (the template puts it between ``<tbody>`` and ``</tbody>``)."""
    return Markup("".join([variant_row_html(r) for r in rows]))


def compound_table_rows(compounds) -> Markup:
    """The compound table's body: one row per ``html.compound_rows`` entry."""
    e = _e
    return Markup("".join([
        f"<tr><td><strong>{e(' + '.join(c['mutations']))}</strong></td><td><strong>{e(c['phase'])}</strong></td>"
        f"<td>{e(c['method'])}</td>\n"
        + "".join([f'<td class="num">{e(fmt_num(n))}</td>' for _k, n in c["counts"]])
        + f"<td>{e(c['confidence'] or '—')}</td><td>{e(c['explanation'] or '—')}</td></tr>\n"
        for c in compounds]))


def co_alteration_table_rows(co_alterations, co_cites) -> Markup:
    """The co-alteration table's body: one row per ``sample_view`` co-alteration, its evidence statements and
    the citation ``readable_view`` made for it (``co_cites``, by position)."""
    e = _e
    out = []
    for i, c in enumerate(co_alterations):
        cc = co_cites[i] if i < len(co_cites) else None
        ev = c["evidence"]
        out.append(
            f"<tr><td>{e(c['gene'])}</td><td><strong>{e(c['alteration'])}</strong></td>"
            f"<td>{e(str(c['category']).replace('_', ' '))}</td><td>{e(str(c['role']).replace('_', ' '))}</td>\n"
            f'<td class="num">{e(fmt_vaf(c["vaf"]))}</td><td>'
            + ("<ul>" + "".join([f"<li>{e(x['statement'])}</li>" for x in ev]) + "</ul>" if ev else "")
            + (f'<span class="cite">({e(cc["cite"])})</span>' if cc and cc["cite"] else "")
            + "</td></tr>\n")
    return Markup("".join(out))


def tier_table_rows(tiers) -> Markup:
    """The evidence-tier table's body: one row per ``wording.tier_rows`` entry."""
    e = _e
    return Markup("".join([
        f"<tr><td>{e(t['finding'])}</td><td>{e(t['kind'])}</td><td><strong>{e(t['label'])}</strong></td>"
        f"<td>{e(t['rule'])}</td><td>{e(t['basis'])}</td></tr>\n" for t in tiers]))


def evidence_trail_sections(trail) -> Markup:
    """The evidence-trail appendix's sections (``readable.evidence_trail``: [{title, lines}]): a heading and a
    list per section. A panel sample records hundreds of lines; the Jinja loop spent more on them than on the
    rest of the appendix."""
    e = _e
    return Markup("".join([
        f"<h3>{e(t['title'])}</h3>\n"
        + '<ul class="mono">' + "".join([f"<li>{e(i)}</li>" for i in t["lines"]]) + "</ul>\n"
        for t in trail]))


def drug_cards(drugs, explain, clonality) -> Markup:
    """The first screen's drug cards: one ``<details>`` per ``html.drug_cells`` entry ``d``, with the reader's
    explanation ``explain[d['drug']]`` (``wording.explained``; none: "Not assessed") and, in every card, the ALK
    mutations' clonality lines (``clonality``: the same list for each card, so it is worded and escaped once)."""
    e = _e
    alk = ("<strong>ALK mutations</strong><ul>" + "".join([f"<li>{e(engine_words(c))}</li>" for c in clonality])
           + "</ul>") if clonality else ""
    return Markup("".join([_drug_card(d, explain.get(d["drug"]), alk) for d in drugs]))


def _drug_card(d: dict, x: dict | None, alk: str) -> str:
    """One card: the summary line (verdict, why, CIViC badge), then the evidence, notes, ALK mutations and
    CIViC block it opens to."""
    e = _e
    civic = d["civic"]
    out = [f'<details class="drug v-{e(d["kind"])}" role="listitem">\n',
           f'<summary title="{e(d["drug"])}: {e(d["verdict"])}', f" — {e(x['headline'])}" if x else "", '">\n',
           f'<span class="dname">{e(d["drug"])}</span>\n',
           f'<span class="dverdict">{e(d["symbol"])} {e(d["verdict"])}</span>\n',
           "".join([f'<span class="dline">{e(line)}</span>' for line in d["lines"]])]
    if x:
        out.append(f'<span class="dwhy">{e(x["short"])}</span>')
        out.extend([f'<span class="dline">{e(line)}</span>' for line in x["extra"]])
    if civic:
        out.append(f'<span class="dcivic civic-{e(civic["agreement"])}" title="{e(engine_words(civic["explanation"]))}">'
                   f'CIViC {e(civic["symbol"])} {e(str(civic["label"]).replace("CIViC only", "only"))} '
                   f'({e(civic["n_items"])})</span>')
    out.append('<span class="more">' + ("evidence ▸" if x and (x["findings"] or x["notes"]) or civic
                                         else "no details") + "</span>\n</summary>\n<div class=\"body\">\n")
    if x:
        for f in x["findings"]:
            out.append(f"<strong>{e(f['label'])}</strong><ul>")
            out.extend([f"<li>{e(ev['statement'])}"
                        + (f' <span class="cite">({e(ev["cite"])})</span>' if ev["cite"] else "") + "</li>"
                        for ev in f["evidence"]])
            out.append("</ul>")
        if x["notes"]:
            out.append("<strong>Notes</strong><ul>" + "".join([f"<li>{e(n)}</li>" for n in x["notes"]]) + "</ul>")
        if not (x["findings"] or x["notes"]):
            out.append('<p class="na">No evidence recorded.</p>')
    else:
        out.append('<p class="na">Not assessed.</p>')
    out.append(alk)
    if civic:
        out.append(_civic_block(civic))
    out.append("</div>\n</details>\n")
    return "".join(out)


def _civic_block(c: dict) -> str:
    """A drug card's CIViC block (``civic_view.civic_cell``)."""
    e = _e
    out = [f'<div class="civic-block"><strong>CIViC {e(c["release"])} beside the review</strong> (the review\'s '
           "verdict above is primary)\n",
           f'<p><span class="tag civic-{e(c["agreement"])}">{e(c["symbol"])} {e(c["label"])}</span> '
           f'{e(c["counts"])}. {e(engine_words(c["explanation"]))}',
           f' <strong>{e(c["changed"])}</strong>' if c["changed"] else "", "</p>\n"]
    if c["rows"]:
        out.append('<table class="civic-items"><thead><tr><th>EID</th><th>Finding</th><th>CIViC says</th>'
                   "<th>Level</th><th>Disease</th><th>PMID</th></tr></thead><tbody>\n")
        for it in c["rows"]:
            eid = (f'<a href="{e(it["url"])}">{e(it["eid"])}</a>' if it["url"].startswith("https://")
                   else e(it["eid"]))
            out.append(f"<tr><td>{eid}</td><td>{e(engine_words(it['finding']))}</td><td>{e(it['effect'])}"
                       + (f" (with {e(it['with'])})" if it["with"] else "")
                       + f"</td><td>{e(it['level'])}</td><td>{e(it['disease'])}"
                       + (' <span class="tag warn">not NSCLC</span>' if it["other_disease"] else "")
                       + f"</td><td>{e(it['pmid'] or it['citation'])}</td></tr>\n")
        out.append("</tbody></table>")
        if c["more"]:
            out.append(f'<p class="na">+{e(c["more"])} more in the JSON.</p>')
    if c["fusion_n"]:
        out.append(f'<p class="na">ALK-fusion-level CIViC items (the indication, not the resistance finding): '
                   f'{e(c["fusion_n"])} ({e(c["fusion_levels"])})'
                   # Markup.join escapes each item as Jinja's join filter did (a Markup item kept as it is)
                   + (f', e.g. {Markup(", ").join(c["fusion_top"])}' if c["fusion_top"] else "") + ".</p>")
    out.append("</div>")
    return "".join(out)


def resource_file_rows(files) -> Markup:
    """The methods section's resource-file table body (``readable_view``'s ``resource_files``: role, file,
    version, sha256): the same sixteen-odd rows on every page."""
    e = _e
    return Markup("".join([
        f'<tr><td>{e(f["role"])}</td><td class="mono">{e(f["file"])}</td><td>{e(f["version"] or "—")}</td>'
        f'<td class="mono">{e(f["sha256"] or "—")}</td></tr>\n' for f in files]))


def reference_items(refs) -> Markup:
    """The References list's items (``Citer.entries``: label, text, url, note)."""
    e = _e
    return Markup("".join([
        f"<li><strong>{e(c['label'])}</strong>: "
        + (f'<a href="{e(c["url"])}" rel="noreferrer noopener">{e(c["text"])}</a>' if c["url"] else f"{e(c['text'])}")
        + (f' <span class="sub">({e(c["note"])})</span>' if c["note"] else "") + "</li>\n" for c in refs]))
