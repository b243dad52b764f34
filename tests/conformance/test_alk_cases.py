"""The engine on hand-derived ALK cases (alk_cases.tsv), both builds, from the bundled transcripts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from alkannot.annotate.engine import annotate_allele
from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.contigs import canonical_chrom
from alkannot.core.sequence import trim_allele

CASES_TSV = Path(__file__).with_name("alk_cases.tsv")
CASES = list(csv.DictReader((ln for ln in CASES_TSV.open() if not ln.startswith("#")), delimiter="\t"))


def test_cases_cover_both_builds_equally():
    by_build = {b: sorted(c["name"] for c in CASES if c["build"] == b) for b in ("GRCh37", "GRCh38")}
    assert by_build["GRCh37"] == by_build["GRCh38"] and len(by_build["GRCh38"]) >= 19


@pytest.mark.parametrize("case", CASES, ids=[f"{c['build']}-{c['name']}" for c in CASES])
def test_alk_case(case):
    tx = load_transcripts(case["build"]).by_gene("ALK")
    assert tx.chrom == canonical_chrom(case["chrom"])
    pos, ref, alt = trim_allele(int(case["pos"]), case["ref"], case["alt"])
    ann = annotate_allele(tx, pos, ref, alt)
    assert ann.status == "annotated", ann.reason
    assert ann.ref_check != "mismatch"
    got = (ann.hgvsc, ann.hgvsp or "", ann.protein_short or "", ann.consequence)
    assert got == (case["hgvsc"], case["hgvsp"], case["short"], case["consequence"]), case["note"]
