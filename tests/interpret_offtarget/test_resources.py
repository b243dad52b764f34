"""The resources this part owns: numbering checked against the bundled MANE translations (and, when the
shared kit is present, against third-party cancerhotspots rows), hotspot codons, CH list, sources."""

from __future__ import annotations

import csv
import re

import pytest

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import CODON_TABLE
from alkannot.interpret import ctdna
from alkannot.interpret.comutations import exon_c_bounds, load_co_alterations

from ._helpers import SHARED

RULES = load_co_alterations()
_CODE = CODON_TABLE


def _aa(build: str, gene: str, residue: int) -> str | None:
    t = load_transcripts(build).by_gene(gene)
    if t is None or not t.coding:
        return None
    codon = t.sequence[t.cds_start + 3 * (residue - 1): t.cds_start + 3 * residue]
    return None if "N" in codon else _CODE[codon]


def _hotspot_residues():
    for gene, spec in RULES["genes"].items():
        for rule in spec["rules"]:
            for r in rule.get("residues", []):
                yield gene, r, None
            for a in rule.get("alleles", []):
                m = re.match(r"([A-Z])(\d+)", a)
                yield gene, int(m.group(2)), m.group(1)


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_allele_reference_residues_match_bundled_translation(build):
    checked = 0
    for gene, residue, ref in _hotspot_residues():
        aa = _aa(build, gene, residue)
        if aa is None or ref is None:
            continue
        assert aa == ref, (gene, residue, ref, aa)
        checked += 1
    assert checked > 20


def test_bundled_transcripts_are_the_ones_named():
    ts = load_transcripts("GRCh38")
    for gene, spec in RULES["genes"].items():
        assert ts.by_gene(gene).transcript_id == spec["transcript"], gene


def test_residue_lists_agree_with_cancerhotspots_rows():
    truth = SHARED / "truth" / "protein_truth_dev.tsv"
    if not truth.exists():
        pytest.skip(f"shared truth kit not found at {truth}")
    seen: dict[tuple[str, int], set[str]] = {}
    with truth.open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["build"] != "GRCh38" or row["protein_conflict"] == "yes":
                continue
            m = re.search(r"(?:p\.)?([A-Z])(\d+)", row["hgvsp"] or "")
            if m:
                seen.setdefault((row["gene"], int(m.group(2))), set()).add(m.group(1))
    checked = 0
    for gene, residue, _ in _hotspot_residues():
        aa = _aa("GRCh38", gene, residue)
        if aa is None or (gene, residue) not in seen:
            continue  # exon-only model (MAP2K1) or residue absent from this truth excerpt
        assert aa in seen[(gene, residue)], (gene, residue, aa, seen[(gene, residue)])
        checked += 1
    assert checked >= 40, checked


def test_met_exon14_bounds_are_mane_numbering():
    # NM_000245.4 exon 14 = c.2888..c.3028 (D1010 is its last codon); the +18 isoform would give c.2942..3082
    assert exon_c_bounds("MET", 14, "GRCh38") == (2888, 3028)
    assert exon_c_bounds("MET", 14, "GRCh37") == (2888, 3028)
    assert _aa("GRCh38", "MET", 1228) == "D" and _aa("GRCh38", "MET", 1010) == "D"


@pytest.mark.parametrize("build", ["GRCh38", "GRCh37"])
def test_every_alk_hotspot_codon_resolves(build):
    rows = ctdna.load_hotspots()
    assert {"G1202R", "L1196M/F", "I1171N/S/T", "F1174L/C/V", "C1156Y/T", "G1269A/S", "L1198F", "G1123S",
            "D1203N", "S1206Y/C/F", "E1210K", "T1151dup", "V1180L", "R1275Q"} <= {r["mutation"] for r in rows}
    for r in rows:
        chrom, pos = ctdna.codon_positions(build, r["gene"], r["codon"], r["ref_aa"])  # raises on mismatch
        assert chrom == "2" and pos[0] - pos[2] == 2  # minus strand: transcript order is descending


def test_wrong_ref_aa_is_an_input_error():
    from alkannot.errors import InputError

    with pytest.raises(InputError, match="codon 1202 is G"):
        ctdna.codon_positions("GRCh38", "ALK", 1202, "L")


def test_every_statement_cites_a_known_source():
    for spec in RULES["genes"].values():
        for rule in spec["rules"]:
            assert rule["evidence"], rule["id"]
            for e in rule["evidence"]:
                assert e["source"] in RULES["sources"], (rule["id"], e["source"])
    ch = ctdna.load_ch_genes()
    domain_list = {"DNMT3A", "TET2", "ASXL1", "PPM1D", "TP53", "JAK2", "SF3B1", "SRSF2", "CBL", "GNB1"}
    assert domain_list <= set(ch["genes"])
    for gene, srcs in ch["genes"].items():
        assert srcs and all(s in ch["sources"] for s in srcs), gene
