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

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import CODON_TABLE, revcomp

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
    cnv_sv_cases(good)
    vcf_families(T)
    vaf_tag_cases(T)


# ---- copy-number and SV/fusion values (issue 18) and MAF input (issue 13) -----------------------------

CNV_VCF_HEADER = ("##fileformat=VCFv4.2\n##source=DELLY\n##contig=<ID=7,length=159345973>\n"
                  '##ALT=<ID=CNV,Description="Copy number variable region">\n'
                  '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
                  '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">\n'
                  '##INFO=<ID=CN,Number=1,Type=Integer,Description="Copy number">\n'
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
MANTA_HEADER = ("##fileformat=VCFv4.1\n##source=GenerateSVCandidates 1.6.0\n##contig=<ID=chr2,length=242193529>\n"
                '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
                '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">\n'
                '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">\n'
                '##INFO=<ID=PE,Number=1,Type=Integer,Description="Paired-end support">\n'
                '##INFO=<ID=SR,Number=1,Type=Integer,Description="Split-read support">\n'
                '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support">\n'
                '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads">\n'
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n")
ARRIBA_COLS = ["#gene1", "gene2", "strand1(gene/fusion)", "strand2(gene/fusion)", "breakpoint1", "breakpoint2",
               "site1", "site2", "type", "split_reads1", "split_reads2", "discordant_mates", "coverage1",
               "coverage2", "confidence", "reading_frame", "tags", "retained_protein_domains",
               "closest_genomic_breakpoint1", "closest_genomic_breakpoint2", "gene_id1", "gene_id2",
               "transcript_id1", "transcript_id2", "direction1", "direction2", "filters", "fusion_transcript",
               "peptide_sequence", "read_identifiers"]
ARRIBA_ROW = ["EML4", "ALK", "+/+", "-/+", "2:42295516", "2:29223528", "splice-site", "splice-site", "inversion",
              "5", "4", "3", "40", "50", "high", "in-frame", ".", ".", ".", ".", "ENSG00000143924",
              "ENSG00000171094", "ENST00000318522", "ENST00000389048", "downstream", "downstream", ".", ".", ".",
              "."]
PURPLE_COLS = ("chromosome\tstart\tend\tcopyNumber\tbafCount\tobservedBAF\tbaf\tsegmentStartSupport\t"
               "segmentEndSupport\tmethod\tdepthWindowCount\tgcContent\tminStart\tmaxStart\t"
               "minorAlleleCopyNumber\tmajorAlleleCopyNumber\n")


def purple_row(chrom: str, start: int, end: int, cn: str) -> str:
    return f"{chrom}\t{start}\t{end}\t{cn}\t100\t0.5\t0.5\tBND\tBND\tBAF_WEIGHTED\t500\t0.4\t{start}\t{start}\t1\t1\n"


def manta_bnd(alt1: str, alt2: str = "C]chr2:29224000]", info: str = "") -> str:
    return (f"chr2\t29224000\tMantaBND:0\tA\t{alt1}\t.\tPASS\tSVTYPE=BND;MATEID=MantaBND:1{info}\tPR:SR\t"
            "20,0:18,0\t30,12:25,9\n"
            f"chr2\t42325800\tMantaBND:1\tC\t{alt2}\t.\tPASS\tSVTYPE=BND;MATEID=MantaBND:0\tPR:SR\t"
            "20,0:18,0\t30,12:25,9\n")


def maf_text(rows: list[dict]) -> str:
    cols = ["Hugo_Symbol", "NCBI_Build", "Chromosome", "Start_Position", "End_Position", "Variant_Classification",
            "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "Tumor_Sample_Barcode",
            "t_depth", "t_ref_count", "t_alt_count"]
    return "#version gdc-1.0.0\n" + "\t".join(cols) + "\n" + "".join("\t".join(str(r[c]) for c in cols) + "\n"
                                                                    for r in rows)


def maf_row(change: str, gene: str = "ALK", build: str = "GRCh38", sample: str = "TCGA-05-4244-01A",
            alt_count: str = "120") -> dict:
    c, pos, r, a = snv(build, gene, change)
    return {"Hugo_Symbol": gene, "NCBI_Build": build, "Chromosome": c, "Start_Position": pos, "End_Position": pos,
            "Variant_Classification": "Missense_Mutation", "Variant_Type": "SNP", "Reference_Allele": r,
            "Tumor_Seq_Allele1": r, "Tumor_Seq_Allele2": a, "Tumor_Sample_Barcode": sample, "t_depth": 600,
            "t_ref_count": 480, "t_alt_count": alt_count}


def cnv_sv_cases(good: str) -> None:
    for case in ("cnv_vcf_cn_text", "cnv_vcf_cn_list", "cnv_log2_inf", "cnv_log2_1e308", "cnv_purple_cn_infinite",
                 "cnv_clincnv_germline", "sv_bnd_missing_bracket", "sv_bnd_position_not_numeric",
                 "sv_bnd_no_colon", "sv_bnd_mismatched_brackets", "sv_info_pe_list", "sv_arriba_cut_row",
                 "sv_star_fusion_cut_row", "sv_only_comment_lines"):
        write(case, "input.vcf", good)
    cnv1 = "7\t100000000\tCNV1\tN\t<CNV>\t.\tPASS\tSVTYPE=CNV;END=116000000;CN=2\n"
    write("cnv_vcf_cn_text", "copy_number.vcf", CNV_VCF_HEADER + cnv1 +
          "7\t116500000\tCNV2\tN\t<CNV>\t.\tPASS\tSVTYPE=CNV;END=117000000;CN=high\n")
    write("cnv_vcf_cn_list", "copy_number.vcf", CNV_VCF_HEADER + cnv1 +
          "7\t116500000\tCNV2\tN\t<CNV>\t.\tPASS\tSVTYPE=CNV;END=117000000;CN=9,10\n")
    cns = "chromosome\tstart\tend\tgene\tlog2\tprobes\nchr7\t116000000\t116600000\tMET\t0.1\t10\n"
    write("cnv_log2_inf", "copy_number.cns", cns + "chr7\t116600000\t116900000\tMET\tinf\t10\n")
    write("cnv_log2_1e308", "copy_number.cns", cns + "chr7\t116600000\t116900000\tMET\t1e308\t10\n")
    write("cnv_purple_cn_infinite", "copy_number.tsv", PURPLE_COLS + purple_row("7", 1, 116000000, "2")
          + purple_row("7", 116000001, 117000000, "Infinity"))
    write("cnv_clincnv_germline", "copy_number.tsv",
          "##ANALYSISTYPE=CLINCNV_GERMLINE_SINGLE\n##gender of sample: F\n"
          "#chr\tstart\tend\tCN_change\tloglikelihood\tno_of_regions\tlength_KB\tpotential_AF\tgenes\tqvalue\n"
          "chr7\t116000001\t117000000\t3\t5\t2\t1.017\t0.045\tMET\t0.00168\n")
    write("sv_bnd_missing_bracket", "sv.vcf", MANTA_HEADER + manta_bnd("A]chr2:42325800"))
    write("sv_bnd_position_not_numeric", "sv.vcf", MANTA_HEADER + manta_bnd("A]chr2:42325x00]"))
    write("sv_bnd_no_colon", "sv.vcf", MANTA_HEADER + manta_bnd("A]chr2_42325800]"))
    write("sv_bnd_mismatched_brackets", "sv.vcf", MANTA_HEADER + manta_bnd("A]chr2:42325800["))
    write("sv_info_pe_list", "sv.vcf", MANTA_HEADER + manta_bnd("A]chr2:42325800]", info=";PE=5,6"))
    write("sv_arriba_cut_row", "fusions.tsv", "\t".join(ARRIBA_COLS) + "\n" + "\t".join(ARRIBA_ROW[:5]) + "\n")
    write("sv_star_fusion_cut_row", "star-fusion.fusion_predictions.tsv",
          "#FusionName\tJunctionReadCount\tSpanningFragCount\tSpliceType\tLeftGene\tLeftBreakpoint\t"
          "RightGene\tRightBreakpoint\nEML4--ALK\t14\t6\n")
    write("sv_only_comment_lines", "fusions.tsv", "##arriba 2.4.0\n##no header follows\n")
    # MAF given as the small-variant input
    two = maf_text([maf_row("G1202R"), maf_row("G1202R", sample="TCGA-05-4245-01A")])
    write("maf_two_tumours_no_choice", "calls.maf", two)
    write("maf_build_contradicts_cli", "calls.maf", maf_text([maf_row("G1202R")]))
    write("maf_alt_count_not_a_count", "calls.maf", maf_text([maf_row("L1196M"), maf_row("G1202R", alt_count="12.5")]))
    cut = maf_text([maf_row("L1196M"), maf_row("G1202R")]).splitlines()
    cut[-1] = "\t".join(cut[-1].split("\t")[:6])
    write("maf_cut_row", "calls.maf", "\n".join(cut) + "\n")

    # ---- accepted ----
    for case in ("sv_manta_header_only", "sv_arriba_comment_lines", "cnv_purple_negative_copy_number",
                 "cnv_clincnv_tumour_normal"):
        write(case, "input.vcf", good, ACC)
    write("sv_manta_header_only", "sv.vcf", MANTA_HEADER, ACC)
    write("sv_arriba_comment_lines", "fusions.tsv", "##arriba 2.4.0\n##command: arriba -x Aligned.out.bam\n"
          + "\t".join(ARRIBA_COLS) + "\n" + "\t".join(ARRIBA_ROW) + "\n", ACC)
    write("cnv_purple_negative_copy_number", "copy_number.tsv", PURPLE_COLS + purple_row("13", 1, 48000000, "2")
          + purple_row("13", 48000001, 49000000, "-1.5") + purple_row("13", 49000001, 114364328, "2"), ACC)
    write("cnv_clincnv_tumour_normal", "copy_number.tsv",
          "##ANALYSISTYPE=CLINCNV_TUMOR_NORMAL_PAIR\n##  QC  0 , gender of sample: F\n"
          "#chr\tstart\tend\tsample\tsize\ttumor_CN_change\tstate\tmajor_CN_allele\tminor_CN_allele\t"
          "tumor_clonality\tCN_change\tloglikelihood\tnumber_of_regions\tgenes\tcnv_type\n"
          "chr7\t1\t159345973\tsomatic\t159345973\t8\tAMP\t6\t2\t0.85\t7.1\t7118\t406\tMET\tchromosome\n", ACC)


def vcf_families(T: list[str]) -> None:
    """Issue 13 (genotype, build, htslib parity) and issue 18 (VCF value / index / contig) cases."""
    c, pos, r, a = snv("GRCh38", "ALK", "G1202R")
    # ---- malformed meta-lines htslib reads on: warnings with line numbers (issue 13.3) -------------
    write("malformed_format_header", "input.vcf",
          header("GRCh38", T).replace("##FORMAT=<ID=AD,Number=R,", "##FORMAT=<ID=AD Number=R,") + g38("G1202R"),
          ACC)
    write("malformed_info_header", "input.vcf",
          header("GRCh38", T, '##INFO=<ID=DP,Number=1,Type=Int,Description="Depth">\n') + g38("G1202R"), ACC)
    write("info_description_extra_text_vep", "input.vcf",
          header("GRCh38", T, '##INFO=<ID=HGMD,Number=1,Type=String,Description="HGMD class" from HGMD 2020.4>\n')
          + g38("G1202R", info="HGMD=DM"), ACC)
    # ---- genotype-aware calling (issue 13.1) -------------------------------------------------------
    wt = ["0/0:600,0:600"]
    write("genotype_ref_only_all_sites", "input.vcf",
          header("GRCh38", T) + g38("L1196M", sample_cols=wt) + g38("G1202R")
          + g38("R273H", "TP53", sample_cols=wt), ACC)
    write("genotype_missing", "input.vcf",
          header("GRCh38", T) + g38("L1196M", sample_cols=["./.:600,0:600"]) + g38("G1202R"), ACC)
    other = "G" if a != "G" and r != "G" else "T"
    write("alt_not_in_genotype", "input.vcf",
          header("GRCh38", T) + rec(c, pos, r, f"{a},{other}", sample_cols=["0/2:400,0,200:600"]), ACC)
    strelka = ('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">\n'
               + "".join(f'##FORMAT=<ID={b}U,Number=2,Type=Integer,Description="tier1,tier2 {b} counts">\n'
                         for b in "ACGT"))

    def tiers(n_alt: int, depth: int) -> str:
        return f"{depth}:" + ":".join(f"{n_alt if b == a else depth - n_alt if b == r else 0},0" for b in "ACGT")

    write("strelka2_somatic_no_gt", "input.vcf",
          header("GRCh38", ["NORMAL", "TUMOR"], strelka)
          + rec(c, pos, r, a, fmt="DP:AU:CU:GU:TU", sample_cols=[tiers(0, 500), tiers(150, 600)]), ACC)
    no_defs = header("GRCh38", T).replace(FORMATS, "")
    write("format_fields_not_defined", "input.vcf", no_defs + g38("G1202R") + g38("L1196M", sample_cols=wt), ACC)
    # ---- values validated where read (issue 18.1) --------------------------------------------------
    af = FORMATS + '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    for case, cell in (("format_af_above_one", "0/1:480,120:600:1.5"), ("format_af_negative", "0/1:480,120:600:-0.2"),
                       ("format_af_inf", "0/1:480,120:600:inf")):
        write(case, "input.vcf", header("GRCh38", T).replace(FORMATS, af)
              + g38("G1202R", fmt="GT:AD:DP:AF", sample_cols=[cell]), ACC)
    write("info_af_above_one", "input.vcf",
          header("GRCh38", [], '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n')
          + "\t".join(g38("G1202R", info="AF=2.5").split("\t")[:8]) + "\n", ACC)
    write("ad_more_values_than_alleles", "input.vcf",
          header("GRCh38", T) + g38("G1202R", sample_cols=["0/1:480,120,300:600"]), ACC)
    write("dp_negative", "input.vcf", header("GRCh38", T) + g38("G1202R", fmt="GT:DP", sample_cols=["0/1:-600"]), ACC)
    # ---- indexed and streamed reads agree; an index must describe its file (issue 18.2) ------------
    dup = header("GRCh38", T) + g38("G1202R") + g38("G1202R") + g38("L1196M") + g38("R273H", "TP53")
    bgzip(write("indexed_duplicate_records", "input.vcf", dup, ACC), index=True)
    d = HERE / "index_of_another_file"
    p = write("index_of_another_file", "other.vcf", header("GRCh38", T) + g38("L1196M"))
    o = bgzip(p, index=True)
    shutil.move(str(o) + ".tbi", d / "input.vcf.gz.tbi")
    o.unlink()
    bgzip(write("index_of_another_file", "input.vcf", dup))
    d = HERE / "index_with_no_records"
    o = bgzip(write("index_with_no_records", "other.vcf", header("GRCh38", T)), index=True)
    shutil.move(str(o) + ".tbi", d / "input.vcf.gz.tbi")
    o.unlink()
    bgzip(write("index_with_no_records", "input.vcf", dup))
    # ---- contig aliases (issue 18.2) ---------------------------------------------------------------
    for case, name in (("contig_refseq_accession", "NC_000002.12"), ("contig_zero_padded", "chr02"),
                       ("contig_genbank_accession", "CM000664.2")):
        h = header("GRCh38", T).replace("##contig=<ID=chr2,", f"##contig=<ID={name},")
        write(case, "input.vcf", h + g38("G1202R").replace("chr2\t", f"{name}\t", 1), ACC)
    h = header("GRCh38", T).replace("##contig=<ID=chr2,", "##contig=<ID=NC_000002.12,")
    bgzip(write("contig_refseq_accession_indexed", "input.vcf",
                h + (g38("G1202R") + g38("L1196M")).replace("chr2\t", "NC_000002.12\t"), ACC), index=True)
    # ---- NUL byte, symbolic SV from upstream (issue 18.2) ------------------------------------------
    write("nul_byte_in_record", "input.vcf", header("GRCh38", T) + g38("L1196M") + "\0" + g38("G1202R"))
    # ALK is on the minus strand: its kinase exons are its lowest coordinates. A <DEL> starting below
    # the gene and ending inside it removes them; its POS alone is outside every target.
    tx = load_transcripts("GRCh38").by_gene("ALK")
    write("symbolic_del_from_upstream", "input.vcf",
          header("GRCh38", T, '##ALT=<ID=DEL,Description="Deletion">\n'
                 '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">\n'
                 '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n')
          + rec(c, tx.start - 5000, "N", "<DEL>", info=f"SVTYPE=DEL;END={pos + 10}") + g38("G1202R"), ACC)
    # ---- samples the user names must exist (issue 18.5) --------------------------------------------
    tn = ["NORMAL", "TUMOR"]
    write("normal_sample_misspelt", "input.vcf",
          header("GRCh38", tn) + g38("G1202R", sample_cols=["0/0:600,0:600", "0/1:480,120:600"]))
    write("sample_named_but_sites_only", "input.vcf",
          header("GRCh38", []) + "\t".join(g38("G1202R").split("\t")[:8]) + "\n")
    # ---- build (issue 13.2) ------------------------------------------------------------------------
    two = g38("G12V", "KRAS") + g38("G245V", "TP53")
    g37_header = header("GRCh37", T, "##reference=file:///refs/human_g1k_v37.fasta\n")
    write("grch38_records_header_grch37_no_build", "input.vcf", g37_header + sort_records(two))
    write("grch38_records_header_grch37_build_given", "input.vcf", g37_header + sort_records(two), ACC)
    write("explicit_build_contradicts_reference_line", "input.vcf",
          header(None, T, "##reference=file:///refs/hg19.fa\n", contigs=False) + g38("G1202R") + g38("L1196M"),
          ACC)
    write("contradictory_hints_no_build", "input.vcf",
          header("GRCh37", T, "##reference=file:///refs/GRCh38_full_analysis_set.fna\n") + g38("L1196M") + g38("G1202R"), ACC)


def vaf_tag_cases(T: list[str]) -> None:
    """Tags named for the tumour's allele fraction / depth (--tumor-af-tag, --tumor-dp-tag) that the header
    cannot back: undeclared, of the wrong Type or Number, ambiguous, FORMAT in a sites-only VCF."""
    info = ('##INFO=<ID=TVAF,Number=.,Type=Float,Description="Tumour VAF">\n'
            '##INFO=<ID=TDP,Number=.,Type=Integer,Description="Tumour depth">\n')
    pcgr = "TVAF=0.25;TDP=80"
    write("vaf_tag_undeclared", "input.vcf", header("GRCh38", T, info) + g38("G1202R", info=pcgr))
    write("vaf_tag_wrong_type", "input.vcf",
          header("GRCh38", T, info.replace("TDP,Number=.,Type=Integer", "TDP,Number=.,Type=String"))
          + g38("G1202R", info=pcgr))
    write("vaf_tag_per_genotype", "input.vcf",
          header("GRCh38", T, info.replace("TVAF,Number=.", "TVAF,Number=G")) + g38("G1202R", info=pcgr))
    both = info + '##FORMAT=<ID=TVAF,Number=A,Type=Float,Description="Tumour VAF">\n'
    write("vaf_tag_in_both_sections", "input.vcf",
          header("GRCh38", T, both) + g38("G1202R", info=pcgr, fmt="GT:AD:DP:TVAF",
                                          sample_cols=["0/1:60,20:80:0.25"]))
    af = '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
    sites = header("GRCh38", [], info + af) + g38("G1202R", info=pcgr).split("\tGT:AD:DP")[0] + "\n"
    write("vaf_tag_format_sites_only", "input.vcf", sites)
    write("vaf_tag_bad_name", "input.vcf", header("GRCh38", T, info) + g38("G1202R", info=pcgr))
    write("vaf_tags_named_for_pcgr", "input.vcf", header("GRCh38", T, info) + g38("G1202R", info=pcgr), ACC)
    write("vaf_tags_with_maf", "input.maf", maf_text([maf_row("G1202R")]))


def sort_records(text: str) -> str:
    order = {f"chr{i}": i for i in range(1, 23)}
    rows = [ln for ln in text.splitlines(keepends=True)]
    return "".join(sorted(rows, key=lambda ln: (order.get(ln.split("\t")[0], 99), int(ln.split("\t")[1]))))


if __name__ == "__main__":
    main()
