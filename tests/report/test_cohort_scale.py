"""Large cohorts: the mechanism matrix lists the most frequent findings and combines the rest per gene and
type; per-sample columns stop at MATRIX_MAX_SAMPLES. Small cohorts are drawn in full, as before."""

from __future__ import annotations

import copy
import random

from report_fixtures import SAMPLE_FIXTURES, load

from alkannot.report import cohort as C


def _cohort(n_samples: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    base = [load(n) for n in SAMPLE_FIXTURES]
    out = []
    for i in range(n_samples):
        d = copy.deepcopy(base[i % len(base)])
        d["sample"]["id"] = f"S{i:04d}"
        d["alk_mutations"] = [f"X{rng.randint(1100, 1400)}Y" for _ in range(rng.randint(0, 4))]
        d["mechanisms"] = [{"type": "other", "name": f"KIT:V{rng.randint(1, 900)}A (not in the knowledge base)"}
                           for _ in range(rng.randint(0, 3))] + [{"type": "off_target", "name": "MET:amplification"}]
        out.append(d)
    return out


def _has(d: dict, feature: tuple[str, str]) -> bool:
    return feature in C.mechanism_features(d)


def test_small_cohort_is_drawn_in_full():
    samples = _cohort(30)
    full = C.cohort_model(samples, None, None)
    big = C.cohort_model(samples, 10_000, 10_000)
    assert {**big, "max_features": None, "max_samples": None} == full
    assert full["matrix"] and full["combined_findings"] == 0


def test_many_findings_are_combined_per_gene_and_type():
    samples = _cohort(150)
    full = C.cohort_model(samples, None, None)
    m = C.cohort_model(samples, 20, None)
    singles = [f for f in m["features"] if not f["combined"]]
    combined = [f for f in m["features"] if f["combined"]]
    assert len(singles) == 20 and combined
    # the listed ones are the most frequent, with the same counts as in the full model
    by_name = {f["name"]: f for f in full["features"]}
    floor = min(f["n"] for f in singles)
    assert all(f["n"] <= floor for f in full["features"] if f["name"] not in {s["name"] for s in singles})
    for f in singles:
        assert f["counts"] == by_name[f["name"]]["counts"]
    assert sum(f["combined"] for f in combined) == m["combined_findings"] == len(full["features"]) - 20
    # a combined row counts samples having at least one of its findings
    listed = {(f["name"], f["type"]) for f in singles}
    for f in combined:
        gene = f["name"].split(":")[0]
        expect = sum(1 for d in samples if any(
            ft not in listed and ft[1] == f["type"] and C._gene(ft[0]) == gene for ft in C.mechanism_features(d)))
        assert f["n"] == expect, f["name"]
        assert sum(sum(col) for col in f["cells"]) == expect


def test_large_cohort_has_no_per_sample_columns_but_every_sample_in_the_tsv():
    samples = _cohort(C.MATRIX_MAX_SAMPLES + 1)
    page, tsv, _ = C.render_cohort(samples)
    m = C.cohort_model(samples)
    assert not m["matrix"] and all(f["cells"] is None for f in m["features"])
    assert 'class="onco"' not in page and "one column per sample is drawn for up to" in page
    assert len(tsv.splitlines()) == len(samples) + 1
    assert len(page) < 2_000_000
