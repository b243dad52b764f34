"""How io.vcf reads what htslib reads: tumour GT honoured, FORMAT tags without header definitions read
as `bcftools query` prints them, invalid values named, indexed and streamed reads identical, an index
checked against its file, accession contig names mapped."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pysam
import pysam.bcftools
import pytest

from alkannot.annotate.variants import annotate_vcf
from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.interpret.alk import alk_mutations
from alkannot.io.vcf import (
    GT_ALT_ABSENT,
    GT_CALLED,
    GT_NOT_CALLED,
    genotype_status,
    merged_regions,
)
from alkannot.io.vcf.files import _check_index_describes_file

SHAPES = Path(__file__).resolve().parents[2].parent / "shared" / "truth" / "vcf_shapes"
# GRCh38 ALK (minus strand): G1202R c.3604G>A = chr2:29220747 C>T; L1196M c.3586C>A = chr2:29220765 G>T
G1202R = ("chr2", 29220747, "C", "T")
L1196M = ("chr2", 29220765, "G", "T")
HEAD = "##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
FMT = ('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
       '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
       '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')


def vcf(tmp_path: Path, rows: list[str], *, formats: str = FMT, samples=("TUMOR",), name="in.vcf") -> Path:
    p = tmp_path / name
    cols = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO" + ("\tFORMAT\t" + "\t".join(samples) if samples else "")
    p.write_text(HEAD + formats + cols + "\n" + "".join(r if r.endswith("\n") else r + "\n" for r in rows))
    return p


def row(site, alt=None, fmt="GT:AD:DP", *cells, info="."):
    chrom, pos, ref, a = site
    return "\t".join([chrom, str(pos), ".", ref, alt or a, ".", "PASS", info, fmt, *cells])


@pytest.mark.parametrize("alleles,alt,want", [
    (None, 1, None),  # no GT in the record (Strelka2 somatic): the call stands
    ([0, 1], 1, GT_CALLED), ([1], 1, GT_CALLED), ([None, 1], 1, GT_CALLED), ([0, 1, 2], 2, GT_CALLED),
    ([1, 1], 1, GT_CALLED), ([0, 0], 1, GT_NOT_CALLED), ([None, None], 1, GT_NOT_CALLED), ([None], 1, GT_NOT_CALLED),
    ([0], 1, GT_NOT_CALLED), ([0, None], 1, GT_NOT_CALLED), ([0, 2], 1, GT_ALT_ABSENT), ([2, 2], 1, GT_ALT_ABSENT),
])
def test_genotype_status(alleles, alt, want):
    assert genotype_status(alleles, alt) == want


def test_reference_genotype_is_no_mutation_and_no_verdict_input(tmp_path):
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/0:600,0:600"), row(L1196M, None, "GT:AD:DP", "0/1:480,120:600")])
    res = annotate_vcf(str(p), "GRCh38")
    assert alk_mutations(res.variants) == ["L1196M"]
    g = res.variants[0]
    assert (g.status, g.reason, g.protein_short, g.alk_kinase_domain) == \
        ("not_annotated", "genotype_not_called", "G1202R", False)
    assert g.ref_check == "match"  # still checked: REF alleles of uncalled rows decide the build too
    assert res.accounting["not_annotated"] == {"genotype_not_called": 1}


def _bcftools_query(path: Path, fmt: str) -> list[str]:
    return [ln for ln in pysam.bcftools.query("-f", fmt, str(path)).splitlines() if ln]


def test_undefined_format_tags_read_as_bcftools_query_prints_them(tmp_path):
    # no ##FORMAT lines at all: htslib types GT specially and AD/DP/AF as text
    rows = [row(G1202R, "T,A", "GT:AD:DP:AF", "0/1:70,20,10:105:0.2,0.1"),
            row(L1196M, None, "GT:DP:AF", "0/1:300:0.25")]
    p = vcf(tmp_path, rows, formats="")
    res = annotate_vcf(str(p), "GRCh38")
    expected = []
    for line in _bcftools_query(p, "%ALT\t[%GT]\t[%AD]\t[%DP]\t[%AF]\n"):
        alts, gt, ad, dp, af = line.split("\t")
        for i, _alt in enumerate(alts.split(","), start=1):
            ads = [int(x) for x in ad.split(",")] if ad != "." else None
            afs = [float(x) for x in af.split(",")] if af != "." else None
            expected.append({"gt": gt, "alt_reads": ads[i] if ads else None,
                             "depth": max(int(dp), sum(ads)) if ads else int(dp),
                             "vaf": afs[i - 1] if afs else None})
    got = [{k: getattr(v, k) for k in ("gt", "alt_reads", "depth", "vaf")} for v in res.variants]
    assert got == expected
    assert [v.reason for v in res.variants] == [None, "alt_not_in_genotype", None]


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("af", [".,0.5", "0.2,.", ".,.", "0.1,0.4"])
def test_info_values_with_a_missing_member_read_as_bcftools_prints_them(tmp_path, af, declared):
    """A sites-only record (depth and VAF from INFO) whose Number=A AF misses one allele's value: that allele's
    VAF is unknown, the other's is read (it once stopped the run with an internal error)."""
    info = ('##INFO=<ID=AF,Number=A,Type=Float,Description="AF">\n'
            '##INFO=<ID=DP,Number=1,Type=Integer,Description="DP">\n') if declared else ""
    p = vcf(tmp_path, [row(G1202R, "T,A", info=f"DP=600;AF={af}")[:-len("\tGT:AD:DP")]], formats=info, samples=())
    res = annotate_vcf(str(p), "GRCh38")
    # bcftools query prints a declared tag (it refuses an undeclared one, which htslib reads as its text)
    printed = _bcftools_query(p, "%INFO/AF\n")[0] if declared else af
    want = [None if x == "." else float(x) for x in printed.split(",")]
    assert [v.vaf for v in res.variants] == [pytest.approx(w) if w is not None else None for w in want]
    assert [v.depth for v in res.variants] == [600, 600]
    assert ["vaf_unknown" in v.flags for v in res.variants] == [w is None for w in want]


def test_unknown_depth_and_vaf_are_said(tmp_path):
    p = vcf(tmp_path, [row(G1202R, None, "GT", "0/1")])
    v = annotate_vcf(str(p), "GRCh38").variants[0]
    assert (v.depth, v.vaf) == (None, None)
    assert {"depth_unknown", "vaf_unknown"} <= set(v.flags)


@pytest.mark.parametrize("cell,flag,vaf", [
    ("0/1:480,120:600:1.5", "invalid_af", 0.2), ("0/1:480,120:600:-0.1", "invalid_af", 0.2),
    ("0/1:480,120:600:nan", None, 0.2),  # NaN is htslib's missing float: not a flag, just unknown
    ("0/1:480,120,5:600:0.2", "ad_allele_count_mismatch", 0.2),  # AF still there
    ("0/1:480,-120:600:.", "invalid_ad", None),
    ("0/1:480,120:-5:.", "invalid_dp", 0.2),
])
def test_invalid_values_are_flagged_not_used(tmp_path, cell, flag, vaf):
    fmts = FMT + '##FORMAT=<ID=AF,Number=A,Type=Float,Description="AF">\n'
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP:AF", cell)], formats=fmts)
    v = annotate_vcf(str(p), "GRCh38").variants[0]
    assert v.vaf == (pytest.approx(vaf) if vaf is not None else None)
    if flag:
        assert flag in v.flags
    assert v.vaf is None or 0 <= v.vaf <= 1
    assert v.depth is None or v.depth >= 0


def _indexed_copy(plain: Path) -> Path:
    src = plain.parent / ("ix_" + plain.name)
    shutil.copy(plain, src)
    return Path(pysam.tabix_index(str(src), preset="vcf", force=True))


def test_indexed_and_streamed_reads_agree_duplicates_and_upstream_sv_included(tmp_path):
    fm = FMT + ('##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
                '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="type">\n##ALT=<ID=DEL,Description="del">\n')
    rows = [
        "\t".join(["chr2", "29180000", ".", "N", "<DEL>", ".", "PASS", "SVTYPE=DEL;END=29220760", "GT:AD:DP",
                   "0/1:10,5:15"]),
        row(G1202R, None, "GT:AD:DP", "0/1:480,120:600"),
        row(G1202R, None, "GT:AD:DP", "0/1:480,120:600"),  # an exact duplicate
        row(L1196M, None, "GT:AD:DP", "0/1:480,120:600"),
    ]
    plain = vcf(tmp_path, rows, formats=fm)
    streamed = annotate_vcf(str(plain), "GRCh38")
    indexed = annotate_vcf(str(_indexed_copy(plain)), "GRCh38")
    assert indexed.accounting["read_mode"] == "indexed_regions"
    key = ("vcf_pos", "vcf_ref", "vcf_alt", "status", "reason", "protein_short", "depth")
    assert [tuple(getattr(v, k) for k in key) for v in streamed.variants] == [tuple(getattr(v, k) for k in key) for v in indexed.variants]
    drop = ("read_mode",)
    assert {k: v for k, v in streamed.accounting.items() if k not in drop} == \
        {k: v for k, v in indexed.accounting.items() if k not in drop}
    assert streamed.accounting["records_in_targets"] == 4
    assert streamed.variants[0].vcf_end == 29220760


def test_merged_regions_are_disjoint():
    got = merged_regions([("chr2", 10, 20), ("2", 15, 30), ("2", 31, 40), ("chr17", 5, 6), ("2", 50, 60)])
    assert got == [("17", 5, 6), ("2", 10, 40), ("2", 50, 60)]


def test_index_of_another_file_is_refused_and_own_index_accepted(tmp_path):
    a = _indexed_copy(vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600")], name="a.vcf"))
    b = _indexed_copy(vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600"),
                                      row(L1196M, None, "GT:AD:DP", "0/1:480,120:600")], name="b.vcf"))
    _check_index_describes_file(str(a), str(a) + ".tbi")
    _check_index_describes_file(str(b), str(b) + ".tbi")
    with pytest.raises(InputError, match="does not describe this file"):
        _check_index_describes_file(str(b), str(a) + ".tbi")
    with pytest.raises(InputError, match="does not describe this file"):
        _check_index_describes_file(str(a), str(b) + ".tbi")
    # CSI and BCF indexes are read too
    pysam.bcftools.index("-c", "-f", str(b))
    _check_index_describes_file(str(b), str(b) + ".csi")
    bcf = tmp_path / "b.bcf"
    pysam.bcftools.view("-Ob", "-o", str(bcf), str(b), catch_stdout=False)
    pysam.bcftools.index("-f", str(bcf))
    _check_index_describes_file(str(bcf), str(bcf) + ".csi")
    assert alk_mutations(annotate_vcf(str(bcf), "GRCh38").variants) == ["G1202R", "L1196M"]
    # an index of a record-less BCF beside a BCF with records
    empty = tmp_path / "empty.bcf"
    pysam.bcftools.view("-h", "-Ob", "-o", str(empty), str(b), catch_stdout=False)
    pysam.bcftools.index("-f", str(empty))
    _check_index_describes_file(str(empty), str(empty) + ".csi")
    with pytest.raises(InputError, match="lists no records but the file has some"):
        _check_index_describes_file(str(bcf), str(empty) + ".csi")


@pytest.mark.parametrize("name,want", [
    ("chr2", "2"), ("2", "2"), ("chr02", "2"), ("NC_000002.11", "2"), ("NC_000002.12", "2"), ("CM000664.2", "2"),
    ("NC_000023.11", "X"), ("CM000686.2", "Y"), ("NC_012920.1", "MT"), ("chrM", "MT"), ("10", "10"),
    ("GL000192.1", "GL000192.1"), ("chrUn_KI270302v1", "Un_KI270302v1"), ("NC_000025.1", "NC_000025.1"),
])
def test_contig_aliases(name, want):
    assert canonical_chrom(name) == want


def test_malformed_meta_line_is_a_warning_with_its_line(tmp_path):
    fm = FMT + '##INFO=<ID=HGMD,Number=1,Type=String,Description="class" HGMD professional 2020.4>\n'
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600", info="HGMD=DM")], formats=fm)
    res = annotate_vcf(str(p), "GRCh38")
    assert alk_mutations(res.variants) == ["G1202R"]
    assert any(w.startswith("line 6: ##INFO header line") for w in res.qc["input_warnings"])


def test_named_samples_must_exist(tmp_path):
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/0:600,0:600", "0/1:480,120:600")],
            samples=("NORMAL", "TUMOR"))
    with pytest.raises(InputError, match=r"normal sample 'NORMA' is not in the VCF \(samples: NORMAL, TUMOR\)"):
        annotate_vcf(str(p), "GRCh38", tumor_sample="TUMOR", normal_sample="NORMA")
    with pytest.raises(InputError, match="is also the tumour sample"):
        annotate_vcf(str(p), "GRCh38", tumor_sample="TUMOR", normal_sample="TUMOR")


# ---- real files: the tumour GT decides exactly as bcftools reads it ---------------------------------

REAL = {"vcf2maf/test.vcf": "TUMOR", "vcf2maf/test_muse.vcf": "TUMOR", "vcf2maf/test_strelka.vcf": "TUMOR",
        "vcf2maf/test_varscan.vcf": "TUMOR", "vcf2maf/test_radia.vcf": "DNA_TUMOR",
        "hmf_colo829/COLO829.purple.somatic.vcf.gz": "COLO829v003T",
        "pcgr_examples/T001-COAD.grch37.vcf.gz": None, "pcgr_examples/T001-BRCA.grch37.vcf.gz": None}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_genotype_reasons_match_htslib(name, tmp_path):
    path = SHAPES / name
    if not path.exists():
        pytest.skip("../shared truth files not present")
    res = annotate_vcf(str(path), "GRCh37", tumor_sample=REAL[name])
    sample = res.vcf_info["tumor_sample"]
    gts = {}  # (chrom, pos, ref) -> [(alts, GT allele tuple or None when the record has no GT)]
    readable = path
    if path.suffix == ".gz" and not Path(str(path) + ".tbi").exists():  # plain gzip: pysam cannot open it
        readable = tmp_path / "plain.vcf"
        readable.write_bytes(gzip.decompress(path.read_bytes()))
    with pysam.VariantFile(str(readable)) as vf:
        for rec in vf:
            gt = rec.samples[sample]["GT"] if sample and "GT" in rec.format.keys() else None
            gts.setdefault((canonical_chrom(rec.chrom), rec.pos, rec.ref), []).append((list(rec.alts or ()), gt))
    for v in res.variants:
        if v.vcf_alt in (None, ".", "*") or v.vcf_alt.startswith("<"):
            continue
        alts, gt = [x for x in gts[(canonical_chrom(v.chrom), v.vcf_pos, v.vcf_ref)]
                    if v.vcf_alt in x[0]][0]
        called = {a for a in gt if a is not None} if gt is not None else None
        idx = alts.index(v.vcf_alt) + 1
        if called is None or idx in called:
            want = None
        elif not called or called == {0}:
            want = "genotype_not_called"
        else:
            want = "alt_not_in_genotype"
        got = v.reason if v.reason in ("genotype_not_called", "alt_not_in_genotype") else None
        assert got == want, (name, v.pos, gt, v.reason)


# ---- build: explicit build vs header hints; records never vanish into the other build ---------------

G1202R_37 = ("chr2", 29443613, "C", "T")


def test_one_record_in_the_other_builds_exons_stops_the_run(tmp_path):
    p = vcf(tmp_path, [row(G1202R_37, None, "GT:AD:DP", "0/1:480,120:600")])
    with pytest.raises(InputError, match=r"does not match GRCh38 \(looks like GRCh37\): 1 allele"):
        annotate_vcf(str(p), "GRCh38")
    assert alk_mutations(annotate_vcf(str(p), "GRCh37").variants) == ["G1202R"]


def test_explicit_build_wins_over_contig_length_hint(tmp_path):
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600")])
    p.write_text(p.read_text().replace("length=242193529", "length=243199373"))  # GRCh37's chr2
    res = annotate_vcf(str(p), "GRCh38")
    assert alk_mutations(res.variants) == ["G1202R"]
    assert any("##contig chr2 length says GRCh37, but the run was given GRCh38" in w for w in res.qc["input_warnings"])
    with pytest.raises(InputError, match=r"looks like GRCh38"):
        annotate_vcf(str(p), None)  # the header alone says GRCh37: the REF check refuses it


def test_unrecognised_contig_names_are_said_not_silent(tmp_path):
    p = tmp_path / "odd.vcf"
    p.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                 "chromosome2\t29220747\t.\tC\tT\t.\tPASS\t.\n")
    res = annotate_vcf(str(p), "GRCh38")
    assert res.accounting["records_in_targets"] == 0
    assert any("no contig name is a human chromosome (e.g. chromosome2)" in w for w in res.qc["input_warnings"])


def test_header_warning_reaches_json_and_html_escaped(tmp_path):
    from alkannot.pipeline import SampleSpec, run_sample

    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600")])
    p.write_text(p.read_text().replace("##contig", '##reference=<script>alert("x")</script>/hg19.fa\n##contig', 1))
    paths = run_sample(SampleSpec(id="S1", vcf=str(p), build="GRCh38"), tmp_path / "out")
    import json

    data = json.loads(paths["json"].read_text())
    assert any("says GRCh37, but the run was given GRCh38" in w for w in data["qc"]["input_warnings"])
    html = paths["html"].read_text()
    assert "Input warnings" in html and "<script>alert" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("line,warned", [
    ('##reference=<script>x</script>/hg19.fa', True),  # htslib cannot parse it and drops it
    ('##META=<ID=Assay,Type=String,Number=.,Values=[WholeGenome, Exome]>', False),  # VCF 4.3: htslib keeps it
    ('##vcfProcessLog=<InputVCF="/tmp/x";InputVCFSource="pindel2vcf">', False),  # re-serialised, kept
    ('##ALT=<ID=DEL,Description="Deletion">', False),
])
def test_meta_lines_htslib_drops_are_warned_others_not(tmp_path, line, warned):
    p = vcf(tmp_path, [row(G1202R, None, "GT:AD:DP", "0/1:480,120:600")], formats=FMT + line + "\n")
    res = annotate_vcf(str(p), "GRCh38")
    hit = [w for w in res.qc["input_warnings"] if w.startswith("line 6: htslib cannot parse")]
    assert bool(hit) == warned, res.qc["input_warnings"]
