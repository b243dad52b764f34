"""Regenerate resources/references.tsv from the review's own reference list.

Usage: python scripts/build_references.py ../shared/reference/tabbo2020_alk_resistance_review.txt > resources/references.tsv

The review text lists references 1-19 as bullets (their numbers were lost in conversion; they are numbered
by order) and 20-80 with their numbers. Each entry is "Authors. Title. *Journal* Year;volume:pages." DOIs
are kept only where the review prints them; no PMID is added (none is printed in the review).
"""

from __future__ import annotations

import re
import sys

REVIEW = ("tabbo2020", "", "Tabbò F, Reale ML, Bironzo P, Scagliotti GV",
          "Resistance to anaplastic lymphoma kinase inhibitors: knowing the enemy is half the battle won",
          "Transl Lung Cancer Res", "2020", "9(6):2545-2556", "10.21037/tlcr-20-372", "")
COLUMNS = ("key", "number", "authors", "title", "journal", "year", "volume_pages", "doi", "pmid")
ENTRY = re.compile(r"^(?P<head>.*?)\s*\*(?P<journal>[^*]+)\*\s*(?P<year>\d{4})[a-z]?(?:;(?P<vp>\S+?))?\.?"
                   r"(?:\s*doi:\s*(?P<doi>10\.\S+?))?\.?\s*$")
AUTHORS_END = re.compile(r"(et al\.|\b[A-Z][A-Za-z'\u00C0-\u017F-]+ [A-Z]{1,3}\.)\s+(?=[A-Z0-9])")
AUTHOR = re.compile(r"^[A-Z][A-Za-z'\u00C0-\u017F-]+(?: [A-Z][A-Za-z'\u00C0-\u017F-]+)* [A-Z]{1,3}$")


def entries(text: str) -> list[str]:
    body = text.split("\nReferences\n", 1)[1].split("\nCite this article as:", 1)[0]
    out: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"^(?:- |(\d+)\.\s+)(.*)$", line)
        if m and not (out and not out[-1].rstrip().endswith(".") and line.startswith("- ")):
            out.append(m.group(2))
        elif out:  # a wrapped entry (e.g. ref 45 continues on a bulleted line)
            out[-1] += " " + (m.group(2) if m else line)
    return out


def split_head(head: str) -> tuple[str, str]:
    """'Gainor JF, Dardaei L, Yoda S, et al. Molecular ... Cancer.' -> (authors, title)."""
    for m in AUTHORS_END.finditer(head):
        authors = head[:m.end(1)].rstrip(" ,")
        return authors.rstrip("."), head[m.end():].strip().rstrip(".")
    # "Voena C, Di Giacomo F, Panizza E, The EGFR family ...": the list ends without a full stop
    parts = head.split(", ")
    k = next((i for i, part in enumerate(parts) if not AUTHOR.match(part)), 0)
    return ", ".join(parts[:k]), ", ".join(parts[k:]).strip().rstrip(".")


def main(argv: list[str]) -> int:
    text = open(argv[0], encoding="utf-8").read()
    rows = [REVIEW]
    for n, e in enumerate(entries(text), start=1):
        m = ENTRY.match(e)
        if not m:
            raise SystemExit(f"reference {n} not parsed: {e}")
        authors, title = split_head(m.group("head"))
        rows.append((f"tabbo2020:ref{n}", str(n), authors, title, m.group("journal").strip(), m.group("year"),
                     (m.group("vp") or "").strip(), (m.group("doi") or "").rstrip("."), ""))
    if len(rows) != 81:
        raise SystemExit(f"expected 80 numbered references, found {len(rows) - 1}")
    print("# The numbered references of Tabbò et al., Transl Lung Cancer Res 2020;9:2545-56 "
          "(doi:10.21037/tlcr-20-372),")
    print("# transcribed from the review's own reference list by scripts/build_references.py. DOI only where the "
          "review prints it;")
    print("# pmid is left empty unless verified against the review or the knowledge base. Version 1.0.0.")
    print("\t".join(COLUMNS))
    for r in rows:
        print("\t".join(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
