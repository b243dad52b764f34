"""Effective limit of detection and clonality (docs/verdicts.md V8, V11), case by case."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alkannot.interpret.ctdna import clonality, effective_lod, min_detectable_ccf

CASES = yaml.safe_load((Path(__file__).parent / "lod_clonality_cases.yaml").read_text())


def _approx(x):
    return None if x is None else pytest.approx(x, rel=1e-4)


@pytest.mark.parametrize("c", CASES["lod"], ids=lambda c: f"{c['specimen']}-{c['lod']}-{c['tf']}")
def test_effective_lod_and_ccf(c):
    eff = effective_lod(c["lod"], c["specimen"])
    assert eff == _approx(c["lod_effective"])
    assert min_detectable_ccf(eff, c["tf"]) == _approx(c["ccf"])


@pytest.mark.parametrize("c", CASES["clonality"], ids=lambda c: f"{c['vaf']}-{c['tf']}")
def test_clonality(c):
    got = clonality(c["vaf"], c["tf"])
    assert got["clonality"] == c["clonality"]
    assert got["vaf_relative_to_tf"] == _approx(c["rel"])
    assert got["cancer_cell_fraction"] == _approx(c["ccf"])
