"""The sheet's tumour fraction and ploidy reach the copy-number calls (demo sample P003_T1, CNVkit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.errors import InputError
from alkannot.pipeline import SampleSpec, build_sample_result

DATA = Path(__file__).resolve().parents[2] / "test-data"


def _met(**kw) -> dict:
    data = build_sample_result(SampleSpec(id="P003_T1", vcf=str(DATA / "P003_T1.vcf"), build="GRCh38",
                                          cnv=str(DATA / "P003_T1.cns"), **kw))
    return next(c for c in data["copy_number"] if c["gene"] == "MET")


def test_ploidy_and_purity_change_the_copy_number():
    # log2 2.41 on a diploid baseline: 2 * 2^2.41 = 10.6 copies; triploid baseline: 3 * 2^2.41 = 15.9
    assert _met()["copy_number"] == pytest.approx(10.63, abs=0.01)
    assert _met(ploidy=3)["copy_number"] == pytest.approx(15.94, abs=0.01)
    # purity 0.6 (CNVkit call formula): (2 * 2^2.41 - 2 * 0.4) / 0.6 = 16.4
    assert _met(tumor_fraction=0.6)["copy_number_purity_adjusted"] == pytest.approx(16.38, abs=0.01)
    assert _met()["call"] == "amplification"


def test_bad_ploidy_is_refused():
    with pytest.raises(InputError, match="ploidy"):
        _met(ploidy=40)
