"""The `alkannot` command's entry point (cli.console_main): the exit status is main()'s, and the cyclic garbage
collector is off only for the one-sample commands (the commands that loop over many samples keep it)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from alkannot import cli


@pytest.fixture
def collector_restored():
    was = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize(("argv", "name"), [
    (["annotate", "--build", "GRCh38", "x.vcf"], "annotate"),
    (["--version"], None),
    ([], None),
    (["cohort-report", "--out", "o", "a.json"], "cohort-report"),
    (["annotate-batch", "--sheet", "s.tsv"], "annotate-batch"),
])
def test_command_name_is_the_first_argument_that_is_not_an_option(argv, name):
    assert cli._command_name(argv) == name


@pytest.mark.parametrize(("command", "collector_on"), [
    ("annotate", False),
    ("patient-report", False),
    ("annotate-batch", True),
    ("patient-report-batch", True),
    ("cohort-report", True),
])
def test_collector_is_off_only_for_one_sample_commands(monkeypatch, collector_restored, command, collector_on):
    seen = {}

    def fake_main(args):
        seen["args"] = args
        seen["enabled"] = gc.isenabled()
        return 7

    gc.enable()
    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["alkannot", command, "--flag", "value"])
    with pytest.raises(SystemExit) as exit_:
        cli.console_main()
    assert exit_.value.code == 7
    assert seen == {"args": [command, "--flag", "value"], "enabled": collector_on}


def test_the_command_exits_with_mains_status_and_one_line_errors(tmp_path):
    """Through a real process: a missing input is one line on stderr and status 2, as main() returns it."""
    missing = tmp_path / "missing.vcf"
    p = subprocess.run([sys.executable, "-m", "alkannot.cli", "annotate", "--build", "GRCh38", "--out",
                        str(tmp_path / "out"), str(missing)], capture_output=True, text=True)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alkannot: error:") and str(missing) in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
