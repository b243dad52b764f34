from __future__ import annotations

import pytest

from alkannot.interpret.kb import KB, load_kb


@pytest.fixture(scope="session")
def kb() -> KB:
    return load_kb()


@pytest.fixture(scope="session")
def table1_kb(kb: KB) -> KB:
    """Only the statements transcribed from Table 1, to check the transcription on its own."""
    return kb.filtered(lambda s: s.origin == "table1")
