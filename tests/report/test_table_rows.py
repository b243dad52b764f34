"""The variant table's rows, rendered in Python (report/table_rows.py), are the bytes the Jinja loop of
sample.html.j2 gave (kept here as the reference), for ordinary and hostile rows; every input-derived value is
escaped."""

from __future__ import annotations

import itertools
import random

import pytest
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from alkannot.report.html import environment, fmt_num, fmt_rate, fmt_vaf, variant_rows
from alkannot.report.readable import hgvs_html
from alkannot.report.table_rows import variant_table_rows
from alkannot.report.wording import engine_words

# The loop as sample.html.j2 had it before the rows moved to Python.
JINJA_ROWS = """{% for row in v.variants %}
<tr class="{% if not row.annotated %}not-annotated{% endif %}{% if row.ch %} ch{% endif %}">
<td>{{ row.gene or "—" }}{% if row.kinase %}<br><span class="tag">kinase domain</span>{% endif %}</td>
<td><strong>{{ row.short or "—" }}</strong>{% if row.alias %} <span class="alias">(published as {{ row.alias }})</span>{% endif %}<br><span class="mono">{{ hgvs(row.locus) }}</span></td>
<td class="mono">{{ hgvs(row.transcript, row.hgvsc) }}<br>{{ hgvs(row.hgvsp) }}</td>
<td>{{ (row.consequence or "—") | replace("_", " ") }}{% if row.exon %}<br>exon {{ row.exon }}{% endif %}{% if row.region %}<br>{{ row.region }}{% endif %}</td>
<td class="num">{{ row.vaf | vaf }}</td>
<td class="num">{{ row.depth | num }}{% if row.alt_reads is not none %} ({{ row.alt_reads | num }}){% endif %}</td>
<td class="num">{{ row.lod | vaf }}</td>
<td>{{ row.filter_words }}</td>
<td>{% for f in row.flag_words %}<span class="tag">{{ f }}</span> {% endfor %}{% if not row.flag_words %}—{% endif %}{% if row.ch_evidence %}<br><small>{{ row.ch_evidence }}</small>{% endif %}</td>
<td>{% if row.annotated %}annotated{% else %}<strong>not annotated</strong>: {{ (row.reason or "no reason given") | replace("_", " ") }}{% endif %}</td>
</tr>
{% endfor %}
"""

HOSTILE = ["<script>alert(1)</script>", '"><svg onload=alert(1)>', "a&b'c", "x_y:z<w>", "{}{0}%s", "\u00e9\u2014"]


def _old_hgvs(*parts) -> Markup:
    """readable.hgvs_html as it was (Markup.format per token)."""
    tokens: list[str] = []
    for p in parts:
        tokens.extend(x for x in ("" if p is None else str(p)).split(":") if x)
    if not tokens:
        return Markup("—")
    inner = Markup(":<wbr>").join(Markup('<span class="tok">{}</span>').format(t) for t in tokens)
    return Markup('<span class="hgvs">{}</span>').format(inner)


def _reference(rows: list[dict]) -> str:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(vaf=fmt_vaf, num=fmt_num, rate=fmt_rate, words=engine_words)
    env.globals["hgvs"] = _old_hgvs
    return env.from_string(JINJA_ROWS).render(v={"variants": rows})


def _variants(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    texts = ["", "ALK", "c.3604G>A", "NM_004304.5", "missense_variant", "p.(Gly1202Arg)", "G1202R", None, *HOSTILE]
    nums = [None, 0, 1, 0.05, 0.1234, 1234567, "12", "<b>", float("nan"), True]
    out = []
    for _ in range(n):
        v = {k: rng.choice(texts) for k in ("gene", "chrom", "ref", "alt", "transcript", "hgvsc", "hgvsp",
                                              "protein_short", "consequence", "exon", "alk_region", "filter",
                                              "specimen_filter", "ch_status", "ch_evidence", "reason", "status")}
        v.update({k: rng.choice(nums) for k in ("pos", "vaf", "depth", "alt_reads", "protein_position")})
        v["flags"] = rng.sample(texts[1:], rng.randrange(3))
        v["protein_aliases"] = rng.sample(HOSTILE, rng.randrange(2))
        v["alk_kinase_domain"] = rng.choice([True, False, None])
        v["filter_pass"] = rng.choice([True, False, None])
        v["status"] = rng.choice(["annotated", "not_annotated", None])
        if rng.random() < 0.5:
            v["lod"] = rng.choice(nums)
        out.append(v)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_rows_are_the_jinja_loops_bytes(seed):
    rows = variant_rows(_variants(60, seed), {"hotspot_coverage": [
        {"mutation": "G1202R", "lod": 0.01}, {"mutation": HOSTILE[0], "lod": HOSTILE[1]}]})
    assert str(variant_table_rows(rows)) == _reference(rows)


def test_every_combination_of_the_row_branches():
    base = variant_rows(_variants(1, 0), {})[0]
    rows = []
    for annotated, ch, kinase, alias, exon, region, alt_reads, flags, ch_ev in itertools.product(
            (True, False), ("", "CH"), (True, False), ("", HOSTILE[0]), ("", "29"), ("", HOSTILE[1]),
            (None, 0, 7), ([], [HOSTILE[2], "x"]), ("", HOSTILE[3])):
        rows.append({**base, "annotated": annotated, "ch": ch, "kinase": kinase, "alias": alias, "exon": exon,
                     "region": region, "alt_reads": alt_reads, "flag_words": flags, "ch_evidence": ch_ev,
                     "reason": HOSTILE[4] if annotated else ""})
    assert str(variant_table_rows(rows)) == _reference(rows)


def test_hostile_text_is_escaped_and_hgvs_unchanged():
    html = str(variant_table_rows(variant_rows(_variants(40, 9), {})))
    assert "<script>" not in html and "<svg" not in html
    for parts in [("NM_004304.5", "c.3604G>A"), ("",), (None,), (HOSTILE[0], HOSTILE[3]), ("a::b:",)]:
        assert hgvs_html(*parts) == _old_hgvs(*parts)


def test_the_sample_template_uses_the_python_rows():
    """The page's variant table is html.variant_table_html's (tested against variant_table_rows below); the
    template keeps variant_table_rows as a global for other templates."""
    from alkannot.report.html import sample_view

    assert environment().globals["variant_table_rows"] is variant_table_rows
    source = environment().loader.get_source(environment(), "sample.html.j2")[0]
    assert "{{ v.variant_table }}" in source and "row.gene" not in source
    variants = _variants(20, 3)
    v = sample_view({"variants": variants}, [])
    assert v["variant_table"] == variant_table_rows(variant_rows(variants, {})) and v["variants"] == variants


def test_text_escape_is_markupsafes():
    from markupsafe import escape

    from alkannot.report.table_rows import _e

    for s in [*HOSTILE, *map(chr, range(256)), "&amp;&lt;", "\u2028<\ud7ff>", ""]:
        assert _e(s) == str(escape(s))


# The other loops as sample.html.j2 had them (with the lines around them that decide their whitespace).
JINJA_COMPOUNDS = """<tbody>
{% for c in v.compounds %}
<tr><td><strong>{{ c.mutations | join(" + ") }}</strong></td><td><strong>{{ c.phase }}</strong></td><td>{{ c.method }}</td>
{% for k, n in c.counts %}<td class="num">{{ n | num }}</td>{% endfor %}
<td>{{ c.confidence or "—" }}</td><td>{{ c.explanation or "—" }}</td></tr>
{% endfor %}
</tbody></table>
"""
PY_COMPOUNDS = """<tbody>
{{ compound_table_rows(v.compounds) }}</tbody></table>
"""
JINJA_CO = """<tbody>
{% for c in v.co_alterations %}
<tr><td>{{ c.gene }}</td><td><strong>{{ c.alteration }}</strong></td><td>{{ c.category | replace("_", " ") }}</td><td>{{ c.role | replace("_", " ") }}</td>
<td class="num">{{ c.vaf | vaf }}</td><td>{% if c.evidence %}<ul>{% for e in c.evidence %}<li>{{ e.statement }}</li>{% endfor %}</ul>{% endif %}{% set cc = r.co_cites[loop.index0] if loop.index0 < r.co_cites | length else none %}{% if cc and cc.cite %}<span class="cite">({{ cc.cite }})</span>{% endif %}</td></tr>
{% endfor %}</tbody></table>
"""
PY_CO = """<tbody>
{{ co_alteration_table_rows(v.co_alterations, r.co_cites) }}</tbody></table>
"""
JINJA_TIERS = """<tbody>
{% for t in r.tiers %}<tr><td>{{ t.finding }}</td><td>{{ t.kind }}</td><td><strong>{{ t.label }}</strong></td><td>{{ t.rule }}</td><td>{{ t.basis }}</td></tr>
{% endfor %}</tbody></table>
"""
PY_TIERS = """<tbody>
{{ tier_table_rows(r.tiers) }}</tbody></table>
"""


def _render(src: str, v: dict, r: dict) -> str:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(vaf=fmt_vaf, num=fmt_num, rate=fmt_rate, words=engine_words)
    env.globals.update({k: environment().globals[k] for k in
                        ("compound_table_rows", "co_alteration_table_rows", "tier_table_rows")})
    return env.from_string(src).render(v=v, r=r)


def _text(rng: random.Random):
    return rng.choice(["", "G1202R", "L1196M", "oncogenic_driver", "a_b_c", "—", *HOSTILE])


@pytest.mark.parametrize("seed", range(6))
def test_compound_co_alteration_and_tier_rows_are_the_jinja_loops_bytes(seed):
    from alkannot.report.html import compound_rows, evidence_items

    rng = random.Random(seed)
    n = rng.randrange(0, 12)
    nums = [None, 0, 3, 1234, 0.5, "x<y", HOSTILE[0]]
    compounds = compound_rows([
        {"mutations": [_text(rng) for _ in range(rng.randrange(2, 4))], "phase": rng.choice(["cis", None, HOSTILE[1]]),
         "method": rng.choice(["reads", "", HOSTILE[2]]),
         "evidence": {k: rng.choice(nums) for k in ("alt_alt", "alt_ref", "ref_alt", "ref_ref", "confidence",
                                                     "explanation") if rng.random() < 0.8}}
        for _ in range(n)])
    co = [{"gene": _text(rng), "alteration": _text(rng), "category": _text(rng), "role": _text(rng),
           "vaf": rng.choice(nums), "evidence": evidence_items(
               [rng.choice([{"source": _text(rng), "statement": _text(rng)}, _text(rng)])
                for _ in range(rng.randrange(3))])} for _ in range(n)]
    co_cites = [{"gene": _text(rng), "cite": _text(rng)} for _ in range(rng.randrange(n + 2))]
    tiers = [{k: _text(rng) for k in ("finding", "kind", "label", "rule", "basis")} for _ in range(n)]
    v, r = {"compounds": compounds, "co_alterations": co}, {"co_cites": co_cites, "tiers": tiers}
    for jinja, py in ((JINJA_COMPOUNDS, PY_COMPOUNDS), (JINJA_CO, PY_CO), (JINJA_TIERS, PY_TIERS)):
        assert _render(py, v, r) == _render(jinja, v, r)


# The evidence trail's loop as _macros.html.j2 had it (with the lines around it that decide its whitespace).
JINJA_TRAIL = """<details class="trail"><summary>Show</summary>
{% for t in trail %}
<h3>{{ t.title }}</h3>
<ul class="mono">{% for i in t.lines %}<li>{{ i }}</li>{% endfor %}</ul>
{% endfor %}
{% if not trail %}<p class="na">Nothing recorded.</p>{% endif %}
</details>
"""
PY_TRAIL = """<details class="trail"><summary>Show</summary>
{{ evidence_trail_sections(trail) }}{% if not trail %}<p class="na">Nothing recorded.</p>{% endif %}
</details>
"""


@pytest.mark.parametrize("seed", range(6))
def test_evidence_trail_sections_are_the_jinja_loops_bytes(seed):
    rng = random.Random(seed)
    values = ["", "verdict: resistant", "note: a < b & 'c'", 0, None, 1.5, Markup("<b>kept</b>"), *HOSTILE]
    trail = [{"title": rng.choice(values), "lines": [rng.choice(values) for _ in range(rng.randrange(4))]}
             for _ in range(rng.randrange(0, 8))]
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals["evidence_trail_sections"] = environment().globals["evidence_trail_sections"]
    py = env.from_string(PY_TRAIL).render(trail=trail)
    assert py == env.from_string(JINJA_TRAIL).render(trail=trail)
    assert "<script>" not in py and "<svg" not in py


# The drug cards' loop as sample.html.j2 had it (with the lines around it that decide its whitespace).
JINJA_CARDS = """<div class="drugs" role="list">
{% for d in v.drugs %}
{% set x = r.explain.get(d.drug) %}
<details class="drug v-{{ d.kind }}" role="listitem">
<summary title="{{ d.drug }}: {{ d.verdict }}{% if x %} — {{ x.headline }}{% endif %}">
<span class="dname">{{ d.drug }}</span>
<span class="dverdict">{{ d.symbol }} {{ d.verdict }}</span>
{% for l in d.lines %}<span class="dline">{{ l }}</span>{% endfor %}
{% if x %}<span class="dwhy">{{ x.short }}</span>{% for l in x.extra %}<span class="dline">{{ l }}</span>{% endfor %}{% endif %}
{% if d.civic %}<span class="dcivic civic-{{ d.civic.agreement }}" title="{{ d.civic.explanation | words }}">CIViC {{ d.civic.symbol }} {{ d.civic.label | replace("CIViC only", "only") }} ({{ d.civic.n_items }})</span>{% endif %}
<span class="more">{% if x and (x.findings or x.notes) or d.civic %}evidence ▸{% else %}no details{% endif %}</span>
</summary>
<div class="body">
{% if x %}
{% for f in x.findings %}<strong>{{ f.label }}</strong><ul>{% for e in f.evidence %}<li>{{ e.statement }}{% if e.cite %} <span class="cite">({{ e.cite }})</span>{% endif %}</li>{% endfor %}</ul>{% endfor %}
{% if x.notes %}<strong>Notes</strong><ul>{% for n in x.notes %}<li>{{ n }}</li>{% endfor %}</ul>{% endif %}
{% if not (x.findings or x.notes) %}<p class="na">No evidence recorded.</p>{% endif %}
{% else %}<p class="na">Not assessed.</p>{% endif %}
{% if v.therapy.clonality %}<strong>ALK mutations</strong><ul>{% for c in v.therapy.clonality %}<li>{{ c | words }}</li>{% endfor %}</ul>{% endif %}
{% if d.civic %}<div class="civic-block"><strong>CIViC {{ d.civic.release }} beside the review</strong> (the review's verdict above is primary)
<p><span class="tag civic-{{ d.civic.agreement }}">{{ d.civic.symbol }} {{ d.civic.label }}</span> {{ d.civic.counts }}. {{ d.civic.explanation | words }}{% if d.civic.changed %} <strong>{{ d.civic.changed }}</strong>{% endif %}</p>
{% if d.civic.rows %}<table class="civic-items"><thead><tr><th>EID</th><th>Finding</th><th>CIViC says</th><th>Level</th><th>Disease</th><th>PMID</th></tr></thead><tbody>
{% for it in d.civic.rows %}<tr><td>{% if it.url.startswith("https://") %}<a href="{{ it.url }}">{{ it.eid }}</a>{% else %}{{ it.eid }}{% endif %}</td><td>{{ it.finding | words }}</td><td>{{ it.effect }}{% if it.with %} (with {{ it.with }}){% endif %}</td><td>{{ it.level }}</td><td>{{ it.disease }}{% if it.other_disease %} <span class="tag warn">not NSCLC</span>{% endif %}</td><td>{{ it.pmid or it.citation }}</td></tr>
{% endfor %}</tbody></table>{% if d.civic.more %}<p class="na">+{{ d.civic.more }} more in the JSON.</p>{% endif %}{% endif %}
{% if d.civic.fusion_n %}<p class="na">ALK-fusion-level CIViC items (the indication, not the resistance finding): {{ d.civic.fusion_n }} ({{ d.civic.fusion_levels }}){% if d.civic.fusion_top %}, e.g. {{ d.civic.fusion_top | join(", ") }}{% endif %}.</p>{% endif %}
</div>{% endif %}
</div>
</details>
{% endfor %}
</div>
"""
PY_CARDS = """<div class="drugs" role="list">
{{ drug_cards(v.drugs, r.explain, v.therapy.clonality) }}</div>
"""


def _card_views(rng: random.Random) -> tuple[list[dict], dict, list]:
    """Random drug cells, reader explanations and clonality lines: every branch of the card, hostile text."""
    texts = ["", "crizotinib", "resistant", "CIViC only", "a_b", "TP53:mutation", "needs one of: sheet",
             "(low_vaf)", "max_somatic_vaf", None, 0, 7, Markup("<i>kept</i>"), *HOSTILE]
    t = lambda: rng.choice(texts)  # noqa: E731
    some = lambda f, k=3: [f() for _ in range(rng.randrange(k + 1))]  # noqa: E731

    def civic():
        if rng.random() < 0.3:
            return None
        return {"agreement": t(), "symbol": t(), "label": rng.choice(["CIViC only", "agrees", *HOSTILE]),
                "explanation": t(), "counts": t(), "n_items": rng.choice([0, 3, "7", HOSTILE[0]]),
                "release": t(), "changed": t(), "more": rng.choice([0, 2]),
                "rows": some(lambda: {"url": rng.choice(["https://civic/1", "http://x", HOSTILE[1], ""]),
                                      "eid": t(), "finding": t(), "effect": t(), "with": t(), "level": t(),
                                      "disease": t(), "other_disease": rng.choice([True, False]),
                                      "pmid": t(), "citation": t()}),
                "fusion_n": rng.choice([0, 4]), "fusion_levels": t(), "fusion_top": some(t)}

    drugs, explain = [], {}
    for i in range(rng.randrange(1, 8)):
        name = rng.choice([f"drug{i}", HOSTILE[i % len(HOSTILE)]])
        drugs.append({"drug": name, "kind": t(), "symbol": t(), "verdict": t(), "lines": some(t), "civic": civic()})
        r = rng.random()
        if r < 0.7:
            explain[name] = {"headline": t(), "short": t(), "extra": some(t), "notes": some(t),
                             "findings": some(lambda: {"label": t(), "evidence": some(
                                 lambda: {"statement": t(), "cite": t()})})}
        elif r < 0.8:
            explain[name] = {}
    return drugs, explain, some(t, 4)


@pytest.mark.parametrize("seed", range(12))
def test_drug_cards_are_the_jinja_loops_bytes(seed):
    drugs, explain, clonality = _card_views(random.Random(seed))
    v, r = {"drugs": drugs, "therapy": {"clonality": clonality}}, {"explain": explain}
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(vaf=fmt_vaf, num=fmt_num, rate=fmt_rate, words=engine_words)
    env.globals["drug_cards"] = environment().globals["drug_cards"]
    py = env.from_string(PY_CARDS).render(v=v, r=r)
    assert py == env.from_string(JINJA_CARDS).render(v=v, r=r)
    assert "<script>" not in py and "<svg" not in py


def test_hgvs_tokens_escaped_together_are_the_tokens_escaped_one_by_one():
    rng = random.Random(4)
    for _ in range(500):
        parts = ["".join(rng.choice(":<>&'\"a;#1") for _ in range(rng.randrange(8))) for _ in range(rng.randrange(1, 4))]
        assert hgvs_html(*parts) == _old_hgvs(*parts)


# The methods table's, the References list's and the key-findings paragraph's loops as the templates had them.
JINJA_RESOURCES = """<tbody>
{% for f in r.resource_files %}<tr><td>{{ f.role }}</td><td class="mono">{{ f.file }}</td><td>{{ f.version or "—" }}</td><td class="mono">{{ f.sha256 or "—" }}</td></tr>
{% endfor %}</tbody></table>
"""
PY_RESOURCES = """<tbody>
{{ resource_file_rows(r.resource_files) }}</tbody></table>
"""
JINJA_REFS = """<ol class="refs">
{% for c in r.references %}
<li><strong>{{ c.label }}</strong>: {% if c.url %}<a href="{{ c.url }}" rel="noreferrer noopener">{{ c.text }}</a>{% else %}{{ c.text }}{% endif %}{% if c.note %} <span class="sub">({{ c.note }})</span>{% endif %}</li>
{% endfor %}
</ol>
"""
PY_REFS = """<ol class="refs">
{{ reference_items(r.references) }}</ol>
"""
JINJA_PARAGRAPH = """<div class="findings">
{% for sentence in r.paragraph %}{{ sentence }} {% endfor %}
</div>
"""
PY_PARAGRAPH = """<div class="findings">
{{ r.paragraph | join(" ") }}{% if r.paragraph %} {% endif %}
</div>
"""


@pytest.mark.parametrize("seed", range(8))
def test_resource_reference_and_findings_loops_are_the_jinja_loops_bytes(seed):
    rng = random.Random(seed)
    values = ["", "tabbo2020", "https://doi.org/10.1/x", None, 0, 3, Markup("<i>ok</i>"), *HOSTILE]
    t = lambda: rng.choice(values)  # noqa: E731
    n = rng.randrange(0, 10)
    r = {"resource_files": [{k: t() for k in ("role", "file", "version", "sha256")} for _ in range(n)],
         "references": [{k: t() for k in ("label", "text", "url", "note")} for _ in range(n)],
         "paragraph": [t() for _ in range(n)]}
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update({k: environment().globals[k] for k in ("resource_file_rows", "reference_items")})
    for jinja, py in ((JINJA_RESOURCES, PY_RESOURCES), (JINJA_REFS, PY_REFS), (JINJA_PARAGRAPH, PY_PARAGRAPH)):
        out = env.from_string(py).render(r=r)
        assert out == env.from_string(jinja).render(r=r)
        assert "<script>" not in out and "<svg" not in out


@pytest.mark.parametrize("seed", range(8))
def test_the_one_pass_variant_table_is_the_rows_pair(seed):
    """html.variant_table_html (what the sample page draws) == variant_table_rows(variant_rows(...)), the pair
    tested against the Jinja loop above, on random and hostile variants (and non-dict items, a missing list)."""
    from alkannot.report.html import variant_table_html

    ctdna = {"hotspot_coverage": [{"mutation": "G1202R", "lod": 0.01}, {"mutation": HOSTILE[0], "lod": HOSTILE[1]},
                                  {"mutation": "L1196M/Q", "lod": "<i>"}]}
    variants = _variants(80, seed) + ["not a dict", None, {}, {"protein_short": "L1196Q"}]
    for vs, cd in [(variants, ctdna), (variants, {}), (None, ctdna), ("text", None)]:
        assert str(variant_table_html(vs, cd)) == str(variant_table_rows(variant_rows(vs, cd or {})))
    assert "<script>" not in str(variant_table_html(variants, ctdna))


def test_hgvs_of_escaped_text_is_hgvs_text():
    from alkannot.report.html import _hgvs_escaped
    from alkannot.report.table_rows import _e, hgvs_text

    for parts in [("NM_004304.5", "c.3604G>A"), ("",), (":",), ("a::b:",), (":a",), ("a:",), ("a", ""), ("", "b"),
                  (HOSTILE[0], HOSTILE[3]), ("chr2:29443695 G>A",), ("p.(Gly1202Arg)",)]:
        assert _hgvs_escaped(_e(":".join(parts))) == hgvs_text(*parts)


@pytest.mark.parametrize("texts", [[], [""], ["", ""], HOSTILE, ["a\0b", "<c>"], ["\0"], ["x", "\0<\0", ""],
                                   [chr(i) for i in range(256)], ["<a>", Markup("<b>"), "c"], ["<", 3, None, 1.5],
                                   [Markup("x&amp;y")]])
def test_texts_escaped_together_are_each_escaped(texts):
    from markupsafe import escape

    from alkannot.report.values import html_texts

    assert html_texts(list(texts)) == [str(escape(t)) for t in texts]


def test_number_formats_fast_paths_are_the_general_path():
    """fmt_vaf/fmt_num take a plain float/int without as_float: the same text as through it."""
    from alkannot.report.svg import as_float

    def vaf(v):
        x = as_float(v)
        if x is None:
            return "—" if v in (None, "") else str(v)
        return f"{x * 100:.2f}%" if x < 0.1 else f"{x * 100:.1f}%"

    def num(v, digits=0):
        x = as_float(v)
        if x is None:
            return "—" if v in (None, "") else str(v)
        return f"{x:,.0f}" if digits == 0 else f"{x:,.{digits}f}"

    values = [None, "", 0, 1, -3, 7, 2**53 + 1, 10**20, 0.0, -0.0, 0.05, 0.0999999, 0.1, 0.1234, 1.5, 1e300,
              float("nan"), float("inf"), -float("inf"), True, False, "12", "<b>", "0.3", [], {}]
    for v in values:
        assert fmt_vaf(v) == vaf(v), v
        for d in (0, 1, 2):
            assert fmt_num(v, d) == num(v, d), (v, d)


def _tier_rows_before(data, citer):
    """wording.tier_rows as it was before the no-basis fast path (the reference)."""
    from alkannot.report.values import as_dict as _d
    from alkannot.report.values import as_list as _l
    from alkannot.report.values import as_text as _t
    from alkannot.report.wording import _finding_words, _tier_rule_words

    out = []
    review_label: list[str] = []
    for t in map(_d, _l(_d(data).get("evidence_tiers"))):
        basis = [_t(b) for b in _l(t.get("basis"))]
        n = t.get("n_basis") or len(basis)
        civic = [b.split(" (")[0].removeprefix("CIViC ") for b in basis if b.startswith("CIViC")]
        review = len([b for b in basis if not b.startswith("CIViC")]) + (0 if civic else n - len(basis))
        parts = []
        if review:
            if not review_label:
                review_label.append(citer.label("tabbo2020"))
            parts.append(f"{review} statement{'s' if review != 1 else ''} of the review ({review_label[0]})")
        if civic:
            parts.append(f"CIViC {', '.join(civic)}" + (f" and {n - len(basis)} more" if n > len(basis) else ""))
        out.append({"finding": _finding_words(_t(t.get("finding"))),
                    "kind": _t(t.get("kind")).replace("alk_", "ALK ").replace("_", " "),
                    "label": _t(t.get("label")), "rule": _tier_rule_words(_t(t.get("rule"))),
                    "basis": "; ".join(parts) or "no evidence in any source"})
    return out


@pytest.mark.parametrize("seed", range(6))
def test_tier_rows_are_the_former_rows(seed):
    from alkannot.report.readable import Citer, load_references
    from alkannot.report.wording import tier_rows

    rng = random.Random(seed)
    bases = [None, [], (), "", 0, ["T1.x"], ["CIViC EID1 (B)", "T1.y"], ("CIViC EID2 (A)",), [None, 3, HOSTILE[0]],
             "not a list", {"a": 1}]
    tiers = [{k: rng.choice([_text(rng), None, 5, "alk_mutation", "co_alteration", "civic-ab-nsclc", "no-evidence"])
              for k in ("finding", "kind", "label", "rule") if rng.random() < 0.9}
             | {"basis": rng.choice(bases), "n_basis": rng.choice([None, 0, 1, 3, 9, "2"])}
             for _ in range(40)] + ["not a dict", None]
    data = {"evidence_tiers": tiers}
    new, old = Citer(load_references(None)), Citer(load_references(None))

    def outcome(f, citer):
        try:
            return f(data, citer)
        except TypeError as e:  # a text n_basis beside an empty basis fails as it did
            return type(e)

    assert outcome(tier_rows, new) == outcome(_tier_rows_before, old)
    assert new.entries() == old.entries()
    data = {"evidence_tiers": [t for t in tiers if not isinstance(t, dict) or not isinstance(t["n_basis"], str)]}
    assert tier_rows(data, new) == _tier_rows_before(data, old)


@pytest.mark.parametrize("seed", range(4))
def test_trail_tier_lines_are_the_former_lines(seed):
    from alkannot.report.readable import evidence_trail
    from alkannot.report.values import as_dict as _d
    from alkannot.report.values import as_list as _l
    from alkannot.report.values import as_text as _t

    rng = random.Random(seed)
    tiers = [{k: rng.choice([_text(rng), None, 5]) for k in ("finding", "label", "rule") if rng.random() < 0.9}
             | {"basis": rng.choice([None, [], (), "", 0, ["T1.x", None, 3], ("CIViC EID2 (A)",), "text", {"a": 1}])}
             for _ in range(30)] + ["not a dict", None]
    before = [f"{_t(t.get('finding'))}: {_t(t.get('label'))} by rule {_t(t.get('rule'))}; basis "
              + ", ".join(map(_t, _l(t.get("basis")))) for t in map(_d, tiers)]
    assert evidence_trail({"evidence_tiers": tiers}) == [{"title": "evidence tiers", "lines": before}]


@pytest.mark.parametrize("seed", range(4))
def test_co_alteration_cites_are_the_former_cites(seed):
    from alkannot.report.readable import Citer, _co_cite, load_references
    from alkannot.report.values import as_dict as _d
    from alkannot.report.values import as_text as _t

    rng = random.Random(seed)
    sources = ["tabbo2020", "tabbo2020; tabbo2020", "tabbo2020:ref8; tabbo2020:ref17", "co_alterations.yaml", "",
               None, HOSTILE[0], "tabbo2020:ref8, tabbo2020:ref8", 7]
    lists = [[rng.choice([{"source": rng.choice(sources)}, "text", None, {}]) for _ in range(rng.randrange(4))]
             for _ in range(40)]
    new, old = Citer(load_references(None)), Citer(load_references(None))
    for ev in lists:
        before = "; ".join(dict.fromkeys(lbl for e in ev for lbl in old.cite(_t(_d(e).get("source")))))
        assert _co_cite(ev, new) == before
    assert new.entries() == old.entries()
