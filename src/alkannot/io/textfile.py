"""Small helpers for the tab-separated inputs (copy-number and fusion tables): gzip or plain text."""

from __future__ import annotations

import gzip
from pathlib import Path

from alkannot.errors import InputError


def open_text(path: Path):
    """Text handle on a plain or gzip-compressed file (decided by its magic bytes, not its name)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rt") if magic == b"\x1f\x8b" else open(path)


def first_line(path: Path, expected: str) -> tuple[int, str]:
    """(line number, text) of the first non-blank line; InputError naming `expected` if there is none."""
    with open_text(path) as fh:
        for ln, line in enumerate(fh, 1):
            if line.strip():
                return ln, line.rstrip("\n\r")
    raise InputError("file is empty", path=str(path), fix=f"give {expected}")


def resolve_format(path: Path, fmt: str, formats, detect, kind: str) -> str:
    """The input's format: `fmt` if it is one of `formats`, detected from the header for "auto"."""
    if not path.exists():
        raise InputError("file not found", path=str(path), fix="check the path")
    if fmt == "auto":
        return detect(path)
    if fmt not in formats:
        raise InputError(f"unknown {kind} format {fmt!r}", path=str(path), fix=f"use one of {formats}")
    return fmt
