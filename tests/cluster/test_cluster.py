"""The demo cohort on a real one-node SLURM cluster (scripts/cluster/test_cluster.sh).

Opt-in: it installs Debian packages on first use, starts daemons and takes about a minute, so it runs only
with ALKANNOT_TEST_CLUSTER=1 (`make test-cluster`), as root on a machine with apt-get or Slurm installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "cluster" / "test_cluster.sh"


def _skip_reason() -> str | None:
    if os.environ.get("ALKANNOT_TEST_CLUSTER") != "1":
        return "cluster test is opt-in: set ALKANNOT_TEST_CLUSTER=1 (or run `make test-cluster`)"
    if os.geteuid() != 0:
        return "cluster test needs root (it starts munged/slurmctld/slurmd)"
    if not (shutil.which("slurmctld") or shutil.which("apt-get")):
        return "neither Slurm nor apt-get (to install it) is available"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return "snakemake-executor-plugin-slurm missing: pip install -e '.[cluster]'"
    return None


@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_demo_on_slurm_matches_local_run():
    env = {k: v for k, v in os.environ.items() if k != "SLURM_CONF"}
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=1500)
    assert proc.returncode == 0, f"test_cluster.sh failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    assert "output files identical" in proc.stderr
