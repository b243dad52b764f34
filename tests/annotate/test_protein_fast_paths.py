"""The slice-based prefix/suffix scans in protein_change give what the character loops gave."""

from __future__ import annotations

import random

from alkannot.annotate.protein import _common_suffix, _first_diff, _last_edited


def _loop_prefix(a: str, b: str) -> int:
    n, lim = 0, min(len(a), len(b))
    while n < lim and a[n] == b[n]:
        n += 1
    return n


def _loop_last(ref: str, alt: str, start: int) -> int:
    last = len(ref) - 1
    while last > start and alt[last] == ref[last]:
        last -= 1
    return last


def test_first_diff_matches_the_loop():
    rng = random.Random(11)
    for _ in range(3000):
        a = "".join(rng.choice("AC") for _ in range(rng.randint(0, 40)))
        b = a[: rng.randint(0, len(a))] + "".join(rng.choice("AC") for _ in range(rng.randint(0, 8)))
        assert _first_diff(a, b) == _loop_prefix(a, b), (a, b)


def test_last_edited_matches_the_loop():
    rng = random.Random(12)
    for _ in range(3000):
        ref = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 30)))
        alt = list(ref)
        for _ in range(rng.randint(0, 3)):
            alt[rng.randrange(len(ref))] = rng.choice("ACGT")
        alt = "".join(alt)
        start = rng.randrange(len(ref) + 2)
        assert _last_edited(ref, alt, start) == _loop_last(ref, alt, start), (ref, alt, start)


def test_common_suffix_matches_the_loop():
    rng = random.Random(13)
    for _ in range(3000):
        a = "".join(rng.choice("AC*") for _ in range(rng.randint(0, 30)))
        b = "".join(rng.choice("AC*") for _ in range(rng.randint(0, 6))) + a[rng.randint(0, len(a)):]
        n = rng.randint(0, min(len(a), len(b)))
        m = 0
        while m < len(a) - n and m < len(b) - n and a[len(a) - 1 - m] == b[len(b) - 1 - m]:
            m += 1
        assert _common_suffix(a, b, min(len(a) - n, len(b) - n)) == m, (a, b, n)
