if ANNOTATE_BATCH <= 0:

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
        localrule: True
        conda:
            "../envs/alkannot.yaml"
        shell:
            "alkannot patient-report {input:q} --out {output:q} 2> {log:q}"

else:
    # Batch mode: pages of up to ANNOTATE_BATCH pending patients per job, in one process
    # (`alkannot patient-report-batch`, the same pages); a page that fails fails alone.
    _pids = pending_patients(SAMPLE_EXTS)
    for _i in range(0, len(_pids), ANNOTATE_BATCH):
        _members = _pids[_i : _i + ANNOTATE_BATCH]
        _batch = f"b{_i // ANNOTATE_BATCH + 1:04d}"

        rule:
            name:
                f"patient_report_{_batch}"
            input:
                [
                    f"{OUT}/{s}/{s}.alkannot.json"
                    for p in _members
                    for s in patient_samples(p)
                ],
            output:
                [
                    report(
                        f"{OUT}/patients/{p}.html",
                        caption="../report/patient.rst",
                        category="Patients",
                        labels={"patient": p},
                    )
                    for p in _members
                ],
            log:
                f"logs/patients/{_batch}.log",
            benchmark:
                f"benchmarks/out/patients/{_batch}.tsv"
            localrule: True
            conda:
                "../envs/alkannot.yaml"
            params:
                patients=",".join(_members),
                sheet=config["samples"],
                resultsdir=lambda w, output: os.path.dirname(os.path.dirname(output[0])),
                outdir=lambda w, output: os.path.dirname(output[0]),
            shell:
                "alkannot patient-report-batch --keep-going --sheet {params.sheet:q} --patients {params.patients} "
                "--resultsdir {params.resultsdir:q} --outdir {params.outdir:q} 2> {log:q} "
                "|| {{ grep -F ': error: ' {log:q} >&2 || tail -n 20 {log:q} >&2; exit 1; }}"


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
