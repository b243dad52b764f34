# Per-sample annotation. Two shapes with the same outputs, byte for byte:
# - `annotate_bNNNN` (default, `annotate_batch_size: 50`): one job per up to N samples running
#   `alkannot annotate-batch --keep-going` in one Python process (start-up is most of a small sample's cost;
#   figures in benchmarks/README.md). Only samples whose outputs are missing or older than their inputs are
#   batched (`pending_samples`); a sample with bad input does not take the others down: each sample's outputs
#   are written all-or-nothing, the job exits non-zero naming the failed samples, the workflow profile's
#   `keep-incomplete` keeps the other samples' complete outputs, and the next run batches only what is missing.
# - `annotate`: with `annotate_batch_size: 0`, one job per sample (Snakemake's own rerun triggers per sample).
SAMPLE_EXTS = (
    "alkannot.json",
    "variants.tsv",
    "drugs.tsv",
    "fusions.tsv",
    "report.html",
    "maf.tsv",
    "alkannot.vcf.gz",
    "alkannot.vcf.gz.tbi",
)
ANNOTATE_BATCH = int(config.get("annotate_batch_size", 50))


if ANNOTATE_BATCH <= 0:

    rule annotate:
        """Annotate one sample's VCF (and CNV/SV/BAM when given): JSON, TSVs, HTML, VCF, MAF."""
        input:
            unpack(sample_inputs),
        output:
            json=f"{OUT}/{{sample}}/{{sample}}.alkannot.json",
            variants=f"{OUT}/{{sample}}/{{sample}}.variants.tsv",
            drugs=f"{OUT}/{{sample}}/{{sample}}.drugs.tsv",
            fusions=f"{OUT}/{{sample}}/{{sample}}.fusions.tsv",
            maf=f"{OUT}/{{sample}}/{{sample}}.maf.tsv",
            vcf=f"{OUT}/{{sample}}/{{sample}}.alkannot.vcf.gz",
            tbi=f"{OUT}/{{sample}}/{{sample}}.alkannot.vcf.gz.tbi",
            html=report(
                f"{OUT}/{{sample}}/{{sample}}.report.html",
                caption="../report/sample.rst",
                category="Samples",
                labels={"sample": "{sample}"},
            ),
        log:
            "logs/annotate/{sample}.log",
        benchmark:
            "benchmarks/out/annotate/{sample}.tsv"
        conda:
            "../envs/alkannot.yaml"
        params:
            args=annotate_args,
            outdir=lambda w, output: os.path.dirname(output.json),
        shell:
            "alkannot annotate {input.vcf:q} {params.args} --out {params.outdir:q} 2> {log:q}"
            " || {{ cat {log:q} >&2; exit 1; }}; tail -n 2 {log:q} >&2"

else:
    _ids = pending_samples(SAMPLE_EXTS)
    for _i in range(0, len(_ids), ANNOTATE_BATCH):
        _members = _ids[_i : _i + ANNOTATE_BATCH]
        _batch = f"b{_i // ANNOTATE_BATCH + 1:04d}"

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
                [
                    (
                        report(
                            f"{OUT}/{s}/{s}.{ext}",
                            caption="../report/sample.rst",
                            category="Samples",
                            labels={"sample": s},
                        )
                        if ext == "report.html"
                        else f"{OUT}/{s}/{s}.{ext}"
                    )
                    for s in _members
                    for ext in SAMPLE_EXTS
                ],
            log:
                f"logs/annotate/{_batch}.log",
            benchmark:
                f"benchmarks/out/annotate/{_batch}.tsv"
            conda:
                "../envs/alkannot.yaml"
            params:
                samples=",".join(_members),
                flags=batch_flags(),
                sheet=config["samples"],
                outdir=lambda w, output: os.path.dirname(os.path.dirname(output[0])),
            shell:
                "alkannot annotate-batch --keep-going --sheet {params.sheet:q} --samples {params.samples} "
                "--outdir {params.outdir:q} {params.flags} 2> {log:q} || {{ grep -F ': error: ' {log:q} >&2 || tail -n 20 {log:q} >&2; exit 1; }}"
