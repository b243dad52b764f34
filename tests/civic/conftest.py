from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.interpret.kb import KB, load_kb

SHARED_EXPORT = (Path(__file__).resolve().parents[2] / ".." / "shared" / "truth" / "resistance" / "civic"
                 / "01-Aug-2021-ClinicalEvidenceSummaries.tsv")


@pytest.fixture(scope="session")
def kb() -> KB:
    return load_kb()


@pytest.fixture
def shared_export() -> Path:
    if not SHARED_EXPORT.is_file():
        pytest.skip("../shared CIViC export not available")
    return SHARED_EXPORT


HEADER = ["gene", "entrez_id", "variant", "disease", "doid", "phenotypes", "drugs", "drug_interaction_type",
          "evidence_type", "evidence_direction", "evidence_level", "clinical_significance", "evidence_statement",
          "citation_id", "source_type", "asco_abstract_id", "citation", "nct_ids", "rating", "evidence_status",
          "evidence_id", "variant_id", "gene_id", "variant_origin", "last_review_date", "evidence_civic_url"]


def civic_row(**kw) -> dict:
    row = dict.fromkeys(HEADER, "")
    row.update({"gene": "ALK", "disease": "Lung Non-small Cell Carcinoma", "evidence_type": "Predictive",
                "evidence_direction": "Supports", "evidence_level": "D", "clinical_significance": "Resistance",
                "citation_id": "12345", "source_type": "PubMed", "rating": "3", "evidence_status": "accepted",
                "variant_origin": "Somatic"})
    row.update(kw)
    return row


def write_export(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or HEADER
    lines = ["\t".join(header)] + ["\t".join(str(r.get(h, "")) for h in header) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path
