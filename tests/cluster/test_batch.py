"""`alkannot.batch`: one process for many samples, outputs byte-identical to `alkannot annotate` per sample.

The per-sample side is the CLI called with the flags the workflow builds from the sheet
(workflow/rules/common.smk: annotate_args), on the demo sheet config/samples.tsv.
"""

from __future__ import annotations

import filecmp
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.batch import read_sheet, run_batch, spec_from_row
from alkannot.errors import InputError
from alkannot.sheet import annotate_argv

REPO = Path(__file__).resolve().parents[2]
SHEET = REPO / "config" / "samples.tsv"


def annotate_cli_args(row: dict[str, str]) -> list[str]:
    """The workflow's per-sample command line (common.smk: annotate_args) for this sheet row."""
    spec = spec_from_row(row, pass_filters=["PASS", "."])
    return [row["vcf"], *annotate_argv(spec)]


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    rows = read_sheet(SHEET)
    env = dict(os.environ)  # same ALKANNOT_TIMESTAMP (if any) as the in-process batch run
    for sid, row in rows.items():
        cmd = [sys.executable, "-m", "alkannot.cli", "annotate", *annotate_cli_args(row),
               "--out", str(base / "single" / sid)]
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, f"{shlex.join(cmd)}\n{proc.stderr}"
    cwd = os.getcwd()
    os.chdir(REPO)  # sheet paths are relative to the workflow's working directory
    try:
        result = run_batch(SHEET, base / "batch", pass_filters=["PASS", "."], log=open(os.devnull, "w"))
    finally:
        os.chdir(cwd)
    return base, rows, result


def test_batch_outputs_are_byte_identical(both_runs):
    base, rows, result = both_runs
    assert set(result) == set(rows) and all(r["status"] == "ok" for r in result.values())
    for sid in rows:
        single = sorted(p.name for p in (base / "single" / sid).iterdir())
        batch = sorted(p.name for p in (base / "batch" / sid).iterdir())
        assert single == batch and single, sid
        _, mismatch, errors = filecmp.cmpfiles(base / "single" / sid, base / "batch" / sid, single, shallow=False)
        assert not mismatch and not errors, f"{sid}: differ: {mismatch + errors}"


@pytest.mark.parametrize("row, field, expected", [
    ({"sample": "S1", "vcf": "a.vcf"}, "specimen", "tissue"),
    ({"sample": "S1", "vcf": "a.vcf", "prior_tkis": "crizotinib,alectinib"}, "prior_tkis",
     ["crizotinib", "alectinib"]),
    ({"sample": "S1", "vcf": "a.vcf", "tumor_fraction": "0.3"}, "tumor_fraction", 0.3),
    ({"sample": "S1", "vcf": "a.vcf", "patient": ""}, "patient", None),
    ({"sample": "S1", "vcf": "a.vcf"}, "reference", "/ref.fa"),
    ({"sample": "S1", "vcf": "a.vcf", "reference": "own.fa"}, "reference", "own.fa"),
])
def test_spec_from_row_follows_the_workflow_rules(row, field, expected):
    assert getattr(spec_from_row(row, reference="/ref.fa"), field) == expected


def test_unknown_sample_and_bad_number_are_input_errors(tmp_path):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample\tvcf\ttumor_fraction\nS1\tmissing.vcf\t0.5\n")
    with pytest.raises(InputError, match="not in the sheet: S2"):
        run_batch(sheet, tmp_path / "out", ["S2"])
    # a bad cell stops the whole sheet before any sample runs, naming the line, sample and column
    sheet.write_text("sample\tvcf\ttumor_fraction\nS1\tmissing.vcf\tabc\n")
    with pytest.raises(InputError, match=r"s.tsv:2: sample 'S1', column 'tumor_fraction': 'abc' is not a number"):
        run_batch(sheet, tmp_path / "out", ["S1"], log=open(os.devnull, "w"))


def test_keep_going_reports_every_failed_sample(tmp_path):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample\tvcf\nS1\tmissing1.vcf\nS2\tmissing2.vcf\n")
    with pytest.raises(InputError, match="2 of 2 samples failed: S1, S2"):
        run_batch(sheet, tmp_path / "out", keep_going=True, log=open(os.devnull, "w"))
