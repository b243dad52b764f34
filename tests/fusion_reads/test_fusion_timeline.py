"""The fusion allele fraction from the reads is a timeline row (tumour-burden signal in plasma)."""

from __future__ import annotations

from alkannot.report.timeline import build_timeline


def _sample(sid, tp, fusions, status):
    return {"sample": {"id": sid, "patient": "PX", "specimen": "plasma", "timepoint": tp},
            "variants": [], "alk_mutations": [], "fusions": fusions,
            "fusion_assessment": {"status": status} if status else None}


FUSION = {"name": "EML4-ALK", "variant": "v3a/b", "category": "on_target_driver", "allele_fraction": 0.021}


def test_fusion_fraction_over_time():
    t = build_timeline([_sample("a", "2024-01-01", [FUSION], "detected"),
                        _sample("b", "2024-04-01", [], "none_found"),
                        _sample("c", "2024-07-01", [], None),
                        _sample("d", "2024-09-01", [dict(FUSION, allele_fraction=0.05)], "detected")])
    (row,) = [r for r in t["rows"] if r["name"] == "EML4-ALK v3a/b"]
    assert [c["state"] for c in row["cells"]] == ["detected", "not_detected", "not_assessed", "detected"]
    assert [c["vaf"] for c in row["cells"]] == [0.021, 0.0, None, 0.05]
    assert [c["change"] for c in row["cells"]] == ["first seen", "cleared", "", ""]
    assert any(s["name"].startswith("EML4-ALK v3a/b") for s in t["series"])
