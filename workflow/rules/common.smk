# Sample-sheet logic and config validation: the only place that knows the sheet's columns.
import os
import pandas as pd
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

samples = (
    pd.read_csv(
        config["samples"], sep="\t", dtype=str, keep_default_na=False, comment="#"
    )
    .set_index("sample", drop=False)
    .sort_index()
)
validate(samples, schema="../schemas/samples.schema.yaml")
if samples.index.has_duplicates:
    raise ValueError(
        f"{config['samples']}: duplicate sample ids: "
        f"{', '.join(sorted(set(samples.index[samples.index.duplicated()])))} (make each id unique)"
    )

OUT = config["outdir"]


wildcard_constraints:
    sample="|".join(samples.index) if len(samples) else "NO_SAMPLES",
    patient="[A-Za-z0-9][A-Za-z0-9._-]*",


def sheet(sample, column):
    """A sheet cell, '' when the column is absent or empty."""
    row = samples.loc[sample]
    return row[column] if column in row.index else ""


def optional_input(sample, column):
    value = sheet(sample, column)
    return [value] if value else []


def sample_inputs(wildcards):
    files = {"vcf": sheet(wildcards.sample, "vcf")}
    for column in ("alignment", "cnv", "sv"):
        if sheet(wildcards.sample, column):
            files[column] = sheet(wildcards.sample, column)
    return files


def annotate_args(wildcards):
    """Command-line flags for `alkannot annotate`, built from the sheet (values are shell-quoted)."""
    import shlex

    s = wildcards.sample
    flags = {
        "--sample": s,
        "--patient": sheet(s, "patient"),
        "--specimen": sheet(s, "specimen") or "tissue",
        "--timepoint": sheet(s, "timepoint"),
        "--build": sheet(s, "build"),
        "--tumor-sample": sheet(s, "tumor_sample"),
        "--normal-sample": sheet(s, "normal_sample"),
        "--alignment": sheet(s, "alignment"),
        "--reference": sheet(s, "reference") or config.get("reference", ""),
        "--cnv": sheet(s, "cnv"),
        "--sv": sheet(s, "sv"),
        "--current-tki": sheet(s, "current_tki"),
        "--prior-tkis": sheet(s, "prior_tkis"),
        "--tumor-fraction": sheet(s, "tumor_fraction"),
        "--ploidy": sheet(s, "ploidy"),
        "--report-date": sheet(s, "report_date"),
        "--accession": sheet(s, "accession"),
        "--pass-filters": ",".join(config["pass_filters"]),
    }
    args = [f"{k} {shlex.quote(v)}" for k, v in flags.items() if v]
    args += [f"--kb-extra {shlex.quote(p)}" for p in config.get("kb_extra", [])]
    return " ".join(args)


def batch_flags():
    """Run-wide flags of `alkannot annotate-batch` (per-sample values come from the sheet)."""
    import shlex

    args = [f"--pass-filters {shlex.quote(','.join(config['pass_filters']))}"]
    if config.get("reference"):
        args.append(f"--reference {shlex.quote(config['reference'])}")
    args += [f"--kb-extra {shlex.quote(p)}" for p in config.get("kb_extra", [])]
    return " ".join(args)


def patients_with_timelines():
    counts = (
        samples[samples.get("patient", "") != ""].groupby("patient").size()
        if "patient" in samples
        else []
    )
    # every patient gets a page (a one-sample page still lists the sample and links the reports together)
    return sorted(p for p, n in counts.items() if n >= 1) if len(counts) else []


def get_final_output():
    out = []
    for s in samples.index:
        out += [
            f"{OUT}/{s}/{s}.alkannot.json",
            f"{OUT}/{s}/{s}.variants.tsv",
            f"{OUT}/{s}/{s}.drugs.tsv",
            f"{OUT}/{s}/{s}.report.html",
        ]
    out += [f"{OUT}/patients/{p}.html" for p in patients_with_timelines()]
    if len(samples):
        out += [f"{OUT}/cohort/summary.html", f"{OUT}/cohort/summary.tsv"]
    return out
