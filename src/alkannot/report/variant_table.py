"""The sample page's variant table rows, rendered in Python (the table's heaviest part: one row per variant).

Each row is the markup ``sample.html.j2`` drew with a Jinja loop (`tests/report/test_variant_table_rows.py`
renders that loop beside this code: the same bytes). Every value from the row dict (``html.variant_rows``)
is input-derived and untrusted: it goes through ``markupsafe.escape`` (Jinja's autoescape function), and only
our own constant markup is joined around it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from alkannot.report.html import fmt_num, fmt_vaf
from alkannot.report.readable import hgvs_html


def _e(value) -> str:
    """markupsafe.escape(value) as text: a plain string by markupsafe's own replacements (the same bytes as its
    C speedups), anything else by escape itself."""
    if type(value) is str:
        return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
            .replace('"', "&#34;")
    return escape(value)


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
        '<br><span class="mono">', hgvs_html(row["locus"]), "</span></td>\n",
        '<td class="mono">', hgvs_html(row["transcript"], row["hgvsc"]), "<br>", hgvs_html(row["hgvsp"]),
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
