"""A warm batch process renders many sample pages: the per-process memories (wording, references) and the
per-report ones (Citer) must give every page the bytes a fresh process gives it, whatever was rendered before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from report_fixtures import FIXTURES, SAMPLE_FIXTURES, load

from alkannot.report.html import render_sample_html
from alkannot.report.references import Citer, load_references
from alkannot.report.wording import humanise

FRESH = """
import json, sys
from alkannot.report.html import render_sample_html
data = json.loads(open(sys.argv[1]).read())
sys.stdout.write(json.dumps(render_sample_html(data)))
"""


def _fresh(name: str) -> str:
    """The page rendered by a new interpreter (every memory empty)."""
    out = subprocess.run([sys.executable, "-c", FRESH, str(FIXTURES / f"{name}.json")], capture_output=True,
                         text=True, check=True, env={**os.environ, "ALKANNOT_CACHE_DIR": "off"})
    return json.loads(out.stdout)


def test_pages_rendered_in_one_process_are_the_fresh_processes_pages():
    names = SAMPLE_FIXTURES
    assert len(names) >= 2
    warm = {}
    for name in names + names[::-1]:  # every page after every other one, twice
        page = render_sample_html(load(name))
        assert warm.setdefault(name, page) == page, f"{name}: second render differs"
    for name in (names[0], names[-1]):
        fresh = _fresh(name)
        assert fresh.startswith("<!DOCTYPE html>") and warm[name] == fresh


def test_humanise_cites_in_every_report_even_when_its_text_is_remembered():
    text = "reported at progression (tabbo2020:ref8; tabbo2020:ref23) [T1.crizotinib.res.L1196M] TP53:mutation"
    refs = load_references()
    first, second = Citer(refs), Citer(refs)
    a = humanise(text, first)
    assert first.order, "the text cites the review's references"
    before = list(first.order)
    assert humanise(text, first) == a and first.order == before  # a repeat in one report cites nothing new
    assert humanise(text, second) == a
    assert second.order == first.order  # the second report cites them too, in the same order
    assert [e["key"] for e in second.entries()] == [e["key"] for e in first.entries()]


def test_citer_labels_once_per_source_but_records_every_key():
    refs = load_references()
    c = Citer(refs)
    assert c.cite("tabbo2020:ref8; tabbo2020:ref23") == c.cite("tabbo2020:ref8; tabbo2020:ref23")
    assert c.order == ["tabbo2020:ref8", "tabbo2020:ref23"]
    c.cite("cancerhotspots")
    c.cite("tabbo2020:ref8")
    assert c.order == ["tabbo2020:ref8", "tabbo2020:ref23", "cancerhotspots"]
    labels = c.cite("tabbo2020:ref8")
    labels.append("mutated by the caller")
    assert "mutated by the caller" not in c.cite("tabbo2020:ref8")


def test_mechanisms_split_once_per_report_and_data():
    """wording.split_mechanisms with a report's Citer: the same lists for the same data dict (made once), what it
    makes without one, and made again for another dict (even one equal to it)."""
    from alkannot.report.readable import Citer, load_references
    from alkannot.report.wording import split_mechanisms

    data = {"mechanisms": [{"name": "ALK:G1202R", "type": "on_target"}, {"name": "TP53:mutation (prognostic)"},
                           {"name": "ALK X1 (not in the knowledge base)"}, "not a dict", None]}
    citer = Citer(load_references(None))
    first = split_mechanisms(data, citer)
    assert first == split_mechanisms(data) and [len(x) for x in first] == [3, 1, 1]
    assert split_mechanisms(data, citer) is first
    other = {"mechanisms": list(data["mechanisms"])}
    assert split_mechanisms(other, citer) is not first and split_mechanisms(other, citer) == first
    assert split_mechanisms(other, Citer(load_references(None))) == first
