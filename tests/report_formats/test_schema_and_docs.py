"""The published schema is the package's, validates real results, and docs/schema.md covers every key."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from report_formats_helpers import REPO, SAMPLES

from alkannot.report.maf import MAF_COLUMNS
from alkannot.report.vcf_out import INFO_FIELDS

PUBLISHED = REPO / "docs" / "alkannot.schema.json"
PACKAGED = REPO / "src" / "alkannot" / "schemas" / "alkannot.schema.json"
DOC = REPO / "docs" / "schema.md"


def documented() -> set[str]:
    return set(re.findall(r"`([^`\s]+)`", DOC.read_text()))


def test_published_schema_is_the_packaged_one():
    assert PUBLISHED.read_bytes() == PACKAGED.read_bytes(), \
        "docs/alkannot.schema.json is stale: copy src/alkannot/schemas/alkannot.schema.json over it"


@pytest.mark.parametrize("sid", list(SAMPLES))
def test_published_schema_validates_results(results, sid):
    schema = json.loads(PUBLISHED.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(json.dumps(results[sid])), schema)


@pytest.mark.parametrize("sid", list(SAMPLES))
def test_doc_names_every_key(results, sid):
    d = results[sid]
    keys = set(d) | set(d["sample"]) | set(d["accounting"])
    for v in d["variants"]:
        keys |= set(v)
    missing = sorted(keys - documented())
    assert not missing, f"docs/schema.md does not describe: {missing}"


def test_doc_names_every_vcf_field_and_maf_column():
    missing = sorted(({k for k, _d, _f in INFO_FIELDS} | set(MAF_COLUMNS)) - documented())
    assert not missing, f"docs/schema.md does not describe: {missing}"
