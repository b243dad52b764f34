"""MAF rows, coordinates and vocabulary against hand-computed cases, vcf2maf's rules and a real MAF."""

from __future__ import annotations

import copy
import csv
from operator import itemgetter
from pathlib import Path

import pandas as pd
import pytest
from report_formats_helpers import DATA, REPO, SAMPLES

from alkannot.errors import InputError
from alkannot.report.maf import (
    MAF_COLUMNS,
    MAFTOOLS_REQUIRED,
    hgvsp_maf,
    hgvsp_short,
    maf_alleles,
    maf_rows,
    most_severe,
    variant_classification,
    write_cohort_maf,
    write_maf,
)

SHARED = REPO / ".." / "shared"
MSK_MAF = SHARED / "truth" / "vcf_shapes" / "msk_access_ctdna" / "example_output.maf.txt"
# Columns of the MSK-ACCESS example that are that pipeline's own additions, not MAF/vcf2maf columns.
MSK_ONLY = {"RefSeq", "Codons", "Hotspot", "DMP", "CH", "call_confidence", "ExAC_AF"}
VOCABULARY = {
    "Missense_Mutation", "Nonsense_Mutation", "Nonstop_Mutation", "Translation_Start_Site", "Frame_Shift_Del",
    "Frame_Shift_Ins", "In_Frame_Del", "In_Frame_Ins", "Splice_Site", "Splice_Region", "Silent", "Intron",
    "5'UTR", "3'UTR", "5'Flank", "3'Flank", "RNA", "IGR", "Targeted_Region",
}


def table(name: str) -> list[dict]:
    with open(DATA / name) as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


def read_maf(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", comment="#", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("case", table("expected_maf.tsv"), ids=lambda c: f"{c['vcf_pos']}>{c['vcf_alt']}")
def test_shapes_rows_match_hand_computed(tmp_path, results, case):
    out = tmp_path / "SHAPES.maf.tsv"
    write_maf(results["SHAPES"], str(out))
    maf = read_maf(out)
    row = maf[(maf.vcf_pos == case["vcf_pos"]) & (maf.vcf_alt == case["vcf_alt"])]
    assert len(row) == 1
    for col, want in case.items():
        if want != "":
            assert row.iloc[0][col] == want, col


def test_unexpressible_alleles_are_counted_not_dropped(tmp_path, results):
    out = tmp_path / "SHAPES.maf.tsv"
    write_maf(results["SHAPES"], str(out))
    lines = out.read_text().splitlines()
    assert lines[0] == "#version 2.4"
    assert lines[1].startswith("#alkannot: 1 allele(s) not expressible in MAF (symbolic_or_breakend_allele: 1)")
    assert len(read_maf(out)) == len(results["SHAPES"]["variants"]) - 1


@pytest.mark.parametrize("sid", list(SAMPLES))
def test_maftools_columns_present_and_filled(tmp_path, results, sid):
    out = tmp_path / f"{sid}.maf.tsv"
    write_maf(results[sid], str(out))
    maf = read_maf(out)
    assert list(maf.columns) == MAF_COLUMNS and len(set(MAF_COLUMNS)) == len(MAF_COLUMNS)
    assert len(maf) == len(maf_rows(results[sid])) > 0
    for col in MAFTOOLS_REQUIRED:
        assert (maf[col] != "").all(), col
    assert set(maf.Variant_Classification) <= VOCABULARY
    assert (maf.Tumor_Sample_Barcode == sid).all() and (maf.NCBI_Build == "GRCh38").all()


def test_normal_counts(results):
    row = next(r for r in maf_rows(results["P002_plasma"]) if r["Hugo_Symbol"] == "TP53")
    assert (row["n_depth"], row["n_alt_count"], row["n_ref_count"]) == (1100, 14, 1086)


@pytest.mark.parametrize("case", table("variant_classification_cases.tsv"),
                         ids=lambda c: f"{c['consequence'] or 'none'}-{c['variant_type']}")
def test_variant_classification(case):
    inframe = {"true": True, "false": False, "": None}[case["inframe"]]
    assert variant_classification(most_severe(case["consequence"]), case["variant_type"], inframe) \
        == case["expected"]


def _edit(kind, start=None, ref="", end=None, ref_end="", alt="", ter=None):
    return {"kind": kind, "start": start, "ref": ref, "end": end, "ref_end": ref_end, "alt": alt, "ter": ter}


@pytest.mark.parametrize("edit,effect,hgvsc,want,want_long", [
    (_edit("sub", 1202, "G", alt="R"), "missense_variant", "c.3604G>A", "p.G1202R", "p.Gly1202Arg"),
    (_edit("syn", 1202, "G"), "synonymous_variant", "c.3606A>G", "p.G1202=", "p.Gly1202="),
    (_edit("sub", 1202, "G", alt="*"), "stop_gained", "c.3604G>T", "p.G1202*", "p.Gly1202Ter"),
    (_edit("dup", 1151, "T"), "inframe_insertion", "c.3451_3453dup", "p.T1151dup", "p.Thr1151dup"),
    (_edit("fs", 1202, "G", alt="E", ter=56), "frameshift_variant", "c.3605del", "p.G1202Efs*56",
     "p.Gly1202GlufsTer56"),
    (_edit("delins", 1150, "E", 1151, "T", alt="K"), "inframe_deletion", "c.3448_3453delinsAAA",
     "p.E1150_T1151delinsK", "p.Glu1150_Thr1151delinsLys"),
    (_edit("unknown"), "splice_acceptor_variant", "c.3173-1G>A", "p.X1058_splice", "p.?"),  # vcf2maf rule
    (_edit("unknown"), "splice_donor_variant", "c.3172+1G>A", "p.X1058_splice", "p.?"),
    (_edit("unknown"), "coding_sequence_variant", "c.-2_2del", "p.?", "p.?"),
    (None, "intron_variant", "c.3173-20G>A", None, None),
])
def test_hgvsp_short(edit, effect, hgvsc, want, want_long):
    """HGVSp/HGVSp_Short are formatted from the structured protein edit, never parsed from hgvsp."""
    assert hgvsp_short(edit, effect, hgvsc) == want
    assert hgvsp_maf(edit) == want_long


def test_maf_refuses_json_without_protein_edit(results):
    data = copy.deepcopy(results["P001_T2"])
    v = next(v for v in data["variants"] if v.get("hgvsp"))
    del v["protein_edit"]
    with pytest.raises(InputError, match="protein_edit"):
        maf_rows(data)


def test_cohort_maf_one_header_all_samples(tmp_path, results):
    out = tmp_path / "cohort.maf.tsv"
    datas = [results[s] for s in ("P001_T1", "P001_T2", "P002_plasma")]
    write_cohort_maf(datas, str(out))
    assert out.read_text().count("Hugo_Symbol\t") == 1
    maf = read_maf(out)
    assert list(maf.Tumor_Sample_Barcode.unique()) == ["P001_T1", "P001_T2", "P002_plasma"]
    assert len(maf) == sum(len(maf_rows(d)) for d in datas)
    with pytest.raises(InputError, match="more than once"):
        write_cohort_maf([results["P001_T1"], results["P001_T1"]], str(tmp_path / "dup.maf.tsv"))
    assert not (tmp_path / "dup.maf.tsv").exists()


def _msk() -> pd.DataFrame:
    if not MSK_MAF.exists():
        pytest.skip(f"shared truth data not found at {MSK_MAF} (the /work/shared checkout beside the repo)")
    return read_maf(MSK_MAF)


def test_column_names_match_a_real_maf():
    extra = set(_msk().columns) - set(MAF_COLUMNS)
    assert extra == MSK_ONLY, f"columns spelt differently from the MSK-ACCESS MAF: {extra - MSK_ONLY}"


def test_coordinates_round_trip_real_maf_rows():
    """Every row of the real MAF, turned back into an anchored VCF allele, gives the same MAF columns."""
    rows = _msk().drop_duplicates(["Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele2"])
    kinds = set()
    for r in rows.itertuples():
        start, ref, alt = int(r.Start_Position), r.Reference_Allele, r.Tumor_Seq_Allele2
        if ref == "-":  # insertion after Start: anchor on Start
            pos, vref, valt = start, "N", "N" + alt
        elif alt == "-":  # deletion of Start..End: anchor on the base before
            pos, vref, valt = start - 1, "N" + ref, "N"
        else:
            pos, vref, valt = start, ref, alt
        got = maf_alleles(pos, vref, valt)
        assert (got["start"], got["end"], got["ref"], got["alt"]) == \
            (start, int(r.End_Position), ref, alt), r
        kinds.add(got["type"])
        assert r.Variant_Classification in VOCABULARY
    assert {"SNP", "DNP", "INS", "DEL"} <= kinds


@pytest.mark.parametrize("spill_after", [1, 2, 7, 5000])
def test_cohort_maf_streamed_sample_by_sample_is_the_same_file(tmp_path, results, monkeypatch, spill_after):
    """Rows kept in memory, spilled to a file from the first row, or from some row on: the same file."""
    from alkannot.report.maf import CohortMaf

    monkeypatch.setattr(CohortMaf, "SPILL_AFTER", spill_after)
    datas = [results[s] for s in ("P001_T1", "P001_T2", "P002_plasma")]
    write_cohort_maf(datas, str(tmp_path / "all.maf.tsv"))
    acc = CohortMaf(spill=True)
    for d in datas:
        acc.add(d)
    assert (acc._spill is not None) == (spill_after < 10)
    acc.write(tmp_path / "streamed.maf.tsv")
    assert (tmp_path / "streamed.maf.tsv").read_bytes() == (tmp_path / "all.maf.tsv").read_bytes()
    dup = CohortMaf(spill=True)
    dup.add(datas[0])
    dup.add(datas[0])
    with pytest.raises(InputError, match="more than once"):
        dup.write(tmp_path / "dup.maf.tsv")
    assert not (tmp_path / "dup.maf.tsv").exists()


# the keys maf_row gave before its values were made in column order (maf_values): the columns alkannot fills
ROW_KEYS = [c for c in MAF_COLUMNS if c not in {
    "dbSNP_Val_Status", "Match_Norm_Seq_Allele1", "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1",
    "Tumor_Validation_Allele2", "Match_Norm_Validation_Allele1", "Match_Norm_Validation_Allele2",
    "Verification_Status", "Validation_Status", "Mutation_Status", "Sequencing_Phase", "Sequence_Source",
    "Validation_Method", "Score", "BAM_File", "Sequencer", "Tumor_Sample_UUID", "Matched_Norm_Sample_UUID"}]


def _rows_with_hostile_values(results) -> list[tuple[dict, dict]]:
    """(sample, JSON row) of every representable variant of the test samples, and copies with tabs, line
    breaks, lists and odd numbers in the cells."""
    from alkannot.report.maf import unrepresentable

    out = [(d["sample"], v) for d in results.values() for v in d["variants"] if not unrepresentable(v)]
    odd = [("gene", "A\tB"), ("filter", "q10\nLowQual"), ("ch_status", "x\r"), ("flags", ["a\tb", "c"]),
           ("compound", ["G1202R+L1196M"]), ("vaf", 1e-7), ("depth", True), ("alk_region", 7)]
    for i, (sample, v) in enumerate(out[:40]):
        k, x = odd[i % len(odd)]
        out.append(({**sample, "id": "S\t1"} if i % 5 == 0 else sample, {**v, k: x}))
    return out


def test_maf_line_is_the_row_written_cell_by_cell(results):
    """maf_line (values in column order, no row dict) gives the line tsv_cell of every column of maf_row
    gives; maf_row has the keys it always had; the record's own ProteinEdit gives the same line."""
    from alkannot.annotate.record import AnnotatedVariant
    from alkannot.report.cells import tsv_cell
    from alkannot.report.maf import maf_line, maf_row

    for sample, v in _rows_with_hostile_values(results):
        for allele in ((1, 1), (2, 3)):
            row = maf_row(v, allele, sample, "GRCh38", "C\t1")
            assert list(row) == ROW_KEYS
            want = "\t".join(tsv_cell(row.get(c)) for c in MAF_COLUMNS)
            assert maf_line(v, allele, sample, "GRCh38", "C\t1") == want
            edit = AnnotatedVariant.from_dict(v).protein_edit
            assert maf_line(v, allele, sample, "GRCh38", "C\t1", edit=edit) == want
            assert want.count("\t") == len(MAF_COLUMNS) - 1 and "\n" not in want and "\r" not in want


def test_a_misplaced_maf_column_is_caught(results, monkeypatch):
    from alkannot.report import maf as maf_module
    from alkannot.report.cells import tsv_cell

    order = [maf_module._VALUE_COLUMNS.index(c) if c in maf_module._VALUE_COLUMNS else len(ROW_KEYS)
             for c in MAF_COLUMNS]
    order[4], order[5] = order[5], order[4]  # Chromosome <-> Start_Position
    monkeypatch.setattr(maf_module, "_CELLS_IN_COLUMN_ORDER", itemgetter(*order))
    sample, v = _rows_with_hostile_values(results)[0]
    row = maf_module.maf_row(v, (1, 1), sample, "GRCh38")
    assert maf_module.maf_line(v, (1, 1), sample, "GRCh38") != "\t".join(tsv_cell(row.get(c)) for c in MAF_COLUMNS)


def _value_rows(rng) -> list[tuple]:
    """Rows of values (all the same length) whose columns are of one type, one type with Nones, or mixed;
    text with and without tabs/line breaks, lists of text or of anything, subclasses."""
    import enum

    class Tag(enum.StrEnum):
        A = "a\tb"

    pools = [["x", "y z", "é"], ["x", "a\tb"], ["x", "l\nm", "r\r"], [0, -3, 2**70], [0.1, 1e-7, float("nan"), 3.0],
             [True, False], [[], ["a", "b"]], [["a\tb"], ["c"]], [[1, None], ["x"]], [Tag.A, "x"], [7, True, 2.5],
             [(), ("a",)]]
    n_rows = rng.randrange(1, 6)
    columns = []
    for _ in range(rng.randrange(1, 12)):
        pool = rng.choice(pools) + ([None] * rng.randrange(3) if rng.random() < 0.5 else [])
        columns.append([rng.choice(pool) for _ in range(n_rows)])
    return list(zip(*columns))


@pytest.mark.parametrize("seed", range(20))
def test_cells_by_column_are_cells_of_each_row(seed):
    """tsv_cells_by_column (variants.tsv and the MAF, a chunk of rows at a time) against tsv_cell per cell."""
    import random

    from alkannot.report.cells import tsv_cell, tsv_cells_by_column

    rng = random.Random(seed)
    for _ in range(50):
        rows = _value_rows(rng)
        assert [list(c) for c in tsv_cells_by_column(rows)] == [[tsv_cell(v) for v in r] for r in rows]


def test_a_broken_column_cell_is_caught(monkeypatch):
    import random

    from alkannot.report import cells
    from alkannot.report.cells import tsv_cell, tsv_cells_by_column

    monkeypatch.setattr(cells, "_same_type_cells", lambda t, values: list(map(str, values)))  # no "true", no %g
    rows = [r for seed in range(5) for r in [_value_rows(random.Random(seed))]]
    assert any([list(c) for c in tsv_cells_by_column(r)] != [[tsv_cell(v) for v in x] for x in r] for r in rows)


def test_cohort_maf_add_rows_is_add_row(results):
    """A chunk of rows added together gives the lines (and the count of what MAF cannot express) that adding
    them one at a time gives."""
    from alkannot.annotate.record import AnnotatedVariant
    from alkannot.report.maf import CohortMaf, _record_groups, sample_build

    for d in results.values():
        rows = [v for _, v in _rows_with_hostile_values({"x": d})]
        rows += [v for v in d["variants"] if v not in rows]  # the unrepresentable ones too
        groups = _record_groups(rows)
        alleles = [groups[i] for i in range(len(rows))]
        edits = [AnnotatedVariant.from_dict(v).protein_edit for v in rows]
        one, many = CohortMaf(center="c"), CohortMaf(center="c")
        for v, a in zip(rows, alleles):
            one.add_row(v, a, d["sample"], sample_build(d))
        many.add_rows(rows, alleles, d["sample"], sample_build(d), edits)
        assert many.body == one.body and many.skipped == one.skipped
