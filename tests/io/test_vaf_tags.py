"""The tumour's allele fraction and depth from the tags a sample names (tumor_af_tag / tumor_dp_tag): cases in
vaf_tags_cases.yaml, read through annotate_vcf; a real PCGR input from ../shared/truth; the tag names checked
against the header (errors are in tests/bad_inputs: vaf_tag_*)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alkannot.annotate.variants import annotate_vcf
from alkannot.errors import InputError

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "vaf_tags_cases.yaml").read_text())
TAG_FLAGS = {"invalid_af_tag", "invalid_dp_tag", "af_tag_not_per_allele", "dp_tag_not_one_value"}
PCGR = HERE.parents[2] / "shared" / "truth" / "vcf_shapes" / "pcgr_examples" / "T001-COAD.grch38.vcf.gz"


def write_case(tmp_path: Path, case: dict) -> Path:
    samples = case.get("samples") or {}
    cols = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"] + (["FORMAT", *samples] if samples else [])
    cells = ["chr2", "29220747", ".", "C", case["alt"], ".", "PASS", case.get("info", ".")]
    if samples:
        cells += [case["format"], *samples.values()]
    text = "\n".join(["##fileformat=VCFv4.2", "##contig=<ID=chr2,length=242193529>", *case["header"],
                      "\t".join(cols), "\t".join(cells)]) + "\n"
    p = tmp_path / f"{case['id']}.vcf"
    p.write_text(text)
    return p


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reading_from_named_tags(tmp_path, case):
    res = annotate_vcf(str(write_case(tmp_path, case)), "GRCh38", tumor_sample=case.get("tumor_sample"),
                       normal_sample=case.get("normal_sample"), tumor_af_tag=case.get("af_tag"),
                       tumor_dp_tag=case.get("dp_tag"), normal_af_tag=case.get("normal_af_tag"),
                       normal_dp_tag=case.get("normal_dp_tag"))
    if case.get("normal_af_tag") and not case.get("normal_sample"):  # the normal is named by its tags
        assert res.vcf_info["normal_sample"] == "INFO/CVAF, INFO/CDP"
    assert len(res.variants) == len(case["expect"])
    for v, call, want in zip(res.variants, res.calls, case["expect"]):
        assert v.protein_short in ("G1202R", "G1202*")
        got = {"vaf": v.vaf, "depth": v.depth, "alt_reads": v.alt_reads, "depth_source": v.depth_source,
               "flags": sorted(f for f in v.flags if f in TAG_FLAGS)}
        assert got == {k: (sorted(x) if k == "flags" else x) for k, x in want.items() if k in got}, case["why"]
        for k in ("normal_alt_reads", "normal_depth"):
            if k in want:
                assert getattr(call, k) == want[k], case["why"]


def test_without_tags_the_same_file_reads_as_before(tmp_path):
    """Naming no tag leaves the caller's reading (the PCGR-shaped case reads FORMAT/AD), with a hint that the
    header's INFO/TVAF is read only when named; the control tags get theirs."""
    case = CASES[0]
    res = annotate_vcf(str(write_case(tmp_path, case)), "GRCh38")
    v = res.variants[0]
    assert (v.vaf, v.depth, v.alt_reads, v.depth_source) == (0.25, 80, 20, "FORMAT/AD")
    assert any("INFO/TVAF and INFO/TDP, PCGR's tumour" in w for w in res.qc["input_warnings"])
    control = next(c for c in CASES if c["id"] == "pcgr_control_tags_without_a_normal_column")
    res = annotate_vcf(str(write_case(tmp_path, control)), "GRCh38", tumor_af_tag="TVAF")
    assert [w for w in res.qc["input_warnings"] if "TVAF" in w or "CVAF" in w] == [
        "the header declares INFO/CVAF and INFO/CDP, PCGR's matched normal's allele fraction and depth: read only "
        "when named (--normal-af-tag INFO/CVAF --normal-dp-tag INFO/CDP, or the sheet's normal_af_tag/normal_dp_tag)"]


@pytest.mark.skipif(not PCGR.exists(), reason="../shared/truth (the domain kit) is not here")
def test_real_pcgr_input():
    """PCGR's example input keeps the tumour's VAF and depth in INFO/TVAF and INFO/TDP only: unknown without
    the tags, read with them (BRAF V600E: TVAF 0.3148, TDP 54; its FORMAT/ADT says 37,17)."""
    plain = annotate_vcf(str(PCGR), "GRCh38")
    assert all(v.vaf is None for v in plain.variants)
    hint = [w for w in plain.qc["input_warnings"] if "INFO/TVAF and INFO/TDP, PCGR's tumour" in w]
    assert hint and "--tumor-af-tag INFO/TVAF --tumor-dp-tag INFO/TDP" in hint[0]
    res = annotate_vcf(str(PCGR), "GRCh38", tumor_af_tag="INFO/TVAF", tumor_dp_tag="INFO/TDP")
    assert not [w for w in res.qc["input_warnings"] if "TVAF" in w]
    braf = next(v for v in res.variants if v.protein_short == "V600E")
    assert (round(braf.vaf, 4), braf.depth, braf.alt_reads) == (0.3148, 54, 17)
    assert all(v.vaf is not None and v.depth is not None for v in res.variants)


@pytest.mark.parametrize(("af", "dp", "message"), [
    ("NOPE", None, "declares no INFO or FORMAT tag NOPE"),
    ("FORMAT/TVAF", None, "declares no FORMAT tag TVAF"),
    ("TDP", None, "Type=Integer; a tumour allele fraction tag must be Type=Float"),
    (None, "TVAF", "Type=Float; a tumour depth tag must be Type=Integer"),
    ("T-VAF", None, "is not a tag name"),
])
def test_tag_names_are_checked_against_the_header(tmp_path, af, dp, message):
    with pytest.raises(InputError, match=message) as exc:
        annotate_vcf(str(write_case(tmp_path, CASES[0])), "GRCh38", tumor_af_tag=af, tumor_dp_tag=dp)
    assert exc.value.line == 6  # the #CHROM line: the header is what was checked


def test_a_normal_format_tag_needs_the_normal_column(tmp_path):
    """The matched normal's FORMAT tag is read from its column: without one (a single tumour column) it is
    refused; its INFO tags need none (see the PCGR control case)."""
    case = next(c for c in CASES if c["id"] == "normal_format_tags_of_the_normal_column")
    one_column = {**case, "samples": {"TUMOR": "70,30:.:."}}
    with pytest.raises(InputError, match=r"normal_af_tag \(--normal-af-tag\) FORMAT/NAF: a FORMAT tag, but no VCF "
                                         r"column is the matched normal"):
        annotate_vcf(str(write_case(tmp_path, one_column)), "GRCh38", normal_af_tag="FORMAT/NAF")
