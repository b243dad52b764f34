rule annotate:
    """Annotate one sample's VCF (and CNV/SV/BAM when given): JSON + TSVs."""
    input:
        unpack(sample_inputs),
    output:
        json=f"{OUT}/{{sample}}/{{sample}}.alkannot.json",
        variants=f"{OUT}/{{sample}}/{{sample}}.variants.tsv",
        drugs=f"{OUT}/{{sample}}/{{sample}}.drugs.tsv",
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
        f"logs/annotate/{{sample}}.log",
    benchmark:
        f"benchmarks/out/annotate/{{sample}}.tsv"
    conda:
        "../envs/alkannot.yaml"
    params:
        args=annotate_args,
        outdir=lambda w, output: os.path.dirname(output.json),
    shell:
        "alkannot annotate {input.vcf:q} {params.args} --out {params.outdir:q} 2> {log:q}"
        " || {{ cat {log:q} >&2; exit 1; }}; tail -n 2 {log:q} >&2"
