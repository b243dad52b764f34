"""Regenerate the inputs of tests/bad_inputs/more/: sample sheets, YAML, BAM/CRAM, population-AF files.

Run: .venv/bin/python tests/bad_inputs/make_more_cases.py   (case.yaml files are written too)
Each case.yaml: command (annotate | annotate-batch), args, exit, error (regex), why; optional env.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pysam
import yaml

HERE = Path(__file__).resolve().parent / "more"
REPO = Path(__file__).resolve().parents[2]
VCF = REPO / "test-data" / "P001_T2.vcf"
BAM = REPO / "test-data" / "P001_T2.bam"
HEAD = ("sample\tpatient\tspecimen\ttimepoint\tbuild\tvcf\ttumor_sample\tcurrent_tki\tprior_tkis\t"
        "tumor_fraction\tploidy\n")
ROW = "S1\tP1\ttissue\t2024-06-03\tGRCh38\tinput.vcf\tP001_T2_tumor\talectinib\tcrizotinib\t0.4\t2\n"
BATCH = ["--sheet", "sheet.tsv", "--outdir", "out"]
ANNOT = ["input.vcf", "--build", "GRCh38", "--tumor-sample", "P001_T2_tumor"]


def case(name: str, command: str, args: list[str], error: str, why: str, files: dict[str, str | bytes] = None,
         exit: int = 2, env: dict | None = None, vcf: bool = True) -> Path:
    d = HERE / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    if vcf:
        shutil.copy(VCF, d / "input.vcf")
    for fname, content in (files or {}).items():
        if content is None:
            continue
        (d / fname).write_bytes(content if isinstance(content, bytes) else content.encode())
    spec = {"command": command, "args": args, "exit": exit, "error": error, "why": why}
    if env:
        spec["env"] = env
    (d / "case.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, width=120))
    return d


def sheet_cases() -> None:
    def s(name, text, error, why, **kw):
        case(name, "annotate-batch", BATCH, error, why, {"sheet.tsv": text}, **kw)

    s("sheet_unknown_column", HEAD.replace("tumor_fraction", "tumour_fraction") + ROW,
      r"sheet\.tsv:1: unknown column 'tumour_fraction' \(did you mean tumor_fraction\?",
      "A misspelt column must not be ignored (the value would silently not apply): name it and suggest.")
    s("sheet_header_trailing_space", HEAD.replace("specimen", "specimen ") + ROW.replace("tissue", "plasma"),
      r"sheet\.tsv:1: column 'specimen ' has spaces around its name \(rename it to 'specimen'\)",
      "A 'specimen ' column was ignored and a plasma sample ran as tissue: refuse, naming the column.")
    s("sheet_csv", HEAD.replace("\t", ",") + ROW.replace("\t", ","),
      r"sheet\.tsv: the sample sheet is comma-separated \(CSV\), not tab-separated",
      "CSV sheets gave a pandas KeyError traceback: recognise them in one line.")
    s("sheet_semicolon", HEAD.replace("\t", ";") + ROW.replace("\t", ";"),
      r"the sample sheet is semicolon-separated, not tab-separated",
      "European spreadsheet exports use ';': recognise them.")
    s("sheet_extra_tab_shifts_columns", HEAD + ROW.replace("\tP1\t", "\t\tP1\t"),
      r"sheet\.tsv:2: sample 'S1': 12 tab-separated cells but the header has 11 columns \(an extra tab",
      "An extra tab shifts every later column; blame the row and the count, not a later column's value.")
    s("sheet_trailing_tab_every_row", HEAD + ROW.rstrip("\n") + "\t\n",
      r"sheet\.tsv:2: sample 'S1': 12 tab-separated cells but the header has 11 columns \(a trailing tab\?\)",
      "pandas took the first column as the index when every row had a trailing tab: name the row instead.")
    s("sheet_header_trailing_tab", HEAD.rstrip("\n") + "\t\n" + ROW,
      r"sheet\.tsv:1: empty column name at the end of the header line \(a trailing tab\?\)",
      "An unnamed column cannot be interpreted.")
    s("sheet_duplicate_column", HEAD.rstrip("\n") + "\tspecimen\n" + ROW.rstrip("\n") + "\tplasma\n",
      r"sheet\.tsv:1: column 'specimen' appears twice", "Which of the two values applies is unknowable.")
    s("sheet_missing_vcf_column", "sample\tpatient\nS1\tP1\n", r"sheet\.tsv:1: sample sheet lacks the 'vcf' column",
      "The VCF is required.")
    s("sheet_non_iso_date", HEAD + ROW.replace("2024-06-03", "03/06/2024"),
      r"sheet\.tsv:2: sample 'S1', column 'timepoint': '03/06/2024' is not an ISO 8601 date",
      "03/06/2024 is March or June depending on the lab: a non-ISO date reorders the timeline. Refuse.")
    s("sheet_month_name_date", HEAD + ROW.replace("2024-06-03", "Jun 3 2024"),
      r"sheet\.tsv:2: sample 'S1', column 'timepoint': 'Jun 3 2024' is not an ISO 8601 date",
      "A month-name date cannot be sorted as a date.")
    s("sheet_impossible_date", HEAD + ROW.replace("2024-06-03", "2024-02-30"),
      r"sheet\.tsv:2: sample 'S1', column 'timepoint': '2024-02-30' is not a valid date",
      "ISO-shaped but not a calendar date.")
    s("sheet_tumor_fraction_percent", HEAD + ROW.replace("\t0.4\t", "\t40\t"),
      r"sheet\.tsv:2: sample 'S1', column 'tumor_fraction': 40 is outside \(0, 1\] \(a percentage\?",
      "A percentage given as a fraction.")
    s("sheet_tumor_fraction_text", HEAD + ROW.replace("\t0.4\t", "\thigh\t"),
      r"sheet\.tsv:2: sample 'S1', column 'tumor_fraction': 'high' is not a number",
      "Numbers are numbers (the schema regex let other text through to an internal error).")
    s("sheet_tumor_fraction_nan", HEAD + ROW.replace("\t0.4\t", "\tnan\t"),
      r"column 'tumor_fraction': nan is outside \(0, 1\]", "float('nan') parses but is no fraction.")
    s("sheet_ploidy_zero", HEAD + ROW.replace("\t2\n", "\t0\n"),
      r"sheet\.tsv:2: sample 'S1', column 'ploidy': 0 is outside \[0\.5, 8\]", "Ploidy has bounds.")
    s("sheet_ploidy_text", HEAD + ROW.replace("\t2\n", "\tdiploid\n"),
      r"sheet\.tsv:2: sample 'S1', column 'ploidy': 'diploid' is not a number", "Ploidy is a number.")
    s("sheet_bad_specimen", HEAD + ROW.replace("tissue", "Plasma"),
      r"sheet\.tsv:2: sample 'S1', column 'specimen': 'Plasma' is not one of tissue, plasma, csf "
      r"\(did you mean plasma\?\)", "Enumerated values are exact; suggest the nearest.")
    s("sheet_bad_current_tki", HEAD + ROW.replace("alectinib", "alectinb"),
      r"column 'current_tki': 'alectinb' is not one of .* \(did you mean alectinib\?\)", "A misspelt TKI.")
    s("sheet_prior_tkis_with_space", HEAD + ROW.replace("\tcrizotinib\t", "\tcrizotinib, ceritinib\t"),
      r"column 'prior_tkis': ' ceritinib' is not one of", "A space after the comma is not a TKI name.")
    s("sheet_value_with_spaces", HEAD + ROW.replace("\tP1\t", "\tP1 \t"),
      r"sample 'S1', column 'patient': value 'P1 ' has spaces around it", "Invisible spaces change ids.")
    s("sheet_duplicate_sample", HEAD + ROW + ROW, r"sheet\.tsv:3: duplicate sample id 'S1'", "Ids name files.")
    s("sheet_not_utf8", (HEAD + ROW.replace("P1", "P\xe91")).encode("latin-1"),
      r"sheet\.tsv: sample sheet is not UTF-8 text", "Encoding problems are one line, not a UnicodeDecodeError.")
    s("sheet_empty", "", r"sheet\.tsv: sample sheet is empty", "Nothing to run.")
    s("sheet_only_comments", "# samples\n# none yet\n", r"sample sheet is empty", "Nothing to run.")
    s("sheet_bad_patient_id", HEAD + ROW.replace("\tP1\t", "\tP/1\t"),
      r"column 'patient': patient id 'P/1' is not a safe name", "Patient ids name timeline files.")
    s("sheet_bad_build", HEAD + ROW.replace("GRCh38", "hg38"),
      r"column 'build': 'hg38' is not one of GRCh37, GRCh38", "Builds are named GRCh37/GRCh38.")
    s("sheet_is_a_directory", None, r"is a directory, not a sample sheet", "A folder is not a sheet.")
    tagged = HEAD.rstrip("\n") + "\ttumor_af_tag\n"
    s("sheet_vaf_tag_bad_name", tagged + ROW.rstrip("\n") + "\tTVAF%\n",
      r"sheet\.tsv:2: sample 'S1', column 'tumor_af_tag': 'TVAF%' is not a VCF tag name",
      "A tag is named as bcftools names it (INFO/ID, FORMAT/ID or ID); checked with the other cells.")


def cli_cases() -> None:
    case("timepoint_not_iso", "annotate", ANNOT + ["--timepoint", "3.6.2024"],
         r"--timepoint: '3\.6\.2024' is not an ISO 8601 date \(YYYY-MM-DD\) \(write dates as YYYY-MM-DD",
         "Flags go through the same checks as the sheet (alkannot.sheet.spec_from_row).")
    case("ploidy_flag_out_of_bounds", "annotate", ANNOT + ["--ploidy", "12"],
         r"--ploidy: 12 is outside \[0\.5, 8\]", "Same bounds as the sheet column.")


LOL = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *[f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")],
]) + "\n"


def yaml_cases() -> None:
    case("kb_extra_billion_laughs", "annotate", ANNOT + ["--kb-extra", "extra.yaml"],
         r"extra\.yaml: refused: YAML aliases expand to more than 1,000,000 nodes",
         "A 680-byte alias bomb took 33 s and 3.1 GB: refuse it before constructing anything.",
         {"extra.yaml": LOL})
    case("kb_extra_recursive_alias", "annotate", ANNOT + ["--kb-extra", "extra.yaml"],
         r"extra\.yaml: refused: the YAML refers to itself through an alias",
         "A self-referencing structure cannot be validated or merged.", {"extra.yaml": "a: &x [1, *x]\n"})
    d = case("kb_extra_too_large", "annotate", ANNOT + ["--kb-extra", "extra.yaml"],
             r"extra\.yaml: refused: file is 300,000 bytes, over the 200,000-byte limit for YAML files",
             "Every YAML read has a size limit (lowered for the test with ALKANNOT_MAX_YAML_BYTES; the runner "
             "makes the 300 kB file from `make`).", env={"ALKANNOT_MAX_YAML_BYTES": "200000"})
    spec = yaml.safe_load((d / "case.yaml").read_text())
    spec["make"] = {"extra.yaml": 300000}
    (d / "case.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, width=120))


def _bam_with_lengths(src: Path, dst: Path, length: int) -> None:
    with pysam.AlignmentFile(str(src)) as inp:
        header = inp.header.to_dict()
        header["SQ"] = [{**sq, "LN": length} for sq in header["SQ"]]
        with pysam.AlignmentFile(str(dst), "wb", header=header) as out:
            for r in inp:
                out.write(pysam.AlignedSegment.fromstring(r.to_string(), out.header))
    pysam.index(str(dst))


def bam_cases() -> None:
    args = ANNOT + ["--alignment", "reads.bam"]
    d = case("bam_garbage", "annotate", args, r"reads\.bam: not a BAM or CRAM file \(unrecognised content\)",
             "Random bytes gave several htslib [E::] lines.", {"reads.bam": os.urandom(4096),
                                                                "reads.bam.bai": b"BAI\x01"})
    d = case("bam_index_for_another_bam", "annotate", args,
             r"reads\.bam: the BAM index does not describe this file",
             "An index made for another BAM gave 'Closing failed' and [E::] lines: probe it, one line.")
    other = d / "other.bam"
    with pysam.AlignmentFile(str(BAM)) as inp:
        header = inp.header.to_dict()
        header["SQ"] = [{"SN": "chrX", "LN": 1000}, *header["SQ"]]
        with pysam.AlignmentFile(str(d / "reads.bam"), "wb", header=header) as out:
            for r in inp:
                out.write(pysam.AlignedSegment.fromstring(r.to_string(), out.header))
    shutil.copy(BAM, other)
    pysam.index(str(other))
    time.sleep(0.01)
    shutil.copy(str(other) + ".bai", d / "reads.bam.bai")
    other.unlink()
    Path(str(other) + ".bai").unlink()
    d = case("bam_index_from_other_sample", "annotate", args,
             r"reads\.bam: the BAM index does not describe this file",
             "Another sample's index (same header, newer mtime) read 0 records and said 'no ALK mutations'.")
    shutil.copy(BAM, d / "reads.bam")
    shutil.copy(REPO / "test-data" / "P002_plasma.bam.bai", d / "reads.bam.bai")
    d = case("cram_named_bam_without_reference", "annotate", args,
             r"reads\.bam: a CRAM needs its reference FASTA \(the file is CRAM although it is named like a BAM\)",
             "htslib tried to fetch the reference and printed [E::] lines.")
    fa = d / "ref.fa"
    fa.write_text(">chr2\n" + "ACGT" * 250 + "\n")
    pysam.faidx(str(fa))
    hdr = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr2", "LN": 1000}]}
    with pysam.AlignmentFile(str(d / "reads.bam"), "wc", header=hdr, reference_filename=str(fa)) as out:
        a = pysam.AlignedSegment(out.header)
        a.query_name, a.query_sequence, a.flag, a.reference_id, a.reference_start = "r1", "ACGTACGTAC", 0, 0, 0
        a.mapping_quality, a.cigarstring, a.query_qualities = 60, "10M", pysam.qualitystring_to_array("I" * 10)
        out.write(a)
    pysam.index(str(d / "reads.bam"))
    fa.unlink()
    Path(str(fa) + ".fai").unlink()
    d = case("bam_grch37_with_grch38_vcf", "annotate", args,
             r"reads\.bam: alignment is on GRCh37 \(contig lengths\) but the VCF is GRCh38",
             "A GRCh37 BAM with a GRCh38 VCF gave 0x at every hotspot and 'unresolved' phase without a word.")
    _bam_with_lengths(BAM, d / "reads.bam", 243199373)
    d = case("bam_no_index", "annotate", args, r"reads\.bam: alignment file has no index \(run 'samtools index'",
             "Region reads need the index.")
    shutil.copy(BAM, d / "reads.bam")
    d = case("bam_is_sam_text", "annotate", args, r"reads\.bam: alignment is uncompressed SAM text",
             "SAM cannot be read by region.", {"reads.bam": "@HD\tVN:1.6\n@SQ\tSN:chr2\tLN:242193529\n"})
    case("bam_empty", "annotate", args, r"reads\.bam: alignment file is empty", "The upstream step failed.",
         {"reads.bam": b""})
    d = case("bam_stale_index", "annotate", args,
             r"reads\.bam: index reads\.bam\.bai is older than the alignment",
             "The BAM was replaced after indexing: the index may describe another file.")
    shutil.copy(BAM, d / "reads.bam")
    shutil.copy(str(BAM) + ".bai", d / "reads.bam.bai")
    spec = yaml.safe_load((d / "case.yaml").read_text())
    spec["older"] = ["reads.bam.bai"]
    (d / "case.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, width=120))
    d = case("cram_without_reference", "annotate", ANNOT + ["--alignment", "reads.cram"],
             r"reads\.cram: a CRAM needs its reference FASTA", "Never download a reference at run time.",
             {"reads.cram": b"CRAM\x03\x00"})


def population_af_cases() -> None:
    args = ANNOT + ["--population-af", "gnomad.vcf.gz"]
    case("population_af_missing", "annotate", args, r"gnomad\.vcf\.gz: population_af file not found",
         "A missing file is named.")
    case("population_af_not_vcf", "annotate", args,
         r"gnomad\.vcf\.gz: cannot read the population AF file as VCF/BCF",
         "htslib's own messages are folded into one line.", {"gnomad.vcf.gz": "rsid\tAF\nrs1\t0.1\n"})
    case("population_af_without_af", "annotate", args, r"gnomad\.vcf\.gz: population AF file has no INFO/AF field",
         "Without INFO/AF nothing can be labelled: say so rather than labelling nothing silently.",
         {"gnomad.vcf.gz": "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"})


def main() -> None:
    HERE.mkdir(exist_ok=True)
    sheet_cases()
    (HERE / "sheet_is_a_directory" / "sheet.tsv").mkdir()
    (HERE / "sheet_is_a_directory" / "sheet.tsv" / ".keep").write_text("")
    cli_cases()
    yaml_cases()
    bam_cases()
    population_af_cases()


if __name__ == "__main__":
    main()
