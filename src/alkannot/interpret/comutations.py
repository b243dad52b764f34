"""Co-occurring (off-target) mutations: which annotated variants are bypass, prognostic or
transformation-risk events, and the TP53 + RB1 small-cell transformation flag.

The genes, residues, classes and their evidence live in ``resources/co_alterations.yaml``; this module only
applies them to the annotation engine's variant dicts (keys ``gene chrom pos ref alt transcript hgvsc
protein_short protein_position consequence exon vaf filter status ...``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.transcripts import shared_transcripts
from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError

DEFAULTS: dict[str, Any] = {
    # Which variants count (everything else is still in the report's variant list, just not classified).
    "pass_filters": ["PASS", "."],
    "require_status": ["annotated"],
    # Variants a matched normal showed to be CH/germline are not tumour co-mutations.
    "exclude_ch_status": ["CH", "germline"],
    # Variants carrying a specimen_filter (alkannot.interpret.ctdna.specimen_filters) must have passed it.
    "require_specimen_pass": True,
    # Build whose bundled transcripts give exon boundaries in c. numbering (identical for both builds).
    "build": "GRCh38",
}


def load_co_alterations(path: str | Path | None = None) -> dict:
    """The bundled rules (``resources/co_alterations.yaml``) or the file at ``path``."""
    p = Path(path) if path else resources_dir() / "co_alterations.yaml"
    try:
        data = load_yaml(p.read_text())
    except (OSError, YAMLInputError) as err:
        raise InputError(f"cannot read co-alteration rules: {err}", path=str(p),
                         fix="restore resources/co_alterations.yaml") from None
    if not isinstance(data, dict) or "genes" not in data or "sources" not in data:
        raise InputError("co-alteration rules need 'sources' and 'genes'", path=str(p))
    return data


class _Settled(dict):
    """DEFAULTS merged with a config (what _settings returns): passed through as it is, so a loop over
    100,000 variants merges once."""


def _settings(config: Mapping | None) -> dict:
    if isinstance(config, _Settled):
        return config
    cfg = _Settled(DEFAULTS)
    if config:
        cfg.update({k: v for k, v in config.items() if k in DEFAULTS or k == "co_alterations"})
    return cfg


def _consequences(v: AnnotatedVariant) -> set[str]:
    return set((v.consequence or "").split("&")) - {""}


def _consequence_terms(rules: dict, spec: str | list[str]) -> list[str]:
    """The consequence terms a rule names: a named set of the rules, or its own list (read, not copied)."""
    return rules["consequence_sets"][spec] if isinstance(spec, str) else spec


def variant_ref(v: AnnotatedVariant) -> str:
    return f"{v.chrom}:{v.pos}:{v.ref}>{v.alt}"


def counts_as_somatic_call(v: AnnotatedVariant, config: Mapping | None = None) -> tuple[bool, str | None]:
    """(True, None) when a variant is eligible for interpretation, else (False, why)."""
    cfg = _settings(config)
    if (v.filter or ".") not in cfg["pass_filters"]:
        return False, f"filter {v.filter}"
    if cfg["require_status"] and v.status not in cfg["require_status"]:
        return False, f"status {v.status}"
    if v.ch_status in cfg["exclude_ch_status"]:
        return False, f"ch_status {v.ch_status}"
    sf = v.specimen_filter
    if cfg["require_specimen_pass"] and sf is not None and sf != "pass":
        return False, f"specimen_filter {sf}"
    return True, None


def _protein_position(v: AnnotatedVariant) -> int | None:
    if v.protein_position is not None:
        return int(v.protein_position)
    start = v.protein_edit.start if v.protein_edit is not None else None
    return int(start) if start is not None else None


def _same_transcript(v: AnnotatedVariant, accession: str | None) -> bool:
    """Residue and exon rules are in MANE numbering: a variant annotated on another transcript
    (e.g. MET NM_001127500, residues +18) must not be matched against them."""
    tx = v.transcript
    if not tx or not accession:
        return True
    return tx.split(".")[0] == accession.split(".")[0]


def _coding_span(v: AnnotatedVariant) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The variant's c. extent as ((position, intron offset), ...) in CDS numbering, from the typed
    positions its hgvsc is written from; None when its 5' end is not in CDS numbering (c.-N, c.*N), and
    a 3' end outside it stands for the 5' one."""
    span = v.coding_span
    if span is None or span[0].cds is None:
        return None
    a = span[0].cds
    b = span[1].cds or a
    return min(a, b), max(a, b)


def exon_c_bounds(gene: str, exon: int, build: str = "GRCh38") -> tuple[int, int]:
    """First and last c. position of a coding exon of the bundled MANE transcript."""
    return _exon_c_bounds(str(resources_dir()), gene, exon, build)


@functools.lru_cache(maxsize=1024)
def _exon_c_bounds(_resources: str, gene: str, exon: int, build: str) -> tuple[int, int]:
    """exon_c_bounds once per process for each resources folder (not once per variant and rule)."""
    t = shared_transcripts(build).by_gene(gene)  # read only
    if t is None or not t.coding:
        raise InputError(f"no coding transcript bundled for {gene}", fix="rebuild the transcript resource")
    a, b = t.exon_bounds_t(exon)
    return a - t.cds_start + 1, b - t.cds_start + 1


def _exon_skipping_hit(v: AnnotatedVariant, rule: Mapping, gene: str, build: str) -> str | None:
    """Why the variant disrupts the exon's splice sites (None when it does not)."""
    span = _coding_span(v)
    if span is None:
        return None
    lo, hi = span
    c_start, c_end = exon_c_bounds(gene, int(rule["exon"]), build)  # (kept per process: _exon_c_bounds)
    w = rule.get("windows", {})

    def covers(a: tuple[int, int], b: tuple[int, int]) -> bool:  # span overlaps [a, b]
        return lo <= b and a <= hi

    if covers((c_start, -int(w.get("acceptor_intronic", 2))), (c_start, -1)):
        return f"exon {rule['exon']} splice acceptor (c.{c_start}-1/-2)"
    if covers((c_end, 1), (c_end, int(w.get("donor_intronic", 2)))):
        return f"exon {rule['exon']} splice donor (c.{c_end}+1/+2)"
    if w.get("donor_last_exonic_base") and covers((c_end, 0), (c_end, 0)):
        return f"last base of exon {rule['exon']} (c.{c_end}, donor consensus)"
    indel = len(v.ref or "") != len(v.alt or "")
    win = int(w.get("acceptor_indel_window", 0))
    if indel and win and covers((c_start, -win), (c_start, -1)):
        return f"indel in the intron {int(rule['exon']) - 1} acceptor region (c.{c_start}-{win} to -1)"
    return None


def _rule_matches(v: AnnotatedVariant, rule: Mapping, gene: str, rules: dict, build: str,
                  csq: set[str] | None = None) -> str | None:
    """None when the rule does not apply, else a short note on why it does (``csq``: `_consequences(v)`, when
    the caller has it)."""
    kind = rule["kind"]
    if kind == "exon_skipping":
        return _exon_skipping_hit(v, rule, gene, build)
    if csq is None:
        csq = _consequences(v)
    if csq.isdisjoint(_consequence_terms(rules, rule.get("consequences", "protein_altering"))):
        return None
    if kind == "consequence":
        return "consequence " + "&".join(sorted(csq))
    if kind == "hotspot":
        ps = v.protein_short
        if ps and ps in rule.get("alleles", []):
            return f"allele {ps}"
        pos = _protein_position(v)
        if pos is not None and pos in rule.get("residues", []):
            return f"residue {pos}"
        return None
    if kind == "exon_indel":
        return f"in-frame indel in exon {rule['exon']}" if v.exon_number == int(rule["exon"]) else None
    raise InputError(f"unknown co-alteration rule kind {kind!r} (rule {rule.get('id')})",
                     fix="use hotspot, exon_indel, exon_skipping or consequence")


def _one_line(text: str) -> str:
    """A rules-file text (statement, citation) on one line, single-spaced: the same few texts are written into
    every co-alteration entry of every sample, so each is folded once (`_fold`)."""
    return _fold(text) if type(text) is str else " ".join(text.split())


@functools.lru_cache(maxsize=1024)
def _fold(text: str) -> str:
    return " ".join(text.split())


def _evidence(items: Iterable[Mapping], sources: Mapping[str, str]) -> list[dict]:
    out = []
    for e in items:
        out.append({"source": e["source"], "refs": list(e.get("refs", [])),
                    "citation": _one_line(str(sources.get(e["source"], e["source"]))),
                    "statement": _one_line(str(e["statement"]))})
    return out


def _alteration(v: AnnotatedVariant, rule_alt: str) -> str:
    if rule_alt != "protein":
        return rule_alt
    return v.protein_short or v.hgvsc or v.consequence or "?"


def _entry(v: AnnotatedVariant, gene: str, **kw: Any) -> dict:
    return {"gene": gene, "category": "mutation", "variant_ref": variant_ref(v), "vaf": v.vaf,
            "protein": v.protein_short, "hgvsc": v.hgvsc, "transcript": v.transcript,
            "ch_status": v.ch_status, **kw}


def classify_variant(v: AnnotatedVariant, rules: dict, build: str = "GRCh38") -> dict | None:
    """The co-alteration entry for one (eligible) variant, or None when its gene is not listed or the
    variant is not protein-altering."""
    gene = v.gene
    spec = rules["genes"].get(gene)
    if spec is None:
        return None
    accession = spec.get("transcript")
    same_tx = _same_transcript(v, accession)
    csq = _consequences(v)  # read once for all the gene's rules (a set: the rules only read it)
    if same_tx:
        for rule in spec["rules"]:
            why = _rule_matches(v, rule, gene, rules, build, csq)
            if why:
                return _entry(v, gene, alteration=_alteration(v, rule["alteration"]), role=rule["role"],
                              hotspot=bool(rule.get("hotspot", False)), **{"class": rule.get("class")},
                              rule=rule["id"], match=why, evidence=_evidence(rule["evidence"], rules["sources"]))
    um = rules.get("unmatched_protein_altering", {})
    if um.get("report") and not csq.isdisjoint(_consequence_terms(rules, "protein_altering")):
        note = "" if same_tx else (f" Annotated on {v.transcript}; the rules use {accession} numbering, "
                                   "so residue rules were not applied.")
        return _entry(v, gene, alteration=_alteration(v, "protein"), role=um["role"], hotspot=False,
                      **{"class": None}, rule="unmatched_protein_altering", match=None,
                      evidence=[{"source": "co_alterations.yaml", "refs": [], "citation": "",
                                 "statement": _one_line(um["statement"]) + note}])
    return None


def classify_co_mutations(variants: list[AnnotatedVariant], config: Mapping | None = None) -> list[dict]:
    """Co-alteration entries for the eligible variants (PASS, annotated, not CH/germline, specimen filter
    passed - all configurable, see ``DEFAULTS``), in input order.

    Each entry: ``gene, alteration, category ("mutation"), role, hotspot, class, rule, match, variant_ref,
    vaf, protein, hgvsc, transcript, ch_status, evidence [{source, refs, citation, statement}]``.
    ``config`` may carry ``co_alterations`` (an already loaded rules dict) and any key of ``DEFAULTS``.
    """
    cfg = _settings(config)
    rules = cfg.get("co_alterations") or load_co_alterations()
    out = []
    for v in variants:
        ok, _ = counts_as_somatic_call(v, cfg)
        if not ok:
            continue
        entry = classify_variant(v, rules, cfg["build"])
        if entry is not None:
            out.append(entry)
    return out


def transformation_flags(co_alterations: list[dict], copy_number: Iterable[Mapping] = (),
                         rules: Mapping | None = None) -> list[dict]:
    """Histologic-transformation flags (TP53 + RB1 inactivation -> SCLC transformation risk).

    ``copy_number`` holds gene-level calls shaped ``{"gene": "RB1", "call": "deep_deletion", ...}``.
    Each flag: ``flag, rule, genes, basis [{gene, kind ("mutation"|"copy_number"), alteration, variant_ref}],
    statement, evidence``.
    """
    rules = rules or load_co_alterations()
    cn = list(copy_number)
    flags = []
    for tr in rules.get("transformation_rules", []):
        basis: list[dict] = []
        satisfied = True
        for gene, need in tr["requires"].items():
            hits = [{"gene": gene, "kind": "mutation", "alteration": c["alteration"],
                     "variant_ref": c.get("variant_ref")}
                    for c in co_alterations if c.get("gene") == gene and c.get("role") in need.get("roles", [])]
            hits += [{"gene": gene, "kind": "copy_number", "alteration": c.get("call"), "variant_ref": None}
                     for c in cn if c.get("gene") == gene
                     and str(c.get("call", "")).lower() in need.get("copy_number_calls", [])]
            if not hits:
                satisfied = False
                break
            basis += hits
        if satisfied:
            flags.append({"flag": tr["flag"], "rule": tr["id"], "genes": list(tr["requires"]), "basis": basis,
                          "statement": " ".join(tr["statement"].split()),
                          "evidence": _evidence(tr["evidence"], rules["sources"])})
    return flags


# Why a target-gene call could not be interpreted, and what the user can do (keys: accounting reasons).
UNINTERPRETED_REASONS: dict[str, tuple[str, str]] = {
    "coding_sequence_not_available": (
        "only the exons of this gene's transcript are bundled, so the protein change was not computed",
        "pass the genome FASTA with --reference (sheet column 'reference') to interpret it"),
    "reference_sequence_not_available": (
        "the genomic sequence at this position is not bundled, so the change was not computed",
        "pass the genome FASTA with --reference (sheet column 'reference') to interpret it"),
    "ref_mismatch": (
        "the VCF's REF disagrees with the bundled sequence of the build",
        "check the genome build (--build) and how the VCF was made"),
    "symbolic_or_breakend_allele": (
        "a structural allele (<DEL>, breakend) is not interpreted from the small-variant VCF",
        "pass the caller's SV/fusion calls with --sv (sheet column 'sv')"),
}


# gVCF placeholders for "any allele other than REF" (GATK <NON_REF>, bcftools/DRAGEN <*>): not a call
GVCF_ANY_ALLELE = ("<NON_REF>", "<*>")


def uninterpreted_variants(variants: Iterable[AnnotatedVariant]) -> list[dict]:
    """Target-gene calls that passed the FILTER but could not be interpreted, each with the reason and the fix.

    Nothing here counts as a co-mutation or a verdict input: this list makes sure the summary says so
    instead of leaving them unmentioned (e.g. MAP2K1 K57N in an exon-only gene model without --reference).
    Entries: gene, variant_ref, hgvsc, vaf, reason, explanation, fix.
    """
    out = []
    for v in variants:
        if v.status != "not_annotated" or v.reason not in UNINTERPRETED_REASONS:
            continue
        if v.filter_pass is False:
            continue
        if str(v.alt).upper() in GVCF_ANY_ALLELE:
            continue  # a gVCF reference block's "any other allele": no call was made (still in the accounting)
        what, fix = UNINTERPRETED_REASONS[v.reason]
        # what the caller's own annotation says (never used as our call: it is not checked against the sequence)
        named: dict[str, list[str]] = {}
        for e in v.external_annotations or []:
            if e.get("hgvsp_short"):
                named.setdefault(e["hgvsp_short"], []).append(str(e.get("tool")))
        if named:
            what += ("; the caller's annotation names " + ", ".join(
                f"{v.gene} {p} ({', '.join(dict.fromkeys(t))})" for p, t in named.items())
                + ": not verified against the bundled sequence, so not used")
        out.append({"gene": v.gene, "variant_ref": variant_ref(v), "hgvsc": v.hgvsc,
                    "vaf": v.vaf, "reason": v.reason, "explanation": what, "fix": fix})
    return out
