"""The reader-facing words: mechanisms, drug explanations, key findings, QC badge, references, CLI names."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from report_fixtures import FIXTURES, load

from alkannot.errors import InputError
from alkannot.report import wording as w
from alkannot.report.html import render_sample_html
from alkannot.report.references import Citer, load_references, resolve_sources, source_keys
from alkannot.report.svg import dodge

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "resources"
REVIEW = REPO.parent / "shared" / "reference" / "tabbo2020_alk_resistance_review.txt"
# What must never reach the reader outside the evidence trail: statement ids and raw source keys.
RAW = re.compile(r"tabbo2020:ref\d+|(?<![\w-])(?:T1|TX|OT)\.[A-Za-z0-9_]+\.[A-Za-z0-9_.+]+|superseded by a compound rule|"
                 r"possible_CH|observed_at_progression|active_against")


def citer() -> Citer:
    return Citer(load_references(RESOURCES))


@pytest.mark.parametrize("name, label, prognostic, in_kb", [
    ("TP53:mutation [found: TP53:R273H] (prognostic)", "TP53 R273H mutation", True, True),
    ("NRAS:mutation [found: NRAS:Q61K]", "NRAS Q61K mutation", False, True),
    ("MET:amplification", "MET amplification", False, True),
    ("TP53:loss (not in the knowledge base)", "TP53 loss", False, False),
    ("EML4-ALK:v3 (prognostic)", "EML4-ALK variant 3", True, True),
    ("TP53:mutation + EML4-ALK:v3 (compound) [found: TP53:R175H] (prognostic)",
     "TP53 R175H mutation together with EML4-ALK variant 3", True, True),
    ("ALK G1202R + L1196M (compound, phase cis, method reads)", "ALK G1202R + L1196M, in cis (read-backed)", False, True),
    ("histology:SCLC", "small-cell transformation", False, True),
])
def test_mechanism_names_become_words(name, label, prognostic, in_kb):
    m = w.mechanism_phrase({"type": "other", "name": name})
    assert (m["label"], m["prognostic"], m["in_kb"]) == (label, prognostic, in_kb)


@pytest.mark.parametrize("text, expected", [
    ("ALK-independent contributor possible (weak evidence): NRAS:mutation — Rare private NRAS alterations were "
     "identified at low frequency in resistant samples. [OT.NRAS.mutation.private]",
     "ALK-independent contributor possible (weak evidence): NRAS mutation — Rare private NRAS alterations were "
     "identified at low frequency in resistant samples."),
    ("co-inhibition has been proposed (ref 55); crizotinib also inhibits MET (ref 52). [OT.MET.amplification.2g]",
     "co-inhibition has been proposed (Dagogo-Jack 2020); crizotinib also inhibits MET (Huang 2018)."),
    ("observed_at_progression per text (tabbo2020:ref8, tabbo2020:ref17)",
     "seen at progression on the drug per text (Gainor 2016; Choi 2010)"),
])
def test_humanise_drops_ids_and_resolves_sources(text, expected):
    assert w.humanise(text, citer()) == expected


def test_references_resolve_review_numbers_and_resource_sources():
    refs = load_references(RESOURCES)
    assert refs["tabbo2020:ref8"].short == "Gainor 2016"
    assert refs["tabbo2020:ref8"].journal == "Cancer Discov" and refs["tabbo2020:ref8"].number == "8"
    assert refs["tabbo2020"].url == "https://doi.org/10.21037/tlcr-20-372"
    assert refs["tabbo2020:ref12"].doi == "10.1200/PO.17.00160"  # the only DOI the review's list prints
    assert not any(r.pmid for r in refs.values())  # none verified, none invented
    # two papers, one author-year: told apart
    assert {refs["tabbo2020:ref37"].short, refs["tabbo2020:ref38"].short} == {"Christopoulos 2019a",
                                                                             "Christopoulos 2019b"}
    assert refs["cancerhotspots"].short == "Chang 2018"
    assert len([k for k in refs if k.startswith("tabbo2020:ref")]) == 80


@pytest.mark.parametrize("source, keys", [
    ("tabbo2020:ref8; tabbo2020:ref23", ["tabbo2020:ref8", "tabbo2020:ref23"]),
    ('tabbo2020 (section "Gene amplification"; refs 53-55, Dagogo-Jack 2020)',
     ["tabbo2020", "tabbo2020:ref53", "tabbo2020:ref54", "tabbo2020:ref55"]),
    ("tabbo2020 (co-mutations section; refs 8, 34, 36-38)",
     ["tabbo2020", "tabbo2020:ref8", "tabbo2020:ref34", "tabbo2020:ref36", "tabbo2020:ref37", "tabbo2020:ref38"]),
    ("cancerhotspots", ["cancerhotspots"]),
])
def test_source_keys(source, keys):
    assert source_keys(source) == keys


def test_unknown_source_keys_stay_visible_not_invented():
    assert resolve_sources(["nosuchsource2031"], RESOURCES) == ["nosuchsource2031"]


@pytest.mark.skipif(not REVIEW.is_file(), reason="../shared review text absent")
def test_references_tsv_matches_the_review_list():
    """Every row's title occurs in the review's own reference list (transcribed, not typed in)."""
    text = " ".join(REVIEW.read_text(encoding="utf-8").split()).replace(" - ", " ")  # wrapped bullet lines
    refs = load_references(RESOURCES)
    for k, r in refs.items():
        if k.startswith("tabbo2020:ref"):
            assert " ".join(r.title.split()) in text, k


def _hotspots(status: str, source: str | None, n: int = 3) -> list[dict]:
    return [{"mutation": f"M{i}", "status": status, "depth_source": source, "depth": None} for i in range(n)]


@pytest.mark.parametrize("data, level, reason", [
    ({"drugs": {}, "sample": {"specimen": "tissue", "tumor_fraction": 0.5},
      "ctdna": {"hotspot_coverage": _hotspots("not_detected", "alignment")}}, "pass", "hotspots covered"),
    ({"drugs": {}, "sample": {"specimen": "tissue", "tumor_fraction": 0.5},
      "ctdna": {"hotspot_coverage": _hotspots("unknown_coverage", None)}}, "caution", "no BAM/CRAM"),
    ({"drugs": {}, "sample": {"specimen": "plasma", "normal_sample": "WBC"},
      "ctdna": {"tumor_fraction": {"value": 0.004, "method": "max_somatic_vaf"},
                "hotspot_coverage": _hotspots("not_detected", "alignment")}}, "caution", "low tumour fraction"),
    ({"drugs": {}, "sample": {"specimen": "plasma"},
      "ctdna": {"tumor_fraction": {"value": 0.2, "method": "max_somatic_vaf"},
                "hotspot_coverage": _hotspots("not_detected", "alignment")}}, "caution", "clonal haematopoiesis"),
    ({"drugs": {}, "sample": {"specimen": "tissue", "tumor_fraction": 0.5}, "qc": {"ref_mismatches": 2}},
     "caution", "REF allele"),
    ({"drugs": {}, "sample": {"specimen": "tissue", "tumor_fraction": 0.5},
      "ctdna": {"hotspot_coverage": _hotspots("not_detected", "alignment")},
      "qc": {"input_warnings": ["header says GRCh37 (chr2 length), --build GRCh38; REF check: 12 of 12 match GRCh38"]}},
     "caution", "input warning"),
    ({"sample": {"specimen": "tissue"}}, "fail", "no drug verdicts"),
])
def test_qc_badge(data, level, reason):
    q = w.qc_badge(data)
    assert q["level"] == level
    assert any(reason in r for r in q["reasons"]), q


def test_tumour_fraction_estimate_only_for_plasma():
    tissue = {"sample": {"specimen": "tissue"}, "ctdna": {"tumor_fraction": {"value": 1.0, "method": "max_somatic_vaf"}}}
    assert w.tumour_content(tissue)["kind"] == "none"  # a VAF estimate is not a tissue tumour content
    tissue["sample"]["tumor_fraction"] = 0.6
    assert w.tumour_content(tissue) == {"kind": "pathology", "value": 0.6,
                                        "words": "tumour content 60% (pathology, from the sheet)"}
    plasma = {"sample": {"specimen": "plasma"}, "ctdna": {"tumor_fraction": {"value": 0.016, "method": "max_somatic_vaf"}}}
    assert "an estimate" in w.tumour_content(plasma)["words"]


def test_unknown_is_never_worded_as_sensitive():
    data = {"alk_mutations": ["X1234Y"], "drugs": {"ensartinib": {"verdict": "unknown", "evidence": []}}}
    e = w.drug_explanation("ensartinib", data["drugs"]["ensartinib"], data, citer())
    assert e["headline"].startswith("Not known") and "unknown is not sensitive" in e["headline"]
    k = w.key_findings(data, citer())
    assert not any("ensartinib" in s for s in k["paragraph"] if s.startswith("May work"))


def test_absence_only_claimed_when_hotspots_were_covered():
    covered = {"drugs": {}, "alk_mutations": [], "ctdna": {"hotspot_coverage": _hotspots("not_detected", "alignment")}}
    assert "No ALK kinase-domain resistance mutation detected" in w.key_findings(covered, citer())["paragraph"][0]
    blind = {"drugs": {}, "alk_mutations": [], "ctdna": {"hotspot_coverage": _hotspots("unknown_coverage", None)}}
    assert "absence is not established" in w.key_findings(blind, citer())["paragraph"][0]


@pytest.mark.parametrize("name", ["tissue_P001_T2", "plasma_P001_P1", "plasma_P001_P2", "tissue_P002_T1"])
def test_no_raw_tokens_outside_the_evidence_trail(name):
    page = render_sample_html(load(name), resources=RESOURCES)
    before, trail, after = re.split(r'<section aria-labelledby="h-trail">|</details>\s*</section>', page, maxsplit=2)
    for part in (before, after):
        assert not RAW.search(part), RAW.search(part).group(0)
    assert "References" in after and "Tabbò F, Reale ML, Bironzo P, Scagliotti GV" in after


@pytest.mark.parametrize("name", ["tissue_P001_T2", "plasma_P001_P1"])
def test_first_screen_order_and_drug_cards(name):
    page = render_sample_html(load(name), resources=FIXTURES)
    order = [page.index(x) for x in ('id="h-headline"', 'class="findings"', 'class="drugs"', 'class="qc qc-',
                                     'id="h-var"', 'id="h-trail"', 'id="h-refs"')]
    assert order == sorted(order)


def test_hgvs_breaks_only_at_colons():
    page = render_sample_html(load("tissue_P001_T2"), resources=FIXTURES)
    assert re.search(r'<span class="tok">NM_004304\.5</span>:<wbr><span class="tok">c\.3604G&gt;A</span>', page)


def test_published_alias_beside_hgvs():
    data = load("tissue_P001_T2")
    data["variants"][0]["protein_aliases"] = ["I1151Tins"]
    assert "(published as I1151Tins)" in render_sample_html(data, resources=FIXTURES)


def test_dodge_spreads_overlapping_markers_only():
    assert dodge([("a", 100.0), ("b", 100.0), ("c", 104.0), ("d", 150.0)]) == {"a": -8.0, "b": 0.0, "c": 8.0,
                                                                              "d": 0.0}
    assert dodge([("a", 10.0), ("b", 40.0)]) == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize("value, out", [("Lorlatinib", "lorlatinib"), (" ALECTINIB ", "alectinib")])
def test_tki_names_case_insensitive(value, out):
    from alkannot.drug_names import tki_name

    assert tki_name(value) == out


def test_unknown_tki_lists_the_six():
    from alkannot.drug_names import tki_list

    with pytest.raises(InputError, match="crizotinib, ceritinib, alectinib, brigatinib, ensartinib, lorlatinib"):
        tki_list("crizotinib,lorlatnib")


def test_report_identity_is_deterministic(tmp_path):
    from alkannot.provenance import report_date, report_id, resource_manifest

    assert report_date("2025-03-01") == "2025-03-01"
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        report_date("01/03/2025")
    man = resource_manifest(RESOURCES, "GRCh38")
    roles = {r["role"] for r in man}
    assert {"knowledge base", "transcript models", "specimen thresholds", "co-alteration rules"} <= roles
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in man)
    kb = next(r for r in man if r["role"] == "knowledge base")
    assert kb["version"] and kb["file"] == "resources/kb/alk_kb.yaml"
    inputs = [{"role": "vcf", "sha256": "ab" * 32}]
    a = report_id("S1", "2025-03-01", inputs, man, "0.1.0")
    assert a == report_id("S1", "2025-03-01", inputs, man, "0.1.0") and re.fullmatch(r"ALK-20250301-[0-9a-f]{8}", a)
    assert a != report_id("S1", "2025-03-02", inputs, man, "0.1.0")
    assert a != report_id("S1", "2025-03-01", [{"role": "vcf", "sha256": "cd" * 32}], man, "0.1.0")


def test_drugs_tsv_carries_resolved_citations(tmp_path):
    from alkannot.report.outputs import DRUG_COLUMNS

    assert DRUG_COLUMNS[-1] == "evidence_citations"
    data = json.loads((FIXTURES / "tissue_P001_T2.json").read_text())
    assert resolve_sources(sorted({e["source"] for d in data["drugs"].values() for e in d.get("evidence", [])
                                   if isinstance(e, dict)}), RESOURCES)


def test_key_findings_say_when_nothing_may_work():
    data = {"alk_mutations": ["G1202R"], "drugs": {d: {"verdict": "resistant", "evidence": []} for d in w.DRUGS}}
    assert any(s.startswith("May work: none") for s in w.key_findings(data, citer())["paragraph"])
    data["drugs"]["lorlatinib"]["verdict"] = "sensitive"
    assert not any(s.startswith("May work: none") for s in w.key_findings(data, citer())["paragraph"])


# ---- merged features (issues 12, 14, 13/18) in the reader's words -----------------------------------

def _drug(verdict, **kw):
    return {"verdict": verdict, "evidence": [], "reasons": [], "notes": [], **kw}


def test_key_findings_progression_on_active_drug_first_and_never_as_working():
    data = {"alk_mutations": ["I1171N"],
            "drugs": {**{d: _drug("resistant") for d in w.DRUGS}, "ceritinib": _drug("sensitive"),
                      "lorlatinib": _drug("sensitive", current_tki=True)},
            "therapy_context": {"current_tki": "lorlatinib", "not_offered": [{"drug": "lorlatinib"}],
                                "flags": [{"id": "progressing_on_active", "message": "progressing on lorlatinib "
                                           "although the ALK mutations found (I1171N) are reported covered by it"}]}}
    par = w.key_findings(data, citer())["paragraph"]
    assert par[1].startswith("Progressing on lorlatinib although")
    may = [s for s in par if s.startswith("May work")]
    assert may and "ceritinib" in may[0] and "lorlatinib" not in may[0]
    assert sum("progressing on lorlatinib" in s.lower() for s in par) == 1  # the flag is not repeated


def test_key_findings_uncertain_and_phase_dependent_say_why():
    pd = {"mutations": ["C1156Y + L1198F"], "if_cis": "resistant", "if_trans": "uncertain", "shown": "cis",
          "how_to_resolve": "resolve it with read-backed phasing"}
    data = {"alk_mutations": ["C1156Y", "L1198F"],
            "drugs": {"lorlatinib": _drug("resistant", phase_dependent=pd),
                      "brigatinib": _drug("uncertain", evidence_gaps=["L1198F"]),
                      "alectinib": _drug("uncertain", untested_combinations=["C1156Y + L1198F"])}}
    par = " ".join(w.key_findings(data, citer())["paragraph"])
    assert "Uncertain (not the same as sensitive): brigatinib: no knowledge-base evidence for L1198F" in par
    assert "alectinib: C1156Y + L1198F (in cis) never tested together" in par
    assert "Depends on phase" in par and "lorlatinib resistant if in cis, uncertain if in trans" in par
    assert "read-backed phasing" in par
    e = w.drug_explanation("brigatinib", data["drugs"]["brigatinib"], data, citer())
    assert e["headline"].startswith("Uncertain (not the same as sensitive)") and "L1198F" in e["headline"]


@pytest.mark.parametrize("fa, fusions, expected", [
    ({"status": "detected", "sources": ["dna_reads"]},
     [{"name": "EML4-ALK", "variant": "v3a/b", "partner_5p": "EML4", "partner_3p": "ALK",
       "evidence_sources": ["dna_reads"], "read_evidence": {"fragments": {"total": 8}, "allele_fraction": 0.0163,
                                                           "depth": 492}}],
     "EML4-ALK variant 3a/b detected in the sequencing reads: 8 supporting fragments"),
    ({"status": "none_found", "sources": ["dna_reads"], "dna_reads": {"intron_depth": {"19": 549}, "lod": 0.011}},
     [], "No ALK rearrangement found in the reads (ALK intron 19 covered at 549×"),
    ({"status": "not_assessable", "dna_reads": {"reason": "ALK intron 19 not captured"}}, [],
     "ALK fusion not assessable from the reads: ALK intron 19 not captured"),
])
def test_key_findings_state_the_fusion_assessment(fa, fusions, expected):
    data = {"alk_mutations": ["G1202R"], "drugs": {}, "fusion_assessment": fa, "fusions": fusions}
    assert any(expected in s for s in w.key_findings(data, citer())["paragraph"])


def test_not_assessed_fusions_only_when_nothing_was_read():
    assert any("fusions" in s for s in w.not_assessed({"fusion_assessment": {"status": "not_assessed"}}))
    assert not any("fusions" in s for s in w.not_assessed({"fusion_assessment": {"status": "none_found"}}))


def test_exclusion_sentence_and_qc_badge():
    base = {"alk_mutations": [], "drugs": {}, "sample": {"specimen": "tissue", "tumor_fraction": 0.5}}
    excluded = {**base, "ctdna": {"alk_exclusion": {"excluded": True, "hotspots_required": 16,
                                                    "expected_clonal_vaf": 0.25, "tumor_fraction": 0.5,
                                                    "tumor_fraction_method": "sheet"}}}
    assert w.key_findings(excluded, citer())["paragraph"][0].startswith("ALK resistance mutation excluded")
    blocked = {**base, "ctdna": {"alk_exclusion": {
        "excluded": False, "reasons": ["tumour fraction only estimated (max_somatic_vaf)"],
        "blocking_calls": [{"protein": "C1156Y", "vaf": 0.015, "why": "below the tissue reporting threshold (low_vaf)"}]}},
        "inputs": [{"role": "vcf", "path": "a.vcf", "warnings": ["header names no genome build"]}]}
    first = w.key_findings(blocked, citer())["paragraph"][0]
    assert first.startswith("ALK resistance mutation not excluded") and "max_somatic_vaf" not in first
    q = w.qc_badge(blocked)
    assert q["level"] == "caution"
    assert any("C1156Y at VAF 1.50%" in r and "VAF below the specimen minimum" in r for r in q["reasons"])
    assert any("not excluded" in r for r in q["reasons"])
    assert any("header names no genome build" in r for r in q["reasons"])


def test_demo_first_screens_have_no_raw_tokens(tmp_path):
    """Fresh demo results (all merged keys: CIViC, tiers, fusions, exclusion) keep raw ids in the trail."""
    from alkannot.pipeline import build_sample_result
    from alkannot.sheet import read_sheet, spec_from_row

    raw = re.compile(RAW.pattern + r"|max_somatic_vaf|dna_reads|sv_file|(?<![\w-])(?:PX)\.[A-Za-z0-9_.:-]+")
    rows = read_sheet(REPO / "config" / "samples.tsv")
    for sid in ("P002_plasma", "P003_T1"):
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            data = build_sample_result(spec_from_row(rows[sid], pass_filters=["PASS", "."]))
        finally:
            os.chdir(cwd)
        page = render_sample_html(data)
        before, trail, after = re.split(r'<section aria-labelledby="h-trail">|</details>\s*</section>', page,
                                        maxsplit=2)
        for part in (before, after):
            m = raw.search(re.sub(r"<[^>]+>", " ", part))
            assert not m, (sid, m.group(0))
        assert "PX." in trail or "OT." in trail


@pytest.mark.parametrize("k", [w.LIST_IN_WORDS_MAX, w.LIST_IN_WORDS_MAX + 7])
def test_key_findings_name_at_most_the_cap_and_count_the_rest(tmp_path, k):
    """A sample with many kinase-domain mutations without knowledge-base statements: the first screen names
    up to LIST_IN_WORDS_MAX of them and counts the rest, which the Variants table lists; at the cap all are
    named. Mutations with knowledge-base statements are always named."""
    from helpers.alk_vcfs import kd_vcf

    from alkannot.pipeline import SampleSpec, run_sample

    chosen = None
    for seed in range(200):  # a deterministic draw with exactly k mutations the KB does not name
        path = kd_vcf(tmp_path / f"kd_{seed}.vcf", 40, seed=seed)
        paths = run_sample(SampleSpec(id="KD", vcf=str(path), build="GRCh38"), tmp_path / f"out_{seed}")
        data = json.loads(paths["json"].read_text())
        no_kb = [m for m in data["alk_mutations"]
                 if any(x["name"] == f"ALK {m} (not in the knowledge base)" for x in data["mechanisms"])]
        if len(no_kb) >= k:
            chosen = (data, no_kb)
            break
    assert chosen, "no draw with enough kinase-domain mutations outside the knowledge base"
    data, no_kb = chosen
    data["alk_mutations"] = [m for m in data["alk_mutations"] if m not in no_kb[k:]]
    data["mechanisms"] = [x for x in data["mechanisms"]
                          if not any(x["name"] == f"ALK {m} (not in the knowledge base)" for m in no_kb[k:])]
    sentence = next(s for s in w.key_findings(data, citer())["paragraph"] if "no knowledge-base statement" in s)
    named = [m for m in no_kb[:k] if re.search(rf"\b{m}\b", sentence)]
    if k <= w.LIST_IN_WORDS_MAX:
        assert len(named) == k and "more (" not in sentence
    else:
        assert len(named) == w.LIST_IN_WORDS_MAX
        assert f"and {k - w.LIST_IN_WORDS_MAX} more (all listed under Variants" in sentence


@pytest.mark.parametrize("n", [w.LIST_IN_WORDS_MAX, w.LIST_IN_WORDS_MAX + 5])
def test_uncertain_card_names_at_most_the_cap(n):
    from alkannot.report.html import _card_lines

    gaps = [f"A{1116 + i}V" for i in range(n)]
    d = {"verdict": "uncertain", "evidence_gaps": gaps, "untested_combinations": ["G1202R+L1196M"]}
    line = next(x for x in _card_lines("lorlatinib", "uncertain", d, {})["lines"] if x.startswith("no evidence"))
    named = [g for g in gaps if re.search(rf"\b{g}\b", line)]
    assert "G1202R+L1196M together" in line
    if n <= w.LIST_IN_WORDS_MAX:
        assert named == gaps and "more (" not in line
    else:
        assert named == gaps[:w.LIST_IN_WORDS_MAX] and f"{n - w.LIST_IN_WORDS_MAX} more (all listed under Variants)" in line
    why = w.uncertain_why("lorlatinib", d)
    assert len([g for g in gaps if re.search(rf"\b{g}\b", why)]) == min(n, w.LIST_IN_WORDS_MAX)
