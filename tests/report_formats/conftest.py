"""Session fixture: real pipeline results on the demo VCFs and data/shapes.vcf."""

from __future__ import annotations

import pytest
from report_formats_helpers import SAMPLES, run


@pytest.fixture(scope="session")
def results() -> dict[str, dict]:
    return {sid: run(sid) for sid in SAMPLES}
