"""Reruns are identical: `alkannot annotate` twice on the same demo input writes byte-identical files.

The only time-dependent field is `generated_at`, which stays null unless ALKANNOT_TIMESTAMP is set
(and then carries exactly that value).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "test-data" / "P001_T2.vcf"  # phased ALK compound + TP53 + filtered KRAS: most code paths


def _annotate(out: Path, cwd: Path, timestamp: str | None = None) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("ALKANNOT_TIMESTAMP", "ALKANNOT_DEBUG")}
    if timestamp:
        env["ALKANNOT_TIMESTAMP"] = timestamp
    r = subprocess.run([sys.executable, "-m", "alkannot.cli", "annotate", str(DEMO), "--build", "GRCh38",
                        "--sample", "P001_T2", "--current-tki", "alectinib", "--prior-tkis", "crizotinib",
                        "--out", str(out)], cwd=cwd, env=env, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert files, "no outputs written"
    return files


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    if not DEMO.exists():
        pytest.skip(f"demo input missing: {DEMO}")
    a, b = tmp_path_factory.mktemp("run_a"), tmp_path_factory.mktemp("run_b")
    # different working directories and output paths: neither may leak into the outputs
    return _annotate(a / "out", a), _annotate(b / "elsewhere" / "out", b)


def test_rerun_is_byte_identical(two_runs):
    first, second = two_runs
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"outputs differ between identical runs: {differ}"


def test_no_timestamp_unless_asked(two_runs, tmp_path):
    first, _ = two_runs
    data = json.loads(first["P001_T2.alkannot.json"])
    assert data["generated_at"] is None
    stamped = _annotate(tmp_path / "out", tmp_path, timestamp="2024-05-01T12:00:00Z")
    assert json.loads(stamped["P001_T2.alkannot.json"])["generated_at"] == "2024-05-01T12:00:00Z"
    # the timestamp is the only difference in the JSON
    a = {k: v for k, v in data.items() if k != "generated_at"}
    b = {k: v for k, v in json.loads(stamped["P001_T2.alkannot.json"]).items() if k != "generated_at"}
    assert a == b
