"""One sample end to end: read -> annotate -> phase -> interpret -> write.

This is what `alkannot annotate` and the Snakemake rule both call; the stages live in their own
packages (io, annotate, phase, interpret, report) and this module only wires them together.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from alkannot import __version__
from alkannot.annotate.variants import alk_mutations, annotate_vcf
from alkannot.errors import InputError
from alkannot.report.outputs import SCHEMA_VERSION, write_sample_outputs

SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SPECIMENS = ("tissue", "plasma", "csf")


@dataclass
class SampleSpec:
    id: str
    vcf: str
    build: str | None = None
    patient: str | None = None
    specimen: str = "tissue"
    timepoint: str | None = None
    tumor_sample: str | None = None
    normal_sample: str | None = None
    reference: str | None = None
    alignment: str | None = None
    cnv: str | None = None
    sv: str | None = None
    current_tki: str | None = None
    prior_tkis: list[str] = field(default_factory=list)
    tumor_fraction: float | None = None
    pass_filters: list[str] | None = None
    kb_extra: list[str] = field(default_factory=list)


def check_sample_id(sid: str, where: str | None = None) -> None:
    if not SAMPLE_ID.match(sid or "") or ".." in sid:
        raise InputError(f"sample id {sid!r} is not a safe name (letters, digits, '.', '_', '-'; no spaces, "
                         "slashes or '..'; at most 100 characters)", path=where,
                         fix="rename the sample in the sheet or pass --sample")


def sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def build_sample_result(spec: SampleSpec) -> dict:
    check_sample_id(spec.id)
    if spec.specimen not in SPECIMENS:
        raise InputError(f"specimen {spec.specimen!r} is not one of {', '.join(SPECIMENS)}",
                         fix="use tissue, plasma or csf")
    res = annotate_vcf(spec.vcf, spec.build, tumor_sample=spec.tumor_sample, normal_sample=spec.normal_sample,
                       reference=spec.reference, pass_filters=spec.pass_filters)
    build = res.vcf_info["build"]
    inputs = [{"role": "vcf", "path": os.path.basename(spec.vcf), "sha256": sha256(spec.vcf)}]
    for role in ("alignment", "cnv", "sv", "reference"):
        p = getattr(spec, role)
        if p:
            inputs.append({"role": role, "path": os.path.basename(p), "sha256": None})
    data = {
        "schema_version": SCHEMA_VERSION,
        "alkannot_version": __version__,
        "generated_at": os.environ.get("ALKANNOT_TIMESTAMP") or None,
        "sample": {
            "id": spec.id, "patient": spec.patient, "specimen": spec.specimen, "timepoint": spec.timepoint,
            "build": build, "current_tki": spec.current_tki, "prior_tkis": list(spec.prior_tkis),
            "tumor_sample": res.vcf_info["tumor_sample"], "tumor_fraction": spec.tumor_fraction,
        },
        "inputs": inputs,
        "resources": {"build": build, "transcripts": f"resources/{build}/transcripts.json",
                      "reference_fasta": os.path.basename(spec.reference) if spec.reference else None},
        "variants": res.variants,
        "alk_mutations": alk_mutations(res.variants),
        "accounting": res.accounting,
        "qc": res.qc,
    }
    return data


def run_sample(spec: SampleSpec, out_dir: str | Path) -> dict[str, Path]:
    data = build_sample_result(spec)
    return write_sample_outputs(data, Path(out_dir))
