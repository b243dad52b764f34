"""Outputs of this tree vs another commit's: the speed work must not change a byte.

    python benchmarks/compare_outputs.py [--rev 48fe281] [--big]

Exports `--rev` with `git archive` to benchmarks/out/rev-<rev>/ (once), then runs the same cases with that
tree's package (PYTHONPATH=<tree>/src) and with this one, into benchmarks/out/compare/<rev>/ and
benchmarks/out/compare/HEAD/, and compares every file byte for byte:
  demo        the workflow on config/samples.tsv (4 samples, patient timeline, cohort report)
  panel       `alkannot annotate` benchmarks/out/inputs/panel.vcf (benchmarks/generate.py)
  stream      `alkannot annotate` benchmarks/out/inputs/stream.vcf.gz (1M records, no index: the prefilter)
  kd_64/128   64 and 128 ALK kinase-domain mutations (benchmarks/bench_compound.py)
  alk_10000   10,000 records inside ALK (benchmarks/bench_compound.py); --big adds alk_100000 (slow before);
              run with report.html.VARIANT_TABLE_MAX lifted (the sample page lists every row, as before)
  cohort_100  `alkannot cohort-report` over the first 100 cohort samples' JSONs (annotated once, by this tree)
  --truth     every caller output in ../shared/truth (other labs' VCFs and MAFs alone; CNV, SV and fusion
              tables with the panel VCF), each with its exit status and stderr (paths replaced by <out>)
Exit status 1 when any file differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
IN = OUT / "inputs"
BIN = ROOT / ".venv" / "bin"


def export(rev: str) -> Path:
    # named by the commit, not by what was typed: "HEAD~1" names another commit after the next commit
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", f"{rev}^{{commit}}"], check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = OUT / f"rev-{rev}"
    if not (tree / "src").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def command_shim() -> Path:
    """An `alkannot` command for either tree: the venv's console script names this tree's entry point
    (cli.console_main), which an older tree may not have; the shim calls whichever the tree on PYTHONPATH has."""
    shim = OUT / "compare" / "bin" / "alkannot"
    shim.parent.mkdir(parents=True, exist_ok=True)
    shim.write_text(f"#!/bin/sh\nexec {BIN / 'python'} -c 'import sys\nfrom alkannot import cli\n"
                    "entry = getattr(cli, \"console_main\", None)\n"
                    "sys.exit(entry() if entry else cli.main())' \"$@\"\n")
    shim.chmod(0o755)
    return shim


def run(tree: Path, out: Path, cases: list[str]) -> None:
    shim = command_shim()
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PATH": f"{shim.parent}:{BIN}:{os.environ['PATH']}",
           "ALKANNOT_RESOURCES": str(ROOT / "resources")}  # same path in both: the JSON names the KB file
    env.pop("ALKANNOT_TIMESTAMP", None)
    ann = [str(shim), "annotate", "--build", "GRCh38", "--sample", "B"]
    for case in cases:
        dest = out / case
        if dest.exists():
            shutil.rmtree(dest)
        if case.startswith("truth_"):
            run_truth_case(shim, env, truth_cases()[case], dest)
        elif case == "demo":
            # a scratch copy of the tree's workflow, so .snakemake/ and results/ stay out of the tree
            work = out / "demo_work"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            for item in ("Snakefile", "workflow", "config", "profiles", "test-data", "resources"):
                src = tree / item
                (shutil.copytree if src.is_dir() else shutil.copy)(src, work / item)
            subprocess.run([str(BIN / "snakemake"), "--cores", "2", "--quiet", "rules"], cwd=work, env=env,
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.move(str(work / "results"), dest)
            shutil.rmtree(work)
        elif case == "cohort_100":
            jsons = sorted((OUT / "compare" / "cohort_json").glob("*/*.alkannot.json"))[:100]
            # the full matrix (this tree summarises cohorts beyond MATRIX_MAX_*; the rows are the same)
            code = ("import sys, alkannot.report.cohort as c; c.MATRIX_MAX_FEATURES = c.MATRIX_MAX_SAMPLES = None; "
                    "from alkannot.cli import main; sys.exit(main(sys.argv[1:]))")
            subprocess.run([str(BIN / "python"), "-c", code, "cohort-report", "--outdir", str(dest),
                            *map(str, jsons)], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif case.startswith("alk_"):
            # every variant in the sample page's table (this tree lists only the clinically relevant rows above
            # report.html.VARIANT_TABLE_MAX; the rows it lists are the same)
            code = ("import sys, alkannot.report.html as h; h.VARIANT_TABLE_MAX = 10**9; "
                    "from alkannot.cli import main; sys.exit(main(sys.argv[1:]))")
            subprocess.run([str(BIN / "python"), "-c", code, *ann[1:], str(IN / f"{case}.vcf"), "--out", str(dest)],
                           env=env, check=True, stdout=subprocess.DEVNULL)
        else:
            vcf = IN / ("stream.vcf.gz" if case == "stream" else f"{case}.vcf")
            subprocess.run([*ann, str(vcf), "--out", str(dest)], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"  {case}: done", file=sys.stderr)


TRUTH = ROOT.parent / "shared" / "truth"
SMALL_INPUT = (".vcf", ".vcf.gz", ".maf.txt", ".maf")
CNV_INPUT = (".cns", ".seg", ".seg.txt", ".cnv.somatic.tsv", ".cna.tsv", "_cna.txt")
SV_INPUT = ("sv.vcf", "sv.vcf.gz", "fusion.tsv", "fusions.tsv", "_sv.txt", "_fusions.txt", "fusion_predictions.tsv.gz")


def truth_cases() -> dict[str, list[str]]:
    """case name -> `alkannot annotate` arguments, for every caller output under ../shared/truth that the
    command reads: a VCF or MAF alone (under the build its name states, else under each build; a multi-sample
    VCF with each of its samples as the tumour), a CNV table or an SV/fusion table beside a small VCF of its
    build (named, else declared by a VCF's ##contig lengths, else GRCh38: the panel VCF for GRCh38, PCGR's
    T001-COAD for GRCh37)."""
    import cyvcf2

    from alkannot.core.contigs import build_of_lengths, vcf_header_lengths

    beside = {"GRCh38": str(IN / "panel.vcf"),
              "GRCh37": str(TRUTH / "vcf_shapes" / "pcgr_examples" / "T001-COAD.grch37.vcf.gz")}
    cases = {}
    for f in sorted(TRUTH.rglob("*")):
        name = f.name.lower()
        if not f.is_file() or name.endswith(".tbi"):
            continue
        named = "GRCh37" if any(t in name for t in ("b37", "grch37", "hg19")) else \
            "GRCh38" if any(t in name for t in ("b38", "grch38", "hg38")) else None
        case = "truth_" + "_".join(f.relative_to(TRUTH).parts).replace(".", "_")
        if name.endswith(SV_INPUT) or name.endswith(CNV_INPUT):
            # a VCF's ##contig lengths say its build where its name does not (alkannot refuses the other one)
            declared = build_of_lengths(vcf_header_lengths(cyvcf2.VCF(str(f)).raw_header)) if ".vcf" in name else None
            build = named or (declared[0] if declared else "GRCh38")
            flag = "--sv" if name.endswith(SV_INPUT) else "--cnv"
            cases[case] = ["--build", build, "--sample", "T", flag, str(f), beside[build]]
        elif name.endswith(SMALL_INPUT):
            samples = cyvcf2.VCF(str(f)).samples if ".vcf" in name else []
            for build in [named] if named else ["GRCh37", "GRCh38"]:
                for tumour in samples if len(samples) > 1 else [None]:
                    pick = ["--tumor-sample", tumour] if tumour else []
                    tag = f"_{build}" + (f"_{tumour}" if tumour else "")
                    cases[case + tag] = ["--build", build, "--sample", "T", *pick, str(f)]
    return cases


def run_truth_case(shim: Path, env: dict, args: list[str], dest: Path) -> None:
    """One truth case into `dest`: the outputs, and exit.txt / stderr.txt (a refusal is an outcome too)."""
    dest.mkdir(parents=True)
    res = subprocess.run([str(shim), "annotate", *args, "--out", str(dest / "out")], env=env,
                         capture_output=True, text=True)
    (dest / "exit.txt").write_text(f"{res.returncode}\n")
    (dest / "stderr.txt").write_text(res.stderr.replace(str(dest), "<out>"))


def cohort_jsons() -> None:
    """The first 100 cohort samples annotated once (by this tree): the cohort report's input."""
    dest = OUT / "compare" / "cohort_json"
    if len(list(dest.glob("*/*.alkannot.json"))) >= 100:
        return
    sheet = IN / "cohort" / "samples.tsv"
    ids = [ln.split("\t")[0] for ln in sheet.read_text().splitlines()[1:101]]
    subprocess.run([str(BIN / "alkannot"), "annotate-batch", "--sheet", str(sheet), "--samples", ",".join(ids),
                    "--outdir", str(dest)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def differences(a: Path, b: Path) -> list[str]:
    out = []
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    out += [f"only in {a}: {p}" for p in sorted(files_a - files_b)]
    out += [f"only in {b}: {p}" for p in sorted(files_b - files_a)]
    out += [f"differs: {p}" for p in sorted(files_a & files_b) if not filecmp.cmp(a / p, b / p, shallow=False)]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="48fe281")
    ap.add_argument("--big", action="store_true", help="also 100,000 records inside ALK")
    ap.add_argument("--cases", nargs="*", help="only these cases")
    ap.add_argument("--truth", action="store_true", help="only the caller outputs in ../shared/truth")
    ap.add_argument("--skip-before", action="store_true", help="reuse the --rev outputs of an earlier run")
    a = ap.parse_args(argv)
    from bench_compound import alk_vcf, kd_vcf

    if not (IN / "panel.vcf").exists() or not (IN / "cohort" / "samples.tsv").exists():
        sys.exit("run benchmarks/generate.py first")
    kd_vcf(64), kd_vcf(128), alk_vcf(10_000)
    cases = ["demo", "panel", "stream", "kd_64", "kd_128", "alk_10000", "cohort_100"]
    if a.big:
        alk_vcf(100_000)
        cases.append("alk_100000")
    cases = a.cases or cases
    if a.truth:
        if not TRUTH.is_dir():
            sys.exit(f"{TRUTH} not found (the shared domain kit)")
        cases = list(truth_cases())
    if "cohort_100" in cases:
        cohort_jsons()
    before, after = OUT / "compare" / a.rev, OUT / "compare" / "HEAD"
    if not a.skip_before:
        print(f"{a.rev}:", file=sys.stderr)
        run(export(a.rev), before, cases)
    print("this tree:", file=sys.stderr)
    run(ROOT, after, cases)
    bad = [f"{c}: {d}" for c in cases for d in differences(before / c, after / c)]
    for d in bad:
        print(d)
    n = sum(1 for c in cases for p in (after / c).rglob("*") if p.is_file())
    named = f"{len(cases)} cases from ../shared/truth" if a.truth else ", ".join(cases)
    print(f"{len(bad)} differences over {n} files ({named})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
