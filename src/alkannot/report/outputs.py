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
    import jsonschema

    jsonschema.validate(data, sample_schema())


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


SAMPLE_OUTPUT_EXTS = (".alkannot.json", ".variants.tsv", ".drugs.tsv", ".report.html", ".maf.tsv",
                      ".alkannot.vcf.gz", ".alkannot.vcf.gz.tbi")


def write_sample_outputs(data: dict, out_dir: Path, *, input_vcf: str | None = None) -> dict[str, Path]:
    """Write one sample's outputs all together or not at all (alkannot.io.atomic.output_set): into a private
    temporary folder under ``out_dir``, then renamed into place with the JSON last, holding a lock on
    ``out_dir`` so concurrent runs into the same folder take turns. A failure leaves none of the sample's
    outputs; a killed run's leftovers are finished or removed by the next run into the folder."""
    import errno

    from alkannot.errors import InputError
    from alkannot.io.atomic import OutputBusy, output_set

    sid = data["sample"]["id"]
    out_dir = Path(out_dir)
    validate_sample_json(data)
    names = {
        "json": f"{sid}.alkannot.json",
        "variants": f"{sid}.variants.tsv",
        "drugs": f"{sid}.drugs.tsv",
        "html": f"{sid}.report.html",
        "maf": f"{sid}.maf.tsv",
    }
    if "drugs" not in data:
        names.pop("drugs")
    if input_vcf:
        names["vcf"] = f"{sid}.alkannot.vcf.gz"
        names["tbi"] = f"{sid}.alkannot.vcf.gz.tbi"
    everything = [f"{sid}{ext}" for ext in SAMPLE_OUTPUT_EXTS]
    try:
        with output_set(out_dir, sid, remove_on_failure=everything) as box:
            box.stale = everything
            tmp = {k: box.path(n) for k, n in names.items()}
            atomic_write_text(tmp["variants"], tsv_text(data["variants"], VARIANT_COLUMNS))
            if "drugs" in tmp:
                rows = [{"drug": d, "verdict": v["verdict"], "reasons": v.get("reasons", []),
                         "evidence_sources": sorted({e["source"] for e in v.get("evidence", [])}),
                         "notes": v.get("notes", [])} for d, v in data["drugs"].items()]
                atomic_write_text(tmp["drugs"], tsv_text(rows, DRUG_COLUMNS))
            from alkannot.report.html import render_sample_html
            from alkannot.report.maf import write_maf

            atomic_write_text(tmp["html"], render_sample_html(data))
            write_maf(data, tmp["maf"])
            if input_vcf:
                from alkannot.report.vcf_out import write_annotated_vcf

                write_annotated_vcf(input_vcf, data, str(tmp["vcf"]), build=data["sample"]["build"])
            # JSON last: its presence means the sample finished.
            atomic_write_text(tmp["json"], json.dumps(data, indent=1, ensure_ascii=False) + "\n")
            box.order = [n for k, n in names.items() if k != "json"] + [names["json"]]
    except OutputBusy:
        raise InputError("another alkannot run is writing into this output folder", path=str(out_dir),
                         fix="wait for it to finish, or give another --out") from None
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InputError(f"{e.strerror or 'no space left on device'} while writing {sid}'s outputs; none "
                             "of them were written", path=str(out_dir),
                             fix="free disk space (or give another --out) and rerun") from None
        raise
    return {k: out_dir / n for k, n in names.items()}
