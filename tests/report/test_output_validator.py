"""The compiled output validator accepts what the schema accepts and, for anything it rejects, the error
is jsonschema's (the same message as jsonschema.validate)."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest

from alkannot.pipeline import SampleSpec, build_sample_result
from alkannot.report.outputs import sample_schema, validate_sample_json

DATA = Path(__file__).resolve().parents[2] / "test-data"


@pytest.fixture(scope="module")
def results():
    return [build_sample_result(SampleSpec(id=n, vcf=str(DATA / f"{n}.vcf"))) for n in ("P001_T2", "P002_plasma")]


def test_valid_results_pass(results):
    for d in results:
        jsonschema.validate(d, sample_schema())
        validate_sample_json(d)


BREAKS = [
    lambda d: d.pop("sample"),
    lambda d: d.__setitem__("schema_version", 1),
    lambda d: d["variants"][0].__setitem__("pos", "12"),
    lambda d: d["variants"][0].__setitem__("pos", True),
    lambda d: d["variants"][0].__setitem__("alk_kinase_domain", 1),
    lambda d: d["accounting"].__setitem__("records_read", -1),
    lambda d: d.__setitem__("variants", {}),
    lambda d: d["sample"].__setitem__("specimen", "blood"),
]


@pytest.mark.parametrize("k", range(len(BREAKS)))
def test_invalid_documents_fail_with_jsonschemas_error(results, k):
    d = copy.deepcopy(results[0])
    BREAKS[k](d)
    try:
        jsonschema.validate(d, sample_schema())
        expected = None
    except jsonschema.ValidationError as e:
        expected = e.message
    assert expected is not None, "this break must make the document invalid"
    with pytest.raises(jsonschema.ValidationError) as got:
        validate_sample_json(d)
    assert got.value.message == expected


def test_generated_validator_is_current_and_used():
    from alkannot.report import outputs
    from alkannot.schemas import _validator

    assert _validator.SCHEMA_SHA256 == outputs._schema_digest(), (
        "alkannot.schema.json changed since src/alkannot/schemas/_validator.py was generated: "
        "run .venv/bin/python scripts/refresh_precomputed.py")
    assert outputs.generated_validator_source() == (Path(_validator.__file__).read_text())
    outputs._fast_validator.cache_clear()
    assert outputs._fast_validator() is _validator.validate


@pytest.mark.parametrize("where", [0, -1])
def test_a_bad_row_written_row_by_row_is_the_same_error_and_no_outputs(tmp_path, results, where):
    """write_sample_outputs validates the variant rows as it writes them: a bad row (first or last) raises
    jsonschema's error for the whole document, and the sample's outputs are not written."""
    from alkannot.annotate.record import AnnotatedVariant
    from alkannot.report.outputs import write_sample_outputs

    data = copy.deepcopy(results[0])
    data["variants"][where]["vaf"] = 1.5
    with pytest.raises(jsonschema.ValidationError) as want:
        jsonschema.validate(data, sample_schema())
    data["variants"] = [AnnotatedVariant.from_dict(v) for v in data["variants"]]
    with pytest.raises(jsonschema.ValidationError) as got:
        write_sample_outputs(data, tmp_path)
    assert got.value.message == want.value.message and list(got.value.path) == list(want.value.path)
    assert list(tmp_path.iterdir()) == []
