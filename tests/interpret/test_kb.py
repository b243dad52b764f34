"""Loading, validating and extending the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers.alk import evaluate_named

from alkannot.errors import InputError
from alkannot.interpret.kb import kb_dir, load_kb

EXTRA_STATEMENT = {
    "id": "LAB.lorlatinib.L1256F",
    "alterations": ["L1256F"],
    "drug": "lorlatinib",
    "effect": "resistant",
    "source": ["lab:note1"],
    "statement": "In-house functional data: L1256F confers lorlatinib resistance.",
}


def _write(tmp_path: Path, data: dict, name: str = "extra.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return p


def _extra(**over) -> dict:
    return {
        "version": "0.1.0",
        "sources": {"lab:note1": "Our lab, internal report 2024-01, L1256F Ba/F3 assay."},
        "statements": [{**EXTRA_STATEMENT, **over}],
    }


def test_bundled_kb_loads(kb):
    prov = kb.provenance()
    assert prov["version"] == "2.0.1" and prov["extensions"] == []
    assert prov["statements"] == len(kb.statements) > 100
    assert kb.canonical("I1151Tins") == "T1151dup"
    assert all(f"tabbo2020:ref{n}" in kb.sources for n in range(1, 81))


def test_every_statement_cites_a_known_source(kb):
    assert all(s.source and all(src in kb.sources for src in s.source) for s in kb.statements)


def test_extension_merges_and_is_recorded(tmp_path):
    path = _write(tmp_path, _extra())
    kb = load_kb([path])
    assert kb.provenance()["extensions"] == [{"path": str(path), "version": "0.1.0", "statements": 1}]
    res = evaluate_named(["L1256F"], [], [], kb)["drugs"]["lorlatinib"]
    assert res["verdict"] == "resistant"
    assert res["evidence"][0]["source"] == "lab:note1"


def test_extension_id_clash_is_an_input_error(tmp_path):
    path = _write(tmp_path, _extra(id="T1.crizotinib.res.L1196M"))
    with pytest.raises(InputError, match=r"T1\.crizotinib\.res\.L1196M") as exc:
        load_kb([path])
    assert str(path) in str(exc.value)


def test_two_extensions_clashing_with_each_other(tmp_path):
    a = _write(tmp_path, _extra(), "a.yaml")
    b = _write(tmp_path, _extra(), "b.yaml")
    with pytest.raises(InputError, match="clashes"):
        load_kb([a, b])


@pytest.mark.parametrize(
    "over, why",
    [
        ({"effect": "maybe_resistant"}, "effect"),
        ({"drug": None}, "drug"),
        ({"alterations": ["G1202R", "L1196M"]}, "requires_phase"),
        ({"alterations": ["Gly1202Arg"]}, "alterations"),
        ({"source": []}, "source"),
    ],
)
def test_schema_rejects_malformed_statement(tmp_path, over, why):
    path = _write(tmp_path, _extra(**over))
    with pytest.raises(InputError) as exc:
        load_kb([path])
    msg = str(exc.value)
    assert "LAB.lorlatinib.L1256F" in msg and str(path) in msg, msg


def test_missing_required_field(tmp_path):
    stmt = dict(EXTRA_STATEMENT)
    del stmt["statement"]
    path = _write(
        tmp_path,
        {"version": "0.1.0", "sources": {"lab:note1": "Our lab, internal report."}, "statements": [stmt]},
    )
    with pytest.raises(InputError, match="LAB.lorlatinib.L1256F"):
        load_kb([path])


def test_unknown_source_is_an_input_error(tmp_path):
    path = _write(tmp_path, _extra(source=["nowhere:1"]))
    with pytest.raises(InputError, match="unknown source"):
        load_kb([path])


def test_extension_may_not_set_policy(tmp_path):
    data = _extra()
    data["policy"] = yaml.safe_load((kb_dir() / "alk_kb.yaml").read_text())["policy"]
    with pytest.raises(InputError, match="policy"):
        load_kb([_write(tmp_path, data)])


def test_yaml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1.0.0\nstatements: [\n")
    with pytest.raises(InputError, match="broken.yaml"):
        load_kb([path])


def test_missing_extension_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_kb([tmp_path / "nope.yaml"])


def test_tki_names_match_the_knowledge_base():
    """One list of the six TKIs in code (alkannot.drug_names.TKIS: CLI, sheet, report order); the knowledge
    base's policy.drugs must name the same six in the same order."""
    from alkannot.drug_names import TKIS
    from alkannot.interpret.kb import load_kb

    assert tuple(load_kb().policy["drugs"]) == TKIS


def test_base_kb_with_a_repeated_statement_id_is_refused(tmp_path):
    """A base KB (``base_path``) whose statements repeat an id names that id; a KB without repeats loads."""
    data = yaml.safe_load((kb_dir() / "alk_kb.yaml").read_text())
    clean = _write(tmp_path, data, "base.yaml")
    assert load_kb(base_path=clean).statements
    data["statements"].append(dict(data["statements"][3]))
    with pytest.raises(InputError, match=rf"'{data['statements'][3]['id']}' is used more than once"):
        load_kb(base_path=_write(tmp_path, data, "base_repeat.yaml"))
