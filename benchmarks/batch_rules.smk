# Proposed batch variant of workflow/rules/annotate.smk (used by benchmarks/bench_cohort.py --mode batch).
# One rule per batch of `annotate_batch_size` samples runs `alkannot annotate-batch`: one Python process
# per batch instead of one per sample. Outputs are the same files, byte for byte, as rule `annotate`.
# Trade-off: a failing sample fails (and Snakemake deletes) its whole batch's outputs.
ANNOTATE_BATCH = int(config.get("annotate_batch_size", 50))
ANNOTATE_EXTS = ("alkannot.json", "variants.tsv", "drugs.tsv", "report.html")
_ids = list(samples.index)
ANNOTATE_BATCHES = {
    f"b{i // ANNOTATE_BATCH + 1:04d}": _ids[i : i + ANNOTATE_BATCH]
    for i in range(0, len(_ids), ANNOTATE_BATCH)
}


def batch_flags():
    """Flags shared by every sample (per-sample values come from the sheet inside the command)."""
    import shlex

    args = [f"--pass-filters {shlex.quote(','.join(config['pass_filters']))}"]
    if config.get("reference"):
        args.append(f"--reference {shlex.quote(config['reference'])}")
    args += [f"--kb-extra {shlex.quote(p)}" for p in config.get("kb_extra", [])]
    return " ".join(args)


for _batch, _members in ANNOTATE_BATCHES.items():

    rule:
        name:
            f"annotate_{_batch}"
        input:
            [
                sheet(s, c)
                for s in _members
                for c in ("vcf", "alignment", "cnv", "sv")
                if sheet(s, c)
            ],
        output:
            [f"{OUT}/{s}/{s}.{ext}" for s in _members for ext in ANNOTATE_EXTS],
        log:
            f"logs/annotate/{_batch}.log",
        params:
            samples=",".join(_members),
            flags=batch_flags(),
            sheet=config["samples"],
        shell:
            "python -m alkannot.batch --sheet {params.sheet:q} --samples {params.samples} "
            "--outdir {OUT:q} {params.flags} 2> {log:q} || {{ tail -n 20 {log:q} >&2; exit 1; }}"
