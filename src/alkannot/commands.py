"""Sub-commands beyond build-resources (kept apart so cli.py stays a thin dispatcher)."""

from __future__ import annotations

import argparse
import json
import sys


def _annotate(a: argparse.Namespace) -> None:
    from alkannot.pipeline import run_sample_with_result
    from alkannot.sheet import CLI, spec_from_row

    sid = a.sample or _default_id(a.input)
    row = cli_row(a, sid)
    spec = spec_from_row(row,
                         pass_filters=a.pass_filters.split(",") if a.pass_filters else None,
                         kb_extra=a.kb_extra or [], civic=not a.no_civic,
                         civic_may_change_verdict=a.civic_may_change_verdict, path=CLI)
    paths, data = run_sample_with_result(spec, a.out)  # the summary below reads what the JSON holds
    acc = data["accounting"]
    na = sum(acc["not_annotated"].values())
    muts = ", ".join(data["alk_mutations"]) or "none"
    line = (f"{sid}: {acc['records_read']} records read, {acc['alleles_in_targets']} alleles in target genes, "
            f"{acc['annotated']} annotated, {na} not annotated; ALK kinase-domain mutations: {muts}")
    if "drugs" in data:
        res = [d for d, v in data["drugs"].items() if v["verdict"] == "resistant"]
        line += f"; resistant: {', '.join(res) or 'none'}"
    print(line, file=sys.stderr)
    for w in data.get("qc", {}).get("input_warnings", []):  # read on, but worth a look (also in JSON/HTML)
        text = "".join(ch if ch.isprintable() else "?" for ch in " ".join(str(w).split()))  # header text
        print(f"{sid}: warning: {text}", file=sys.stderr)
    print(f"{sid}: wrote {', '.join(str(p) for p in paths.values())}", file=sys.stderr)


def cli_row(a: argparse.Namespace, sid: str) -> dict[str, str]:
    """`alkannot annotate`'s flags as a sample-sheet row (flags not given are left out), so that they are
    checked exactly as a sheet's cells are (sheet.spec_from_row)."""
    row = {"sample": sid, "vcf": a.input, "build": a.build, "specimen": a.specimen,
           "tumor_sample": a.tumor_sample, "normal_sample": a.normal_sample, "reference": a.reference,
           "patient": a.patient, "timepoint": a.timepoint, "alignment": a.alignment, "cnv": a.cnv, "sv": a.sv,
           "cnv_sample": a.cnv_sample, "sv_sample": a.sv_sample,
           "population_af": a.population_af, "current_tki": a.current_tki, "prior_tkis": a.prior_tkis,
           "tumor_fraction": a.tumor_fraction, "ploidy": a.ploidy,
           "report_date": a.report_date, "accession": a.accession, "tumor_af_tag": a.tumor_af_tag,
           "tumor_dp_tag": a.tumor_dp_tag, "normal_af_tag": a.normal_af_tag, "normal_dp_tag": a.normal_dp_tag}
    return {k: v for k, v in row.items() if v is not None}


def _default_id(path: str) -> str:
    import os
    import re

    base = os.path.basename(path)
    base = re.sub(r"\.(vcf|bcf)(\.gz|\.bgz)?$", "", base)
    return re.sub(r"[^A-Za-z0-9._-]", "_", base) or "sample"


MAX_JSON_BYTES = 200 * 1024 * 1024


def load_sample_jsons(paths: list[str]) -> list[dict]:
    import os

    from alkannot.errors import InputError

    out = []
    for p in paths:
        try:
            if os.path.isfile(p) and os.path.getsize(p) > MAX_JSON_BYTES:
                raise InputError(f"file is {os.path.getsize(p):,} bytes, over the {MAX_JSON_BYTES:,}-byte limit "
                                 "for an alkannot JSON", path=p, fix="give the .alkannot.json files written by "
                                 "'alkannot annotate'")
            with open(p) as fh:
                out.append(json.load(fh))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read alkannot JSON ({e})", path=p,
                             fix="give the .alkannot.json files written by 'alkannot annotate'") from None
    return out


def _patient(a: argparse.Namespace) -> None:
    from alkannot.io.atomic import atomic_write_text
    from alkannot.report.timeline import render_patient_html

    atomic_write_text(a.out, render_patient_html(load_sample_jsons(a.json)))
    print(f"wrote {a.out}", file=sys.stderr)


def _cohort(a: argparse.Namespace) -> None:
    from pathlib import Path

    from alkannot.errors import InputError
    from alkannot.io.atomic import OutputBusy, output_set
    from alkannot.report.cohort import render_cohort, slim_sample
    from alkannot.report.maf import CohortMaf

    # one sample JSON at a time: keep only what the summary needs and the sample's MAF rows (memory stays
    # flat in the JSONs' size: 1,000 hypermutated panels are ~200 MB of JSON)
    samples, maf = [], CohortMaf(spill=True)
    for p in a.json:
        data = load_sample_jsons([p])[0]
        maf.add(data)
        samples.append(slim_sample(data))
        del data
    html, tsv, mqc = render_cohort(samples)
    out = Path(a.outdir)
    # all cohort files appear together (private temporary folder, renamed in place, summary.html last)
    try:
        with output_set(out, "cohort") as box:
            (box.path("summary.tsv")).write_text(tsv)
            for name, text in sorted(mqc.items()):
                box.path(name).write_text(text)
            maf.write(box.path("cohort.maf.tsv"))
            box.path("summary.html").write_text(html)
            box.order = ["summary.tsv", *sorted(mqc), "cohort.maf.tsv", "summary.html"]
    except OutputBusy:
        raise InputError("another alkannot run is writing into this output folder", path=str(out),
                         fix="wait for it to finish, or give another --outdir") from None
    print(f"wrote {out}/summary.html, summary.tsv, cohort.maf.tsv, {', '.join(sorted(mqc))}", file=sys.stderr)


def _iso_date_arg(value: str) -> str:
    """argparse type for --report-date: a real calendar date written YYYY-MM-DD."""
    from alkannot.errors import InputError
    from alkannot.sheet import check_date

    try:
        return check_date(value, col="report-date")
    except InputError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a calendar date written YYYY-MM-DD "
                                         "(e.g. 2025-03-01)") from None


def add_civic_flags(p) -> None:
    """--no-civic / --civic-may-change-verdict (annotate and annotate-batch; config keys civic, civic_may_change_verdict)."""
    p.add_argument("--no-civic", action="store_true",
                   help="do not show CIViC evidence beside the review (default: resources/kb/civic.yaml, or a CIViC "
                   "TSV/YAML given with --kb-extra)")
    p.add_argument("--civic-may-change-verdict", action="store_true",
                   help="let CIViC level A/B items in NSCLC move a verdict towards caution (default off: CIViC is "
                   "shown beside the review, never overrides it)")


def register(sub) -> None:
    from alkannot.drug_names import TKIS, tki_arg, tki_list_arg

    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("patient-report", formatter_class=fmt,
                       help="per-patient timeline HTML from one patient's sample JSONs",
                       description="Timeline of one patient's samples: VAF over time, therapy line, emergence and "
                                   "clearance of alterations, tissue-plasma concordance. Links back to each "
                                   "sample report and the cohort summary (relative paths, results/ layout).")
    p.add_argument("json", nargs="+", help=".alkannot.json files of one patient (any order; sorted by timepoint)")
    p.add_argument("--out", required=True, help="output HTML file (e.g. results/patients/P001.html)")
    p.set_defaults(func=_patient)

    p = sub.add_parser("cohort-report", formatter_class=fmt,
                       help="cohort summary (HTML, TSV, MAF, MultiQC files) from sample JSONs",
                       description="Cohort summary: mechanisms per sample grouped by the TKI at progression "
                                   "(oncoprint-style), counts, predicted drug activity per sample; writes "
                                   "summary.html, summary.tsv, cohort.maf.tsv and MultiQC custom-content files.")
    p.add_argument("json", nargs="+", help=".alkannot.json files (one per sample)")
    p.add_argument("--outdir", required=True, help="output directory (e.g. results/cohort)")
    p.set_defaults(func=_cohort)

    p = sub.add_parser("annotate", formatter_class=fmt,
                       help="annotate one VCF/BCF: ALK kinase-domain changes, co-alterations, drug verdicts",
                       description="Annotate one sample: ALK kinase-domain resistance mutations and their phase, "
                                   "co-alterations, copy number and fusions when given, and predicted activity of "
                                   f"the six ALK TKIs ({', '.join(TKIS)}). Writes <sample>.alkannot.json, "
                                   ".variants.tsv, .drugs.tsv, .report.html, .maf.tsv and .alkannot.vcf.gz into "
                                   "--out.")
    p.add_argument("input", help="VCF, VCF.gz or BCF (indexed files are read by region)")
    p.add_argument("--build", choices=["GRCh37", "GRCh38"], help="genome build: GRCh37 or GRCh38 (default: from "
                   "the VCF header)")
    p.add_argument("--sample", help="sample id used for output names and the report (default: from the file name)")
    p.add_argument("--tumor-sample", help="tumour sample column in a multi-sample VCF (default: the only or first "
                   "non-normal column)")
    p.add_argument("--normal-sample", help="matched normal / white-blood-cell column, if any (plasma: lets "
                   "clonal haematopoiesis be recognised)")
    p.add_argument("--tumor-af-tag", metavar="TAG", help="tag holding the tumour's allele fraction when the caller's "
                   "standard tags do not (PCGR input: INFO/TVAF); INFO/ID, FORMAT/ID or a declared ID, Type=Float")
    p.add_argument("--tumor-dp-tag", metavar="TAG", help="tag holding the tumour's read depth at the site (PCGR "
                   "input: INFO/TDP); Type=Integer, one value per site")
    p.add_argument("--normal-af-tag", metavar="TAG", help="the matched normal's allele-fraction tag (PCGR input: "
                   "INFO/CVAF); a FORMAT tag is read from the --normal-sample column")
    p.add_argument("--normal-dp-tag", metavar="TAG", help="the matched normal's depth tag (PCGR input: INFO/CDP)")
    p.add_argument("--specimen", choices=["tissue", "plasma", "csf"], default="tissue",
                   help="specimen type: tissue, plasma or csf (default: tissue); selects the specimen filters and "
                        "whether the tumour fraction is estimated from VAFs (plasma/csf only)")
    p.add_argument("--reference", help="genome FASTA (indexed) to annotate positions the bundle lacks")
    p.add_argument("--patient", help="patient id: groups samples into one timeline and links the reports")
    p.add_argument("--timepoint", help="collection date (YYYY-MM-DD) or label")
    p.add_argument("--accession", help="specimen accession number from the lab system, printed on the report")
    p.add_argument("--report-date", type=_iso_date_arg, metavar="YYYY-MM-DD",
                   help="report date printed on the report and part of the report id (default: today, UTC; give it "
                   "for byte-identical reruns)")
    p.add_argument("--alignment", help="BAM/CRAM (+index) for read-based phasing and hotspot coverage")
    p.add_argument("--cnv", help="copy-number file (CNVkit .cns/.cnr, SEG, PURPLE, PCGR, ClinCNV, GATK, FACETS, "
                        "Sequenza, ASCAT, ichorCNA, CNV VCF: docs/formats.md)")
    p.add_argument("--cnv-sample", metavar="NAME",
                   help="the sample to read when the copy-number file holds several (SEG ID, VCF column; default: "
                        "the one named like the VCF's tumour column or --sample)")
    p.add_argument("--sv", help="SV/fusion calls (Manta/GRIDSS/DELLY/Ion Torrent VCF, Arriba, STAR-Fusion, "
                                "FusionCatcher, JAFFA: docs/formats.md)")
    p.add_argument("--sv-sample", metavar="NAME",
                   help="the tumour column when the SV VCF holds several (default: the one named like the VCF's "
                        "tumour column or --sample, else like a tumour)")
    p.add_argument("--population-af", help="population allele-frequency VCF (gnomAD-style INFO/AF, indexed): "
                   "variants above the threshold in resources/germline_polymorphisms.yaml are labelled germline")
    p.add_argument("--current-tki", type=tki_arg, metavar="TKI",
                   help=f"TKI the patient progressed on, one of: {', '.join(TKIS)} (case-insensitive)")
    p.add_argument("--prior-tkis", type=tki_list_arg, metavar="TKI[,TKI...]",
                   help="comma-separated earlier TKIs, oldest first (same six names)")
    p.add_argument("--tumor-fraction", help="tumour fraction / purity, a fraction in (0, 1], if known; tissue: the "
                   "pathology tumour content, plasma: overrides the VAF-based estimate")
    p.add_argument("--ploidy",
                   help="tumour baseline ploidy for copy-number calls, 0.5-8 (default 2; PURPLE's purity.tsv gives it)")
    p.add_argument("--pass-filters", help="comma-separated FILTER values treated as passing (default PASS,.)")
    p.add_argument("--kb-extra", action="append", help="extra knowledge-base YAML (same schema); repeatable")
    add_civic_flags(p)
    p.add_argument("--out", required=True, help="output directory (created; all outputs are written together or "
                   "none)")
    p.set_defaults(func=_annotate)
