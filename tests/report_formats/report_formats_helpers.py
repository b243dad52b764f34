"""Helpers for tests/report_formats (uniquely named so no other folder's module shadows it).

Shared inputs: real pipeline results on the demo VCFs and on data/shapes.vcf (SNV,
multi-allelic SNVs, insertion, deletion, symbolic allele, off-target record, odd sample name, unsorted)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alkannot.pipeline import SampleSpec, build_sample_result

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = HERE / "data"

# id -> SampleSpec keyword arguments
SAMPLES = {
    "P001_T1": {"vcf": REPO / "test-data" / "P001_T1.vcf"},
    "P001_T2": {"vcf": REPO / "test-data" / "P001_T2.vcf"},
    "P002_plasma": {"vcf": REPO / "test-data" / "P002_plasma.vcf", "specimen": "plasma",
                    "normal_sample": "P002_WBC"},
    "SHAPES": {"vcf": DATA / "shapes.vcf"},
    # sites-only, no ##contig/##FILTER lines: htslib adds header lines, line numbers must still agree
    "SITES_ONLY": {"vcf": DATA / "sites_only.vcf"},
}


def run(sid: str, vcf: Path | None = None) -> dict:
    kw = dict(SAMPLES[sid])
    path = vcf or kw.pop("vcf")
    kw.pop("vcf", None)
    return build_sample_result(SampleSpec(id=sid, vcf=str(path), build="GRCh38", **kw))


def need_bcftools() -> str:
    exe = shutil.which("bcftools")
    if not exe:
        pytest.skip("bcftools is not installed (apt-get install bcftools) — cannot check the VCF as other tools read it")
    return exe
