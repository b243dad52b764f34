# Sample-sheet logic and config validation: the only place that knows the sheet's columns.
import os
import sys
import pandas as pd
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

try:  # the sheet's rules live in the package (one copy for the CLI, batch mode and this workflow)
    import alkannot.sheet as alksheet
except ImportError:  # running from a checkout without `pip install`
    sys.path.insert(0, os.path.join(workflow.basedir, "src"))
    import alkannot.sheet as alksheet
from alkannot.errors import InputError


def _sheet_error(err):
    # one line naming the sheet, the line, the sample and the column, before Snakemake prints anything else
    print(f"alkannot: error: {err.one_line()}", file=sys.stderr, flush=True)
    os._exit(1)


try:
    SHEET_ROWS = alksheet.read_sheet(config["samples"])
    SPECS = {
        s: alksheet.spec_from_row(
            row,
            reference=config.get("reference", ""),
            pass_filters=list(config["pass_filters"]),
            kb_extra=list(config.get("kb_extra", [])),
            population_af=config.get("population_af", ""),
            civic=config.get("civic", True),
            civic_may_change_verdict=config.get("civic_may_change_verdict", False),
            path=config["samples"],
        )
        for s, row in SHEET_ROWS.items()
    }
except InputError as err:
    _sheet_error(err)

samples = (
    pd.DataFrame(
        [{c: row.get(c, "") for c in alksheet.COLUMNS} for row in SHEET_ROWS.values()],
        columns=list(alksheet.COLUMNS),
        dtype=str,
    )
    .set_index("sample", drop=False)
    .sort_index()
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

    return " ".join(
        shlex.quote(a) for a in alksheet.annotate_argv(SPECS[wildcards.sample])
    )


def sample_input_files(sample):
    """The sample's input files named in the sheet (vcf, alignment, cnv, sv)."""
    return [
        sheet(sample, c) for c in ("vcf", "alignment", "cnv", "sv") if sheet(sample, c)
    ]


def pending_samples(exts):
    """Samples (sheet order) to annotate in batch mode: an output `OUT/<s>/<s>.<ext>` missing or older
    than one of the sample's inputs; every sample under --forceall/-F (the DAG settings are not known
    while the Snakefile is read, hence the command line). A done sample's outputs are then plain files to
    the DAG (no job), so a failed batch reruns only what is missing.
    """
    if any(a in ("-F", "--forceall") for a in sys.argv[1:]):
        return list(samples.index)
    pending = []
    for s in samples.index:
        try:
            oldest = min(os.stat(f"{OUT}/{s}/{s}.{ext}").st_mtime for ext in exts)
        except OSError:  # an output is missing
            pending.append(s)
            continue
        newest_input = max(
            (os.stat(f).st_mtime for f in sample_input_files(s) if os.path.exists(f)),
            default=0.0,
        )
        if newest_input > oldest:
            pending.append(s)
    return pending


def patient_samples(patient):
    """The patient's samples, sorted by id (the order of the patient page's inputs)."""
    return list(samples.index[samples["patient"] == patient])


def pending_patients(exts):
    """Patients (sorted) whose page is to be written in batch mode: a sample of theirs is pending
    (`pending_samples`), or the page is missing or older than one of their samples' JSONs.
    """
    todo = set(pending_samples(exts))
    out = []
    for p in patients_with_timelines():
        members = patient_samples(p)
        page = f"{OUT}/patients/{p}.html"
        try:
            made = os.stat(page).st_mtime
            stale = any(s in todo for s in members) or any(
                os.stat(f"{OUT}/{s}/{s}.alkannot.json").st_mtime > made for s in members
            )
        except OSError:
            stale = True
        if stale:
            out.append(p)
    return out


def civic_flags():
    """config civic / civic_may_change_verdict -> flags of annotate and annotate-batch."""
    flags = []
    if not config.get("civic", True):
        flags.append("--no-civic")
    if config.get("civic_may_change_verdict", False):
        flags.append("--civic-may-change-verdict")
    return flags


def batch_flags():
    """Run-wide flags of `alkannot annotate-batch` (per-sample values come from the sheet)."""
    import shlex

    args = [f"--pass-filters {shlex.quote(','.join(config['pass_filters']))}"]
    if config.get("reference"):
        args.append(f"--reference {shlex.quote(config['reference'])}")
    if config.get("population_af"):
        args.append(f"--population-af {shlex.quote(config['population_af'])}")
    args += [f"--kb-extra {shlex.quote(p)}" for p in config.get("kb_extra", [])]
    args += civic_flags()
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
