"""Batch mode (the default `annotate_batch_size: 50`): the demo cohort gives the same files byte for byte
as one job per sample, and a sample with bad input fails alone: the job names it, every other sample's
outputs are complete and kept, and the next run annotates only what is missing."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or shutil.which("snakemake")
EXTS = ("alkannot.json", "variants.tsv", "drugs.tsv", "fusions.tsv", "report.html", "maf.tsv",
        "alkannot.vcf.gz", "alkannot.vcf.gz.tbi")
BAD = "P002_plasma"


def _sheet(tmp: Path, bad_vcf: Path | None = None) -> Path:
    """config/samples.tsv with absolute paths (the runs use their own working directory)."""
    with open(REPO / "config" / "samples.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        for col in ("vcf", "alignment", "cnv", "sv"):
            if r.get(col):
                r[col] = str(REPO / r[col])
        if bad_vcf is not None and r["sample"] == BAD:
            r["vcf"] = str(bad_vcf)
    path = tmp / "samples.tsv"
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def _run(work: Path, sheet: Path, batch: int, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "--directory", str(work), "--cores", "2", "--quiet", "rules",
           "--workflow-profile", str(REPO / "profiles" / "default"), "--configfile", str(REPO / "config" / "config.yaml"),
           "--config", f"samples={sheet}", "outdir=results", f"annotate_batch_size={batch}", *extra]
    return subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if SNAKEMAKE is None:
        pytest.skip("snakemake not installed")
    base = tmp_path_factory.mktemp("batchwf")
    out = {}
    for name, batch in (("single", 0), ("batch", 50)):
        work = base / name
        work.mkdir()
        r = _run(work, _sheet(work), batch)
        assert r.returncode == 0, r.stderr[-3000:]
        out[name] = work / "results"
    return base, out


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_batch_mode_writes_the_per_sample_mode_files_byte_for_byte(runs):
    _, out = runs
    names = _files(out["single"])
    assert names == _files(out["batch"])
    assert any(n.startswith("patients/") for n in names) and "cohort/summary.html" in names
    _, mismatch, errors = filecmp.cmpfiles(out["single"], out["batch"], names, shallow=False)
    assert not mismatch and not errors


def test_a_bad_sample_fails_alone_and_only_it_is_rerun(runs):
    base, out = runs
    work = base / "failing"
    work.mkdir()
    good_vcf = REPO / "test-data" / f"{BAD}.vcf"
    bad_vcf = work / f"{BAD}.vcf"
    bad_vcf.write_text(good_vcf.read_text() + "chr2\tnot_a_position\t.\tA\tC\t.\tPASS\t.\n")
    sheet = _sheet(work, bad_vcf)
    first = _run(work, sheet, 50, "--keep-going")
    assert first.returncode != 0
    assert f"{BAD}: error: {bad_vcf}" in first.stderr  # the job names the sample, the file and the line
    res = work / "results"
    assert not (res / BAD).exists() or not any((res / BAD).iterdir())  # nothing partial
    good = ["P001_T1", "P001_T2", "P003_T1"]
    stamps = {}
    for s in good:
        for ext in EXTS:
            f = res / s / f"{s}.{ext}"
            assert filecmp.cmp(f, out["single"] / s / f.name, shallow=False), f  # complete and kept
            stamps[f] = f.stat().st_mtime_ns
    # fixed input: only the bad sample is annotated, the others are not touched
    shutil.copy(good_vcf, bad_vcf)
    second = _run(work, sheet, 50)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {f: f.stat().st_mtime_ns for f in stamps} == stamps
    log = (work / "logs" / "annotate" / "b0001.log").read_text()
    assert f"{BAD}: wrote" in log and "P001_T1" not in log
    names = _files(out["single"])
    assert _files(res) == names
    _, mismatch, errors = filecmp.cmpfiles(out["single"], res, names, shallow=False)
    assert not mismatch and not errors
    # and nothing is left to do
    dry = _run(work, sheet, 50, "-n")
    assert "Nothing to be done" in dry.stdout + dry.stderr
