"""The decision table of docs/verdicts.md, row by row, from VCFs (one folder per case under verdict_cases/).

Each folder holds case.yaml (sample sheet fields, the variants its input.vcf was written from, an optional
BAM recipe and the expected answer) and input.vcf / input.cns (written by verdict_cases/make_cases.py).
BAMs are built here: `simulate: cis|trans` = tests/helpers/simulate.py read pairs over G1202R + L1196M
(read-backed phase); `tiles: {depth, exons, alt}` = uniform reads over ALK exons (hotspot depth / LoD).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from alkannot.interpret.ctdna import binomial_lod, specimen_min_vaf
from alkannot.pipeline import SampleSpec, build_sample_result
from alkannot.report.outputs import write_sample_outputs

HERE = Path(__file__).resolve().parent / "verdict_cases"
CASES = sorted(p.parent.name for p in HERE.glob("*/case.yaml"))
_BAMS: dict = {}


def _maker():
    spec = importlib.util.spec_from_file_location("make_test_data", HERE.parents[2] / "test-data" / "make_test_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _bam(recipe: dict, tmp: Path) -> str:
    key = yaml.safe_dump(recipe, sort_keys=True)
    if key not in _BAMS:
        out = tmp / f"bam{len(_BAMS)}"
        out.mkdir(parents=True, exist_ok=True)
        if "simulate" in recipe:
            from helpers.simulate import simulate_case

            _BAMS[key] = simulate_case(recipe["simulate"], out)["bam"]
        else:
            t = recipe["tiles"]
            path = out / "tiles.bam"
            _maker().plasma_bam("GRCh38", path, exons=t["exons"], depth=t["depth"], alt=t.get("alt", {}))
            _BAMS[key] = str(path)
    return _BAMS[key]


def _first_screen(html: str) -> str:
    """Text of the summary section as a reader sees it without opening any drug card."""
    i = html.find('<section class="headline"')
    s = html[i:html.find("</section>", i)]
    s = re.sub(r'<div class="body">.*?</details>', " ", s, flags=re.S)
    s = re.sub(r'<div class="print-only">.*?</div>', " ", s, flags=re.S)
    s = re.sub(r"<[^>]+>", " ", s)
    return re.sub(r"\s+", " ", s.replace("&gt;", ">").replace("&amp;", "&").replace("&#39;", "'"))


@pytest.fixture(scope="module")
def tmp_bams(tmp_path_factory):
    return tmp_path_factory.mktemp("verdict_bams")


@pytest.mark.parametrize("name", CASES)
def test_verdict_case(name, tmp_bams, tmp_path):
    folder = HERE / name
    case = yaml.safe_load((folder / "case.yaml").read_text())
    s = dict(case["sample"])
    spec = SampleSpec(id=name, vcf=str(folder / "input.vcf"), build="GRCh38", specimen=s["specimen"],
                      tumor_sample=s["tumor_sample"], normal_sample=s.get("normal_sample"),
                      current_tki=s.get("current_tki"), prior_tkis=list(s.get("prior_tkis", [])),
                      tumor_fraction=s.get("tumor_fraction"),
                      cnv=str(folder / "input.cns") if case.get("cnv") else None,
                      alignment=_bam(case["bam"], tmp_bams) if case.get("bam") else None)
    data = build_sample_result(spec)
    paths = write_sample_outputs(data, tmp_path)
    exp = case["expect"]
    drugs = data["drugs"]
    tc = data["therapy_context"]
    why = {d: (v["verdict"], v["reasons"]) for d, v in drugs.items()}

    if "alk_mutations" in exp:
        assert data["alk_mutations"] == exp["alk_mutations"]
    if "phase" in exp:
        assert [(c["mutations"], c["phase"]) for c in data["compound"] if len(c["mutations"]) == 2] == \
            [(sorted(exp["phase"][0], key=lambda m: int(m[1:-1])), exp["phase"][1])]
    for d, v in exp.get("drugs", {}).items():
        assert drugs[d]["verdict"] == v, why[d]
    for d, subs in exp.get("reasons", {}).items():
        for sub in subs:
            assert any(sub in r for r in drugs[d]["reasons"]), (sub, drugs[d]["reasons"])
    for d, subs in exp.get("notes", {}).items():
        for sub in subs:
            assert any(sub in n for n in drugs[d]["notes"]), (sub, drugs[d]["notes"])
    for d, pd in exp.get("phase_dependent", {}).items():
        got = drugs[d]["phase_dependent"]
        assert (got and {k: got[k] for k in pd}) == pd if pd else got is None, (d, got)
    for d, gaps in exp.get("evidence_gaps", {}).items():
        assert drugs[d]["evidence_gaps"] == gaps, why[d]
    for d, u in exp.get("untested_combinations", {}).items():
        assert drugs[d]["untested_combinations"] == u, why[d]
    if "options" in exp:
        assert [o["drug"] for o in tc["options"]] == exp["options"]
    if "not_offered" in exp:
        assert [o["drug"] for o in tc["not_offered"]] == exp["not_offered"]
    flags = {f["id"]: f["message"] for f in tc["flags"]}
    for fid in exp.get("flags", []):
        assert fid in flags, flags
    for fid in exp.get("no_flags", []):
        assert fid not in flags, flags
    for fid, subs in exp.get("flag_text", {}).items():
        for sub in subs:
            assert sub in flags[fid], flags[fid]
    excl = data["ctdna"]["alk_exclusion"]
    if "excluded" in exp:
        assert excl["excluded"] is exp["excluded"], excl["reasons"]
    for sub in exp.get("exclusion_reasons", []):
        assert any(sub in r for r in excl["reasons"]), (sub, excl["reasons"])
    if "blocking_calls" in exp:
        assert [b["protein"] for b in excl["blocking_calls"]] == exp["blocking_calls"]
    for m, c in exp.get("clonality", {}).items():
        assert next(x for x in data["alk_clonality"] if x["mutation"] == m)["clonality"] == c
    for h in exp.get("hotspot_lod", []):
        # V8: effective LoD = max(binomial LoD at the measured depth, the specimen's minimum VAF), and the
        # smallest detectable cancer-cell fraction = LoD / (TF x 0.5)
        row = next(x for x in data["ctdna"]["hotspot_coverage"] if x["mutation"] == h)
        want = max(binomial_lod(row["depth"]), specimen_min_vaf(s["specimen"]))
        assert row["lod_effective"] == pytest.approx(want)
        tf = data["ctdna"]["tumor_fraction"]["value"]
        assert row["min_detectable_ccf"] == (pytest.approx(want / (tf * 0.5)) if tf else None)
    for d, agreement in exp.get("civic_agreement", {}).items():
        assert drugs[d]["civic"]["agreement"] == agreement, drugs[d]["civic"]["explanation"]
    # one mechanism per ALK finding: "A + B" and "B + A" (Table 1 vs text order) are the same compound
    sets = [frozenset(re.sub(r"^ALK | \(.*$", "", m["name"]).split(" + ")) for m in data["mechanisms"]
            if m["type"] == "on_target"]
    assert len(sets) == len(set(sets)), [m["name"] for m in data["mechanisms"]]
    names = " | ".join(m["name"] for m in data["mechanisms"])
    for sub in exp.get("mechanisms", []):
        assert sub in names, names
    for sub in exp.get("mechanisms_absent", []):
        assert sub not in names, names
    for gene, label in exp.get("ch_status", {}).items():
        assert next(v for v in data["variants"] if v["gene"] == gene)["ch_status"] == label
    screen = _first_screen(paths["html"].read_text())
    for sub in exp.get("first_screen", []):
        assert sub in screen, screen
    for sub in exp.get("first_screen_absent", []):
        assert sub not in screen, screen
    rows = {r["drug"]: r for r in csv.DictReader(paths["drugs"].open(), delimiter="\t")}
    for d, cols in exp.get("tsv", {}).items():
        for col, sub in cols.items():
            assert sub in rows[d][col], (d, col, rows[d][col])


def test_demo_p002_plasma_first_screen_says_progressing_on_lorlatinib(tmp_path):
    """The demo's P002_plasma (I1171N + NRAS Q61K, progressing on lorlatinib; config/samples.tsv)."""
    repo = HERE.parents[2]
    row = next(r for r in csv.DictReader((repo / "config" / "samples.tsv").open(), delimiter="\t")
               if r["sample"] == "P002_plasma")
    spec = SampleSpec(id=row["sample"], vcf=str(repo / row["vcf"]), build=row["build"], specimen=row["specimen"],
                      tumor_sample=row["tumor_sample"], normal_sample=row["normal_sample"] or None,
                      alignment=str(repo / row["alignment"]), current_tki=row["current_tki"],
                      prior_tkis=[t for t in row["prior_tkis"].split(",") if t])
    data = build_sample_result(spec)
    paths = write_sample_outputs(data, tmp_path)
    tc = data["therapy_context"]
    assert "lorlatinib" not in [o["drug"] for o in tc["options"]]
    assert [o["drug"] for o in tc["not_offered"]] == ["lorlatinib"]
    assert data["drugs"]["lorlatinib"]["current_tki"] is True
    screen = _first_screen(paths["html"].read_text())
    # the key findings open the sentence with a capital letter
    assert "progressing on lorlatinib although the ALK mutations found (I1171N) are reported covered".lower() in screen.lower()
    assert "lorlatinib ⚠ sensitive progressing on it" in screen
    assert "lorlatinib ✓" not in screen
    assert "Options discussed in the evidence: ceritinib" in screen
