"""The demo cohort end to end through Snakemake (into a temporary outdir), then `snakemake --report`.

Checks what each issue promised the demo would show: verdicts in JSON and drugs.tsv, a compound in cis
phased from reads, LoD-aware "not detected" lines and a CH-flagged TP53 in plasma, MET amplification and
EML4-ALK variant 3 as mechanisms, a patient timeline and the cohort summary.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alkannot.report.outputs import validate_sample_json

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = shutil.which("snakemake", path=str(Path(sys.executable).parent)) or shutil.which("snakemake")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if SNAKEMAKE is None:
        pytest.skip("snakemake not installed")
    out = tmp_path_factory.mktemp("demo") / "results"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [SNAKEMAKE, "--cores", "2", "--quiet", "rules", "--config", f"outdir={out}"]
    run = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return out, env


def _json(out: Path, s: str) -> dict:
    return json.loads((out / s / f"{s}.alkannot.json").read_text())


SAMPLES = ["P001_T1", "P001_T2", "P002_plasma", "P003_T1"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_has_valid_outputs_and_six_verdicts(demo, sample):
    out, _ = demo
    data = _json(out, sample)
    validate_sample_json(data)
    assert sorted(data["drugs"]) == sorted(["crizotinib", "ceritinib", "alectinib", "brigatinib",
                                             "ensartinib", "lorlatinib"])
    with open(out / sample / f"{sample}.drugs.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["drug"]: r["verdict"] for r in rows} == {d: v["verdict"] for d, v in data["drugs"].items()}
    for ext in ("variants.tsv", "report.html", "maf.tsv", "alkannot.vcf.gz", "alkannot.vcf.gz.tbi"):
        assert (out / sample / f"{sample}.{ext}").stat().st_size > 0


def test_compound_in_cis_from_reads_drives_verdicts(demo):
    data = _json(demo[0], "P001_T2")
    (c,) = data["compound"]
    assert (c["mutations"], c["phase"], c["method"]) == (["L1196M", "G1202R"], "cis", "reads")
    assert data["drugs"]["lorlatinib"]["verdict"] == "resistant"
    assert any("G1202R + L1196M" in r for r in data["drugs"]["lorlatinib"]["reasons"])


def test_plasma_lod_lines_and_ch(demo):
    data = _json(demo[0], "P002_plasma")
    texts = [h["text"] for h in data["ctdna"]["hotspot_coverage"]]
    # with the tumour fraction (estimated 1.6%) the text adds the smallest detectable cancer-cell fraction (V8)
    assert "G1202R not detected at 2,400× (LoD ≈ 0.26%); smallest detectable cancer-cell fraction ≈ 33%" in texts
    assert any("not assessable: not covered (0×)" in t for t in texts)
    tp53 = next(v for v in data["variants"] if v["gene"] == "TP53")
    assert tp53["ch_status"] == "CH"
    assert data["alk_mutations"] == ["I1171N"]


def test_off_target_mechanisms(demo):
    data = _json(demo[0], "P003_T1")
    names = [m["name"] for m in data["mechanisms"]]
    assert any(n.startswith("MET:amplification") for n in names)
    assert any("EML4-ALK:v3" in n for n in names)
    assert [f["variant"] for f in data["fusions"]] == ["v3a/b"]
    flags = {f["id"]: f["message"] for f in data["therapy_context"]["flags"]}
    # No BAM: the hotspots' depth is unknown, so an ALK mutation is not excluded (docs/verdicts.md V6) and
    # "ALK-independent resistance likely" is withheld; the MET amplification is reported as found (V10).
    assert "no_alk_mutation_after_2g" not in flags
    assert "depth unknown" in flags["alk_mutation_not_excluded"]
    assert flags["off_target_without_alk_mutation"] == "ALK-independent mechanism found: MET:amplification"


def test_patient_and_cohort_reports_and_snakemake_report(demo, tmp_path):
    out, env = demo
    assert (out / "patients" / "P001.html").exists()
    # every patient gets a page (sample reports link to it); a one-sample patient's page lists that sample
    p002 = (out / "patients" / "P002.html").read_text()
    assert 'href="../P002_plasma/P002_plasma.report.html"' in p002
    sample = (out / "P001_T2" / "P001_T2.report.html").read_text()
    assert 'href="../patients/P001.html"' in sample and 'href="../cohort/summary.html"' in sample
    cohort = (out / "cohort" / "summary.html").read_text()
    assert 'href="../P001_T2/P001_T2.report.html"' in cohort and 'href="../patients/P001.html"' in cohort
    for f in ("summary.html", "summary.tsv", "cohort.maf.tsv", "alkannot_mqc.tsv"):
        assert (out / "cohort" / f).exists()
    report = tmp_path / "report.html"
    run = subprocess.run([SNAKEMAKE, "--report", str(report), "--config", f"outdir={out}"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert report.stat().st_size > 0


@pytest.mark.parametrize("sample", SAMPLES)
def test_demo_reports_show_civic_beside_verdicts_with_tiers(demo, sample):
    """Issue 17: every drug card carries the CIViC block beside the review's verdict; every finding a tier."""
    out, _ = demo
    data = _json(out, sample)
    assert data["kb_version"].endswith("+civic-2021-08-01")
    assert all("civic" in v for v in data["drugs"].values())
    assert data["evidence_tiers"] and all(t["tier"] in ("I", "II", "III") for t in data["evidence_tiers"])
    html = (out / sample / f"{sample}.report.html").read_text()
    assert html.count('class="civic-block"') == 6 and "Evidence tiers (AMP/ASCO/CAP 2017)" in html
