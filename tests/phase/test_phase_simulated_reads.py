"""Read-backed phasing on simulated BAMs whose truth is known by construction (see tests/helpers/simulate.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pysam
import pytest
from helpers.simulate import CASES, simulate_case

from alkannot.errors import InputError
from alkannot.phase.reads import SiteAllele, phase_from_reads

COUNT_KEYS = ("alt_alt", "alt_ref", "ref_alt", "ref_ref", "uninformative", "mate_conflicts")


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("phase_sim")


@pytest.mark.parametrize("kind", sorted(CASES))
def test_simulated_case(kind, sim_dir):
    case = simulate_case(kind, sim_dir)
    result = phase_from_reads(case["bam"], case["a"], case["b"])
    expected = case["expected"]
    assert result["phase"] == expected["phase"], result["explanation"]
    for key in COUNT_KEYS:
        if key in expected:
            assert result["counts"][key] == expected[key], key
    if "duplicate_reads" in expected:
        assert result["filtered_reads"]["duplicate"] == expected["duplicate_reads"]
    if "mixed" in expected:
        assert result["mixed"] is expected["mixed"]
    if expected["phase"] == "unresolved":
        assert result["confidence"] is None
    else:
        assert 0 < result["confidence"] <= 1


def test_low_baseq_filter_is_what_hides_the_cis_fragments(sim_dir):
    # Lowering the threshold below the simulated quality (10) lets the alt_alt fragments count again.
    case = simulate_case("low_baseq", sim_dir)
    result = phase_from_reads(case["bam"], case["a"], case["b"], min_baseq=5)
    assert result["counts"]["alt_alt"] == 15
    assert result["phase"] == "cis"


def test_min_fragments_override_makes_thin_evidence_callable(sim_dir):
    case = simulate_case("low_coverage", sim_dir)
    result = phase_from_reads(case["bam"], case["a"], case["b"], config={"min_informative_fragments": 2,
                                                                          "cis_min_fragments": 2})
    assert result["phase"] == "cis"


def test_mapq_threshold(sim_dir):
    case = simulate_case("cis", sim_dir)
    result = phase_from_reads(case["bam"], case["a"], case["b"], min_mapq=61)  # simulated MAPQ is 60
    assert result["filtered_reads"]["low_mapq"] == 80
    assert result["phase"] == "unresolved"


def test_site_order_does_not_matter(sim_dir):
    case = simulate_case("trans", sim_dir)
    ab = phase_from_reads(case["bam"], case["a"], case["b"])
    ba = phase_from_reads(case["bam"], case["b"], case["a"])
    assert ab["phase"] == ba["phase"] == "trans"
    assert ab["counts"]["alt_ref"] == ba["counts"]["ref_alt"]


@pytest.mark.parametrize("vcf_chrom", ["chr2", "2"])
def test_contig_naming_is_mapped(vcf_chrom, sim_dir):
    case = simulate_case("cis", sim_dir / "grch37", build="GRCh37")  # BAM contig "2"
    assert case["contig"] == "2" and case["a"].pos == 29443613  # G1202R on GRCh37
    a = dataclasses.replace(case["a"], chrom=vcf_chrom)
    b = dataclasses.replace(case["b"], chrom=vcf_chrom)
    assert phase_from_reads(case["bam"], a, b)["phase"] == "cis"


def test_grch38_site_coordinates(sim_dir):
    case = simulate_case("cis", sim_dir)
    assert (case["a"].pos, case["a"].ref, case["a"].alt) == (29220747, "C", "T")  # G1202R, domain notes
    assert (case["b"].pos, case["b"].ref, case["b"].alt) == (29220765, "G", "T")  # L1196M c.3586C>A
    header = pysam.AlignmentFile(case["bam"]).header
    assert header.get_reference_length("chr2") == 242193529


def test_missing_contig_is_an_input_error(sim_dir):
    case = simulate_case("cis", sim_dir)
    a = SiteAllele("chr7", 100, "A", "T")
    with pytest.raises(InputError, match="chr7"):
        phase_from_reads(case["bam"], a, dataclasses.replace(a, pos=120))


def test_missing_index_is_an_input_error(sim_dir, tmp_path):
    case = simulate_case("cis", sim_dir)
    bam = tmp_path / "noindex.bam"
    bam.write_bytes(Path(case["bam"]).read_bytes())
    with pytest.raises(InputError, match="samtools index"):
        phase_from_reads(str(bam), case["a"], case["b"])


def test_missing_file_and_cram_without_reference(tmp_path):
    a = SiteAllele("chr2", 29220747, "C", "T")
    with pytest.raises(InputError, match="not found"):
        phase_from_reads(str(tmp_path / "nope.bam"), a, a)
    cram = tmp_path / "x.cram"
    cram.write_bytes(b"")
    with pytest.raises(InputError, match="reference FASTA"):
        phase_from_reads(str(cram), a, a)


def test_simulated_vcfs_parse(sim_dir):
    cyvcf2 = pytest.importorskip("cyvcf2")
    case = simulate_case("trans", sim_dir)
    records = list(cyvcf2.VCF(case["mutect2_vcf"]))
    assert [r.POS for r in records] == [29220747, 29220765]
    assert [r.format("PGT")[0] for r in records] == ["0|1", "1|0"]
    assert len({r.format("PID")[0] for r in records}) == 1
    plain = list(cyvcf2.VCF(case["vcf"]))
    assert all(r.genotypes[0][2] is False for r in plain)  # unphased


def test_unknown_case_kind(tmp_path):
    with pytest.raises(ValueError, match="unknown simulated case"):
        simulate_case("nope", tmp_path)
