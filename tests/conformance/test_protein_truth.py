"""Conformance of the engine with third-party protein annotations (shared/truth/protein_truth_dev.tsv).

Every truth row in a gene with bundled CDS sequence is annotated; every difference must be in
accepted_differences.tsv with the category and reason the evidence checks in truth_compare.classify give
today, and no accepted row may be stale.  Agreement over rows whose source gives a protein annotation of
this variant on MANE must be >= 99.5%.  Regenerate the accepted file with
    .venv/bin/python tests/conformance/truth_compare.py --write-accepted
and review the diff: a row the classifier cannot explain is never written (a possible engine bug).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import truth_compare as tc  # noqa: E402

MIN_AGREEMENT_PCT = 99.5


@pytest.fixture(scope="module")
def result():
    if not tc.TRUTH.exists():
        pytest.skip(f"third-party truth not available: {tc.TRUTH} (needs <repo>/../shared)")
    stats, rows, diffs = tc.compare()
    generated, unexplained = tc.accepted_rows(diffs)
    return {"stats": stats, "rows": rows, "diffs": diffs, "generated": generated, "unexplained": unexplained,
            "accepted": tc.load_accepted()}


def _fmt(c: tc.Compared) -> str:
    r = c.row
    return (f"{r['build']}:{r['chrom']}:{r['pos']} {r['ref']}>{r['alt']} {r['gene']} [{r['source']}] "
            f"theirs {r['hgvsp']} ours {c.ann.hgvsc} {c.ann.hgvsp}")


def test_every_difference_is_explained_by_evidence(result):
    bad = [_fmt(c) for c in result["unexplained"]]
    assert not bad, f"{len(bad)} differences with no evidence-backed explanation (engine bug?):\n" + "\n".join(bad)


def test_every_difference_is_accepted_with_current_reason(result):
    accepted = result["accepted"]
    problems = []
    for g in result["generated"]:
        a = accepted.get(tc.row_key(g))
        if a is None:
            problems.append(f"not in accepted file: {g}")
        elif (a["ours"], a["category"], a["reason"]) != (g["ours"], g["category"], g["reason"]):
            problems.append(f"accepted row out of date: file {a['ours']}/{a['category']}/{a['reason']!r}, "
                            f"now {g['ours']}/{g['category']}/{g['reason']!r}")
    assert not problems, "\n".join(problems[:30])


def test_no_stale_accepted_rows(result):
    current = {c.key for c in result["diffs"]}
    stale = [k for k in result["accepted"] if k not in current]
    assert not stale, f"{len(stale)} accepted differences no longer differ (remove them): {stale[:20]}"


def test_accepted_categories_are_known(result):
    assert {a["category"] for a in result["accepted"].values()} <= set(tc.CATEGORIES)
    assert all(a["reason"].strip() for a in result["accepted"].values())


def test_agreement(result):
    f = tc.figures(result["stats"], result["generated"])
    print(f"\nraw agreement {f['agree']}/{f['compared']} = {f['raw_pct']:.2f}%; excluding {f['excluded']} rows "
          f"whose source annotation is not a MANE protein annotation of the variant: "
          f"{f['agree']}/{f['compared'] - f['excluded']} = {f['mane_pct']:.2f}%")
    assert f["compared"] > 2000  # the comparison really ran over the truth file
    assert f["mane_pct"] >= MIN_AGREEMENT_PCT


def test_engine_output_matches_the_alleles_on_every_row(result):
    """Independently of any source: on every compared row our short form, applied to the reference
    protein, gives the protein of the row's own alleles, and our c. is the same edit, 3'-shifted."""
    bad, checked = [], 0
    for c in result["rows"]:
        edited = tc.edited_transcript(c.tx, c.pos, c.ref, c.alt)
        if edited is None or c.ours is None:
            continue  # allele across an intron-exon boundary: p.? (checked in the ALK cases)
        checked += 1
        ref_p, alt_p = tc.proteins(c.tx, edited)
        if not tc.describes(c.ours, ref_p, alt_p, (len(c.alt) - len(c.ref)) % 3 != 0) \
                or tc.apply_c(c.tx, c.ann.hgvsc) not in (None, edited) or tc.shiftable_3prime(c.tx, c.ann.hgvsc):
            bad.append(_fmt(c))
    assert checked > 2000
    assert not bad, "\n".join(bad[:30])


def test_classifier_rejects_a_wrong_engine_answer(result):
    """The evidence check must be able to fail: a plausible but wrong short form is not explained."""
    c = next(c for c in result["diffs"] if c.row["source"] == tc.HOTSPOT_SOURCE and c.ours and "del" in c.ours)
    wrong = tc.Compared(c.row, c.tx, c.pos, c.ref, c.alt, c.ann, c.theirs, c.ours.replace("del", "dup"))
    assert tc.classify(wrong, {}) is None


@pytest.mark.parametrize("source, short", [
    ("p.(Gly1202Arg)", "G1202R"),
    ("NP_004295.2:p.Gly1202Arg", "G1202R"),
    ("p.G1202R", "G1202R"),
    ("R174X", "R174*"),
    ("p.Arg342GlufsTer3", "R342Efs"),
    ("p.R342fs*3", "R342fs"),
    ("p.K601-", "K601del"),
    ("p.L862", "L862="),
    ("p.T125T", "T125="),
    ("p.(Thr1151dup)", "T1151dup"),
])
def test_normalise_p(source, short):
    assert tc.normalise_p(source) == short


@pytest.mark.parametrize("theirs, ours, same", [
    ("R342fs", "R342Efs", True),
    ("R342Efs", "R342Efs", True),
    ("R342fs", "R343Efs", False),
    ("R342Gfs", "R342Efs", False),
    ("G1202R", "G1202K", False),
])
def test_agrees(theirs, ours, same):
    assert tc.agrees(theirs, ours) is same
