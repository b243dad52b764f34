rule patient_report:
    """Timeline of one patient's samples (every patient with a patient id)."""
    input:
        lambda wc: [
            f"{OUT}/{s}/{s}.alkannot.json"
            for s in samples.index[samples["patient"] == wc.patient]
        ],
    output:
        report(
            f"{OUT}/patients/{{patient}}.html",
            caption="../report/patient.rst",
            category="Patients",
            labels={"patient": "{patient}"},
        ),
    log:
        "logs/patients/{patient}.log",
    benchmark:
        "benchmarks/out/patients/{patient}.tsv"
    conda:
        "../envs/alkannot.yaml"
    shell:
        "alkannot patient-report {input:q} --out {output:q} 2> {log:q}"


rule cohort_report:
    """Cohort summary: oncoprint-style HTML, summary TSV, cohort MAF, MultiQC custom content."""
    input:
        expand(f"{OUT}/{{sample}}/{{sample}}.alkannot.json", sample=samples.index),
    output:
        html=report(
            f"{OUT}/cohort/summary.html",
            caption="../report/cohort.rst",
            category="Cohort",
        ),
        tsv=f"{OUT}/cohort/summary.tsv",
        maf=f"{OUT}/cohort/cohort.maf.tsv",
    log:
        "logs/cohort.log",
    benchmark:
        "benchmarks/out/cohort.tsv"
    conda:
        "../envs/alkannot.yaml"
    params:
        outdir=lambda w, output: os.path.dirname(output.html),
    shell:
        "alkannot cohort-report {input:q} --outdir {params.outdir:q} 2> {log:q}"
