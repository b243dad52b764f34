"""Sub-commands beyond build-resources (kept apart so cli.py stays a thin dispatcher)."""

from __future__ import annotations

import argparse
import json
import sys


def _annotate(a: argparse.Namespace) -> None:
    from alkannot.pipeline import SampleSpec, run_sample

    sid = a.sample or _default_id(a.input)
    spec = SampleSpec(id=sid, vcf=a.input, build=a.build, specimen=a.specimen, tumor_sample=a.tumor_sample,
                      normal_sample=a.normal_sample, reference=a.reference, patient=a.patient,
                      timepoint=a.timepoint, alignment=a.alignment, cnv=a.cnv, sv=a.sv,
                      current_tki=a.current_tki, prior_tkis=[x for x in (a.prior_tkis or "").split(",") if x],
                      tumor_fraction=a.tumor_fraction, ploidy=a.ploidy,
                      pass_filters=a.pass_filters.split(",") if a.pass_filters else None,
                      kb_extra=a.kb_extra or [])
    paths = run_sample(spec, a.out)
    data = json.loads(paths["json"].read_text())
    acc = data["accounting"]
    na = sum(acc["not_annotated"].values())
    muts = ", ".join(data["alk_mutations"]) or "none"
    line = (f"{sid}: {acc['records_read']} records read, {acc['alleles_in_targets']} alleles in target genes, "
            f"{acc['annotated']} annotated, {na} not annotated; ALK kinase-domain mutations: {muts}")
    if "drugs" in data:
        res = [d for d, v in data["drugs"].items() if v["verdict"] == "resistant"]
        line += f"; resistant: {', '.join(res) or 'none'}"
    print(line, file=sys.stderr)
    print(f"{sid}: wrote {', '.join(str(p) for p in paths.values())}", file=sys.stderr)


def _default_id(path: str) -> str:
    import os
    import re

    base = os.path.basename(path)
    base = re.sub(r"\.(vcf|bcf)(\.gz|\.bgz)?$", "", base)
    return re.sub(r"[^A-Za-z0-9._-]", "_", base) or "sample"


def _load_jsons(paths: list[str]) -> list[dict]:
    from alkannot.errors import InputError

    out = []
    for p in paths:
        try:
            with open(p) as fh:
                out.append(json.load(fh))
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"cannot read alkannot JSON ({e})", path=p,
                             fix="give the .alkannot.json files written by 'alkannot annotate'") from None
    return out


def _patient(a: argparse.Namespace) -> None:
    from alkannot.io.atomic import atomic_write_text
    from alkannot.report.timeline import render_patient_html

    atomic_write_text(a.out, render_patient_html(_load_jsons(a.json)))
    print(f"wrote {a.out}", file=sys.stderr)


def _cohort(a: argparse.Namespace) -> None:
    from pathlib import Path

    from alkannot.io.atomic import atomic_write_text
    from alkannot.report.cohort import render_cohort, slim_sample
    from alkannot.report.maf import CohortMaf

    # one sample JSON at a time: keep only what the summary needs and the sample's MAF rows (memory stays
    # flat in the JSONs' size: 1,000 hypermutated panels are ~200 MB of JSON)
    samples, maf = [], CohortMaf(spill=True)
    for p in a.json:
        data = _load_jsons([p])[0]
        maf.add(data)
        samples.append(slim_sample(data))
        del data
    html, tsv, mqc = render_cohort(samples)
    out = Path(a.outdir)
    atomic_write_text(out / "summary.tsv", tsv)
    for name, text in sorted(mqc.items()):
        atomic_write_text(out / name, text)
    maf.write(out / "cohort.maf.tsv")
    atomic_write_text(out / "summary.html", html)  # last: its presence means the cohort finished
    print(f"wrote {out}/summary.html, summary.tsv, cohort.maf.tsv, {', '.join(sorted(mqc))}", file=sys.stderr)


def register(sub) -> None:
    p = sub.add_parser("patient-report", help="per-patient timeline HTML from a patient's sample JSONs")
    p.add_argument("json", nargs="+", help=".alkannot.json files of one patient")
    p.add_argument("--out", required=True, help="output HTML")
    p.set_defaults(func=_patient)

    p = sub.add_parser("cohort-report", help="cohort summary (HTML, TSV, MAF, MultiQC files) from sample JSONs")
    p.add_argument("json", nargs="+", help=".alkannot.json files")
    p.add_argument("--outdir", required=True)
    p.set_defaults(func=_cohort)

    p = sub.add_parser("annotate", help="annotate one VCF/BCF: ALK kinase-domain changes and co-alterations")
    p.add_argument("input", help="VCF, VCF.gz or BCF (indexed files are read by region)")
    p.add_argument("--build", choices=["GRCh37", "GRCh38"], help="genome build (default: from the header)")
    p.add_argument("--sample", help="sample id used for output names (default: from the file name)")
    p.add_argument("--tumor-sample", help="tumour sample column in a multi-sample VCF")
    p.add_argument("--normal-sample", help="matched normal / white-blood-cell column, if any")
    p.add_argument("--specimen", choices=["tissue", "plasma", "csf"], default="tissue")
    p.add_argument("--reference", help="genome FASTA (indexed) to annotate positions the bundle lacks")
    p.add_argument("--patient")
    p.add_argument("--timepoint", help="collection date (YYYY-MM-DD) or label")
    p.add_argument("--alignment", help="BAM/CRAM (+index) for read-based phasing and hotspot coverage")
    p.add_argument("--cnv", help="copy-number file (CNVkit .cns/.cnr, segment TSV, PURPLE, CNV VCF)")
    p.add_argument("--sv", help="SV/fusion calls (Manta/GRIDSS/DELLY VCF, Arriba, STAR-Fusion)")
    p.add_argument("--current-tki", help="TKI the patient progressed on")
    p.add_argument("--prior-tkis", help="comma-separated earlier TKIs")
    p.add_argument("--tumor-fraction", type=float, help="tumour fraction / purity (0-1) if known")
    p.add_argument("--ploidy", type=float,
                   help="tumour baseline ploidy for copy-number calls (default 2; PURPLE's purity.tsv gives it)")
    p.add_argument("--pass-filters", help="comma-separated FILTER values treated as passing (default PASS,.)")
    p.add_argument("--kb-extra", action="append", help="extra knowledge-base YAML (same schema); repeatable")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=_annotate)
