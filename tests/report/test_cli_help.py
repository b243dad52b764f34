"""CLI polish: every option is described, TKI names are case-insensitive and validated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
SIX = "crizotinib, ceritinib, alectinib, brigatinib, ensartinib, lorlatinib"


def _subparsers():
    import argparse

    p = build_parser()
    action = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return p, action.choices


def test_top_level_help_names_the_tool_and_commands():
    p, subs = _subparsers()
    text = p.format_help()
    assert "alkannot: ALK TKI resistance annotation for ALK-rearranged lung cancer" in text
    assert "Command-line entry point" not in text
    for name in subs:
        assert name in text


@pytest.mark.parametrize("command", ["annotate", "annotate-batch", "patient-report", "cohort-report",
                                     "build-resources"])
def test_every_option_has_help(command):
    _, subs = _subparsers()
    for a in subs[command]._actions:
        assert a.help, f"{command} {a.option_strings or a.dest} has no help"


def test_annotate_help_lists_the_six_tkis_and_choices():
    _, subs = _subparsers()
    text = " ".join(subs["annotate"].format_help().split())
    assert SIX in text
    assert "tissue, plasma or csf" in text and "GRCh37 or GRCh38" in text


def _run(*args, tmp):
    return subprocess.run([sys.executable, "-m", "alkannot.cli", "annotate", str(REPO / "test-data" / "P001_T1.vcf"),
                           "--build", "GRCh38", "--report-date", "2025-03-01", "--out", str(tmp), *args],
                          capture_output=True, text=True, timeout=300, cwd=REPO)


def test_tki_names_are_case_insensitive_and_validated(tmp_path):
    if not (REPO / "test-data" / "P001_T1.vcf").exists():
        pytest.skip("demo input missing")
    ok = _run("--current-tki", "Lorlatinib", "--prior-tkis", "Crizotinib,ALECTINIB", tmp=tmp_path / "ok")
    assert ok.returncode == 0, ok.stderr
    data = json.loads((tmp_path / "ok" / "P001_T1.alkannot.json").read_text())
    assert data["sample"]["current_tki"] == "lorlatinib"
    assert data["sample"]["prior_tkis"] == ["crizotinib", "alectinib"]
    assert data["report"]["date"] == "2025-03-01" and data["report"]["id"].startswith("ALK-20250301-")
    bad = _run("--current-tki", "lorlatnib", tmp=tmp_path / "bad")
    assert bad.returncode == 2 and SIX in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad").exists() or not any((tmp_path / "bad").iterdir())
