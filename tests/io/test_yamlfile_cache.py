"""load_yaml parses a text once per process and hands every caller its own copy."""

from __future__ import annotations

import datetime

import yaml

from alkannot.core import yamlfile

TEXT = "a: [1, 2.5, x]\nb: &shared {k: v}\nc: *shared\nd: 2024-01-02\ne: null\nf: true\n"


def test_same_result_and_independent_copies(monkeypatch):
    yamlfile._PARSED.clear()
    first = yamlfile.load_yaml(TEXT)
    calls = []
    # a text with aliases is composed (to check their expansion) and constructed, one without is loaded
    for name in ("load", "compose"):
        real = getattr(yaml, name)
        monkeypatch.setattr(yaml, name, lambda *a, _real=real, **k: (calls.append(1), _real(*a, **k))[1])
    second = yamlfile.load_yaml(TEXT)
    assert calls == []  # served from the cache
    assert second == first == {"a": [1, 2.5, "x"], "b": {"k": "v"}, "c": {"k": "v"},
                               "d": datetime.date(2024, 1, 2), "e": None, "f": True}
    second["a"].append(99)
    assert yamlfile.load_yaml(TEXT)["a"] == [1, 2.5, "x"]  # a caller's change does not leak
    assert second["b"] is second["c"]  # YAML aliases stay shared within one document
    yamlfile.load_yaml("g: 1\n")  # (a text with aliases goes through the alias-limited composer instead)
    assert calls == [1]  # other text: parsed


def _private_cache(tmp_path, monkeypatch):
    from alkannot.core import cache

    monkeypatch.setenv("ALKANNOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "_DIRS", {})
    yamlfile._PARSED.clear()
    return tmp_path / "cache" / "yaml"


def _big(extra: str = "") -> str:
    """A text above the disk-cache threshold, with aliases (the alias-limited path)."""
    rows = "".join(f"  - {{id: r{i}, alterations: *alts, note: 'row {i}'}}\n" for i in range(300))
    return f"version: '1'\nshared: &alts [G1202R, L1196M]\nrows:\n{rows}{extra}"


def test_large_texts_are_parsed_once_per_content_across_processes(tmp_path, monkeypatch):
    folder = _private_cache(tmp_path, monkeypatch)
    text = _big()
    assert len(text) >= yamlfile.DISK_CACHE_MIN_CHARS
    first = yamlfile.load_yaml(text)
    assert len(list(folder.glob("*.marshal"))) == 1
    assert folder.stat().st_mode & 0o077 == 0  # private
    yamlfile._PARSED.clear()  # a new process: only the disk entry is left
    calls = []
    for name in ("load", "parse", "compose"):
        real = getattr(yaml, name)
        monkeypatch.setattr(yaml, name, lambda *a, _real=real, **k: (calls.append(1), _real(*a, **k))[1])
    again = yamlfile.load_yaml(text)
    assert calls == []
    assert again == first
    assert again["rows"][0]["alterations"] is again["rows"][1]["alterations"]  # aliases still shared
    yamlfile._PARSED.clear()
    yamlfile.load_yaml(_big("extra: 1\n"))  # other content: parsed
    assert calls


def test_a_damaged_entry_is_parsed_again_and_a_refused_text_is_never_kept(tmp_path, monkeypatch):
    folder = _private_cache(tmp_path, monkeypatch)
    text = _big()
    good = yamlfile.load_yaml(text)
    (entry,) = folder.glob("*.marshal")
    entry.write_bytes(entry.read_bytes()[:100])
    yamlfile._PARSED.clear()
    assert yamlfile.load_yaml(text) == good
    assert entry.read_bytes() == __import__("marshal").dumps(good)  # rewritten
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh")) + "#" * 9000 + "\n"
    for _ in range(2):
        try:
            yamlfile.load_yaml(bomb)
        except yamlfile.YAMLLimitError:
            pass
        else:
            raise AssertionError("alias bomb accepted")
    assert len(list(folder.glob("*.marshal"))) == 1


def test_no_cache_in_a_folder_that_is_not_private(tmp_path, monkeypatch):
    folder = _private_cache(tmp_path, monkeypatch)
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    text = _big()
    assert yamlfile.load_yaml(text)["version"] == "1"
    assert not list(folder.iterdir())
    monkeypatch.setenv("ALKANNOT_CACHE_DIR", "off")
    from alkannot.core import cache

    monkeypatch.setattr(cache, "_DIRS", {})
    assert cache.cache_dir("yaml") is None


BAD_TEXTS = [
    "a: [1, 2\n",             # a flow sequence left open (a MarkedYAMLError: problem and mark)
    "a: 1\n b: 2\n",          # bad indentation
    "a: *undefined\n",        # an alias without its anchor (composer error)
    "\x07not printable\n",    # the reader's error (no problem_mark)
    "a: !!python/object:os.system x\n",  # a tag the safe loader refuses
]


def test_pyyaml_errors_come_out_as_yaml_input_errors_with_the_same_words(monkeypatch):
    """Callers catch YAMLInputError (PyYAML is imported only on a parse): same text, problem and mark."""
    for text in BAD_TEXTS:
        yamlfile._PARSED.clear()
        try:
            yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as err:
            expected = err
        else:
            raise AssertionError(f"PyYAML accepted {text!r}")
        try:
            yamlfile.load_yaml(text)
        except yamlfile.YAMLInputError as err:
            got = err
        else:
            raise AssertionError(f"load_yaml accepted {text!r}")
        assert str(got) == str(expected)
        assert got.__cause__ is not None and type(got.__cause__) is type(expected)
        for name in ("problem", "problem_mark"):
            assert hasattr(got, name) == hasattr(expected, name)
            assert str(getattr(got, name, None)) == str(getattr(expected, name, None))
    assert issubclass(yamlfile.YAMLLimitError, yamlfile.YAMLInputError)


def test_a_process_served_by_the_cache_does_not_import_pyyaml(tmp_path):
    """The second process reading the same large text gets it from the disk cache and never imports yaml."""
    import os
    import subprocess
    import sys

    src = tmp_path / "big.yaml"
    src.write_text(_big())
    code = ("import sys\nfrom alkannot.core.yamlfile import load_yaml\n"
            f"d = load_yaml(open({str(src)!r}).read())\nprint(d['rows'][2]['note'], 'yaml' in sys.modules)\n")
    env = {**os.environ, "ALKANNOT_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["row", "2", "True"]
    assert second.stdout.split() == ["row", "2", "False"]
