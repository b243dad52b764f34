"""Per-sample machine-readable outputs: JSON (validated against the published schema) and TSVs."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources as ires
from pathlib import Path

from alkannot.io.atomic import atomic_write_text

SCHEMA_VERSION = "1.0.0"
VARIANT_COLUMNS = [
    "gene", "chrom", "pos", "ref", "alt", "transcript", "hgvsc", "hgvsp", "protein_short", "consequence",
    "exon", "intron", "vaf", "depth", "alt_reads", "filter", "alk_kinase_domain", "alk_region", "status",
    "reason", "flags", "ch_status", "compound",
]
DRUG_COLUMNS = ["drug", "verdict", "reasons", "evidence_sources", "notes"]


@lru_cache(maxsize=1)
def sample_schema() -> dict:
    return json.loads(ires.files("alkannot.schemas").joinpath("alkannot.schema.json").read_text())


def validate_sample_json(data: dict) -> None:
    """Raise jsonschema.ValidationError unless `data` matches the published schema.

    A valid document passes the compiled validator (fastjsonschema: the schema's keywords mean the same in
    draft 7 and 2020-12); anything it rejects goes to jsonschema, which decides and words the error.
    """
    try:
        _fast_validator()(data)
    except Exception:
        import jsonschema

        error = jsonschema.exceptions.best_match(_jsonschema_validator().iter_errors(data))
        if error is not None:
            raise error from None


@lru_cache(maxsize=1)
def _fast_validator():
    import fastjsonschema

    schema = {**sample_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema)


@lru_cache(maxsize=1)
def _jsonschema_validator():
    """The reference validator, built once (the bundled schema is checked by tests/report/test_schema_speed.py,
    not on every call)."""
    import jsonschema

    return jsonschema.validators.validator_for(sample_schema())(sample_schema())


def tsv_cell(v) -> str:
    """One TSV/MAF cell: no tabs or line breaks whatever the input carried (these formats have no quoting)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ";".join(tsv_cell(x) for x in v)
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def tsv_text(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for r in rows:
        w.writerow([tsv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def write_sample_outputs(data: dict, out_dir: Path, *, input_vcf: str | None = None) -> dict[str, Path]:
    sid = data["sample"]["id"]
    out_dir = Path(out_dir)
    paths = {
        "json": out_dir / f"{sid}.alkannot.json",
        "variants": out_dir / f"{sid}.variants.tsv",
        "drugs": out_dir / f"{sid}.drugs.tsv",
    }
    # a rerun must not leave an older run's files beside the new ones if this one fails half-way
    for p in list(paths.values()) + [out_dir / f"{sid}{ext}" for ext in
                                     (".report.html", ".maf.tsv", ".alkannot.vcf.gz", ".alkannot.vcf.gz.tbi")]:
        p.unlink(missing_ok=True)
    validate_sample_json(data)
    try:
        atomic_write_text(paths["variants"], tsv_text(data["variants"], VARIANT_COLUMNS))
        if "drugs" in data:
            rows = [{"drug": d, "verdict": v["verdict"], "reasons": v.get("reasons", []),
                     "evidence_sources": sorted({e["source"] for e in v.get("evidence", [])}),
                     "notes": v.get("notes", [])} for d, v in data["drugs"].items()]
            atomic_write_text(paths["drugs"], tsv_text(rows, DRUG_COLUMNS))
        else:
            paths.pop("drugs")
        from alkannot.report.html import render_sample_html
        from alkannot.report.maf import write_maf

        paths["html"] = out_dir / f"{sid}.report.html"
        atomic_write_text(paths["html"], render_sample_html(data))
        paths["maf"] = out_dir / f"{sid}.maf.tsv"
        write_maf(data, paths["maf"])
        if input_vcf:
            from alkannot.report.vcf_out import write_annotated_vcf

            paths["vcf"] = out_dir / f"{sid}.alkannot.vcf.gz"
            paths["tbi"] = out_dir / f"{sid}.alkannot.vcf.gz.tbi"
            write_annotated_vcf(input_vcf, data, str(paths["vcf"]), build=data["sample"]["build"])
    except BaseException:
        # no partial outputs: a sample either has all its files or none
        for p in paths.values():
            p.unlink(missing_ok=True)
        raise
    # JSON last: its presence means the sample finished.
    atomic_write_text(paths["json"], json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return paths
