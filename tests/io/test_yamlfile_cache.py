"""load_yaml parses a text once per process and hands every caller its own copy."""

from __future__ import annotations

import datetime

from alkannot.core import yamlfile

TEXT = "a: [1, 2.5, x]\nb: &shared {k: v}\nc: *shared\nd: 2024-01-02\ne: null\nf: true\n"


def test_same_result_and_independent_copies(monkeypatch):
    yamlfile._PARSED.clear()
    first = yamlfile.load_yaml(TEXT)
    calls = []
    # a text with aliases is composed (to check their expansion) and constructed, one without is loaded
    for name in ("load", "compose"):
        real = getattr(yamlfile.yaml, name)
        monkeypatch.setattr(yamlfile.yaml, name, lambda *a, _real=real, **k: (calls.append(1), _real(*a, **k))[1])
    second = yamlfile.load_yaml(TEXT)
    assert calls == []  # served from the cache
    assert second == first == {"a": [1, 2.5, "x"], "b": {"k": "v"}, "c": {"k": "v"},
                               "d": datetime.date(2024, 1, 2), "e": None, "f": True}
    second["a"].append(99)
    assert yamlfile.load_yaml(TEXT)["a"] == [1, 2.5, "x"]  # a caller's change does not leak
    assert second["b"] is second["c"]  # YAML aliases stay shared within one document
    yamlfile.load_yaml("g: 1\n")  # (a text with aliases goes through the alias-limited composer instead)
    assert calls == [1]  # other text: parsed
