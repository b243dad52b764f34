# alkannot: ALK TKI resistance annotation workflow (research use only).
# Usage: snakemake --cores 2 [--configfile config/config.yaml]   (see README.md)

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


# patient and cohort reports are quick and read many files: never cluster jobs of their own
localrules:
    patient_report,
    cohort_report,


include: "workflow/rules/common.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        get_final_output(),
