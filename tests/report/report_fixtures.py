"""Shared fixture loading for the report tests (a plain module, not conftest, so its name is unique)."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_FIXTURES = sorted(p.stem for p in FIXTURES.glob("*.json"))
P001 = ["plasma_P001_P1", "tissue_P001_T2", "plasma_P001_P2"]


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


