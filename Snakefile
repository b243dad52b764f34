# alkannot: ALK TKI resistance annotation workflow (research use only).
# Usage: snakemake --cores 2 [--configfile config/config.yaml]   (see README.md)

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


# patient and cohort reports are quick and read many files: never cluster jobs of their own
# (the patient-report rules say so themselves: their names depend on annotate_batch_size)
localrules:
    cohort_report,


include: "workflow/rules/common.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        get_final_output(),
