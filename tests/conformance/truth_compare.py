"""Compare the engine with third-party protein annotations (shared/truth/protein_truth_dev.tsv).

Used by tests/conformance/test_protein_truth.py and runnable by hand:
    .venv/bin/python tests/conformance/truth_compare.py [--show N]
Notation is normalised to one-letter short forms before comparing (p.(Gly1202Arg) == p.G1202R == G1202R).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from alkannot.annotate.engine import annotate_allele, trim_allele
from alkannot.annotate.protein import THREE
from alkannot.annotate.transcripts import load_transcripts

REPO = Path(__file__).resolve().parents[2]
TRUTH = REPO.parent / "shared" / "truth" / "protein_truth_dev.tsv"
ACCEPTED = Path(__file__).with_name("accepted_differences.tsv")
ONE = {v: k for k, v in THREE.items()}


def normalise_p(p: str) -> str:
    p = p.strip()
    if ":" in p:
        p = p.split(":", 1)[1]
    p = p.removeprefix("p.").strip("()")
    p = re.sub(r"(Ter|[A-Z][a-z]{2})", lambda m: ONE.get(m.group(1), m.group(1)), p)
    p = p.replace("X", "*") if re.fullmatch(r"[A-Z*]\d+X", p) else p
    p = re.sub(r"fs\*?(\d+|\?)?$", "fs", p)  # many sources omit the new stop: compare up to 'fs'
    return p


def ours_short(short: str | None) -> str | None:
    if short is None:
        return None
    return re.sub(r"fs\*?(\d+|\?)?$", "fs", short)


def _anchor_maf(tx, pos, ref, alt):
    """MAF-style '-' alleles have no anchor base; take it from the bundled sequence."""
    gpos = pos - 1 if ref == "-" or alt == "-" else pos
    if ref == "-":
        gpos = pos  # MAF insertion: Start_Position is the base before the insertion
    t = tx.g_to_t(gpos)
    if t is None:
        return None
    base = tx.sequence[t]
    if base == "N":
        return None
    if tx.strand == "-":
        base = {"A": "T", "C": "G", "G": "C", "T": "A"}[base]
    if ref == "-":
        return gpos, base, base + alt
    return gpos, base + ref, base


def load_accepted() -> dict[tuple, str]:
    out = {}
    if ACCEPTED.exists():
        with open(ACCEPTED) as fh:
            for row in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
                out[(row["build"], row["chrom"], row["pos"], row["ref"], row["alt"])] = row["reason"]
    return out


def compare(truth: Path = TRUTH):
    sets = {b: load_transcripts(b) for b in ("GRCh37", "GRCh38")}
    coding_genes = {t.gene for t in sets["GRCh38"].transcripts if t.coding and set(t.cds_seq()) != {"N"}}
    stats = Counter()
    diffs = []
    with open(truth) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["gene"] not in coding_genes or not row["hgvsp"]:
                continue
            tx = sets[row["build"]].by_gene(row["gene"])
            pos, ref, alt = int(row["pos"]), row["ref"], row["alt"]
            if "-" in (ref, alt):
                anchored = _anchor_maf(tx, pos, ref, alt)
                if anchored is None:
                    stats["not_annotated:reference_sequence_not_available"] += 1
                    continue
                pos, ref, alt = anchored
            pos, ref, alt = trim_allele(pos, ref, alt)
            ann = annotate_allele(tx, pos, ref, alt)
            if ann.status != "annotated":
                stats[f"not_annotated:{ann.reason}"] += 1
                if ann.reason != "reference_sequence_not_available":
                    diffs.append((row, ann, f"not annotated: {ann.reason}"))
                continue
            stats["compared"] += 1
            theirs = normalise_p(row["hgvsp"])
            mine = ours_short(ann.protein_short)
            if theirs == mine:
                stats["agree"] += 1
            else:
                diffs.append((row, ann, f"{theirs} vs ours {mine}"))
    return stats, diffs


def main(argv: list[str]) -> int:
    stats, diffs = compare()
    accepted = load_accepted()
    unexplained = [d for d in diffs if (d[0]["build"], d[0]["chrom"], d[0]["pos"], d[0]["ref"], d[0]["alt"])
                   not in accepted]
    n = stats["compared"]
    print(f"compared {n}, agree {stats['agree']} ({100 * stats['agree'] / max(n, 1):.2f}%), "
          f"differences {len(diffs)} ({len(diffs) - len(unexplained)} accepted), {dict(stats)}")
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 50
    for row, ann, why in unexplained[:show]:
        print("\t".join([row["build"], row["chrom"], row["pos"], row["ref"], row["alt"], row["gene"],
                         row["hgvsc"], row["hgvsp"], row["source"], row["protein_conflict"],
                         str(ann.hgvsc), str(ann.hgvsp), why]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
