"""A sample's outputs appear together or not at all: full disk, kill -9 mid-write, two concurrent runs."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alkannot.errors import InputError
from alkannot.io.atomic import COMMIT, TMP_PREFIX, recover_dir
from alkannot.pipeline import SampleSpec, run_sample

REPO = Path(__file__).resolve().parents[2]
VCF = REPO / "test-data" / "P001_T1.vcf"
EXTS = (".alkannot.json", ".variants.tsv", ".drugs.tsv", ".fusions.tsv", ".report.html", ".maf.tsv", ".alkannot.vcf.gz",
        ".alkannot.vcf.gz.tbi")

# run the CLI with a writer that pauses after the MAF (inside the private temporary folder)
SLOW = """
import sys, time
import alkannot.report.maf as maf
orig = maf.write_maf
def slow(*a, **k):
    orig(*a, **k)
    open(sys.argv[2], "w").close()
    time.sleep(float(sys.argv[3]))
maf.write_maf = slow
from alkannot.cli import main
sys.exit(main(["annotate", sys.argv[1], "--build", "GRCh38", "--sample", "S", "--patient", sys.argv[4],
               "--out", sys.argv[5]]))
"""


def _slow_run(tmp_path: Path, out: Path, patient: str, pause: float, flag: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ALKANNOT_DEBUG"}
    return subprocess.Popen([sys.executable, "-c", SLOW, str(VCF), str(tmp_path / flag), str(pause), patient,
                             str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, timeout: float = 120) -> None:
    t0 = time.time()
    while not path.exists():
        assert time.time() - t0 < timeout, f"{path} never appeared"
        time.sleep(0.05)


def _sample_files(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name.startswith("S.")}


def test_full_disk_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    spec = SampleSpec(id="S", vcf=str(VCF), build="GRCh38")
    run_sample(spec, out)  # an older complete set is there
    assert _sample_files(out) == {"S" + e for e in EXTS}
    import alkannot.report.maf as maf

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(maf, "write_maf", full)
    with pytest.raises(InputError, match="No space left on device while writing S's outputs; none of them"):
        run_sample(spec, out)
    assert list(out.iterdir()) == []  # neither the old nor half of the new set, no temporaries


def test_kill_mid_write_leaves_no_sample_files_and_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    p = _slow_run(tmp_path, out, "P1", 60, "flag")
    _wait_for(tmp_path / "flag")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert _sample_files(out) == set()
    leftovers = [q for q in out.iterdir() if q.name.startswith(TMP_PREFIX)]
    assert len(leftovers) == 1 and any(leftovers[0].iterdir())
    run_sample(SampleSpec(id="S", vcf=str(VCF), build="GRCh38"), out)
    assert sorted(q.name for q in out.iterdir()) == sorted("S" + e for e in EXTS)


def test_interrupted_commit_is_rolled_forward(tmp_path):
    out = tmp_path / "out"
    tmp = out / f"{TMP_PREFIX}S-x"
    tmp.mkdir(parents=True)
    (out / "S.variants.tsv").write_text("new\n")  # already renamed before the kill
    (tmp / "S.alkannot.json").write_text("{}\n")
    (tmp / COMMIT).write_text("S.variants.tsv\nS.alkannot.json\n")
    assert recover_dir(out) == [tmp.name]
    assert sorted(q.name for q in out.iterdir()) == ["S.alkannot.json", "S.variants.tsv"]


def test_two_concurrent_runs_never_mix(tmp_path):
    out = tmp_path / "out"
    a = _slow_run(tmp_path, out, "PA", 2, "flag_a")
    _wait_for(tmp_path / "flag_a")  # A is inside its write, holding the folder
    b = _slow_run(tmp_path, out, "PB", 0, "flag_b")
    ra, rb = a.wait(120), b.wait(120)
    assert (ra, rb) == (0, 0), (a.stderr.read(), b.stderr.read())
    data = json.loads((out / "S.alkannot.json").read_text())
    html = (out / "S.report.html").read_text()
    assert data["sample"]["patient"] == "PB"  # B waited for A, then replaced the whole set
    assert "<th>Patient</th><td>PB</td>" in html and "<td>PA</td>" not in html
    assert _sample_files(out) == {"S" + e for e in EXTS}
    assert not [q for q in out.iterdir() if q.name.startswith(TMP_PREFIX)]


def test_a_busy_folder_is_one_clear_error(tmp_path, monkeypatch):
    import alkannot.io.atomic as atomic

    out = tmp_path / "out"
    monkeypatch.setattr(atomic, "LOCK_WAIT_SECONDS", 0.2)
    with atomic.locked_dir(out):
        with pytest.raises(InputError, match="another alkannot run is writing into this output folder"):
            run_sample(SampleSpec(id="S", vcf=str(VCF), build="GRCh38"), out)
