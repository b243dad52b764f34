"""Regenerate the input files of the bad-input corpus (tests/bad_inputs/<case>/ and accepted/<case>/).

    .venv/bin/python tests/bad_inputs/make_cases.py

Each case folder holds its input file(s) and a hand-written case.yaml (kept; this script only
rewrites inputs).  Records are derived from the bundled transcript models (c. position -> genome,
strand handled), so REF alleles are right for the build unless a case breaks them on purpose.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pysam

from alkannot.annotate.protein import CODON_TABLE
from alkannot.annotate.transcripts import load_transcripts, revcomp

HERE = Path(__file__).resolve().parent
ACC = HERE / "accepted"

LENGTHS = {"GRCh37": dict(chr2=243199373, chr7=159138663, chr12=133851895, chr17=81195210),
           "GRCh38": dict(chr2=242193529, chr7=159345973, chr12=133275309, chr17=83257441)}
FORMATS = ('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
           '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
           '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
COLS = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"]


def snv(build: str, gene: str, change: str) -> tuple[str, int, str, str]:
    """'G1202R' -> (chrom, pos, ref, alt): the first single-base change giving it, genome strand."""
    tx = load_transcripts(build).by_gene(gene)
    ref_aa, pos, alt_aa = change[0], int(change[1:-1]), change[-1]
    codon = tx.cds_seq()[(pos - 1) * 3 : pos * 3]
    assert CODON_TABLE[codon] == ref_aa, (gene, change, codon)
    for i in range(3):
        for b in "ACGT":
            new = codon[:i] + b + codon[i + 1 :]
            if b != codon[i] and CODON_TABLE[new] == alt_aa:
                g = tx.t_to_g(tx.cds_start + (pos - 1) * 3 + i)
                r, a = (codon[i], b) if tx.strand == "+" else (revcomp(codon[i]), revcomp(b))
                return "chr" + tx.chrom, g, r, a
    raise ValueError(change)


def base_at(build: str, gene: str, gpos: int) -> str:
    tx = load_transcripts(build).by_gene(gene)
    b = tx.sequence[tx.g_to_t(gpos)]
    return b if tx.strand == "+" else revcomp(b)


def header(build: str | None, samples: list[str], extra: str = "", contigs: bool = True) -> str:
    h = "##fileformat=VCFv4.2\n"
    if contigs and build:
        h += "".join(f"##contig=<ID={c},length={n}>\n" for c, n in LENGTHS[build].items())
    h += '##FILTER=<ID=PASS,Description="All filters passed">\n' + FORMATS + extra
    return h + "\t".join(COLS + samples if samples else COLS[:8]) + "\n"


def rec(chrom: str, pos: int, ref: str, alt: str, sample_cols: list[str] | None = None, info: str = ".",
        fmt: str = "GT:AD:DP", rid: str = ".") -> str:
    cells = [chrom, str(pos), rid, ref, alt, ".", "PASS", info, fmt] + (sample_cols or ["0/1:480,120:600"])
    return "\t".join(cells) + "\n"


def g38(change: str, gene: str = "ALK", **kw) -> str:
    return rec(*snv("GRCh38", gene, change), **kw)


def g37(change: str, gene: str = "ALK", **kw) -> str:
    return rec(*snv("GRCh37", gene, change), **kw)


def write(case: str, name: str, data: str | bytes, group: Path = HERE) -> Path:
    d = group / case
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def bgzip(src: Path, index: bool = False) -> Path:
    out = Path(str(src) + ".gz")
    pysam.tabix_compress(str(src), str(out), force=True)
    if index:
        pysam.tabix_index(str(out), preset="vcf", force=True)
    src.unlink()
    return out


def main() -> None:
    T = ["TUMOR"]
    good = header("GRCh38", T) + g38("G1202R") + g38("L1196M") + g38("R273H", "TP53")  # sorted

    # ---- errors --------------------------------------------------------------------------------
    write("empty_file", "input.vcf", b"")
    p = write("truncated_gzip", "input.vcf", good)
    gz = bgzip(p)
    gz.write_bytes(gz.read_bytes()[:200])
    # plain gzip next to an index made for the bgzip version of the same text
    d = HERE / "gzip_not_bgzip_with_index"
    p = write("gzip_not_bgzip_with_index", "bgz.vcf", good)
    bgz = bgzip(p, index=True)
    shutil.move(str(bgz) + ".tbi", d / "input.vcf.gz.tbi")
    bgz.unlink()
    (d / "input.vcf.gz").write_bytes(gzip.compress(good.encode(), mtime=0))
    # unsorted records (TP53 before ALK) with an index made for the sorted file
    p = write("unsorted_with_stale_index", "sorted.vcf", good)
    s = bgzip(p, index=True)
    d = HERE / "unsorted_with_stale_index"
    shutil.move(str(s) + ".tbi", d / "input.vcf.gz.tbi")
    s.unlink()
    p = write("unsorted_with_stale_index", "input.vcf",
              header("GRCh38", T) + g38("R273H", "TP53") + g38("G1202R") + g38("L1196M"))
    bgzip(p)
    write("not_a_vcf", "input.vcf", "chr2\t29220700\t29220800\tALK_exon23\nchr17\t7673700\t7673800\tTP53\n")
    p = write("bgzipped_bed", "input.vcf", "chr2\t29220700\t29220800\tALK_exon23\n")
    bgzip(p)
    write("binary_garbage", "input.vcf", bytes((i * 37 + 11) % 256 for i in range(4096)))
    write("no_fileformat_line", "input.vcf", good.split("\n", 1)[1])
    write("no_chrom_line", "input.vcf", good.replace("\t".join(COLS + T) + "\n", ""))
    write("malformed_format_header", "input.vcf",
          good.replace("##FORMAT=<ID=AD,Number=R,", "##FORMAT=<ID=AD Number=R,"))
    write("malformed_info_header", "input.vcf",
          header("GRCh38", T, '##INFO=<ID=DP,Number=1,Type=Int,Description="Depth">\n') + g38("G1202R"))
    write("space_separated_header", "input.vcf", good.replace("\t".join(COLS + T), " ".join(COLS + T)))
    write("space_separated_record", "input.vcf",
          header("GRCh38", T) + g38("L1196M") + g38("G1202R").replace("\t", " ") + g38("R273H", "TP53"))
    write("record_seven_columns_midfile", "input.vcf",
          header("GRCh38", T) + g38("L1196M") + "\t".join(g38("G1202R").split("\t")[:7]) + "\n"
          + g38("R273H", "TP53"))
    c, pos, r, a = snv("GRCh38", "ALK", "G1202R")
    write("pos_not_numeric", "input.vcf", header("GRCh38", T) + g38("L1196M") + rec(c, "29220747x", r, a))
    write("pos_thousands_separator", "input.vcf", header("GRCh38", T) + rec(c, f"{pos:,}", r, a))
    write("ref_not_dna", "input.vcf", header("GRCh38", T) + g38("L1196M") + rec(c, pos, "C?", a))
    write("alt_dash_maf_style", "input.vcf", header("GRCh38", T) + g38("L1196M") + rec(c, pos - 1, "GC", "-"))
    write("format_integer_garbage", "input.vcf",
          header("GRCh38", T) + g38("L1196M") + g38("G1202R", sample_cols=["0/1:lots,some:600"]))
    # several records whose REF disagrees with GRCh38 (complement written instead of the base)
    bad = "".join(rec(*x[:2], revcomp(x[2]), x[2]) for x in
                  (snv("GRCh38", "ALK", "G1202R"), snv("GRCh38", "ALK", "L1196M"),
                   snv("GRCh38", "TP53", "R273H"), snv("GRCh38", "KRAS", "G12D")))
    write("ref_mismatch_several", "input.vcf", header("GRCh38", T) + bad)
    g37_recs = g37("G1202R") + g37("L1196M") + g37("R273H", "TP53") + g37("G12D", "KRAS") + g37("L858R", "EGFR")
    write("grch37_run_as_grch38_by_contig", "input.vcf", header("GRCh37", T) + g37_recs)
    write("grch37_run_as_grch38_by_ref", "input.vcf", header(None, T, contigs=False) + g37_recs)
    write("grch38_run_as_grch37_by_contig", "input.vcf", header("GRCh38", T) + g38("G1202R"))
    write("no_build_no_contigs", "input.vcf", header(None, T, contigs=False) + g38("G1202R"))
    three = ["NORMAL_BLOOD", "TUMOR_A", "TUMOR_B"]
    write("multi_sample_no_tumour", "input.vcf",
          header("GRCh38", three) + g38("G1202R", sample_cols=["0/0:600,0:600"] + ["0/1:480,120:600"] * 2))
    write("tumour_sample_not_in_vcf", "input.vcf",
          header("GRCh38", three) + g38("G1202R", sample_cols=["0/0:600,0:600"] + ["0/1:480,120:600"] * 2))
    write("duplicate_sample_names", "input.vcf",
          header("GRCh38", ["S1", "S1"]) + g38("G1202R", sample_cols=["0/0:600,0:600", "0/1:480,120:600"]))
    write("non_utf8_sample_name", "input.vcf", (header("GRCh38", ["Tumeur_\xe9chantillon"]) + g38("G1202R"))
          .encode("latin-1"))
    write("non_utf8_record_id", "input.vcf", (header("GRCh38", T) + g38("L1196M") + g38("G1202R", rid="r\xe9f1"))
          .encode("latin-1"))
    for case in ("sample_id_with_space", "sample_id_with_slash", "sample_id_dotdot", "sample_id_html",
                 "bad_specimen", "tumour_fraction_percent", "tumour_fraction_not_a_number", "bad_build_name",
                 "out_is_a_file", "input_is_a_directory", "cnv_wrong_shape", "cnv_missing_file",
                 "sv_wrong_shape"):
        write(case, "input.vcf", good)
    (HERE / "input_is_a_directory" / "input.vcf").unlink()
    (HERE / "input_is_a_directory" / "calls.vcf").mkdir(exist_ok=True)
    (HERE / "input_is_a_directory" / "calls.vcf" / ".keep").write_text("")
    write("out_is_a_file", "results", "not a directory\n")
    write("cnv_wrong_shape", "copy_number.tsv", "gene\tscore\tcomment\nALK\t0.9\tlooks amplified\n")
    write("sv_wrong_shape", "fusions.tsv", "patient\tnotes\nP001\tEML4-ALK seen by FISH\n")

    # ---- accepted by design -----------------------------------------------------------------
    c, pos, r, a = snv("GRCh38", "ALK", "G1202R")
    write("symbolic_alleles", "input.vcf",
          header("GRCh38", T, '##ALT=<ID=DEL,Description="Deletion">\n'
                 '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">\n'
                 '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n')
          + rec(c, pos - 10, base_at("GRCh38", "ALK", pos - 10), "<DEL>", info=f"SVTYPE=DEL;END={pos + 40}")
          + g38("G1202R"), ACC)
    write("spanning_deletion_star", "input.vcf",
          header("GRCh38", T) + rec(c, pos, r, f"{a},*", sample_cols=["1/2:300,150,150:600"]) + g38("L1196M"),
          ACC)
    gv = ('##ALT=<ID=NON_REF,Description="Represents any possible alternative allele">\n'
          '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">\n'
          '##GVCFBlock0-20=minGQ=0(inclusive),maxGQ=20(exclusive)\n')
    write("gvcf_non_ref_blocks", "input.vcf",
          header("GRCh38", T, gv)
          + rec(c, pos - 20, base_at("GRCh38", "ALK", pos - 20), "<NON_REF>", info=f"END={pos - 1}",
                sample_cols=["0/0:600,0:600"])
          + rec(c, pos, r, f"{a},<NON_REF>", sample_cols=["0/1:480,120,0:600"])
          + rec(c, pos + 1, base_at("GRCh38", "ALK", pos + 1), "<NON_REF>", info=f"END={pos + 30}",
                sample_cols=["0/0:600,0:600"]), ACC)
    write("bcftools_gvcf_star_symbolic", "input.vcf",
          header("GRCh38", T) + rec(c, pos, r, f"{a},<*>", sample_cols=["0/1:480,120,0:600"])
          + rec(c, pos + 1, base_at("GRCh38", "ALK", pos + 1), "<*>", sample_cols=["0/0:600,0:600"]), ACC)
    write("header_only", "input.vcf", header("GRCh38", T), ACC)
    write("header_only_no_contigs", "input.vcf", header(None, T, contigs=False), ACC)
    write("no_samples_sites_only", "input.vcf",
          header("GRCh38", []) + "\t".join(g38("G1202R").split("\t")[:8]) + "\n", ACC)
    huge = "NOTE=" + "A" * 1_000_000
    p = write("enormous_info", "input.vcf",
              header("GRCh38", T, '##INFO=<ID=NOTE,Number=1,Type=String,Description="Free text">\n')
              + g38("L1196M", info=huge) + g38("G1202R"), ACC)
    bgzip(p)
    write("blank_lines", "input.vcf", header("GRCh38", T) + g38("L1196M") + "\n" + g38("G1202R") + "\n", ACC)
    write("unsorted_no_index", "input.vcf",
          header("GRCh38", T) + g38("R273H", "TP53") + g38("G1202R") + g38("L1196M"), ACC)
    (ACC / "plain_gzip_no_index").mkdir(parents=True, exist_ok=True)
    (ACC / "plain_gzip_no_index" / "input.vcf.gz").write_bytes(gzip.compress(good.encode(), mtime=0))
    write("crlf_line_endings", "input.vcf", good.replace("\n", "\r\n"), ACC)
    write("vcf_sample_name_html_and_spaces", "input.vcf",
          header("GRCh38", ["<b>P 001</b> tumour"]) + g38("G1202R"), ACC)
    write("no_alt_allele", "input.vcf", header("GRCh38", T) + rec(c, pos, r, ".", sample_cols=["0/0:600:600"])
          + g38("L1196M"), ACC)
    write("breakend_alt_in_alk", "input.vcf",
          header("GRCh38", T, '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">\n')
          + rec(c, pos, r, f"{r}]chr2:42300000]", info="SVTYPE=BND") + g38("L1196M"), ACC)
    write("alt_slash_varscan", "input.vcf", header("GRCh38", T) + rec(c, pos, r, f"{a}/G") + g38("L1196M"), ACC)
    write("contig_not_in_header", "input.vcf",
          header("GRCh38", T) + g38("G1202R") + rec("chr3", 1000000, "A", "G"), ACC)


if __name__ == "__main__":
    main()
