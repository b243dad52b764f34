"""ALK hotspots written in several callers' VCF shapes come out with the right protein change and
the depth/VAF the caller wrote, on both builds, streamed and indexed, chr2 and 2, VCF and BCF."""

from __future__ import annotations

import csv
from pathlib import Path

import pysam
import pysam.bcftools
import pytest

from alkannot.annotate.variants import annotate_vcf
from alkannot.interpret.alk import alk_mutations

HERE = Path(__file__).parent
LENGTH = {"GRCh37": 243199373, "GRCh38": 242193529}


def hotspots():
    with open(HERE / "alk_hotspots.tsv") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


# Each shape: FORMAT ids, header lines, and a function giving the tumour cell for (ref, alt, alt_n, depth).
SHAPES = {
    "mutect2": (
        "GT:AD:AF:DP",
        ['##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
         '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">',
         '##FORMAT=<ID=AF,Number=A,Type=Float,Description="af">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">'],
        lambda r, a, n, d: f"0/1:{d - n},{n}:{n / d:.4f}:{d}",
    ),
    "strelka2": (
        "DP:AU:CU:GU:TU:TAR:TIR",
        ['##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">']
        + [f'##FORMAT=<ID={b}U,Number=2,Type=Integer,Description="tier counts">' for b in "ACGT"]
        + ['##FORMAT=<ID=TAR,Number=2,Type=Integer,Description="ref tiers">',
           '##FORMAT=<ID=TIR,Number=2,Type=Integer,Description="indel tiers">'],
        lambda r, a, n, d: (
            f"{d}:" + ":".join(f"{(n if b == a else d - n if b == r else 0)},0" for b in "ACGT") + ":.:."
            if len(r) == len(a) == 1 else f"{d}:.:.:.:.:{d - n},0:{n},0"
        ),
    ),
    "freebayes": (
        "GT:DP:RO:AO",
        ['##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
         '##FORMAT=<ID=RO,Number=1,Type=Integer,Description="ro">',
         '##FORMAT=<ID=AO,Number=A,Type=Integer,Description="ao">'],
        lambda r, a, n, d: f"0/1:{d}:{d - n}:{n}",
    ),
    "varscan2": (
        "GT:DP:RD:AD:FREQ",
        ['##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
         '##FORMAT=<ID=RD,Number=1,Type=Integer,Description="rd">',
         '##FORMAT=<ID=AD,Number=1,Type=Integer,Description="alt depth">',
         '##FORMAT=<ID=FREQ,Number=1,Type=String,Description="freq">'],
        lambda r, a, n, d: f"0/1:{d}:{d - n}:{n}:{100 * n / d:.2f}%",
    ),
    # Ion Torrent TVC: flow-evaluator FAO/FDP (= its AF) differ from the read-level AO/RO; FAO/FDP are read
    "ion_torrent_tvc": (
        "GT:GQ:DP:FDP:RO:FRO:AO:FAO:AF",
        ['##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
         '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="gq">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
         '##FORMAT=<ID=FDP,Number=1,Type=Integer,Description="flow evaluator read depth">',
         '##FORMAT=<ID=RO,Number=1,Type=Integer,Description="ro">',
         '##FORMAT=<ID=FRO,Number=1,Type=Integer,Description="flow evaluator ref observations">',
         '##FORMAT=<ID=AO,Number=A,Type=Integer,Description="ao">',
         '##FORMAT=<ID=FAO,Number=A,Type=Integer,Description="flow evaluator alt observations">',
         '##FORMAT=<ID=AF,Number=A,Type=Float,Description="FAO/FDP">'],
        lambda r, a, n, d: f"0/1:99:{d + 37}:{d}:{d - n + 20}:{d - n}:{n + 5}:{n}:{n / d:.6f}",
    ),
    "bcftools": (
        "GT:PL:DP:AD",
        ['##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
         '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="pl">',
         '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
         '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">'],
        lambda r, a, n, d: f"0/1:0,0,0:{d}:{d - n},{n}",
    ),
}


def write_vcf(path: Path, build: str, rows, shape: str, chrom_style: str = "chr") -> Path:
    fmt, hdr, cell = SHAPES[shape]
    c = "chr2" if chrom_style == "chr" else "2"
    lines = ["##fileformat=VCFv4.2", f"##contig=<ID={c},length={LENGTH[build]}>", *hdr,
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR"]
    for i, r in enumerate(sorted(rows, key=lambda r: int(r["pos"]))):
        n, d = 10 + i, 200 + 10 * i
        lines.append(f"{c}\t{r['pos']}\t.\t{r['ref']}\t{r['alt']}\t.\tPASS\t.\t{fmt}\t{cell(r['ref'], r['alt'], n, d)}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_hotspots_in_caller_shape(tmp_path, shape, build):
    rows = [r for r in hotspots() if r["build"] == build]
    if shape == "strelka2":
        pass  # both SNV tier counts and indel TIR/TAR are in the same cell template
    vcf = write_vcf(tmp_path / f"{shape}.vcf", build, rows, shape)
    res = annotate_vcf(str(vcf), build)
    got = {v.pos: v for v in res.variants}
    for i, r in enumerate(sorted(rows, key=lambda r: int(r["pos"]))):
        pos = int(r["pos"]) + (0 if len(r["ref"]) == len(r["alt"]) else 0)
        v = got[pos]
        assert (v.protein_short, v.hgvsp, v.hgvsc) == (r["short"], r["hgvsp"], r["hgvsc"]), r
        assert v.alk_kinase_domain is True
        n, d = 10 + i, 200 + 10 * i
        assert v.alt_reads == n, (shape, v)
        assert v.depth == d, (shape, v)
        assert v.vaf == pytest.approx(n / d, abs=1e-3)
    assert sorted(alk_mutations(res.variants)) == sorted(r["short"] for r in rows)


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
@pytest.mark.parametrize("container", ["vcf", "vcf.gz+tbi", "bcf+csi", "bare-chrom"])
def test_containers_and_naming(tmp_path, build, container):
    rows = [r for r in hotspots() if r["build"] == build]
    style = "bare" if container == "bare-chrom" else "chr"
    plain = write_vcf(tmp_path / "in.vcf", build, rows, "mutect2", chrom_style=style)
    path = plain
    if container == "vcf.gz+tbi":
        path = Path(pysam.tabix_index(str(plain), preset="vcf", force=True))
    elif container == "bcf+csi":
        path = tmp_path / "in.bcf"
        pysam.VariantFile(str(plain)).close()
        with pysam.VariantFile(str(plain)) as src, pysam.VariantFile(str(path), "wb", header=src.header) as dst:
            for rec in src:
                dst.write(rec)
        pysam.bcftools.index(str(path))
    res = annotate_vcf(str(path), build)
    assert res.accounting["read_mode"] == ("indexed_regions" if "+" in container else "streamed")
    assert sorted(alk_mutations(res.variants)) == sorted(r["short"] for r in rows)


def test_multiallelic_record_is_split(tmp_path):
    # G1202: c.3604G>A (R) and c.3604G>T (Ter) in one record (GRCh38 minus strand: C>T and C>A)
    p = tmp_path / "multi.vcf"
    p.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
                 '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">\n'
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n"
                 "chr2\t29220747\t.\tC\tT,A\t.\tPASS\t.\tAD\t70,20,10\n")
    res = annotate_vcf(str(p), "GRCh38")
    got = [(v.protein_short, v.consequence, v.alt_reads, v.depth) for v in res.variants]
    assert got == [("G1202R", "missense_variant", 20, 100), ("G1202*", "stop_gained", 10, 100)]
    assert res.accounting["records_in_targets"] == 1 and res.accounting["alleles_in_targets"] == 2


@pytest.mark.parametrize("samples", [0, 1, 2])
def test_info_dp4_counts_alt_reads(tmp_path, samples):
    """LoFreq writes no sample column: INFO/DP4 (ref fwd, ref rev, alt fwd, alt rev) counts the alt reads that
    VAF x depth would only estimate; the VAF stays the caller's INFO/AF. A multi-ALT record lumps its ALTs in
    DP4 and a two-sample file sums both samples there, so those are estimated from INFO AF x DP as before."""
    cols = ["TUMOR", "NORMAL"][:samples]
    fmt = ["GT"] if samples else []
    head = ["##fileformat=VCFv4.2", "##contig=<ID=chr2,length=242193529>",
            '##INFO=<ID=DP,Number=1,Type=Integer,Description="Raw Depth">',
            '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency">',
            '##INFO=<ID=DP4,Number=4,Type=Integer,Description="ref fwd, ref rev, alt fwd, alt rev">',
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
            "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", *(["FORMAT"] if samples else []),
                       *cols])]
    rows = ["chr2\t29220747\t.\tC\tT\t3000\tPASS\tDP=1003;AF=0.0493;DP4=480,473,26,21",   # G1202R
            "chr2\t29222408\t.\tT\tC,G\t900\tPASS\tDP=1000;AF=0.03,0.02;DP4=480,470,30,20"]  # multi-ALT
    lines = [r + ("\t" + "\t".join(fmt + ["0/1"] * samples) if samples else "") for r in rows]
    vcf = tmp_path / "lofreq.vcf"
    vcf.write_text("\n".join(head + lines) + "\n")
    got = {(v.pos, v.alt): v for v in annotate_vcf(str(vcf), "GRCh38").variants}
    g1202r = got[(29220747, "T")]
    if samples < 2:
        assert (g1202r.alt_reads, g1202r.depth, g1202r.vaf) == (47, 1003, pytest.approx(0.0493))
        assert g1202r.depth_source == "INFO/AF, INFO/DP4"
    else:
        assert (g1202r.alt_reads, g1202r.depth) == (round(0.0493 * 1003), 1003)
        assert g1202r.depth_source == "INFO/AF (alt reads = VAF x depth)"
    multi = got[(29222408, "C")]
    assert (multi.alt_reads, multi.depth_source) == (30, "INFO/AF (alt reads = VAF x depth)")


@pytest.mark.parametrize(("record_filter", "ft", "expected_filter", "called"), [
    ("PASS", "PASS", "PASS", True),
    ("PASS", ".", "PASS", True),
    ("PASS", "LowGQ", "FT:LowGQ", False),          # the tumour's genotype filter failed: not called there
    ("PASS", "LowGQ;LowDP", "FT:LowGQ;LowDP", False),
    ("weak_evidence", "PASS", "weak_evidence", False),  # the record's own FILTER is shown as written
])
def test_tumour_sample_ft_filters_the_call(tmp_path, record_filter, ft, expected_filter, called):
    """FORMAT/FT is the sample's FILTER (VCF 4.2 section 1.6.2): a PASS record whose tumour genotype the caller
    filtered (Octopus, Strelka2/GATK genotype filters) was not called in the tumour. The normal's FT does not
    matter. The call's filter then reads FT:<codes>, which pass_filters can name like any other."""
    vcf = tmp_path / "ft.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
                   '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">\n'
                   '##FORMAT=<ID=FT,Number=1,Type=String,Description="sample filter">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR\n"
                   f"chr2\t29220747\t.\tC\tT\t.\t{record_filter}\t.\tGT:AD:FT\t0/0:60,0:LowDP\t0/1:80,20:{ft}\n")
    res = annotate_vcf(str(vcf), "GRCh38", tumor_sample="TUMOR", normal_sample="NORMAL")
    (v,) = res.variants
    assert (v.protein_short, v.filter, v.filter_pass) == ("G1202R", expected_filter, called)
    assert alk_mutations(res.variants) == (["G1202R"] if called else [])
    if not called:
        assert alk_mutations(annotate_vcf(str(vcf), "GRCh38", tumor_sample="TUMOR", normal_sample="NORMAL",
                                          pass_filters=["PASS", expected_filter]).variants) == ["G1202R"]
