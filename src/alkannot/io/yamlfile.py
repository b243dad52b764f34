"""YAML loading: libyaml's C loader when PyYAML has it (the knowledge base loads ~10x faster)."""

from __future__ import annotations

import pickle

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# text -> pickled parse: the bundled rule files are read for every sample (some twice); unpickling a fresh
# copy is ~50x faster than parsing again and callers still get objects of their own.
_PARSED: dict[str, bytes] = {}
_MAX_CACHED = 32


def load_yaml(text: str):
    """Like yaml.safe_load (safe constructors only), with the C parser when available."""
    cached = _PARSED.get(text)
    if cached is not None:
        return pickle.loads(cached)  # noqa: S301 - bytes pickled by this process just below
    data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way
    if len(_PARSED) >= _MAX_CACHED:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[text] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return data
