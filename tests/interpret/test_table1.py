"""Table 1 of the review, cell by cell, against an independent hand transcription (table1_cells.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers.alk import evaluate_named

HERE = Path(__file__).parent


def _cells() -> list[dict[str, str]]:
    with open(HERE / "table1_cells.tsv") as fh:
        return list(csv.DictReader((row for row in fh if not row.startswith("#")), delimiter="\t"))


CELLS = _cells()


def _run(cell: dict[str, str], kb):
    muts = cell["mutation"].split("+")
    compounds = (
        [{"mutations": muts, "phase": "cis", "method": "reads", "evidence": {}}] if len(muts) > 1 else []
    )
    return evaluate_named(muts, compounds, [], kb)["drugs"][cell["drug"]]


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c['drug']}-{c['mutation']}" for c in CELLS])
def test_table1_cell_alone(cell, table1_kb):
    assert _run(cell, table1_kb)["verdict"] == cell["table1_verdict"]


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c['drug']}-{c['mutation']}" for c in CELLS])
def test_table1_cell_with_whole_kb(cell, kb):
    assert _run(cell, kb)["verdict"] == cell["full_kb_verdict"]


def test_every_table1_statement_has_a_cell(table1_kb):
    """The other direction: nothing in the KB's Table 1 block that the hand transcription does not list."""
    cells = {(frozenset(table1_kb.canonical(m) for m in c["mutation"].split("+")), c["drug"]) for c in CELLS}
    stray = [s.id for s in table1_kb.statements if (frozenset(s.alterations), s.drug) not in cells]
    assert stray == []
    assert len(table1_kb.statements) >= len(CELLS)


def test_conflicting_cell_shows_both_columns(kb):
    res = evaluate_named(["C1156Y"], [], [], kb)["drugs"]["ceritinib"]
    ids = {e["statement_id"] for e in res["evidence"]}
    assert {"T1.ceritinib.res.C1156Y", "T1.ceritinib.act.C1156Y"} <= ids
    assert res["verdict"] == "conflicting"
    assert any("conflicting" in r for r in res["reasons"])
