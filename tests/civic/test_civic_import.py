"""CIViC import: mapping rules, exact counts for the shared 2021 export, one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alkannot.cli import main
from alkannot.interpret import civic as C
from alkannot.io.civic import read_civic

from .conftest import HEADER, civic_row, write_export

CASES = yaml.safe_load((Path(__file__).parent / "mapping_cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['gene']} {c['variant']}" for c in CASES])
def test_map_variant(case, kb):
    got = C.map_variant(case["gene"], case["variant"], kb)
    if "skip" in case:
        assert got == case["skip"]
    else:
        assert got == (tuple(case["keys"]), case["match"])


def test_shared_export_counts(shared_export, kb):
    doc = C.import_civic(read_civic(shared_export), kb)
    s = doc["summary"]
    assert (s["rows"], s["mapped_rows"], s["skipped_rows"], s["statements"]) == (3650, 142, 3508, 146)
    assert s["skipped_by_reason"] == {
        "gene_not_in_scope": 2310, "not_predictive": 166, "significance_not_drug_response": 2, "no_drug": 1,
        "variant_not_in_vocabulary": 13, "co_alteration_without_alk_tki": 1016}
    assert s["statements_by_drug"] == {"alectinib": 17, "brigatinib": 4, "ceritinib": 15, "crizotinib": 82,
                                       "lorlatinib": 7, "non_tki_context": 21}
    # nothing dropped silently: every in-scope skipped row is listed with its reason
    assert len(doc["skipped"]) == s["skipped_rows"] - s["skipped_by_reason"]["gene_not_in_scope"]
    by_id = {st["id"]: st for st in doc["statements"]}
    g = by_id["CIVIC.EID1345.ceritinib"]
    assert (g["alterations"], g["effect"], g["level"], g["pmid"]) == (["G1202R"], "resistant", "D", g["citation_id"])
    assert by_id["CIVIC.EID37.alectinib"]["disease"] == "Neuroblastoma"
    C.validate_civic_doc(doc, "memory")


def test_bundled_civic_matches_shared_export(shared_export, kb):
    """resources/kb/civic.yaml is what `kb import-civic` makes of the shared export (regenerate it if not)."""
    bundled = yaml.safe_load(C.bundled_civic_path().read_text())
    doc = C.import_civic(read_civic(shared_export), kb)
    assert bundled["statements"] == doc["statements"]
    assert bundled["summary"] == doc["summary"]
    assert bundled["source"]["sha256"] == doc["source"]["sha256"]


def test_cli_import_writes_yaml_and_changelog(tmp_path, kb, capsys):
    tsv = write_export(tmp_path / "01-Feb-2024-ClinicalEvidenceSummaries.tsv", [
        civic_row(evidence_id="1", variant="ALK FUSION G1202R", drugs="Lorlatinib"),
        civic_row(evidence_id="2", variant="V600E", gene="BRAF", drugs="Vemurafenib"),
        civic_row(evidence_id="3", gene="JAK2", variant="V617F", drugs="Ruxolitinib"),
    ])
    out, log = tmp_path / "civic.yaml", tmp_path / "CHANGELOG.md"
    log.write_text("# Changelog\n\n## 1.0.0\n\n- first\n")
    assert main(["kb", "import-civic", str(tsv), "--out", str(out), "--changelog", str(log)]) == 0
    doc = yaml.safe_load(out.read_text())
    assert doc["version"] == "civic-2024-02-01"
    assert doc["summary"]["skipped_by_reason"] == {"gene_not_in_scope": 1, "co_alteration_without_alk_tki": 1}
    assert [s["id"] for s in doc["statements"]] == ["CIVIC.EID1.lorlatinib"]
    text = log.read_text()
    assert text.index("CIViC import civic-2024-02-01") < text.index("## 1.0.0")
    assert "1 statements added" in text
    err = capsys.readouterr().err
    assert "3 rows: 1 mapped" in err
    # an older release does not silently replace a newer one
    old = write_export(tmp_path / "01-Jan-2022-ClinicalEvidenceSummaries.tsv", [civic_row(evidence_id="1")])
    assert main(["kb", "import-civic", str(old), "--out", str(out)]) == 2
    assert "older than" in capsys.readouterr().err


@pytest.mark.parametrize("mutate, expect", [
    (lambda h, r: ([x if x != "evidence_level" else "level" for x in h], r), "evidence_level"),
    (lambda h, r: ([x for x in h if x != "variant"], r), "variant"),
    (lambda h, r: (h, [{**r[0], "evidence_level": "Z"}]), ":2: evidence_level 'Z'"),
    (lambda h, r: (h, [{**r[0], "evidence_id": "x"}]), ":2: evidence_id"),
], ids=["renamed_level", "missing_variant", "bad_level", "bad_eid"])
def test_bad_export_one_line_error(tmp_path, capsys, mutate, expect):
    header, rows = mutate(list(HEADER), [civic_row(evidence_id="1", variant="G1202R", drugs="Alectinib")])
    tsv = write_export(tmp_path / "01-Aug-2021-ClinicalEvidenceSummaries.tsv", rows, header)
    assert main(["kb", "import-civic", str(tsv), "--out", str(tmp_path / "o.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tsv) in err and expect in err
    assert not (tmp_path / "o.yaml").exists()


def test_ragged_line_and_undated_name(tmp_path, capsys):
    tsv = tmp_path / "01-Aug-2021-ClinicalEvidenceSummaries.tsv"
    tsv.write_text("\t".join(HEADER) + "\nALK\t1\tG1202R\n")
    assert main(["kb", "import-civic", str(tsv), "--out", str(tmp_path / "o.yaml")]) == 2
    assert f"{tsv}:2: 3 fields" in capsys.readouterr().err
    undated = write_export(tmp_path / "evidence.tsv", [civic_row(evidence_id="1", variant="G1202R")])
    assert main(["kb", "import-civic", str(undated), "--out", str(tmp_path / "o.yaml")]) == 2
    assert "release date" in capsys.readouterr().err
    assert main(["kb", "import-civic", str(undated), "--out", str(tmp_path / "o.yaml"),
                 "--release-date", "2023-05-01"]) == 0


def test_newer_column_names_are_read(tmp_path, kb):
    """CIViC v2 releases: molecular_profile, therapies, significance."""
    header = ["molecular_profile" if h == "gene" else "therapies" if h == "drugs" else
              "significance" if h == "clinical_significance" else h for h in HEADER if h != "variant"]
    header.append("is_flagged")
    row = civic_row(evidence_id="7", drugs="Lorlatinib", clinical_significance="Sensitivity/Response")
    row.update({"molecular_profile": "ALK G1202R", "therapies": "Lorlatinib", "significance": "Sensitivity/Response",
                "is_flagged": "false"})
    flagged = {**row, "evidence_id": "8", "is_flagged": "true"}
    tsv = write_export(tmp_path / "01-Mar-2024-ClinicalEvidenceSummaries.tsv", [row, flagged], header)
    doc = C.import_civic(read_civic(tsv), kb)
    assert doc["summary"]["skipped_by_reason"] == {"flagged": 1}
    [st] = doc["statements"]
    assert (st["alterations"], st["drug"], st["effect"]) == (["G1202R"], "lorlatinib", "sensitive")


@pytest.mark.parametrize("profile, gene, variant", [
    ("ALK G1202R", "ALK", "G1202R"),
    ("EML4::ALK Fusion", "ALK", "EML4-ALK"),
    ("EML4::ALK Fusion G1202R", "ALK", "EML4-ALK G1202R"),
    ("ALK C1156Y AND ALK L1198F", "ALK", "C1156Y-L1198F"),
    ("ALK G1202R AND MET Amplification", "ALK", "ALK G1202R AND MET Amplification"),
])
def test_molecular_profiles(profile, gene, variant, kb):
    from alkannot.io.civic import split_profile

    assert split_profile(profile) == (gene, variant)


def test_molecular_profiles_map(kb):
    assert C.map_variant("ALK", "EML4-ALK", kb) == (("ALK:fusion",), "fusion")
    assert C.map_variant("ALK", "C1156Y-L1198F", kb) == (("C1156Y", "L1198F"), "exact")
    assert C.map_variant("ALK", "ALK G1202R AND MET Amplification", kb) == "variant_not_in_vocabulary"
