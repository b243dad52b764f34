"""The six ALK TKIs by name: case-insensitive, validated, so 'Lorlatinib' is lorlatinib and 'lorlatnib' an error."""

from __future__ import annotations

import argparse

from alkannot.errors import InputError

# Order of approval (the review's Table 1 order); the knowledge base's policy.drugs lists the same six.
TKIS = ("crizotinib", "ceritinib", "alectinib", "brigatinib", "ensartinib", "lorlatinib")


def tki_name(value: str, *, where: str | None = None, what: str = "TKI") -> str:
    """'Lorlatinib ' -> 'lorlatinib'; an unknown name is an InputError listing the six."""
    name = (value or "").strip().lower()
    if name not in TKIS:
        raise InputError(f"unknown ALK {what} {value!r}", path=where, fix=f"use one of {', '.join(TKIS)}")
    return name


def tki_list(value: str | None, *, where: str | None = None) -> list[str]:
    """'Crizotinib, alectinib' -> ['crizotinib', 'alectinib'] (comma-separated, empty items ignored)."""
    return [tki_name(x, where=where, what="prior TKI") for x in (value or "").split(",") if x.strip()]


def tki_arg(value: str) -> str:
    """argparse type for --current-tki."""
    try:
        return tki_name(value)
    except InputError:
        raise argparse.ArgumentTypeError(f"unknown ALK TKI {value!r}; use one of {', '.join(TKIS)}") from None


def tki_list_arg(value: str) -> str:
    """argparse type for --prior-tkis: validated, normalised, still comma-separated."""
    try:
        return ",".join(tki_list(value))
    except InputError as e:
        raise argparse.ArgumentTypeError(f"{e.what}; use one of {', '.join(TKIS)}") from None
