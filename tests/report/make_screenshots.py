"""Render the demo reports from the test fixtures and screenshot them with headless Chromium.

Usage: python tests/report/make_screenshots.py OUT_DIR   (e.g. docs/screenshots)
Writes OUT_DIR/<name>.html and OUT_DIR/<name>.png for: sample_tissue, sample_plasma, patient_timeline, cohort.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report_chromium import chromium, screenshot  # noqa: E402

from alkannot.report.cohort import render_cohort  # noqa: E402
from alkannot.report.html import render_sample_html  # noqa: E402
from alkannot.report.timeline import render_patient_html  # noqa: E402

FIXTURES = HERE / "fixtures"
# (output name, window height): tall enough for each page's content at 1200 px width.
PAGES = {"sample_tissue": 3000, "sample_plasma": 2900, "patient_timeline": 2000, "cohort": 1050}


def _load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def render_all() -> dict[str, str]:
    """Demo pages. The regions come from the repo's resources/ (falls back to the fixture table)."""
    from alkannot.core.resources import resources_dir

    res = resources_dir() if (resources_dir() / "alk_regions.tsv").is_file() else FIXTURES
    p001 = [_load(n) for n in ("plasma_P001_P1", "tissue_P001_T2", "plasma_P001_P2")]
    cohort_html, _, _ = render_cohort([*p001, _load("tissue_P002_T1")])
    return {
        "sample_tissue": render_sample_html(_load("tissue_P001_T2"), resources=res),
        "sample_plasma": render_sample_html(_load("plasma_P001_P1"), resources=res),
        "patient_timeline": render_patient_html(p001),
        "cohort": cohort_html,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if chromium() is None:
        print("chromium not found on PATH (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, page in render_all().items():
        html_file = out / f"{name}.html"
        html_file.write_text(page)
        png = screenshot(html_file, out / f"{name}.png", width=1200, height=PAGES[name])
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
