"""YAML loading: libyaml's C loader when PyYAML has it (the knowledge base loads ~10x faster)."""

from __future__ import annotations

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """Like yaml.safe_load (safe constructors only), with the C parser when available."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way
