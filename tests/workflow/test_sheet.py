"""One sheet-row -> SampleSpec function (alkannot.sheet) for the CLI, batch mode and the workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.cli import build_parser
from alkannot.commands import cli_row
from alkannot.sheet import CLI, COLUMNS, annotate_argv, read_sheet, spec_from_row

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or shutil.which("snakemake")
FULL = {"sample": "S1", "vcf": "a.vcf", "patient": "P1", "specimen": "plasma", "timepoint": "2024-06-03",
        "build": "GRCh37", "tumor_sample": "T", "normal_sample": "N", "alignment": "a.bam", "reference": "r.fa",
        "cnv": "c.cns", "sv": "s.vcf", "population_af": "g.vcf.gz", "current_tki": "lorlatinib",
        "prior_tkis": "crizotinib,alectinib", "tumor_fraction": "0.35", "ploidy": "3.1",
        "report_date": "2025-03-01", "accession": "H24-05517", "tumor_af_tag": "INFO/TVAF", "tumor_dp_tag": "TDP",
        "normal_af_tag": "INFO/CVAF", "normal_dp_tag": "CDP", "cnv_sample": "PT01-T2", "sv_sample": "PT01-lung"}


def _via_cli(spec):
    """The SampleSpec `alkannot annotate` builds from the workflow's arguments for `spec`."""
    a = build_parser().parse_args(["annotate", spec.vcf, *annotate_argv(spec), "--out", "o"])
    row = cli_row(a, a.sample)
    return spec_from_row(row,
                         pass_filters=a.pass_filters.split(",") if a.pass_filters else None,
                         kb_extra=a.kb_extra or [], path=CLI)


def test_every_column_survives_the_workflow_command_line():
    assert set(FULL) == set(COLUMNS), "FULL must give every sheet column"
    spec = spec_from_row(FULL, pass_filters=["PASS"], kb_extra=["x.yaml"])
    assert (spec.cnv_sample, spec.sv_sample) == ("PT01-T2", "PT01-lung")
    assert spec.ploidy == 3.1 and spec.population_af == "g.vcf.gz" and spec.timepoint == "2024-06-03"
    assert spec.report_date == "2025-03-01" and spec.accession == "H24-05517"
    assert (spec.tumor_af_tag, spec.tumor_dp_tag, spec.normal_af_tag, spec.normal_dp_tag) == (
        "INFO/TVAF", "TDP", "INFO/CVAF", "CDP")
    assert _via_cli(spec) == spec


def test_demo_sheet_rows_round_trip():
    for row in read_sheet(REPO / "config" / "samples.tsv").values():
        spec = spec_from_row(row, reference="/ref.fa", pass_filters=["PASS", "."])
        assert _via_cli(spec) == spec


def test_config_wide_values_yield_to_the_row():
    spec = spec_from_row({"sample": "S", "vcf": "v"}, reference="/r.fa", population_af="/g.vcf.gz")
    assert (spec.reference, spec.population_af) == ("/r.fa", "/g.vcf.gz")
    spec = spec_from_row({**FULL}, reference="/r.fa", population_af="/g.vcf.gz")
    assert (spec.reference, spec.population_af) == ("r.fa", "g.vcf.gz")


@pytest.mark.skipif(SNAKEMAKE is None, reason="snakemake not installed")
def test_snakemake_prints_one_sheet_error_line(tmp_path):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample\tvcf\ttumour_fraction\nA\ta.vcf\t0.3\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run([SNAKEMAKE, "-n", "--cores", "1", "--config", f"samples={sheet}"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0
    # Snakemake's own start-up notes (profile, config) come before the Snakefile runs; nothing after ours
    lines = [ln for ln in (r.stderr + r.stdout).splitlines()
             if ln.strip() and not ln.startswith(("Using workflow specific profile", "Config file"))]
    assert lines == [f"alkannot: error: {sheet}:1: unknown column 'tumour_fraction' (did you mean "
                     "tumor_fraction? See config/README.md for the columns)"], r.stderr


@pytest.mark.parametrize("value", ["01/03/2025", "2025-02-30", "today"])
def test_report_date_is_a_checked_iso_date(tmp_path, value):
    from alkannot.errors import InputError

    sheet = tmp_path / "s.tsv"
    sheet.write_text(f"sample\tvcf\treport_date\taccession\nS1\ta.vcf\t{value}\tH24-1\n")
    with pytest.raises(InputError, match="report_date.*YYYY-MM-DD"):
        read_sheet(sheet)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["annotate", "a.vcf", "--report-date", value, "--out", "o"])


def test_report_date_and_accession_reach_the_spec():
    spec = spec_from_row({"sample": "S1", "vcf": "a.vcf", "report_date": "2025-03-01", "accession": "H24-1"})
    assert (spec.report_date, spec.accession) == ("2025-03-01", "H24-1")
    assert annotate_argv(spec)[-4:] == ["--report-date", "2025-03-01", "--accession", "H24-1"]
