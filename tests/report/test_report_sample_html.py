"""Per-sample HTML renderer on the fixture samples."""

from __future__ import annotations

import copy
import re

import pytest
from report_fixtures import FIXTURES, SAMPLE_FIXTURES, load

from alkannot.errors import InputError
from alkannot.report.html import DRUGS, citation_url, hotspot_index, render_sample_html
from alkannot.report.svg import kinase_domain_map, load_region_tsv, map_markers, resolve_regions


def render(name: str) -> str:
    return render_sample_html(load(name), resources=FIXTURES)


@pytest.mark.parametrize("name", SAMPLE_FIXTURES)
def test_sample_report_is_self_contained(name):
    page = render(name)
    assert page.startswith("<!DOCTYPE html>")
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    # Nothing may be fetched: no external stylesheets, images, fonts or frames.
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"""\s(src|srcset)\s*=""", page, re.I)
    assert "url(" not in page
    assert "Research use only" in page
    assert load(name)["sample"]["id"] in page
    for drug in DRUGS:
        assert re.search(rf'<span class="dname">{drug}</span>', page)


@pytest.mark.parametrize("name", SAMPLE_FIXTURES)
def test_sample_report_is_deterministic(name):
    assert render(name) == render(name)


@pytest.mark.parametrize("name, expected", [
    ("tissue_P001_T2", ["G1202R · 18.2%", "L1196M · 15.7%", "kphase kphase-cis", ">cis<", "MET amplification",
                        "12.0", "EML4-ALK", "E6;A20", "not annotated</strong>: ref mismatch", "0.054%",
                        "c.3604G&gt;A", "p.(Gly1202Arg)", "3f5a1c0d9b8e7a6f", "✗ resistant"]),
    ("plasma_P001_P1", ["possibly clonal haematopoiesis", "I1171N, L1198F", "0.13%", "insufficient depth",
                        "✓ sensitive", "Estimated ctDNA fraction ≈4.00% (from the highest somatic VAF; an estimate)"]),
    ("plasma_P001_P2", ["kphase kphase-unresolved", "stroke-dasharray=\"2 3\"", "All listed hotspots were covered"]),
    ("tissue_P002_T1", ["⚠ conflicting", "? unknown", "L1196M listed both"]),
])
def test_sample_report_content(name, expected):
    page = render(name)
    for text in expected:
        assert text in page, text


@pytest.mark.parametrize("data", [
    {},
    {"sample": {"id": "S1"}},
    {"sample": None, "variants": None, "drugs": None, "ctdna": None, "compound": None, "qc": None},
    {"sample": {"id": "S2"}, "variants": [{"gene": "ALK", "vaf": "n/a", "protein_position": "x"}],
     "drugs": {"lorlatinib": {"verdict": "weird"}}, "ctdna": {"hotspot_coverage": [{}]},
     "compound": [{"mutations": ["G1202R"]}], "mechanisms": [{"type": "new_type", "name": "X"}]},
])
def test_sparse_or_odd_input_renders_not_assessed(data):
    page = render_sample_html(data, resources=FIXTURES)
    assert "Research use only" in page
    if not data.get("drugs"):
        assert page.count("not assessed") >= 6  # every drug cell says so


def test_regions_come_from_tsv_and_data_overrides_it():
    from_tsv = resolve_regions({}, FIXTURES)
    assert [r.region for r in from_tsv][:2] == ["ploop", "alphaC"]
    given = resolve_regions({"alk_regions": [{"region": "x", "start": 1200, "end": 1210, "label": "X-region"}]},
                            FIXTURES)
    assert [(r.region, r.start, r.end) for r in given] == [("x", 1200, 1210)]
    svg = kinase_domain_map([], [], given)
    assert ">X-region<" in svg


@pytest.mark.parametrize("content, message", [
    ("region\tstart\nx\t1\n", "missing column(s) end"),
    ("region\tstart\tend\nx\tone\t5\n", "needs integer"),
    ("region\tstart\tend\nx\t9\t5\n", "start 9 > end 5"),
])
def test_bad_region_table_is_an_input_error(tmp_path, content, message):
    (tmp_path / "alk_regions.tsv").write_text(content)
    with pytest.raises(InputError, match=re.escape(message)) as exc:
        load_region_tsv(tmp_path / "alk_regions.tsv")
    assert "alk_regions.tsv" in str(exc.value)


def test_map_skips_non_alk_and_out_of_window_changes():
    variants = [{"gene": "ALK", "protein_short": "G1202R", "protein_position": 1202, "vaf": 0.1},
                {"gene": "ALK", "protein_short": "R1060H", "protein_position": 1060, "vaf": 0.1},
                {"gene": "TP53", "protein_short": "R248Q", "protein_position": 248, "vaf": 0.3},
                {"gene": "ALK", "protein_short": "L1196M", "protein_position": 1196, "status": "not_annotated"}]
    drawn, skipped = map_markers(variants, ["G1202R"])
    assert [(m.label, m.resistance) for m in drawn] == [("G1202R", True)]
    assert skipped == ["R1060H"]


@pytest.mark.parametrize("text, url", [
    ("Tabbò 2020, doi:10.21037/tlcr-20-372, Table 1", "https://doi.org/10.21037/tlcr-20-372"),
    ("PMID: 30892989", "https://pubmed.ncbi.nlm.nih.gov/30892989/"),
    ("javascript:alert(1)", None),
    ("https://evil.example/x", None),
    ("see review", None),
])
def test_citation_links_are_built_not_copied(text, url):
    assert citation_url(text) == url


@pytest.mark.parametrize("mutation, short, found", [
    ("G1202R", "G1202R", True),
    ("L1196M/F", "L1196F", True),
    ("L1196M/F", "L1196V", False),
    ("G1202del", "G1202R", False),
])
def test_hotspot_rows_match_their_alternatives(mutation, short, found):
    ctdna = {"hotspot_coverage": [{"mutation": mutation, "depth": 900, "lod": 0.01, "status": "not_detected"}]}
    assert (short in hotspot_index(ctdna)) is found


def test_variant_table_note_names_where_depths_were_read():
    """The note under the variant table names the sample's depth sources (each once), not a fixed
    'FORMAT/AD or DP': a PCGR input read through its INFO tags says so."""
    data = copy.deepcopy(load("tissue_P001_T2"))
    for i, v in enumerate(data["variants"]):
        v["depth_source"] = ["INFO/TVAF, INFO/TDP (alt reads = VAF x depth)", "FORMAT/AD"][i % 2]
    page = render_sample_html(data, resources=FIXTURES)
    assert "VAF are what the VCF states (FORMAT/AD; INFO/TVAF, INFO/TDP (alt reads = VAF x depth))" in page
    for v in data["variants"]:
        v["depth_source"] = None
    assert "(no depth or VAF written)" in render_sample_html(data, resources=FIXTURES)
