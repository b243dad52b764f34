"""Attacker-controlled text (sample names, INFO-derived fields, file names) must come out as inert text."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from report_fixtures import FIXTURES, P001, load

from alkannot.report.cohort import render_cohort
from alkannot.report.html import render_sample_html
from alkannot.report.timeline import render_patient_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "</style><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "</title></svg><iframe src=//evil>",
]


def poison(data: dict, payload: str) -> dict:
    """Put the payload into every kind of free text the renderers show."""
    d = copy.deepcopy(data)
    d["sample"]["id"] = payload
    d["sample"]["patient"] = d["sample"]["patient"]  # keep one patient for the timeline
    d["sample"]["current_tki"] = payload
    d["sample"]["prior_tkis"] = [payload]
    d["inputs"] = [{"role": payload, "path": f"/data/{payload}.vcf", "sha256": payload, "sample": payload}]
    d["resources"] = {"build": payload, "transcripts": payload}
    for v in d.get("variants", []):
        v.update(hgvsp=payload, hgvsc=payload, reason=payload, flags=[payload], filter=payload,
                 specimen_filter=payload, transcript=payload)
    v0 = d["variants"][0]
    v0["protein_short"] = payload
    d["alk_mutations"] = [payload] + d.get("alk_mutations", [])
    d["compound"] = [{"mutations": [payload, "L1196M"], "phase": payload, "method": payload,
                      "evidence": {"alt_alt": payload, "explanation": payload, "confidence": payload}}]
    for drug in d["drugs"].values():
        drug.update(verdict=payload, reasons=[payload], notes=[payload],
                    evidence=[{"source": payload, "statement": payload}])
    d["mechanisms"] = [{"type": payload, "name": payload, "evidence": [payload]}]
    d["therapy_context"] = {"flags": [payload], "options": [payload]}
    d["co_alterations"] = [{"gene": payload, "alteration": payload, "category": payload, "role": payload,
                            "vaf": payload, "evidence": [{"source": payload, "statement": payload}]}]
    d["copy_number"] = [{"gene": payload, "log2": payload, "copy_number": payload, "call": payload,
                         "caveat": payload}]
    d["fusions"] = [{k: payload for k in ("name", "variant", "exons", "partner_5p", "partner_3p", "category",
                                          "notes")}]
    d["ctdna"] = {"tumor_fraction": {"value": payload, "method": payload, "note": payload},
                  "hotspot_coverage": [{"mutation": payload, "depth": payload, "lod": payload, "status": payload,
                                        "text": payload}]}
    d["accounting"] = {"records_read": payload, "not_annotated": {payload: payload}}
    d["kb"] = {"version": payload, "extensions": [payload]}
    d["alk_regions"] = [{"region": payload, "start": 1196, "end": 1200, "label": payload, "source": payload}]
    return d


# Every element the templates and SVG builders emit; anything else in a page came from the input.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "p", "header", "footer", "section", "h1", "h2", "h3",
    "strong", "span", "div", "br", "a", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "code", "svg", "g", "rect", "line", "circle", "text", "path", "polyline", "wbr",
}
# Links the renderers build between the pages of one results folder (cohort <-> patient <-> sample): relative,
# to a fixed layout, and only for ids that are safe file names (an id carrying a payload gets no link).
RELATIVE_LINK = re.compile(r"^\.\./(?:cohort/summary|patients/[A-Za-z0-9._-]+|[A-Za-z0-9._-]+/[A-Za-z0-9._-]+"
                           r"\.report)\.html$")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.style_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_text.append(data)


def assert_inert(page: str, payload: str) -> None:
    """Parse the page like a browser would and check no input became an element, handler or URL."""
    if any(c in payload for c in "<>\"'"):
        assert payload not in page
    parsed = _Elements()
    parsed.feed(page)
    tags = {t for t, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert (value or "").startswith("https://") or RELATIVE_LINK.match(value or ""), (tag, name, value)
    assert [t for t, _ in parsed.tags].count("style") == 1
    assert "alert" not in "".join(parsed.style_text)
    metas = [dict(a) for t, a in parsed.tags if t == "meta"]
    assert any(m.get("http-equiv") == "Content-Security-Policy" for m in metas)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sample_html_escapes(payload):
    page = render_sample_html(poison(load("tissue_P001_T2"), payload), resources=FIXTURES)
    assert_inert(page, payload)
    assert str(escape(payload)) in page  # shown to the reader, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_patient_html_escapes(payload):
    samples = [poison(load(n), payload) if n == "tissue_P001_T2" else load(n) for n in P001]
    samples[1]["co_alterations"][0]["vaf"] = 0.2  # give the poisoned alteration a point on the chart
    page = render_patient_html(samples)
    assert_inert(page, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cohort_outputs_escape(payload):
    page, tsv, mqc = render_cohort([poison(load("tissue_P001_T2"), payload), load("tissue_P002_T1")])
    assert_inert(page, payload)
    for text in mqc.values():
        assert "<" not in text.split("\n", 9)[-1]  # table body (after the YAML header) carries no markup
    assert payload in tsv or "\t" not in payload  # the TSV keeps the text verbatim (it is not HTML)


def test_tabs_and_newlines_cannot_break_the_tsv():
    d = load("tissue_P002_T1")
    d["sample"]["id"] = "evil\tname\nwith\rbreaks"
    _, tsv, mqc = render_cohort([d])
    lines = tsv.splitlines()
    assert len(lines) == 2 and len(lines[1].split("\t")) == len(lines[0].split("\t"))
    assert lines[1].startswith("evil name with breaks\t")
    body = mqc["alkannot_mqc.tsv"].splitlines()[-1]
    assert body.startswith("evil name with breaks\t")


@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    "</style><style>body{}</style>",
])
def test_checker_catches_raw_markup(snippet):
    """The check above must be able to fail: raw markup spliced into a clean page is caught."""
    page = render_sample_html(load("tissue_P002_T1"), resources=FIXTURES).replace("<body>", "<body>" + snippet)
    with pytest.raises(AssertionError):
        assert_inert(page, "payload-not-present")
