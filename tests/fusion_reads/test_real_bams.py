"""Real AVENIO cfDNA BAMs (DNAfusion's H3122 = EML4-ALK v1 cell line, HCC827 = ALK-negative), when present.

The BAMs are GPL-3 data of the DNAfusion R package (github.com/CTrierMaansson/DNAfusion, inst/extdata), not
bundled here. Point ALKANNOT_DNAFUSION_BAMS at a folder holding H3122_EML4.bam and HCC827_EML4.bam (+ .bai).
They are aligned with `bwa mem -Y -M` (split hits marked secondary), carry adapter read-through and many
library chimeras - the shapes the detector must survive.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alkannot.interpret.fusions import assess_fusions

HERE = os.environ.get("ALKANNOT_DNAFUSION_BAMS")
pytestmark = pytest.mark.skipif(not HERE or not (Path(HERE) / "H3122_EML4.bam").exists(),
                                reason="set ALKANNOT_DNAFUSION_BAMS to DNAfusion's inst/extdata BAMs")


@pytest.mark.parametrize("specimen", ["plasma", "tissue"])
def test_h3122_eml4_alk_v1(specimen):
    fusions, assessment = assess_fusions(build="GRCh38", alignment=str(Path(HERE) / "H3122_EML4.bam"),
                                         specimen=specimen)
    (f,) = fusions
    assert (f["name"], f["variant"], f["exons"]) == ("EML4-ALK", "v1", "E13;A20")
    r = f["read_evidence"]
    assert abs(r["alk_breakpoint"]["pos"] - 29223741) <= 3 and r["alk_breakpoint"]["exact"]
    assert abs(r["partner_breakpoint"]["pos"] - 42299750) <= 3
    assert r["fragments"]["split"] >= 3 and assessment["status"] == "detected"


@pytest.mark.parametrize("specimen", ["plasma", "tissue"])
def test_hcc827_negative(specimen):
    fusions, assessment = assess_fusions(build="GRCh38", alignment=str(Path(HERE) / "HCC827_EML4.bam"),
                                         specimen=specimen)
    assert fusions == [] and assessment["status"] == "none_found"
    assert "ALK intron 19 covered at" in assessment["summary"]
