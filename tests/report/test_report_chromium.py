"""Real headless Chromium: injected payloads must not run, and the reports must render to a screenshot.

Each payload, if it ran, would set document.title to "PWNED" or add a <pwned> element; the payload text
itself only contains "PWN'+'ED", so finding "PWNED" in the dumped DOM proves execution. Control tests show
the same payloads do run when spliced in raw, so a pass here is not a broken harness.
"""

from __future__ import annotations

import re

import pytest
from report_chromium import chromium, dump_dom, screenshot
from report_fixtures import FIXTURES, P001, SAMPLE_FIXTURES, load
from test_report_escaping import poison

from alkannot.report.cohort import render_cohort
from alkannot.report.html import render_sample_html
from alkannot.report.timeline import render_patient_html

pytestmark = pytest.mark.skipif(chromium() is None,
                                reason="chromium not on PATH (Debian: apt-get install chromium); browser tests skipped")

EXEC = [
    "<script>document.title='PWN'+'ED'</script>",
    "<img src=x onerror=\"document.title='PWN'+'ED'\">",
    "<svg><image href=x onerror=\"document.title='PWN'+'ED'\"/></svg>",
    "</style><script>document.title='PWN'+'ED'</script>",
    "\"><img src=x onerror=document.body.appendChild(document.createElement('pwn'+'ed'))>",
]
ALL = "".join(EXEC)


def executed(dom: str) -> bool:
    return "PWNED" in dom or "<pwned" in dom


def run(tmp_path, page: str) -> str:
    f = tmp_path / "page.html"
    f.write_text(page)
    dom = dump_dom(f)
    assert "</html>" in dom  # the page loaded and was serialised
    return dom


@pytest.mark.parametrize("payload", EXEC)
def test_control_payload_runs_when_raw(tmp_path, payload):
    assert executed(run(tmp_path, f"<!DOCTYPE html><html><head><title>t</title><style>p{{}}</style></head>"
                                  f"<body><p>{payload}</p></body></html>"))


@pytest.mark.parametrize("payload", EXEC)
def test_sample_report_payload_does_not_run(tmp_path, payload):
    dom = run(tmp_path, render_sample_html(poison(load("tissue_P001_T2"), payload), resources=FIXTURES))
    assert not executed(dom)
    assert "Research use only" in dom


def test_patient_and_cohort_payloads_do_not_run(tmp_path):
    samples = [poison(load(n), ALL) if n == "tissue_P001_T2" else load(n) for n in P001]
    assert not executed(run(tmp_path, render_patient_html(samples)))
    page, _, _ = render_cohort([poison(load("tissue_P001_T2"), ALL), load("tissue_P002_T1")])
    assert not executed(run(tmp_path, page))


def test_csp_blocks_inline_script_even_if_escaping_failed(tmp_path):
    page = render_sample_html(load("tissue_P002_T1"), resources=FIXTURES)
    spliced = page.replace("<body>", "<body>" + EXEC[0] + EXEC[1], 1)
    assert not executed(run(tmp_path, spliced))
    # Control: without the CSP meta tag the same splice runs, so the CSP is what stopped it.
    no_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", spliced)
    assert executed(run(tmp_path, no_csp))


@pytest.mark.parametrize("name", SAMPLE_FIXTURES[:1])
def test_screenshot(tmp_path, name):
    f = tmp_path / "report.html"
    f.write_text(render_sample_html(load(name), resources=FIXTURES))
    png = screenshot(f, tmp_path / "report.png", height=1200)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses far smaller
