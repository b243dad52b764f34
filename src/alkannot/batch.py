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

# sheet column -> SampleSpec field, for the plain string fields
_TEXT_FIELDS = {
    "patient": "patient", "timepoint": "timepoint", "build": "build", "tumor_sample": "tumor_sample",
    "normal_sample": "normal_sample", "alignment": "alignment", "cnv": "cnv", "sv": "sv",
    "current_tki": "current_tki", "report_date": "report_date", "accession": "accession",
}


def read_sheet(path: str | Path) -> dict[str, dict[str, str]]:
    """Sample sheet rows keyed by sample id, read exactly as the workflow reads it (pandas, all text)."""
    import pandas as pd

    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment="#")
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"cannot read the sample sheet ({e})", path=str(path),
                         fix="give a tab-separated sheet with a header line (see config/README.md)") from None
    if "sample" not in df.columns or "vcf" not in df.columns:
        raise InputError("sample sheet lacks the 'sample' or 'vcf' column", path=str(path), line=1,
                         fix="add the columns (see config/samples.tsv)")
    rows: dict[str, dict[str, str]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        sid = rec["sample"]
        if sid in rows:
            raise InputError(f"duplicate sample id {sid!r}", path=str(path), line=i + 2,
                             fix="make each sample id unique")
        rows[sid] = rec
    return rows


def spec_from_row(row: dict[str, str], *, reference: str = "", pass_filters: list[str] | None = None,
                  kb_extra: list[str] | None = None):
    """The SampleSpec `alkannot annotate` builds from the workflow's flags for this sheet row.

    Same rules as common.smk: empty cell = not given, specimen defaults to tissue, the sheet's reference
    wins over the config-wide one, prior_tkis is comma-separated.
    """
    from alkannot.pipeline import SampleSpec

    def cell(col: str) -> str | None:
        v = row.get(col) or ""
        return v or None

    tf = cell("tumor_fraction")
    try:
        tumor_fraction = float(tf) if tf is not None else None
    except ValueError:
        raise InputError(f"sample {row['sample']}: tumor_fraction {tf!r} is not a number",
                         fix="give a fraction such as 0.35") from None
    pl = cell("ploidy")
    try:
        ploidy = float(pl) if pl is not None else None
    except ValueError:
        raise InputError(f"sample {row['sample']}: ploidy {pl!r} is not a number", fix="give e.g. 2 or 3.1") from None
    from alkannot.drug_names import tki_list, tki_name

    where = f"sample sheet row {row['sample']}"
    fields = {f: cell(col) for col, f in _TEXT_FIELDS.items()}
    if fields["current_tki"]:
        fields["current_tki"] = tki_name(fields["current_tki"], where=where)
    return SampleSpec(
        ploidy=ploidy,
        id=row["sample"], vcf=row["vcf"], specimen=cell("specimen") or "tissue",
        reference=cell("reference") or reference or None,
        prior_tkis=tki_list(cell("prior_tkis"), where=where),
        tumor_fraction=tumor_fraction, pass_filters=pass_filters, kb_extra=list(kb_extra or []),
        **fields,
    )


def run_batch(sheet: str | Path, outdir: str | Path, samples: list[str] | None = None, *,
              reference: str = "", pass_filters: list[str] | None = None, kb_extra: list[str] | None = None,
              keep_going: bool = False, log=sys.stderr) -> dict[str, dict]:
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
            spec = spec_from_row(rows[sid], reference=reference, pass_filters=pass_filters, kb_extra=kb_extra)
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


def _cmd(a: argparse.Namespace) -> None:
    samples = [s for s in a.samples.split(",") if s] if a.samples else None
    run_batch(a.sheet, a.outdir, samples, reference=a.reference or "",
              pass_filters=a.pass_filters.split(",") if a.pass_filters else None,
              kb_extra=a.kb_extra or [], keep_going=a.keep_going)


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
    p.add_argument("--keep-going", action="store_true", help="annotate the other samples when one fails")
    p.set_defaults(func=_cmd)


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
