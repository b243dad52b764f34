"""Phase of compound mutations: every pair, then every set of 3..max_set_size, from the best evidence.

Per pair, reads are tried first (they see the molecules), then the caller's VCF phase, then the VAF
pigeonhole argument. The first decisive method wins; the others are still reported under
`evidence.other_methods`, and `evidence.conflict` is True when a decisive one disagrees.
A set is cis only when every pair in it is cis; it is trans when some pair is trans (the set cannot all
sit on one allele); otherwise unresolved. Its pairwise results are listed in `evidence.pairs`.
"""

from __future__ import annotations

from itertools import combinations

from alkannot.annotate.protein import protein_order
from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.phase.config import confidence_label, phase_config
from alkannot.phase.reads import SiteAllele, phase_from_reads
from alkannot.phase.vaf import VafPairs, phase_from_vaf_checked
from alkannot.phase.vcf_phase import phase_from_vcf

_COMMON = ("confidence", "confidence_label", "explanation")


def _sort_key(m: dict) -> tuple[int, str]:
    return protein_order(m["residue"], m["protein_short"])


def _reads_evidence(r: dict) -> dict:
    ev = {k: r[k] for k in _COMMON}
    ev.update(r["counts"])
    ev.update({"mixed": r["mixed"], "fragments": r["fragments"], "filtered_reads": r["filtered_reads"],
               "site_reads": r["site_reads"], "contig": r["contig"]})
    return ev


def decide_pair(m1: dict, m2: dict, *, alignment: str | None = None, reference: str | None = None,
                cfg: dict, tumor_fraction: float | None = None, vaf: VafPairs | None = None) -> dict:
    """One pair (already in protein order) -> {"mutations", "phase", "method", "evidence"}; ``cfg``: the
    settings `phase_config` gave; ``vaf``: the sample's `VafPairs` (same tumour fraction and settings), when
    the caller decides many pairs."""
    n1, n2 = m1["protein_short"], m2["protein_short"]
    c1, c2 = m1["call"], m2["call"]
    attempts: list[tuple[str, str, dict]] = []  # (method, phase, evidence) in order of preference
    notes = []
    if alignment is None:
        notes.append("reads: no alignment given")
    elif canonical_chrom(c1.chrom) != canonical_chrom(c2.chrom) or abs(c1.pos - c2.pos) > cfg["max_fragment_span"]:
        notes.append(f"reads: sites more than {cfg['max_fragment_span']} bp apart, no fragment spans both")
    else:
        r = phase_from_reads(alignment, SiteAllele.from_call(c1, n1), SiteAllele.from_call(c2, n2),
                             reference=reference, config=cfg)
        attempts.append(("reads", r["phase"], _reads_evidence(r)))
    v = phase_from_vcf(c1, c2, n1, n2)
    if v is None:
        notes.append("vcf: the caller did not phase these two")
    else:
        attempts.append(("vcf", v["phase"], dict(v)))
    f = (vaf.phase(c1, c2, n1, n2) if vaf is not None else
         phase_from_vaf_checked(c1, c2, tumor_fraction=tumor_fraction, cfg=cfg, a_name=n1, b_name=n2))
    if f is None:
        notes.append("vaf: VAF missing")
    else:
        attempts.append(("vaf", f["phase"], dict(f)))

    decisive = [x for x in attempts if x[1] != "unresolved"]
    if decisive:
        method, phase, evidence = decisive[0]
    elif attempts:
        method, phase, evidence = attempts[0]
        phase = "unresolved"
    else:
        method, phase, evidence = "none", "unresolved", {"confidence": None, "confidence_label": None,
                                                         "explanation": "no phase evidence available"}
    evidence = dict(evidence)
    evidence["other_methods"] = [{"method": m, "phase": p, "explanation": e["explanation"]}
                                 for m, p, e in attempts if m != method]
    evidence["conflict"] = any(p not in ("unresolved", phase) for _, p, _ in decisive)
    if phase == "unresolved" and (notes or evidence["other_methods"]):
        tried = [f"{m}: {e['explanation']}" for m, _, e in attempts if m != method] + notes
        evidence["explanation"] = "; ".join([evidence["explanation"], *tried])
    return {"mutations": [n1, n2], "phase": phase, "method": method, "evidence": evidence}


def decide_set(members: list[dict], pair_results: dict[tuple[str, str], dict]) -> dict:
    """A set of >= 3 mutations from its pairwise results."""
    names = [m["protein_short"] for m in members]
    pairs = [pair_results[(x, y)] for x, y in combinations(names, 2)]
    summary = [{"mutations": p["mutations"], "phase": p["phase"], "method": p["method"],
                "confidence": p["evidence"].get("confidence")} for p in pairs]
    trans = [p for p in pairs if p["phase"] == "trans"]
    if all(p["phase"] == "cis" for p in pairs):
        known = [p["evidence"]["confidence"] for p in pairs if p["evidence"].get("confidence") is not None]
        weakest = min(pairs, key=lambda p: (p["evidence"].get("confidence") is not None,
                                            p["evidence"].get("confidence") or 0))
        phase, method, conf = "cis", weakest["method"], (min(known) if known else None)
        text = f"cis: every pair of {', '.join(names)} is cis, so all sit on one allele"
    elif trans:
        first = trans[0]
        phase, method, conf = "trans", first["method"], first["evidence"].get("confidence")
        text = (f"not all on one allele: {' and '.join(first['mutations'])} are in trans")
    else:
        first = next(p for p in pairs if p["phase"] == "unresolved")
        phase, method, conf = "unresolved", first["method"], None
        text = f"unresolved: {' and '.join(first['mutations'])} could not be phased"
    return {"mutations": names, "phase": phase, "method": method,
            "evidence": {"confidence": conf, "confidence_label": confidence_label(conf) if conf is not None
                         else None, "explanation": text, "pairs": summary}}


def decide_compounds(mutations: list[dict], *, alignment: str | None = None, reference: str | None = None,
                     config: dict | None = None, tumor_fraction: float | None = None) -> list[dict]:
    """Phase every pair of `mutations` ({"protein_short", "residue", "call", ...}; ``residue`` is the first
    residue of the protein edit, `alkannot.interpret.alk.AlkMutation.residue`), and every set of
    3..max_set_size whose pairs are all cis.

    Returns [{"mutations": [short, ...] (protein order), "phase": "cis"|"trans"|"unresolved",
    "method": "reads"|"vcf"|"vaf"|"none", "evidence": {...}}]: pairs first, then sets by size, each in
    protein order. See the module docstring for evidence keys.
    """
    cfg = phase_config(config)
    for i, m in enumerate(mutations):
        if not m.get("protein_short") or m.get("call") is None or "residue" not in m:
            raise InputError(f"mutation {i + 1} needs 'protein_short', 'residue' and 'call' for phasing")
    ordered = sorted(mutations, key=_sort_key)
    names = [m["protein_short"] for m in ordered]
    if len(set(names)) != len(names):
        raise InputError(f"duplicate mutation names in compound phasing: {names}",
                         fix="merge calls that describe the same protein change first")
    out, by_pair = [], {}
    vaf = VafPairs(tumor_fraction, cfg)  # each call's VAF bound once, not once per pair it is in
    for m1, m2 in combinations(ordered, 2):
        res = decide_pair(m1, m2, alignment=alignment, reference=reference, cfg=cfg, tumor_fraction=tumor_fraction,
                          vaf=vaf)
        by_pair[(m1["protein_short"], m2["protein_short"])] = res
        out.append(res)
    # A set of 3+ is listed only when every pair in it is cis (then the set is cis). A trans or
    # unresolved pair is already listed, and says all there is about any set containing it; listing
    # those sets too grows as n^4 with the number of mutations and tells the reader nothing new.
    # The sets are grown from the cis pairs only (each set of size s extends one of size s-1 by a later
    # mutation in cis with all its members), so nothing is enumerated when no pair is cis; the order is
    # that of itertools.combinations (by size, then lexicographic in protein order).
    index = {name: i for i, name in enumerate(names)}
    cis_with: list[set[int]] = [set() for _ in ordered]
    for (x, y), res in by_pair.items():
        if res["phase"] == "cis":
            cis_with[index[x]].add(index[y])
            cis_with[index[y]].add(index[x])
    level = [(i, j) for i in range(len(ordered)) for j in sorted(cis_with[i]) if j > i]
    for _size in range(3, min(len(ordered), int(cfg["max_set_size"])) + 1):
        grown = []
        for members in level:
            common = set.intersection(*(cis_with[i] for i in members))
            grown += [(*members, j) for j in sorted(common) if j > members[-1]]
        for members in grown:
            out.append(decide_set([ordered[i] for i in members], by_pair))
        level = grown
        if not level:
            break
    return out
