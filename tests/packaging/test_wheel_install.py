"""A wheel, installed the way users install it (not editable), finds its bundled resources and runs a sample
from an unrelated working directory.  This is the check that resources/ ships as package data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def test_every_subpackage_is_listed_in_pyproject():
    """pyproject lists packages explicitly (resources/ is mapped in as alkannot._resources), so a new
    subpackage must be added there or the wheel would silently lack it."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    src = REPO / "src"
    found = {".".join(p.parent.relative_to(src).parts) for p in src.glob("alkannot/**/__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"


def test_wheel_runs_demo_sample_from_any_directory(tmp_path):
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                  "-w", str(wheel_dir), str(REPO)])
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build a wheel offline here: {build.stderr.strip().splitlines()[-1]}")
    assert build.returncode == 0, build.stderr
    wheel = next(wheel_dir.glob("alkannot-*.whl"))
    inst = _run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)])
    assert inst.returncode == 0, inst.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ALKANNOT_RESOURCES"}
    # -S: no site processing, so this checkout's editable install (a .pth finder) is not loaded; the
    # dependencies come from the same site-packages, named explicitly after the installed wheel.
    deps = [p for p in sys.path if p.endswith("site-packages")]
    env["PYTHONPATH"] = os.pathsep.join([str(site), *deps])
    py = [sys.executable, "-S"]
    where = _run([*py, "-c", "import alkannot, alkannot.annotate.transcripts as t; "
                  "print(alkannot.__file__); print(t.resources_dir())"], cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    mod, res = where.stdout.split()
    assert mod.startswith(str(site)) and res.startswith(str(site)), where.stdout
    run = _run([*py, "-m", "alkannot.cli", "annotate", str(REPO / "test-data" / "P001_T1.vcf"),
                "--sample", "P001_T1", "--tumor-sample", "P001_T1_tumor", "--out", "out"], cwd=work, env=env)
    assert run.returncode == 0, run.stderr
    data = json.loads((work / "out" / "P001_T1.alkannot.json").read_text())
    assert data["kb_version"] and data["alk_mutations"]
