"""Values read from a result JSON for display: tolerant of missing or mistyped fields (older or hand-edited JSON),
shared by the sample, patient and cohort pages."""

from __future__ import annotations


def as_list(v) -> list:
    return list(v) if isinstance(v, (list, tuple)) else []


def as_dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def as_text(v) -> str:
    return "" if v is None else str(v)
