"""Compare our protein change with annotations already in the VCF (VEP CSQ, SnpEff ANN, bcftools BCSQ).

We never take theirs: for the MANE transcript we report what each tool said and whether it agrees
with ours (after notation normalisation), so a disagreement is visible rather than hidden.
"""

from __future__ import annotations

import re

from alkannot.annotate.protein import ProteinEdit
from alkannot.core.sequence import ONE

# SnpEff's ANN field order is fixed by its spec; VEP and BCSQ declare theirs in the header.
ANN_FORMAT = ["Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID", "Feature_Type", "Feature_ID",
              "Transcript_BioType", "Rank", "HGVS.c", "HGVS.p"]


def header_formats(raw_header: str) -> dict[str, list[str]]:
    """{'CSQ': [...], 'BCSQ': [...], 'ANN': [...]} for the fields present in the header."""
    out = {}
    for line in raw_header.splitlines():
        for key in ("CSQ", "BCSQ", "ANN"):
            if line.startswith(f"##INFO=<ID={key},"):
                m = re.search(r"Format: ?([^\"]+)\"", line)
                if key == "ANN":
                    out[key] = ANN_FORMAT
                elif m:
                    out[key] = [f.strip() for f in m.group(1).strip().strip("'").split("|")]
    return out


def short_from_hgvsp(p: str) -> str | None:
    """p.(Gly1202Arg) / ENSP..:p.Gly1202Arg / p.G1202R -> G1202R; synonymous -> G1202=."""
    if not p:
        return None
    p = p.split(":", 1)[-1].replace("%3D", "=")
    p = p.removeprefix("p.").strip("()")
    return re.sub(r"(Ter|[A-Z][a-z]{2})", lambda m: ONE.get(m.group(1), m.group(1)), p) or None


def _bcsq_short(aa_change: str) -> str | None:
    """BCSQ amino_acid_change '1202G>1202R' (or '1202G' for synonymous) -> G1202R."""
    m = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?", aa_change or "")
    if not m:
        return None
    pos, ref, _, alt = m.groups()
    if alt is None:
        return f"{ref}{pos}="
    return f"{ref}{pos}{alt}"


def _norm_tx(t: str | None) -> str:
    return (t or "").split(".")[0]


def _comparable(edit: ProteinEdit | None) -> str | None:
    """Our short form as the tools' are compared with it: a frameshift up to ``fs`` (the distance to the
    new stop is counted differently by the tools), anything else whole."""
    if edit is None:
        return None
    return f"{edit.ref}{edit.start}{edit.alt}fs" if edit.kind == "fs" else edit.short


def compare(info: dict, formats: dict[str, list[str]], alt: str, transcript_ids: set[str],
            ours: ProteinEdit | None) -> list[dict]:
    """Entries of CSQ/ANN/BCSQ for our transcript (any version), with agreement to our protein change."""
    ids = {_norm_tx(t) for t in transcript_ids if t}
    ours_short = _comparable(ours)
    out = []
    for key, fields in formats.items():
        raw = info.get(key)
        if not raw:
            continue
        for entry in str(raw).split(","):
            vals = dict(zip(fields, entry.split("|")))
            if key == "CSQ":
                tx, allele = vals.get("Feature"), vals.get("Allele")
                theirs = short_from_hgvsp(vals.get("HGVSp", ""))
                csq = vals.get("Consequence")
            elif key == "ANN":
                tx, allele = vals.get("Feature_ID"), vals.get("Allele")
                theirs = short_from_hgvsp(vals.get("HGVS.p", ""))
                csq = vals.get("Annotation")
            else:
                tx, allele = vals.get("transcript"), None
                theirs = _bcsq_short(vals.get("amino_acid_change", ""))
                csq = vals.get("Consequence", "").lstrip("@*")
            if _norm_tx(tx) not in ids:
                continue
            # VEP writes the allele without the anchor base for indels; only SNV/MNV alleles are compared
            if allele and len(allele) == len(alt) and allele != alt:
                continue
            tool = {"CSQ": "VEP", "ANN": "SnpEff", "BCSQ": "bcftools csq"}[key]
            out.append({"tool": tool, "transcript": tx, "hgvsp_short": theirs, "consequence": csq,
                        "agrees": theirs is not None and ours_short is not None and
                        re.sub(r"fs.*", "fs", theirs) == ours_short})
    return out
