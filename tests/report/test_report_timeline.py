"""Per-patient timeline: state logic as tables of cases, then the fixture patient end to end."""

from __future__ import annotations

from datetime import date

import pytest
from report_fixtures import P001, load

from alkannot.errors import InputError
from alkannot.report.timeline import (
    build_timeline,
    column_positions,
    concordance_verdict,
    order_samples,
    render_patient_html,
    transitions,
)

D, N, A = "detected", "not_detected", "not_assessed"


@pytest.mark.parametrize("states, specimens, expected", [
    ([D, D], ["plasma", "plasma"], ["first seen", "persists"]),
    ([N, D], ["plasma", "plasma"], ["", "emerged"]),
    ([D, N], ["plasma", "plasma"], ["first seen", "cleared"]),
    ([D, A, N], ["plasma", "plasma", "plasma"], ["first seen", "", ""]),  # no claim across a gap
    ([N, D], ["plasma", "tissue"], ["", "first seen"]),  # different specimen: not "emerged"
    ([N, D, D], ["plasma", "tissue", "plasma"], ["", "first seen", "emerged"]),
])
def test_transitions(states, specimens, expected):
    assert transitions(states, specimens) == expected


@pytest.mark.parametrize("tissue, plasma, verdict", [
    (D, D, "concordant (both)"), (N, N, "concordant (neither)"), (D, N, "tissue only"), (N, D, "plasma only"),
    (A, D, "not assessable"), (D, A, "not assessable"),
])
def test_concordance_verdict(tissue, plasma, verdict):
    assert concordance_verdict(tissue, plasma) == verdict


@pytest.mark.parametrize("dates, expected", [
    ([date(2020, 1, 1)], [0.5]),
    ([date(2020, 1, 1), date(2020, 1, 11), date(2020, 1, 21)], [0.0, 0.5, 1.0]),
    ([None, date(2020, 1, 1)], [0.0, 1.0]),
])
def test_column_positions(dates, expected):
    assert column_positions(dates) == pytest.approx(expected)


def test_close_dates_keep_a_minimum_gap():
    xs = column_positions([date(2020, 1, 1), date(2021, 1, 1), date(2021, 1, 2)])
    assert xs[0] == 0 and xs[-1] == 1 and xs[2] - xs[1] >= 0.1


def test_samples_are_ordered_by_date_and_labels_keep_input_order():
    samples = [load(n) for n in reversed(P001)]
    assert [s["sample"]["id"] for s in order_samples(samples)] == ["P001-P1", "P001-T2", "P001-P2"]
    for s in samples:
        s["sample"]["timepoint"] = "progression " + s["sample"]["id"]
    assert [s["sample"]["id"] for s in order_samples(samples)] == ["P001-P2", "P001-T2", "P001-P1"]


def test_fixture_patient_model():
    t = build_timeline([load(n) for n in P001])
    rows = {r["name"]: r["cells"] for r in t["rows"]}
    assert [c["state"] for c in rows["ALK L1196M"]] == [N, D, D]
    assert rows["ALK L1196M"][2]["change"] == "emerged"  # plasma P1 covered L1196M and did not see it
    assert [c["state"] for c in rows["MET amplification"]] == [A, D, A]  # plasma has no copy-number data
    assert "MYC gain" not in rows  # a low-level gain is not plotted as a resistance alteration
    assert [c["therapy"] for c in t["columns"]] == ["alectinib", "lorlatinib", "lorlatinib"]
    pairs = {(c["plasma"], c["tissue"], c["gap_days"]) for c in t["concordance"]}
    assert pairs == {("P001-P1", "P001-T2", 201), ("P001-P2", "P001-T2", 2)}
    p1 = {r["name"]: r["verdict"] for r in t["concordance"][0]["rows"]}
    assert p1["ALK L1196M"] == "tissue only" and p1["ALK G1202R"] == "concordant (both)"
    names = {s["name"] for s in t["series"]}
    assert {"ALK G1202R (plasma)", "ALK G1202R (tissue)"} <= names


def test_uncovered_hotspot_is_not_assessed():
    p1 = load("plasma_P001_P1")
    t2 = load("tissue_P001_T2")
    t2["alk_mutations"].append("I1171N")
    t2["variants"].append({"gene": "ALK", "protein_short": "I1171N", "vaf": 0.05, "status": "annotated"})
    rows = {r["name"]: r["cells"] for r in build_timeline([p1, t2])["rows"]}
    assert rows["ALK I1171N"][0]["state"] == A  # depth 180 in plasma: absence not claimed


def test_patient_render():
    page = render_patient_html([load(n) for n in P001])
    assert page.count("<svg") == 2  # one chart per specimen type
    assert "emerged" in page and "tissue only" in page and "lorlatinib" in page
    assert page == render_patient_html([load(n) for n in reversed(P001)])  # order-independent, deterministic


def test_mixed_patients_rejected():
    with pytest.raises(InputError, match="one patient"):
        build_timeline([load("tissue_P001_T2"), load("tissue_P002_T1")])
