"""`alkannot annotate-batch`: many samples of a sample sheet in one process.

Each `alkannot annotate` process pays Python start-up, imports and knowledge-base loading (~0.3-0.5 s)
before it reads a single record; for a panel sample that is over half its time. The batch command pays it
once and then calls `alkannot.pipeline.run_sample` per sample, so the outputs are byte-for-byte those of
`alkannot annotate` run with the flags the workflow builds from the same sheet row
(workflow/rules/common.smk: annotate_args).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from alkannot.errors import InputError

# The sheet's columns, checks and row -> SampleSpec rules live in alkannot.sheet (shared with the CLI and
# the workflow); re-exported here for callers of the batch API.
from alkannot.sheet import read_sheet, spec_from_row  # noqa: E402,F401


def run_batch(sheet: str | Path, outdir: str | Path, samples: list[str] | None = None, *,
              reference: str = "", pass_filters: list[str] | None = None, kb_extra: list[str] | None = None,
              keep_going: bool = False, log=sys.stderr, population_af: str = "", civic: bool = True,
              civic_may_change_verdict: bool = False) -> dict[str, dict]:
    """Annotate `samples` (default: all, sheet order) into outdir/<sample>/ with `run_sample`.

    Returns {sample: {"status": "ok" | "failed", "seconds": float, "outputs": [paths], "error": str|None}}.
    Stops at the first InputError unless keep_going; then raises one InputError naming every failed sample
    (their outputs are not written: run_sample removes stale ones and writes atomically).
    """
    from alkannot.pipeline import run_sample

    rows = read_sheet(sheet)
    wanted = list(rows) if samples is None else samples
    missing = [s for s in wanted if s not in rows]
    if missing:
        raise InputError(f"sample(s) not in the sheet: {', '.join(missing)}", path=str(sheet),
                         fix="check --samples against the sheet's 'sample' column")
    result: dict[str, dict] = {}
    for sid in wanted:
        t0 = time.perf_counter()
        try:
            spec = spec_from_row(rows[sid], reference=reference, pass_filters=pass_filters, kb_extra=kb_extra,
                                 population_af=population_af, civic=civic,
                                 civic_may_change_verdict=civic_may_change_verdict)
            paths = run_sample(spec, Path(outdir) / sid)
        except InputError as e:
            result[sid] = {"status": "failed", "seconds": time.perf_counter() - t0, "outputs": [],
                           "error": e.one_line()}
            print(f"{sid}: error: {e.one_line()}", file=log)
            if not keep_going:
                raise
            continue
        dt = time.perf_counter() - t0
        result[sid] = {"status": "ok", "seconds": dt, "outputs": [str(p) for p in paths.values()],
                       "error": None}
        print(f"{sid}: wrote {', '.join(str(p) for p in paths.values())} ({dt:.2f} s)", file=log)
    failed = [s for s, r in result.items() if r["status"] == "failed"]
    if failed:
        raise InputError(f"{len(failed)} of {len(wanted)} samples failed: {', '.join(failed)}", path=str(sheet),
                         fix="see the per-sample errors above")
    return result


def run_patient_batch(sheet: str | Path, resultsdir: str | Path, outdir: str | Path, patients: list[str], *,
                      keep_going: bool = False, log=sys.stderr) -> dict[str, dict]:
    """Write outdir/<patient>.html for each patient, as `alkannot patient-report` would from the patient's
    sample JSONs resultsdir/<s>/<s>.alkannot.json (samples of the sheet with that patient id, sorted by id:
    the workflow's order). Each page is written atomically; with keep_going a patient whose JSONs cannot
    be read is named in one InputError at the end, after every other page is written."""
    from alkannot.commands import load_sample_jsons
    from alkannot.io.atomic import atomic_write_text
    from alkannot.report.timeline import render_patient_html

    rows = read_sheet(sheet)
    by_patient: dict[str, list[str]] = {}
    for sid in sorted(rows):
        by_patient.setdefault(rows[sid].get("patient", ""), []).append(sid)
    unknown = [p for p in patients if not p or p not in by_patient]
    if unknown:
        raise InputError(f"patient(s) not in the sheet: {', '.join(unknown)}", path=str(sheet),
                         fix="check --patients against the sheet's 'patient' column")
    result: dict[str, dict] = {}
    Path(outdir).mkdir(parents=True, exist_ok=True)
    for pid in patients:
        out = Path(outdir) / f"{pid}.html"
        jsons = [str(Path(resultsdir) / s / f"{s}.alkannot.json") for s in by_patient[pid]]
        try:
            atomic_write_text(out, render_patient_html(load_sample_jsons(jsons)))
        except InputError as e:
            result[pid] = {"status": "failed", "error": e.one_line()}
            print(f"{pid}: error: {e.one_line()}", file=log)
            if not keep_going:
                raise
            continue
        result[pid] = {"status": "ok", "error": None}
        print(f"wrote {out}", file=log)
    failed = [p for p, r in result.items() if r["status"] == "failed"]
    if failed:
        raise InputError(f"{len(failed)} of {len(patients)} patient pages failed: {', '.join(failed)}",
                         path=str(sheet), fix="see the per-patient errors above")
    return result


def _patients_cmd(a: argparse.Namespace) -> None:
    run_patient_batch(a.sheet, a.resultsdir, a.outdir, [p for p in a.patients.split(",") if p],
                      keep_going=a.keep_going)


def _cmd(a: argparse.Namespace) -> None:
    samples = [s for s in a.samples.split(",") if s] if a.samples else None
    run_batch(a.sheet, a.outdir, samples, reference=a.reference or "",
              pass_filters=a.pass_filters.split(",") if a.pass_filters else None,
              kb_extra=a.kb_extra or [], keep_going=a.keep_going, population_af=a.population_af or "",
              civic=not a.no_civic, civic_may_change_verdict=a.civic_may_change_verdict)


def register(sub) -> None:
    """Add the `annotate-batch` sub-command to the CLI's sub-parsers."""
    p = sub.add_parser("annotate-batch", help="annotate many samples of a sample sheet in one process "
                       "(same outputs as `annotate` per sample)",
                       description="Annotate the samples of a sample sheet in one Python process; per sample the "
                                   "outputs are byte-for-byte those of `alkannot annotate` with the flags the "
                                   "workflow builds from the same sheet row (report_date and accession columns "
                                   "included).")
    p.add_argument("--sheet", required=True, help="sample sheet TSV (config/samples.tsv format)")
    p.add_argument("--samples", help="comma-separated sample ids (default: every sample in the sheet)")
    p.add_argument("--outdir", required=True, help="outputs go to OUTDIR/<sample>/")
    p.add_argument("--reference", help="genome FASTA for samples whose sheet row gives none")
    p.add_argument("--pass-filters", help="comma-separated FILTER values treated as passing (default PASS,.)")
    p.add_argument("--kb-extra", action="append", help="extra knowledge-base YAML (same schema); repeatable")
    p.add_argument("--population-af", help="population allele-frequency VCF for samples whose row gives none")
    p.add_argument("--keep-going", action="store_true", help="annotate the other samples when one fails")
    from alkannot.commands import add_civic_flags

    add_civic_flags(p)
    p.set_defaults(func=_cmd)


    q = sub.add_parser("patient-report-batch", help="patient timelines of many patients of a sample sheet in "
                       "one process (same pages as `patient-report` per patient)",
                       description="Write OUTDIR/<patient>.html for each patient from RESULTSDIR/<sample>/"
                                   "<sample>.alkannot.json of the sheet's samples with that patient id (sorted by "
                                   "sample id), byte-for-byte what `alkannot patient-report` writes from them.")
    q.add_argument("--sheet", required=True, help="sample sheet TSV (config/samples.tsv format)")
    q.add_argument("--patients", required=True, help="comma-separated patient ids")
    q.add_argument("--resultsdir", required=True, help="per-sample outputs are in RESULTSDIR/<sample>/")
    q.add_argument("--outdir", required=True, help="pages go to OUTDIR/<patient>.html")
    q.add_argument("--keep-going", action="store_true", help="write the other pages when one fails")
    q.set_defaults(func=_patients_cmd)


def main(argv: list[str] | None = None) -> int:
    """`python -m alkannot.batch ...`: the sub-command without the main CLI (same exit codes)."""
    parser = argparse.ArgumentParser(prog="alkannot")
    register(parser.add_subparsers(dest="command", required=True))
    a = parser.parse_args(["annotate-batch", *(sys.argv[1:] if argv is None else argv)])
    try:
        a.func(a)
    except InputError as e:
        print(f"alkannot: error: {e.one_line()}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
