"""Read-based ALK fusion detection on simulated BAMs (tests/fusion_reads/simulate.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pysam
import pytest

from alkannot.core.sequence import revcomp
from alkannot.errors import InputError
from alkannot.interpret.alignment_fusions import read_settings, scan_alignment
from alkannot.interpret.fusions import assess_fusions, read_fusion_findings, relevant
from fusion_reads.cases import CASES
from fusion_reads.simulate import Case, Segment, SimConfig, simulate, write_reference

REPO = Path(__file__).resolve().parents[2]


def _bam_orientation(junction: str, alk_side: str) -> str:
    """The simulated molecule's junction as the alignment's + strand shows it."""
    if alk_side == "left":
        return junction
    a, b = junction.split("|")
    return revcomp(b) + "|" + revcomp(a)


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    out = tmp_path_factory.mktemp("fusion_sims")
    return {c.name: (c, simulate(c, out)) for c in CASES}


@pytest.mark.parametrize("name", [c.name for c in CASES if c.expected])
def test_simulated_event_is_named_and_placed(sims, name):
    case, sim = sims[name]
    scan = scan_alignment(sim["bam"], case.build)
    assert scan.status == "detected", scan.candidates
    assert len(scan.events) == 1
    ev = scan.events[0]
    assert abs(ev.alk_pos - sim["alk_pos"]) <= 3
    assert ev.alk_side == case.alk_side
    exp = case.expected
    assert ev.partner_source == exp["partner_source"]
    if ev.partner_exact:
        assert abs(ev.partner_pos - sim["partner_pos"]) <= 3
    else:  # from mates: the break lies beyond the mates, within one fragment length
        assert abs(ev.partner_pos - sim["partner_pos"]) <= 400
    assert ev.partner_side == case.partner_side
    assert ev.junction_sequence == _bam_orientation(sim["junction"], case.alk_side)
    # every fusion fragment found (a few with a mate barely over the junction carry no evidence)
    assert 0.8 * sim["fusion_written"] <= ev.fragments["total"] <= sim["fusion_written"]
    assert ev.fragments["total"] == ev.fragments["split"] + ev.fragments["clipped"] + ev.fragments["pairs"]
    if case.sa:
        assert ev.fragments["split"] > 0
    else:
        assert ev.fragments["split"] == 0 and ev.fragments["clipped"] > 0
    truth_af = sim["fusion_written"] / (sim["fusion_written"] + sim["wildtype_across"])
    assert ev.allele_fraction == pytest.approx(truth_af, abs=0.08)
    assert ev.depth == ev.wildtype_fragments + ev.fragments["total"]

    findings = read_fusion_findings(scan, case.build)
    f = relevant(findings)[0]
    assert (f["name"], f["variant"], f["exons"]) == (exp["name"], exp["variant"], exp["exons"])
    assert f["evidence"] == "dna_reads" and f["evidence_sources"] == ["dna_reads"]
    assert f["category"] == "on_target_driver"
    re_ = f["read_evidence"]
    assert re_["junction_sequence"].count("|") == 1
    # transcript orientation: the 5' partner's bases first
    a, b = ev.junction_sequence.split("|")
    assert re_["junction_sequence"] == revcomp(b) + "|" + revcomp(a)
    assert len(f["breakpoints"]) == 2


@pytest.mark.parametrize("name", [c.name for c in CASES if not c.expected])
def test_negatives_stay_negative(sims, name):
    case, sim = sims[name]
    scan = scan_alignment(sim["bam"], case.build)
    assert scan.events == []
    assert scan.status == "none_found"  # intron 19 is covered in every simulation
    if case.fusion:
        cand = max(scan.candidates, key=lambda c: c.fragments["total"] + sum(c.excluded_reads.values()))
        assert not cand.called and cand.why_not_called
        if case.dups:
            assert cand.excluded_reads["duplicate"] >= case.dups
            assert cand.fragments["total"] <= 1
        if case.mapq < 20:
            assert cand.excluded_reads["low_mapq"] > 0 and cand.fragments["total"] == 0
        if case.name.startswith("chimera"):
            assert cand.fragments["total"] >= 20 and "not in a known ALK partner gene" in cand.why_not_called


def test_negative_says_what_it_is_worth(sims):
    case, sim = sims["no_fusion"]
    fusions, assessment = assess_fusions(build=case.build, alignment=sim["bam"], specimen="tissue")
    assert fusions == []
    assert assessment["status"] == "none_found"
    depth = assessment["dna_reads"]["intron_depth"]["19"]
    assert depth >= 30
    assert f"ALK intron 19 covered at {depth}×" in assessment["summary"]
    assert "fusion LoD ≈" in assessment["summary"]
    assert 0 < assessment["dna_reads"]["lod"] < 0.5


def test_not_assessable_without_intron_19(tmp_path):
    # the demo phase BAM covers ALK exon 23 only
    bam = REPO / "test-data" / "P001_T2.bam"
    fusions, assessment = assess_fusions(build="GRCh38", alignment=str(bam))
    assert fusions == [] and assessment["status"] == "not_assessable"
    assert "intron 19 not captured" in assessment["summary"]


def test_not_assessed_without_inputs():
    fusions, assessment = assess_fusions(build="GRCh38")
    assert fusions == [] and assessment["status"] == "not_assessed" and assessment["sources"] == []


def test_sv_file_negative_is_none_found(tmp_path):
    sv = tmp_path / "other.sv.vcf"
    sv.write_text("##fileformat=VCFv4.2\n##source=Manta\n##contig=<ID=chr7,length=159345973>\n"
                  '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="t">\n'
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                  "chr7\t1000000\tx1\tA\tA]chr7:2000000]\t.\tPASS\tSVTYPE=BND\n")
    fusions, assessment = assess_fusions(build="GRCh38", sv=str(sv))
    assert fusions == [] and assessment["status"] == "none_found"
    assert assessment["sources"] == ["sv_file"] and "SV file read, negative" in assessment["summary"]


def test_caller_call_and_reads_merge_into_one_entry(sims, tmp_path):
    case, sim = sims["v3"]
    sv = tmp_path / "v3.sv.vcf"
    a, p = sim["alk_pos"], sim["partner_pos"]
    sv.write_text("##fileformat=VCFv4.2\n##source=Manta\n##contig=<ID=chr2,length=242193529>\n"
                  '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="t">\n'
                  '##INFO=<ID=MATEID,Number=.,Type=String,Description="m">\n'
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                  f"chr2\t{a}\tb1\tA\tA]chr2:{p}]\t.\tPASS\tSVTYPE=BND;MATEID=b2\n"
                  f"chr2\t{p}\tb2\tG\tG]chr2:{a}]\t.\tPASS\tSVTYPE=BND;MATEID=b1\n")
    fusions, assessment = assess_fusions(build="GRCh38", sv=str(sv), alignment=sim["bam"])
    assert len(fusions) == 1
    f = fusions[0]
    assert f["variant"] == "v3a/b" and f["evidence_sources"] == ["sv_file", "dna_reads"]
    assert f["read_evidence"]["fragments"]["total"] > 0 and f["allele_fraction"] > 0
    assert assessment["status"] == "detected" and assessment["sources"] == ["sv_file", "dna_reads"]


def test_cram_needs_and_uses_its_reference(sims, tmp_path):
    case, sim = sims["v1"]
    lengths = {"2": 42_400_000}
    windows = [("2", sim["alk_pos"] - 3000, sim["alk_pos"] + 3000), ("2", sim["partner_pos"] - 3000,
                                                                     sim["partner_pos"] + 3000)]
    ref = write_reference(tmp_path / "ref.fa", lengths, windows=windows)
    # re-header the BAM to the reference's contig length, then CRAM it
    bam = pysam.AlignmentFile(sim["bam"])
    hdr = bam.header.to_dict()
    hdr["SQ"] = [{"SN": "chr2", "LN": lengths["2"]}]
    cram = tmp_path / "v1.cram"
    with pysam.AlignmentFile(str(cram), "wc", header=hdr, reference_filename=str(ref)) as out:
        for r in bam:
            out.write(pysam.AlignedSegment.fromstring(r.to_string(), out.header))
    bam.close()
    pysam.index(str(cram))
    with pytest.raises(InputError, match="reference"):
        scan_alignment(str(cram), "GRCh38")
    scan = scan_alignment(str(cram), "GRCh38", reference=str(ref))
    assert scan.status == "detected" and abs(scan.events[0].alk_pos - sim["alk_pos"]) <= 3


def test_reference_names_partner_of_clipped_only_junction(tmp_path):
    """No SA, no discordant mates (single-end reads): the partner comes from the clipped sequence + FASTA."""
    import random

    from fusion_reads.simulate import Sample, add_fragments, fusion_molecule, intron_mid, write_bam

    a = intron_mid("GRCh38", "ALK", 19, 37)
    p = intron_mid("GRCh38", "EML4", 13, -53)
    mol = fusion_molecule("2", a, "left", "2", p, "left")
    cfg = SimConfig(sa=False, insert=(100, 100))  # read = whole fragment: both mates identical spans
    s = Sample()
    add_fragments(s, mol, 20, "fus", random.Random(3), cfg, around=1480, window=-40)  # ALK part longer
    add_fragments(s, [Segment("2", a - 1500, "+", 3000)], 400, "wt", random.Random(4), cfg, around=1500,
                  window=2600)
    bam = write_bam(s, tmp_path / "clip.bam", "GRCh38", cfg)
    no_ref = scan_alignment(str(bam), "GRCh38")
    assert no_ref.events == [] and any("partner not resolved" in (c.why_not_called or "")
                                       for c in no_ref.candidates)
    ref = write_reference(tmp_path / "ref.fa", {"2": 42_400_000},
                          windows=[("2", a - 3000, a + 3000), ("2", 42169353, 42332548)])
    hdr = pysam.AlignmentFile(str(bam)).header.to_dict()
    assert hdr["SQ"][0]["SN"] == "chr2"
    with_ref = scan_alignment(str(bam), "GRCh38", reference=str(ref))
    ev = with_ref.events[0]
    assert ev.partner_source == "clipped sequence vs reference" and abs(ev.partner_pos - p) <= 3
    assert ev.partner_gene == "EML4"


def test_settings_by_specimen_and_overrides():
    tissue, plasma = read_settings("tissue"), read_settings("plasma")
    assert plasma["min_fragments"] < tissue["min_fragments"]
    assert read_settings("cfDNA")["specimen_block"] == "plasma"
    assert read_settings("tissue", {"min_mapq": 30})["min_mapq"] == 30
    with pytest.raises(InputError):
        read_settings("tissue", {"min_reads": 3})


def test_thresholds_decide_a_borderline_call(sims):
    case, sim = sims["low_support"]
    assert scan_alignment(sim["bam"], case.build).events == []
    lowered = scan_alignment(sim["bam"], case.build, settings={"min_fragments": 2})
    assert len(lowered.events) == 1


def test_missing_index_is_an_input_error(sims, tmp_path):
    _, sim = sims["v1"]
    bam = tmp_path / "noindex.bam"
    shutil.copy(sim["bam"], bam)
    with pytest.raises(InputError, match="index"):
        scan_alignment(str(bam), "GRCh38")


def test_clean_case_fields_for_the_report(sims):
    case, sim = sims["v1"]
    fusions, assessment = assess_fusions(build="GRCh38", alignment=sim["bam"])
    f = fusions[0]
    for key in ("fragments", "excluded_reads", "wildtype_fragments", "depth", "allele_fraction",
                "junction_sequence", "alk_breakpoint", "partner_breakpoint", "partner_source"):
        assert key in f["read_evidence"]
    assert assessment["status"] == "detected" and "EML4-ALK v1 (dna_reads)" in assessment["summary"]


def test_case_names_unique():
    assert len({c.name for c in CASES}) == len(CASES)
    assert isinstance(CASES[0], Case)


def test_reciprocal_caller_call_is_not_merged_with_the_driver_junction(sims, tmp_path):
    _, sim = sims["v1"]
    a, p = sim["alk_pos"], sim["partner_pos"]
    sv = tmp_path / "recip.sv.vcf"
    # the reciprocal junction (ALK bases >= a joined to EML4 bases >= p), 20 bases away
    sv.write_text("##fileformat=VCFv4.2\n##source=Manta\n##contig=<ID=chr2,length=242193529>\n"
                  '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="t">\n'
                  '##INFO=<ID=MATEID,Number=.,Type=String,Description="m">\n'
                  "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                  f"chr2\t{a + 20}\tb1\tA\t[chr2:{p + 20}[A\t.\tPASS\tSVTYPE=BND;MATEID=b2\n"
                  f"chr2\t{p + 20}\tb2\tG\t[chr2:{a + 20}[G\t.\tPASS\tSVTYPE=BND;MATEID=b1\n")
    fusions, _ = assess_fusions(build="GRCh38", sv=str(sv), alignment=sim["bam"])
    assert sorted(f["name"] for f in fusions) == ["ALK-EML4", "EML4-ALK"]
    assert all(len(f["evidence_sources"]) == 1 for f in fusions)


def test_sa_tag_parsing():
    from alkannot.interpret.alignment_fusions import _parse_sa

    assert _parse_sa("chr2,42298300,-,60H40M,60,0;chr10,5,+,10S30M60S,3,1;") == [
        ("chr2", 42298300, "-", 40, 60, 0, 60), ("chr10", 5, "+", 30, 10, 60, 3)]
    assert _parse_sa("garbage;chr2,x,+,10M,60,0;") == []


def test_adapter_tails_are_not_junctions():
    from alkannot.interpret.alignment_fusions import _adapter

    assert _adapter("ACACAGATCGGAAGAGCGTC")  # read-through into the TruSeq adapter (right clip)
    assert _adapter("TCTAGCCTTCTCGTGTG")  # reversed left clip ending in GCTCTTCCGATCT... (stored junction-first)
    assert not _adapter("GGCATGAGTTACCGTCATAG")


# An SV VCF's FILTER decides as the small variants' does: a junction the caller failed is listed, not called.
_ION_FUSION = (
    "##fileformat=VCFv4.1\n##source=\"tvc 5.12\"\n##contig=<ID=chr2,length=243199373>\n"
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="t">\n'
    '##INFO=<ID=READ_COUNT,Number=1,Type=Integer,Description="r">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    "chr2\t42522656\tEML4-ALK.E13A20.COSF408_1\tG\tG]chr2:29446394]\t.\t{f}\tSVTYPE=Fusion;READ_COUNT={n}\n"
    "chr2\t29446394\tEML4-ALK.E13A20.COSF408_2\tA\tA]chr2:42522656]\t.\t{f}\tSVTYPE=Fusion;READ_COUNT={n}\n")


@pytest.mark.parametrize(("filt", "pass_filters", "called"), [
    ("PASS", None, True),
    ("FAIL", None, False),            # Ion Torrent lists every assay it targets; FAIL = not detected
    ("MinSomaticScore", None, False),  # a Manta filter
    ("MinSomaticScore", ["PASS", "MinSomaticScore"], True),  # the sample's pass_filters decide, as for SNVs
])
def test_sv_file_filter_failed_call_is_listed_not_called(tmp_path, filt, pass_filters, called):
    sv = tmp_path / "fusions.vcf"
    sv.write_text(_ION_FUSION.format(f=filt, n=0 if filt == "FAIL" else 1432))
    fusions, assessment = assess_fusions(build="GRCh37", sv=str(sv), pass_filters=pass_filters)
    if called:
        assert [f["name"] for f in fusions] == ["EML4-ALK"] and assessment["status"] == "detected"
        assert assessment["sv_file"]["filtered"] == []
    else:
        assert fusions == [] and assessment["status"] == "none_found"
        listed = assessment["sv_file"]["filtered"]
        assert [(f["name"], f["variant"], f["filter"]) for f in listed] == [("EML4-ALK", "v1", filt)]
        assert f"1 call failed the caller's FILTER ({filt}), not used: EML4-ALK v1" in assessment["summary"]


_DELLY_JOINT = (
    "##fileformat=VCFv4.2\n##source=DELLY\n##contig=<ID=chr2,length=242193529>\n"
    '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="t">\n'
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
    '##FORMAT=<ID=DV,Number=1,Type=Integer,Description="alt pairs">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tOTHER_PATIENT\tTUMOR\n"
    "chr2\t42325800\tBND1\tC\tC]chr2:29224000]\t.\tPASS\tSVTYPE=BND\tGT:DV\t0/1:14\t{gt}:0\n")


@pytest.mark.parametrize(("gt", "called"), [("0/1", True), ("1/1", True), ("./.", True), ("0/0", False)])
def test_sv_file_tumour_genotype_reference_only_is_not_called(tmp_path, gt, called):
    """A joint-called SV VCF (DELLY cohort calling) holds other samples' events: where the caller genotyped the
    tumour 0/0 it did not call the junction there. A missing genotype (./., as Ion Torrent writes for every
    fusion) says nothing and does not filter."""
    sv = tmp_path / "joint.vcf"
    sv.write_text(_DELLY_JOINT.format(gt=gt))
    fusions, assessment = assess_fusions(build="GRCh38", sv=str(sv), sv_sample="TUMOR")
    if called:
        assert [f["name"] for f in fusions] == ["EML4-ALK"]
    else:
        assert fusions == [] and assessment["status"] == "none_found"
        assert [(f["name"], f["filter"]) for f in assessment["sv_file"]["filtered"]] == [("EML4-ALK", "GT:0/0")]


@pytest.mark.parametrize(("filt", "called"), [("PASS", True), ("", True), ("LowScore", False)])
def test_fusion_table_filter_column_is_the_callers_filter(tmp_path, filt, called):
    """A FusionGene/LeftBreakpoint/RightBreakpoint table (PCGR input, DRAGEN-style) with a Filter column: a row
    the caller filtered is listed, not called; an empty cell says nothing."""
    t = tmp_path / "fusions.tsv"
    t.write_text("FusionGene\tLeftBreakpoint\tRightBreakpoint\tSplitReads\tFilter\n"
                 f"EML4--ALK\tchr2:42295554:+\tchr2:29223528:-\t100\t{filt}\n")
    fusions, assessment = assess_fusions(build="GRCh38", sv=str(t))
    assert ([f["name"] for f in fusions] == ["EML4-ALK"]) is called
    assert [f["filter"] for f in assessment["sv_file"]["filtered"]] == ([] if called else ["LowScore"])


def test_key_finding_names_the_alk_fusion_the_caller_filtered(tmp_path):
    """'No ALK rearrangement found' stays true (the caller did not call it), and the sentence says which ALK
    fusion the file lists with a failed FILTER, so the board can weigh it."""
    from alkannot.report.wording import fusion_finding

    sv = tmp_path / "fusions.vcf"
    sv.write_text(_ION_FUSION.format(f="FAIL", n=0))
    fusions, assessment = assess_fusions(build="GRCh37", sv=str(sv))
    text = fusion_finding({"fusions": fusions, "fusion_assessment": assessment})
    assert text == ("No ALK rearrangement found in the SV/fusion file; the file lists EML4-ALK (FILTER FAIL), "
                    "which its caller did not call.")
    sv.write_text(_ION_FUSION.format(f="PASS", n=5))
    fusions, assessment = assess_fusions(build="GRCh37", sv=str(sv))
    assert "detected" in fusion_finding({"fusions": fusions, "fusion_assessment": assessment})
