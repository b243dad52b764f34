"""Copy-number and SV/fusion readers and their interpretation.

Three tables drive these tests: real_files.tsv (every real third-party file: parses or is rejected with
the expected error), cases/<name>/ (hand-made inputs with case.yaml + expected.json), and the few named
truth checks below (MET amplification, SeraCare EML4-ALK v1).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from alkannot.errors import InputError
from alkannot.interpret.copy_number import gene_copy_number, gene_regions, purity_adjusted_copy_number
from alkannot.interpret.fusions import annotate_fusion, annotate_fusions, relevant
from alkannot.io.cnv import read_segments
from alkannot.io.sv import read_fusions

HERE = Path(__file__).resolve().parent
TRUTH = Path(__file__).resolve().parents[2] / ".." / "shared" / "truth"
CASES = sorted(p for p in (HERE / "cases").iterdir() if p.is_dir())


def _need_truth() -> None:
    if not TRUTH.is_dir():
        pytest.skip(f"shared truth data not found at {TRUTH} (needs the project's ../shared checkout)")


def _real_rows() -> list[dict]:
    lines = [ln for ln in (HERE / "real_files.tsv").read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


# ---- every real file -----------------------------------------------------------------------------

@pytest.mark.parametrize("row", _real_rows(), ids=lambda r: f"{r['reader']}:{Path(r['path']).name}:{r['sample']}")
def test_real_file(row: dict) -> None:
    _need_truth()
    path = TRUTH / row["path"]
    kind, _, value = row["expect"].partition(":")

    def read():
        if row["reader"] == "cnv":
            return read_segments(path, sample=row["sample"] or None)
        return annotate_fusions(read_fusions(path, row["build"], sample=row["sample"] or None))

    if kind == "error":
        with pytest.raises(InputError) as exc:
            read()
        assert value in str(exc.value)
        assert str(path) in str(exc.value)  # the message names the file
    else:
        records = read()
        assert len(records) == int(value)


def test_all_real_files_listed() -> None:
    _need_truth()
    listed = {r["path"] for r in _real_rows()}
    on_disk = {str(p.relative_to(TRUTH)) for p in (TRUTH / "cnv_sv_fusion").rglob("*") if p.is_file()}
    assert on_disk <= listed, f"real files without an expectation: {sorted(on_disk - listed)}"


# ---- named truth checks --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amplicon.cns", "amplicon.cnr"])
def test_met_amplification_in_cnvkit_amplicon_sample(name: str) -> None:
    _need_truth()
    path = TRUTH / "cnv_sv_fusion" / "cnvkit" / name
    segs = read_segments(path, regions=gene_regions("GRCh37"))
    met = {r["gene"]: r for r in gene_copy_number(segs, "GRCh37")}["MET"]
    assert met["call"] == "amplification" and met["finding"] is True
    assert met["log2"] > 2.5 and met["copy_number"] > 12


def test_met_not_amplified_in_a_diploid_sample() -> None:
    _need_truth()
    segs = read_segments(TRUTH / "cnv_sv_fusion" / "cnvkit" / "p2-9_2.cns")
    met = {r["gene"]: r for r in gene_copy_number(segs, "GRCh37", purity=0.6)}["MET"]
    assert met["call"] == "neutral"


@pytest.mark.parametrize("name", ["SeraCare_fusion_targets.hg38.tsv",
                                  "SeraCarev4Fusion.IsoSeq.ctat-LR-fusion.fusion_predictions.tsv.gz"])
def test_seracare_eml4_alk_is_variant_1(name: str) -> None:
    _need_truth()
    found = [f for f in annotate_fusions(read_fusions(TRUTH / "cnv_sv_fusion" / "seracare" / name, "GRCh38"))
             if f["name"] == "EML4-ALK"]
    assert len(found) == 1
    f = found[0]
    assert (f["variant"], f["exons"], f["category"]) == ("v1", "E13;A20", "on_target_driver")
    assert [(b["pos"], b["region"]) for b in f["breakpoints"]] == [(42295516, "exon 13"), (29223528, "exon 20")]


def test_pcgr_genomic_eml4_alk_both_builds() -> None:
    _need_truth()
    for build in ("grch37", "grch38"):
        path = TRUTH / "vcf_shapes" / "pcgr_examples" / f"T001-BRCA.{build}.fusions.tsv"
        f = next(x for x in annotate_fusions(read_fusions(path, build.replace("grch", "GRCh")))
                 if x["name"] == "EML4-ALK")
        assert f["variant"] == "v1" and f["breakpoints"][0]["region"] == "intron 13"


def test_npm1_alk_kijk_is_on_target_with_caller_named_partner() -> None:
    _need_truth()
    path = TRUTH / "cnv_sv_fusion" / "seracare" / "DepMap_KIJK.ctat-LR-fusion.fusion_predictions.tsv.gz"
    top = relevant(annotate_fusions(read_fusions(path, "GRCh38")))
    assert top[0]["name"] == "NPM1-ALK" and top[0]["breakpoints"][1]["region"] == "exon 20"
    assert any("not in the bundled transcript models" in n for n in top[0]["notes"])


# ---- hand-made cases -----------------------------------------------------------------------------

def _subset(expected, actual, where: str) -> None:
    if isinstance(expected, dict):
        for k, v in expected.items():
            if k == "notes_contain":
                assert any(v in n for n in actual["notes"]), f"{where}: no note contains {v!r}: {actual['notes']}"
            elif k == "caveat_contains":
                assert actual["caveat"] and v in actual["caveat"], f"{where}: caveat {actual['caveat']!r}"
            else:
                _subset(v, actual[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert len(expected) == len(actual), f"{where}: {len(actual)} items, expected {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            _subset(e, a, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, abs=1e-3), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _run_case(case: Path):
    spec = yaml.safe_load((case / "case.yaml").read_text())
    path = case / spec["input"]
    read_kwargs = spec.get("read_kwargs", {})
    if spec["reader"] == "fusions":
        return relevant(annotate_fusions(read_fusions(path, spec["build"], **read_kwargs)))
    rows = gene_copy_number(read_segments(path, **read_kwargs), spec["build"], **spec.get("kwargs", {}))
    return {r["gene"]: r for r in rows}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_case(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    if isinstance(expected, dict) and "error" in expected:
        with pytest.raises(InputError) as exc:
            _run_case(case)
        assert expected["error"] in str(exc.value)
        assert exc.value.path and Path(exc.value.path).name == yaml.safe_load(
            (case / "case.yaml").read_text())["input"]
        if "line" in expected:
            assert exc.value.line == expected["line"]
        return
    _subset(expected, _run_case(case), case.name)


# ---- small pure rules ----------------------------------------------------------------------------

@pytest.mark.parametrize("log2,purity,expected", [(0.0, 0.5, 2.0), (1.0, 0.5, 6.0), (1.0, 1.0, 4.0),
                                                  (-1.0, 0.5, 0.0), (0.585, 0.2, 7.0)])
def test_purity_formula(log2: float, purity: float, expected: float) -> None:
    assert purity_adjusted_copy_number(log2, None, purity) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("purity", [0, 1.5, 30])
def test_purity_must_be_a_fraction(purity: float) -> None:
    with pytest.raises(InputError, match="purity"):
        gene_copy_number([], "GRCh38", purity=purity)


@pytest.mark.parametrize("eml4_pos,alk_pos,variant,exons", [
    (42295516, 29223528, "v1", "E13;A20"),  # RNA: last base of EML4 exon 13, first base of ALK exon 20
    (42300000, 29224500, "v1", "E13;A20"),  # DNA: EML4 intron 13, ALK intron 19
    (42326000, 29224500, "v2", "E20;A20"),  # EML4 intron 20
    (42245600, 29224500, "v5a", "E2;A20"),  # EML4 exon 2 (DNA break inside the exon)
    (42300000, 29226000, "E13;A19", "E13;A19"),  # ALK intron 18: unusual, kinase domain check noted
])
def test_eml4_alk_exon_rules(eml4_pos: int, alk_pos: int, variant: str, exons: str) -> None:
    f = annotate_fusion({"chrom": "chr2", "pos": eml4_pos}, {"chrom": "2", "pos": alk_pos}, "GRCh38")
    assert (f["name"], f["variant"], f["exons"]) == ("EML4-ALK", variant, exons)


def test_gene_name_only_off_target_fusion() -> None:
    f = annotate_fusion({"chrom": None, "pos": None, "gene": "CD74"}, {"chrom": None, "pos": None, "gene": "NRG1"},
                        "GRCh38")
    assert (f["name"], f["category"], f["exons"]) == ("CD74-NRG1", "off_target", None)


# ---- focality reaches the mechanisms (issue 13 item 5) ---------------------------------------------

@pytest.mark.parametrize("case,mechanism", [
    ("focality_focal_met_amp", "MET:amplification"),
    ("focality_whole_chr7_gain_not_met_amp", None),
    ("focality_focal_nf2_loss", "NF2:loss"),
    ("focality_arm_22q_loss_not_nf2", None),
])
def test_only_focal_copy_number_fires_off_target_mechanisms(case: str, mechanism: str | None) -> None:
    from alkannot.pipeline import SampleSpec, build_sample_result

    vcf = HERE.parent / "bad_inputs" / "accepted" / "sv_manta_header_only" / "input.vcf"
    data = build_sample_result(SampleSpec(id="S", vcf=str(vcf), build="GRCh38",
                                          cnv=str(HERE / "cases" / case / "input.tsv")))
    off = [m["name"] for m in data["mechanisms"] if m["type"] == "off_target"]
    assert off == ([mechanism] if mechanism else [])
    import json

    json.dumps(data, allow_nan=False)  # strict JSON: no Infinity/NaN anywhere


def test_clincnv_real_shape_from_ngs_bits() -> None:
    """The header and a row of ngs-bits' ClinCNV somatic test file (## lines, #chr header) read as clincnv."""
    segs = read_segments(HERE / "cases" / "clincnv_tumour_normal_kit_amp" / "input.tsv")
    assert {s.source_format for s in segs} == {"clincnv"} and all(s.absolute for s in segs)


def test_header_only_sv_vcf_reads_as_assessed_and_empty() -> None:
    """A Manta VCF with no records: zero junctions and a flag the report can use ("none found")."""
    from alkannot.io.sv import read_fusion_file

    r = read_fusion_file(HERE / "cases" / "manta_header_only" / "input.vcf", "GRCh38")
    assert (r.records, r.records_in_file, r.empty, r.source_format) == ([], 0, True, "sv_vcf")
    r = read_fusion_file(HERE / "cases" / "manta_bnd_v2" / "input.vcf", "GRCh38")
    assert r.records_in_file == 2 and not r.empty and len(r.records) == 1  # two mates, one junction


def test_sv_vcf_without_any_sv_is_still_an_error() -> None:
    """Records that are not SVs (a small-variant VCF given as --sv) stay an error: not 'no SV found'."""
    with pytest.raises(InputError, match="no structural-variant records"):
        read_fusions(HERE / "cases" / "err_sv_vcf_without_sv" / "input.vcf", "GRCh38")


def test_real_files_focality() -> None:
    """Real files: PCGR T001 (GRCh38) loses all of 22q (NF2 at 1 copy = the arm) and 42% of 13q: losses, not
    NF2/RB1 loss mechanisms, while its 0.4 Mb ERBB2 amplicon stays a focal amplification; the CNVkit
    amplicon panel's RB1 deep deletion (no 13q context outside the event) is judged against the ploidy."""
    _need_truth()
    from alkannot.interpret.copy_number import context_regions

    path = TRUTH / "vcf_shapes" / "pcgr_examples" / "T001-BRCA.grch38.cna.tsv"
    calls = {r["gene"]: r for r in gene_copy_number(read_segments(path, regions=context_regions("GRCh38")),
                                                    "GRCh38")}
    assert (calls["NF2"]["call"], calls["NF2"]["focal"], calls["NF2"]["finding"], calls["NF2"]["arm"]) == \
        ("loss", False, False, "22q")
    assert (calls["RB1"]["call"], calls["RB1"]["finding"]) == ("loss", False)
    assert (calls["ERBB2"]["call"], calls["ERBB2"]["focal"], calls["ERBB2"]["finding"]) == ("amplification", True, True)
    path = TRUTH / "cnv_sv_fusion" / "cnvkit" / "amplicon.cns"
    rb1 = {r["gene"]: r for r in gene_copy_number(read_segments(path, regions=context_regions("GRCh37")),
                                                  "GRCh37")}["RB1"]
    assert (rb1["call"], rb1["focal"], rb1["finding"]) == ("deep_deletion", True, True)
    assert "baseline ploidy" in rb1["focality_basis"]
