"""The annotated-variant record writes the sample JSON's variant rows: same keys, order and values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alkannot.annotate.protein import ProteinEdit
from alkannot.annotate.record import BASE_KEYS, AnnotatedVariant
from alkannot.pipeline import SampleSpec, build_sample_result

DATA = Path(__file__).resolve().parents[2] / "test-data"
STAGE_KEYS = ["vcf_end", "external_annotations", "individual_hgvsp", "combined_from", "maf_line", "ch_status",
              "ch_evidence", "population_af", "specimen_class", "specimen_filter", "vaf_relative_to_tf", "subclonal",
              "protein_aliases", "compound"]


@pytest.mark.parametrize("sid", ["P001_T1", "P001_T2", "P002_plasma", "P003_T1"])
def test_written_rows_round_trip(sid):
    """Rows of a real run: the base keys first, the stages' keys after them in stage order, and a record read
    back from a row writes the same row."""
    data = build_sample_result(SampleSpec(id=sid, vcf=str(DATA / f"{sid}.vcf"), build="GRCh38"))
    assert data["variants"]
    for row in json.loads(json.dumps(data["variants"])):
        keys = list(row)
        assert keys[:len(BASE_KEYS)] == list(BASE_KEYS)
        tail = keys[len(BASE_KEYS):]
        assert tail == [k for k in STAGE_KEYS if k in tail]
        rec = AnnotatedVariant.from_dict(row)
        assert isinstance(rec.protein_edit, ProteinEdit) or row["protein_edit"] is None
        out = rec.to_dict()
        assert list(out) == keys and out == row


def test_optional_keys_appear_once_their_stage_set_them():
    v = AnnotatedVariant(gene="ALK", chrom="chr2", pos=1, ref="C", alt="T")
    assert "ch_status" not in v.to_dict() and "vaf_relative_to_tf" not in v.to_dict()
    v.ch_assessed = True
    v.population_af = 0.02
    v.specimen_class, v.specimen_filter = "tissue", "pass"
    v.tf_applied = True
    v.protein_aliases, v.compound = [], []
    v.maf_line = 7
    assert list(v.to_dict())[len(BASE_KEYS) - 1:] == [
        "normal_depth", "maf_line", "ch_status", "ch_evidence", "population_af", "specimen_class",
        "specimen_filter", "vaf_relative_to_tf", "subclonal", "protein_aliases", "compound"]
    assert v.to_dict()["ch_status"] is None and v.to_dict()["subclonal"] is None
