"""The sample JSON's hand-built indenting encoders (report/outputs.py) give json.dumps(indent=1)'s bytes."""

from __future__ import annotations

import enum
import json
import random

import pytest

from alkannot.report.outputs import _indented, _item_texts


class Key(enum.StrEnum):
    A = "a"


ODD = ["", "x", "é—\u2028", "\x00", "\x000\x00", "\x001\x00", 'q"\\', ": [", ": {", "\n", 0, -1, 2**70, 0.1, 1e300, float("nan"), float("inf"),
       float("-inf"), True, False, None, [], {}, (), (1, "a")]


def _value(rng: random.Random, depth: int):
    if depth > 5 or rng.random() < 0.4:
        return rng.choice(ODD)
    if rng.random() < 0.5:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["k", "é", 'x"y', "\x00", str(rng.random())]): _value(rng, depth + 1)
            for _ in range(rng.randrange(5))}


def _expected(o, level: int) -> str:
    return json.dumps(o, indent=1, ensure_ascii=False).replace("\n", "\n" + " " * level)


@pytest.mark.parametrize("seed", range(20))
def test_indented_is_json_dumps(seed):
    rng = random.Random(seed)
    for _ in range(50):
        o = _value(rng, 0)
        for level in (0, 1, 3):
            assert _indented(o, level) == _expected(o, level)


def test_indented_odd_keys_and_depth():
    for o in [{1: "a", "b": 2}, {True: 1}, {Key.A: [Key.A]}, {"a": {2: [1]}}, {None: 0}]:
        assert _indented(o, 1) == _expected(o, 1)
    deep: list = ["x"]
    for i in range(80):
        deep = [{"k": deep, "i": i}] if i % 2 else [deep, i]
    assert _indented(deep, 2) == _expected(deep, 2)


def test_a_nested_value_holding_a_placeholders_text():
    """The C-encoder path puts nested values where placeholders (NUL, number, NUL) stood: a value that holds
    such text, before or inside a nested value, stays where it is."""
    for o in [{"a": ["\x001\x00"], "b": [1]}, {"a": {"k": "\x001\x00"}, "s": "x", "b": {"k": [2]}},
              {"s": "\x000\x00", "a": [1]}, {"a": [1], "s": "\x000\x00"}, {"k": "\x00", "a": [[]]},
              {f"k{i}": [i] for i in range(20)}]:
        for level in (0, 1, 2, 5):
            assert _indented(o, level) == _expected(o, level)
        assert _indented(o, 2) == _expected(o, 2)


def test_indented_refuses_what_json_refuses():
    for o in [{"a": [object()]}, [{"b": {1, 2}}]]:
        with pytest.raises(TypeError):
            json.dumps(o)
        with pytest.raises(TypeError):
            _indented(o, 1)


@pytest.mark.parametrize("seed", range(10))
def test_row_text_is_json_dumps(seed):
    rng = random.Random(seed)
    for _ in range(50):
        row = {f"k{i}": _value(rng, 1) for i in range(rng.randrange(12))}
        assert _indented(row, 2) == _expected(row, 2)


# Lists of objects with the same keys go column by column (outputs._object_texts): keys that are format
# directives or not strings, values of every kind (subclasses, nested lists/objects, NaN) in any column.
KEYS = ["a", "%", "%s", "100%d", "é", 'x"y', "\x00", "k"]


def _objects(rng: random.Random) -> list:
    keys = rng.sample(KEYS, rng.randrange(2, 6))
    return [{k: _value(rng, 3) if rng.random() < 0.3 else rng.choice(ODD) for k in keys}
            for _ in range(rng.randrange(3, 9))]


def _object_lists(seed: int) -> list:
    rng = random.Random(seed)
    cases = [_objects(rng) for _ in range(40)]
    cases += [[{"s": "x", "f": 0.5}] * 3 + [{"f": 0.5, "s": "x"}],  # same keys, another order
              [{1: "a", 2: "b"}] * 3, [{"a": 1, True: 2}] * 4,  # keys json turns into strings
              [{"a": Key.A, "b": 1}, {"a": "x", "b": True}, {"a": None, "b": 2.5}],
              [{"a": [1, {"b": 2}], "c": {"d": []}}] * 3 + [{"a": (), "c": {}}],
              [{"a": 1, "b": 2}, {"a": 1, "b": 2}, [1, 2]], [{"x": 1, "y": 2}] * 2 + [{"x": 1}],
              [{"f": 0.5, "b": 1}, {"f": float("nan"), "b": 2}, {"f": float("-inf"), "b": 3}],
              [{"f": 1e300, "b": 1}, {"f": float("inf"), "b": 2}, {"f": None, "b": 3}, {"f": 2, "b": True}]]
    return cases


@pytest.mark.parametrize("seed", range(10))
def test_lists_of_objects_are_json_dumps(seed, monkeypatch):
    from alkannot.report import outputs

    real, used = outputs._object_texts, []
    monkeypatch.setattr(outputs, "_object_texts", lambda *a: used.append(1) or real(*a))
    for o in _object_lists(seed):
        for level in (0, 1, 2, 4):
            assert _indented(o, level) == _expected(o, level)
            assert _indented({"k": o}, level) == _expected({"k": o}, level)
            if type(o[0]) is dict:
                assert _item_texts(o, level + 1) == [_expected(x, level + 1) for x in o]
    assert used  # the column path was taken


def test_a_broken_column_path_is_caught(monkeypatch):
    """The comparison above fails when the column path puts a value in the wrong object or column."""
    from alkannot.report import outputs

    real = outputs._object_texts
    cases = _object_lists(0)
    cases.append([{"f": 0.5, "b": 1}, {"f": float("nan"), "b": 2}, {"f": 1.0, "b": 3}])
    for broken in (lambda objs, template, level: real(objs[::-1], template, level),
                   lambda objs, template, level: [t.replace(",", ";", 1) for t in real(objs, template, level)]):
        monkeypatch.setattr(outputs, "_object_texts", broken)
        assert any(_indented(o, 1) != _expected(o, 1) for o in cases)


@pytest.mark.parametrize("seed", range(10))
def test_lists_of_lists_are_json_dumps(seed, monkeypatch):
    """A list of lists (a column of each row's flags, each co-alteration's evidence) is made with the items of
    all its lists together (outputs._list_texts): empty lists, lists of strings, of objects with the same keys,
    of anything, nested, and deep enough that the plain encoder takes over."""
    from alkannot.report import outputs

    real, used = outputs._list_texts, []
    monkeypatch.setattr(outputs, "_list_texts", lambda *a: used.append(1) or real(*a))
    rng = random.Random(seed)
    cases = [[[], ["a"], [], ["b", "é—"]], [[1, None], ["x"], [{}], []], [[[]], [[1]], [[], [2, [3]]]],
             [[{"a": 1, "b": "x"}], [], [{"a": 2, "b": None}, {"a": 3, "b": [1]}]]]
    objects = _objects(rng)
    cases += [[rng.choice([[], objects[:rng.randrange(1, 4)], [_value(rng, 2) for _ in range(rng.randrange(3))]])
               for _ in range(rng.randrange(3, 7))] for _ in range(30)]
    for o in cases:
        for level in (0, 1, 2, 60, 61, 62, 63):
            assert _indented(o, level) == _expected(o, level)
            assert _item_texts(o, level) == [_expected(x, level) for x in o]
    assert used
