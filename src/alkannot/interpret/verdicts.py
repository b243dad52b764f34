"""Per-drug ALK TKI verdicts from the knowledge base (research use only).

The rules are written down, row by row, in ``docs/verdicts.md`` (V1-V13); the knowledge they apply (effects,
strengths, severity order, messages) lives in the KB ``policy`` block and statements. In short:

* A statement *fires* when all its alterations were found. A compound statement with ``requires_phase: cis``
  fires when the mutations are in cis; ``trans`` leaves it out (the singles count on their own).
* For each drug, a well-supported compound statement replaces the single-mutation evidence of its members.
* Each finding gets a verdict from its well-supported statements: resistant, sensitive, or conflicting when
  the sources disagree. The drug verdict is the worst finding by ``policy.severity_order``; if that is
  sensitive but an ALK mutation (V1) or a cis combination (V2) has no well-supported evidence for the drug,
  it is ``uncertain``; no well-supported evidence at all is ``unknown``. Unknown is never sensitive.
* Unresolved phase (V3): the drug is judged with the unresolved links read as cis and as trans; when the two
  differ the less favourable (``policy.less_favourable_order``) is shown with both readings.
* Off-target, histologic and prognostic findings add notes, mechanisms and therapy-context flags; they
  never change a verdict (V10). The caller passes tumour evidence only (no germline / CH, V9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from alkannot.annotate.protein import protein_order
from alkannot.errors import InputError
from alkannot.interpret.alk import AlkMutation
from alkannot.interpret.kb import KB, Statement

PHASES = ("cis", "trans", "unresolved")
PHASE_METHODS = ("reads", "vcf", "vaf", "none")


# ---- inputs -------------------------------------------------------------------------------------


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def co_alteration_keys(co: dict[str, Any], kb: KB) -> list[str]:
    """The KB alteration names one co-alteration matches: GENE:alteration plus generic classes (GENE:loss...)."""
    gene = str(co.get("gene", "")).strip()
    alt = str(co.get("alteration", "")).strip()
    cat = str(co.get("category", "")).strip().lower()
    if not gene or not alt:
        raise InputError(f"co-alteration needs 'gene' and 'alteration': {co!r}")
    keys = [f"{gene}:{alt}"]
    low = alt.lower()
    for cls, categories, alterations in _class_rules(kb):
        if cat in categories or low in alterations:
            keys.append(f"{gene}:{cls}")
    return _unique(kb.canonical(k) for k in keys)


def _class_rules(kb: KB) -> list[tuple[str, list, list]]:
    """(class, categories, alterations) of the KB policy's alteration classes, read once per classes table
    (co_alteration_keys runs for every co-alteration of every sample)."""
    return kb.derived("_class_rules", kb.policy["alteration_classes"], lambda classes: [
        (cls, rule.get("categories", []), rule.get("alterations", [])) for cls, rule in classes.items()])


@dataclass
class _Phase:
    """How two or more ALK mutations were phased: cis, trans or unresolved, and by which methods."""

    phase: str
    methods: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"phase {self.phase}, method {'/'.join(self.methods) or 'none'}"


def _check_compounds(compounds: list[dict[str, Any]]) -> None:
    for c in compounds:
        if c.get("phase") not in PHASES:
            raise InputError(
                f"compound {c.get('mutations')} has phase {c.get('phase')!r}; expected one of {PHASES}"
            )
        if c.get("method", "none") not in PHASE_METHODS:
            raise InputError(
                f"compound {c.get('mutations')} has method {c.get('method')!r}; "
                f"expected one of {PHASE_METHODS}"
            )


class _Groups:
    """Union-find over mutation names: which mutations are joined on one allele."""

    def __init__(self, members: Iterable[str]) -> None:
        self.parent = {m: m for m in members}

    def __contains__(self, m: str) -> bool:
        return m in self.parent

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(b)] = self.find(a)


def resolve_phase(members: Iterable[str], compounds: list[dict[str, Any]]) -> _Phase:
    """Phase of a set of mutations: cis when cis links join them all, trans when any pair is in trans."""
    members = list(members)
    groups = _Groups(members)
    cis_methods, trans_methods, other_methods = [], [], []
    for c in compounds:
        inside = [m for m in c["mutations"] if m in groups]
        if len(inside) < 2:
            continue
        method = c.get("method", "none")
        if c["phase"] == "cis":
            for m in inside[1:]:
                groups.join(inside[0], m)
            cis_methods.append(method)
        elif c["phase"] == "trans":
            trans_methods.append(method)
        else:
            other_methods.append(method)
    if len({groups.find(m) for m in members}) == 1:
        return _Phase("cis", _unique(cis_methods))
    if trans_methods:
        return _Phase("trans", _unique(trans_methods))
    return _Phase("unresolved", _unique(other_methods + cis_methods))


# ---- matching -----------------------------------------------------------------------------------


@dataclass
class _Match:
    """The statements about one drug that apply to a sample, split by whether their phase condition holds."""

    fired: list[tuple[Statement, _Phase | None]]
    pending: list[tuple[Statement, _Phase]]  # cis needed, phase unresolved
    blocked: list[tuple[Statement, _Phase]]  # cis needed, found in trans


CIS_PARTNER = "ALK:cis_partner"  # an ALK mutation in a compound (cis or unresolved) with any other one


def _match(kb: KB, present: set[str], alk: set[str], compounds: list[dict[str, Any]],
           residues: Mapping[str, int | None]) -> _Match:
    pseudo = set(kb.policy.get("pseudo_alterations", []))
    m = _Match([], [], [])
    order = [a for a in sorted(alk)]
    partnered = {x for comp in _components(order, compounds, True, residues) for x in comp}
    # mutation -> positions of the compounds naming it (once per time it is named): see _linking
    naming: dict[str, list[int]] = {}
    for i, c in enumerate(compounds):
        for mut in c["mutations"]:
            naming.setdefault(mut, []).append(i)
    for s in kb.statements:
        if CIS_PARTNER in s.alterations:
            named = [a for a in s.alterations if a != CIS_PARTNER]
            if all(a in partnered for a in named):
                m.fired.append((s, None))
            continue
        if not pseudo.isdisjoint(s.alterations) or not present.issuperset(s.alterations):
            continue
        if not s.is_compound or s.requires_phase == "any":
            m.fired.append((s, None))
            continue
        # Phase can only be assessed between ALK mutations (reads/VCF phasing of the kinase domain).
        if set(s.alterations) <= alk:
            phase = resolve_phase(s.alterations, _linking(s.alterations, compounds, naming))
        else:
            phase = _Phase("unresolved")
        {"cis": m.fired, "trans": m.blocked, "unresolved": m.pending}[phase.phase].append((s, phase))
    return m


def _linking(members: Iterable[str], compounds: list[dict[str, Any]],
             naming: Mapping[str, list[int]]) -> list[dict[str, Any]]:
    """The compounds, in their order, that name members at least twice: the only ones resolve_phase(members,
    compounds) reads (it skips a compound holding fewer than two of them). ``naming``: mutation -> the position
    of each compound naming it, once per time it names it."""
    times: dict[int, int] = {}
    for a in set(members):
        for i in naming.get(a, ()):
            times[i] = times.get(i, 0) + 1
    return [compounds[i] for i in sorted(i for i, n in times.items() if n > 1)]


# ---- per-drug verdicts --------------------------------------------------------------------------

def _describe(s: Statement, kb: KB) -> str:
    """One evidence item: its type (observed at progression vs reported activity) kept apart, with source."""
    where = s.locator or ("Table 1" if s.origin == "table1" else "text")
    freq = f"; {s.frequency}" if s.frequency else ""
    label = kb.policy.get("evidence_type_labels", {}).get(s.effect, s.effect)
    return f"{label.format(drug=s.drug)} per {where} ({', '.join(s.source)}{freq}) [{s.id}]"


def _label(alts: tuple[str, ...], phase: _Phase | None) -> str:
    if len(alts) == 1:
        return alts[0]
    return " + ".join(alts) + (f" (compound, {phase.describe()})" if phase else " (compound)")


def _finding_verdict(stmts: list[Statement], kb: KB) -> str | None:
    kinds = {kb.policy["verdict_effects"][s.effect] for s in stmts}
    if not kinds:
        return None
    return "conflicting" if len(kinds) > 1 else kinds.pop()


def _by_alterations(
    pairs: list[tuple[Statement, _Phase]], drug: str, effects: dict[str, str]
) -> dict[tuple[str, ...], tuple[list[Statement], _Phase]]:
    out: dict[tuple[str, ...], tuple[list[Statement], _Phase]] = {}
    for s, ph in pairs:
        if s.drug == drug and s.effect in effects:
            out.setdefault(s.alterations, ([], ph))[0].append(s)
    return out


def _components(alk: list[str], compounds: list[dict[str, Any]], unresolved_as_cis: bool,
                residues: Mapping[str, int | None]) -> list[list[str]]:
    """Groups of ALK mutations on one allele: joined by cis links (and, for the cis reading, by every pair
    whose phase is not known to be trans). Only groups of two or more are returned, each in protein order
    (``residues``: each mutation's first residue, as the phasing step orders them)."""
    g = _Groups(alk)
    join, find = g.join, g.find
    trans_pairs = set()
    for c in compounds:
        if c["phase"] not in ("cis", "trans"):
            continue  # an unresolved set neither joins nor separates
        ms = [m for m in c["mutations"] if m in g]
        for i, a in enumerate(ms):
            for b in ms[i + 1:]:
                if c["phase"] == "cis":
                    join(a, b)
                elif c["phase"] == "trans":
                    trans_pairs.add(frozenset((a, b)))
    if unresolved_as_cis:
        # a pair is trans exactly when a trans compound holds both (resolve_phase([a, b], compounds) would
        # scan every compound for every pair: k^4 for k mutations)
        if not trans_pairs:  # every pair joins: one group
            for b in alk[1:]:
                join(alk[0], b)
        for i, a in enumerate(alk if trans_pairs else ()):
            for b in alk[i + 1:]:
                if frozenset((a, b)) not in trans_pairs:
                    join(a, b)
    groups: dict[str, list[str]] = {}
    for m in sorted(alk, key=lambda m: protein_order(residues.get(m), m)):
        groups.setdefault(find(m), []).append(m)
    return [g for g in groups.values() if len(g) > 1]


@dataclass
class _Reading:
    """One drug's verdict while it is built: the verdict, its reasons and evidence, and what is missing."""

    verdict: str
    reasons: list[str]
    evidence: list[dict[str, Any]]
    notes: list[str]
    gaps: list[str]  # mutations / combinations without well-supported evidence for the drug
    untested: list[str]  # cis combinations without a compound-specific statement


def _reading(drug: str, kb: KB, fired: list[tuple[Statement, _Phase | None]], alk: list[str],
             components: list[list[str]]) -> _Reading:
    """The verdict for one drug under one phase reading (docs/verdicts.md V1-V3)."""
    policy = kb.policy
    effects = policy["verdict_effects"]
    strong = set(policy["well_supported_strengths"])
    reasons: list[str] = []
    notes: list[str] = []
    evidence: list[dict[str, Any]] = []

    mine = [(s, ph) for s, ph in fired if s.drug == drug and s.effect in effects]
    # Well-supported compound statements override the single-mutation logic of their members, for this
    # drug only; a weak compound statement is a note and leaves the singles standing.
    covered = {a for s, _ in mine if s.is_compound and s.strength in strong for a in s.alterations}
    findings: dict[tuple[str, ...], tuple[list[Statement], _Phase | None]] = {}
    for s, ph in mine:
        if not s.is_compound and s.alterations[0] in covered:
            notes.append(
                f"{s.alterations[0]}: single-mutation evidence [{s.id}] superseded by a compound rule"
            )
            continue
        findings.setdefault(s.alterations, ([], ph))[0].append(s)

    verdicts: list[str] = []
    gaps: list[str] = []
    for alts, (stmts, ph) in findings.items():
        good = [s for s in stmts if s.strength in strong]
        weak = [s for s in stmts if s.strength not in strong]
        v = _finding_verdict(good, kb)
        if v:
            verdicts.append(v)
            detail = "; ".join(_describe(s, kb) for s in good)
            reasons.append(f"{_label(alts, ph)}: {v} for {drug} — {detail}")
        elif len(alts) == 1 and alts[0] in alk:
            gaps.append(_label(alts, ph))
            reasons.append(f"{_label(alts, ph)}: only weak evidence for {drug} (not used for the verdict)")
        for s in weak:
            notes.append(
                f"weaker evidence, not used for the verdict: {_label(alts, ph)}: {_describe(s, kb)} — "
                f"{s.statement} ({s.context or 'weak'})"
            )
        evidence.extend(s.evidence() for s in good + weak)

    named = {a for alts in findings for a in alts}  # every alteration some finding names
    for m in alk:
        if m not in named and m not in covered:
            gaps.append(m)
            reasons.append(f"{m}: no knowledge-base evidence for {drug}")

    # V3: a cis combination is tested only by a statement naming exactly its members.
    untested = []
    tested_sets = {frozenset(s.alterations) for s, _ in mine if s.is_compound and s.strength in strong}
    for comp in components:
        if frozenset(comp) not in tested_sets:
            label = " + ".join(comp)
            untested.append(label)
            reasons.append(
                f"{label} (cis): each mutation alone is covered, the combination is untested for {drug}"
                if not any(m in gaps for m in comp)
                else f"{label} (cis): the combination is untested for {drug}"
            )

    verdict = min(verdicts, key=policy["severity_order"].index) if verdicts else "unknown"
    if verdict == "sensitive" and (gaps or untested):
        verdict = "uncertain"
    if verdict == "uncertain":
        what = ", ".join(_unique(gaps + [f"{u} (combination)" for u in untested]))
        reasons.insert(0, f"not sensitive: reported active against some findings, but no evidence for {drug} "
                          f"covers {what}; unknown is not sensitive")
    elif verdict == "unknown":
        what = ", ".join(alk) if alk else "no ALK mutation reported"
        reasons.append(
            f"no well-supported knowledge-base evidence for {drug} ({what}); unknown is not sensitive"
        )
    elif len(verdicts) > 1:
        reasons.insert(0, f"{len(verdicts)} findings; the worst well-supported verdict ({verdict}) wins")
    return _Reading(verdict, reasons, evidence, notes, _unique(gaps), untested)


def _drug_verdict(drug: str, kb: KB, match: _Match, alk: list[str],
                  compounds: list[dict[str, Any]] | None = None,
                  residues: Mapping[str, int | None] | None = None,
                  components: tuple[list[list[str]], list[list[str]]] | None = None) -> dict[str, Any]:
    """``components``: (trans reading, cis reading) `_components` of the sample, the same for every drug
    (computed here when not given)."""
    compounds = compounds or []
    residues = residues or {}
    effects = kb.policy["verdict_effects"]
    strong = set(kb.policy["well_supported_strengths"])
    if components is None:
        components = (_components(alk, compounds, False, residues), _components(alk, compounds, True, residues))
    trans_comps, cis_comps = components
    trans_reading = _reading(drug, kb, match.fired, alk, trans_comps)
    chosen = trans_reading
    phase_dependent = None
    notes: list[str] = []
    if cis_comps != trans_comps or match.pending:
        cis_reading = _reading(drug, kb, match.fired + match.pending, alk, cis_comps)
        if cis_reading.verdict != trans_reading.verdict:
            unresolved = _unique(" + ".join(c) for c in cis_comps)
            order = kb.policy["less_favourable_order"]
            pick = min((cis_reading, trans_reading), key=lambda r: order.index(r.verdict))
            chosen = pick
            which = "cis" if pick is cis_reading else "trans"
            how = ("resolve it with read-backed phasing: give the tumour BAM/CRAM (sample sheet 'alignment') "
                   "with reads or read pairs spanning both positions, or a caller's phase sets (PS/PGT)")
            phase_dependent = {
                "mutations": unresolved, "if_cis": cis_reading.verdict, "if_trans": trans_reading.verdict,
                "shown": which, "how_to_resolve": how,
            }
            chosen.reasons.insert(0, (
                f"depends on phase: {', '.join(unresolved)} not resolved — if in cis {cis_reading.verdict}, "
                f"if in trans {trans_reading.verdict}; the less favourable reading ({pick.verdict}) is shown; {how}"
            ))
    for alts, (stmts, ph) in _by_alterations(match.pending, drug, effects).items():
        v = _finding_verdict([s for s in stmts if s.strength in strong], kb) or "no verdict (weak evidence)"
        notes.append(
            f"compound rule would apply if in cis: {' + '.join(alts)} → {v} for {drug} "
            f"[{', '.join(s.id for s in stmts)}]; {ph.describe()}"
        )
    for alts, (stmts, ph) in _by_alterations(match.blocked, drug, effects).items():
        notes.append(
            f"compound rule not applied: {' + '.join(alts)} are in trans ({ph.describe()}) "
            f"[{', '.join(s.id for s in stmts)}]"
        )
    evidence = list(chosen.evidence)
    if phase_dependent:
        seen = {e["statement_id"] for e in evidence}
        for s, _ in match.pending:
            if s.drug == drug and s.effect in effects and s.id not in seen:
                evidence.append(s.evidence())
                seen.add(s.id)
    return {"verdict": chosen.verdict, "reasons": chosen.reasons, "evidence": evidence,
            "notes": chosen.notes + notes, "evidence_gaps": chosen.gaps,
            "untested_combinations": chosen.untested, "phase_dependent": phase_dependent}


# ---- mechanisms and notes that do not change verdicts --------------------------------------------


def _mechanism_type(s: Statement) -> str:
    if s.mechanism:
        return s.mechanism
    if s.effect == "prognostic":
        return "other"
    if all(a.startswith("histology:") for a in s.alterations):
        return "histologic"
    if all(":" not in a or a.startswith("ALK:") for a in s.alterations):
        return "on_target"
    return "off_target"


def _mechanisms(
    match: _Match, alk: list[str], co: list[dict[str, Any]], co_keys: list[list[str]]
) -> list[dict[str, Any]]:
    groups: dict[tuple[str, tuple[str, ...]], list[Statement]] = {}
    phases: dict[tuple[str, ...], _Phase | None] = {}
    spelled: dict[frozenset[str], tuple[str, ...]] = {}  # one group per set: "A + B" and "B + A" are one finding
    for s, ph in match.fired:
        if CIS_PARTNER in s.alterations:
            continue  # a note on the G1202R compound, not a mechanism of its own
        alts = spelled.setdefault(frozenset(s.alterations), s.alterations)
        groups.setdefault((_mechanism_type(s), alts), []).append(s)
        phases[alts] = ph
    # Name class matches after what was found (TP53:mutation found as TP53:R273H).
    found: dict[str, list[str]] = {}
    for keys in co_keys:
        for k in keys[1:]:
            found.setdefault(k, []).append(keys[0])
    out = []
    for (kind, alts), stmts in groups.items():
        name = ("ALK " if kind == "on_target" and ":" not in alts[0] else "") + _label(alts, phases[alts])
        seen = _unique(f for a in alts for f in found.get(a, []) if f not in alts)
        if seen:
            name += f" [found: {', '.join(seen)}]"
        if kind == "other" and all(s.effect == "prognostic" for s in stmts):
            name += " (prognostic)"
        out.append({"type": kind, "name": name, "evidence": [s.evidence() for s in stmts]})
    matched = {a for _, alts in groups for a in alts}
    for m in alk:
        if m not in matched:
            out.append({"type": "on_target", "name": f"ALK {m} (not in the knowledge base)", "evidence": []})
    for _c, keys in zip(co, co_keys):
        if not any(k in matched for k in keys):
            out.append({"type": "other", "name": f"{keys[0]} (not in the knowledge base)", "evidence": []})
    return out


def _global_notes(kb: KB, match: _Match) -> dict[str | None, list[str]]:
    """Notes every drug gets (key None) and notes for one drug, from off-target and hint-bearing statements."""
    strong = set(kb.policy["well_supported_strengths"])
    prefix = kb.policy.get("off_target_note_prefix", "ALK-independent resistance suspected: ")
    weak_prefix = kb.policy.get("weak_off_target_note_prefix", prefix)
    notes: dict[str | None, list[str]] = {None: []}
    off: dict[tuple[str, ...], list[Statement]] = {}
    for s, _ in match.fired:
        if s.effect == "off_target_mechanism":
            off.setdefault(s.alterations, []).append(s)
    # One note per finding: the drug-independent statement first, the drug-specific reports after it.
    for alts, stmts in off.items():
        stmts = sorted(stmts, key=lambda s: (s.strength not in strong, s.drug is not None))
        p = prefix if any(s.strength in strong for s in stmts) else weak_prefix
        drugs = _unique(s.drug for s in stmts if s.drug)
        also = f" (also reported with {', '.join(drugs)})" if drugs else ""
        notes[None].append(
            f"{p}{' + '.join(alts)} — {stmts[0].statement}{also} [{', '.join(s.id for s in stmts)}]"
        )
    for s, _ in match.fired:
        if s.note:
            notes.setdefault(s.drug, []).append(f"{s.note} [{s.id}]")
    return notes


# ---- therapy context ----------------------------------------------------------------------------


def _check_therapy(therapy: dict[str, Any] | None, drugs: list[str]) -> tuple[str | None, list[str]]:
    therapy = therapy or {}
    cur = therapy.get("current_tki")
    prior = list(therapy.get("prior_tkis") or [])
    norm = []
    for d in ([cur] if cur else []) + prior:
        d2 = str(d).strip().lower()
        if d2 not in drugs:
            raise InputError(
                f"unknown ALK TKI {d!r} in therapy context", fix=f"use one of {', '.join(drugs)}"
            )
        norm.append(d2)
    return (norm[0] if cur else None), (norm[1:] if cur else norm)


def _offtarget_findings(kb: KB, match: _Match, types: list[str]) -> list[str]:
    """Names of well-supported ALK-independent mechanisms found (real alterations, not pseudo ones)."""
    strong = set(kb.policy["well_supported_strengths"])
    pseudo = set(kb.policy.get("pseudo_alterations", []))
    out = []
    for s, _ in match.fired:
        if (s.effect == "off_target_mechanism" and s.strength in strong and not pseudo & set(s.alterations)
                and _mechanism_type(s) in types):
            out.append(" + ".join(s.alterations))
    return _unique(out)


def _flag(flag: dict[str, Any], kb: KB, message: str, **extra: Any) -> dict[str, Any]:
    return {"id": flag["id"], "message": message,
            "evidence": [kb.by_id(i).evidence() for i in flag.get("statements", [])], **extra}


def _therapy_context(
    kb: KB,
    therapy: dict[str, Any] | None,
    alk: list[str],
    match: _Match,
    drugs_out: dict[str, dict[str, Any]],
    exclusion: dict[str, Any] | None = None,
) -> dict[str, Any]:
    policy = kb.policy
    cur, prior = _check_therapy(therapy, policy["drugs"])
    last = cur or (prior[-1] if prior else None)
    candidates = [
        s for s, _ in match.fired + match.pending + match.blocked if s.effect == "observed_at_progression"
    ]

    def emerged_on(drug: str, mut: str) -> list[Statement]:
        return [s for s in candidates if s.drug == drug and mut in s.alterations]

    ctx: dict[str, Any] = {
        "current_tki": cur,
        "prior_tkis": prior,
        "current_generation": policy["drug_generation"].get(cur) if cur else None,
        "expected_on_current": [],
        "not_expected_on_current": [],
        "emerged_on_prior": {},
        "flags": [],
        "background": [],
        "options": [],
        "not_offered": [],
        "alk_exclusion": exclusion,
        "research_use_only": True,
        "disclaimer": policy["disclaimer"],
    }
    if cur:
        for m in alk:
            hits = emerged_on(cur, m)
            if hits:
                ctx["expected_on_current"].append({"mutation": m, "statement_ids": [s.id for s in hits]})
            else:
                ctx["not_expected_on_current"].append(m)
        ctx["background"] = [
            s.evidence() for s in kb.statements if s.drug == cur and s.alterations == ("ALK:any_mutation",)
        ]
    for d in prior:
        for m in alk:
            if emerged_on(d, m):
                ctx["emerged_on_prior"].setdefault(m, []).append(d)

    flags = {f["when"]: f for f in policy["therapy_flags"] if f["when"] != "no_alk_mutation"}
    excluded = bool(exclusion and exclusion.get("excluded"))
    # V5: progressing on a drug the evidence calls active.
    if cur and drugs_out[cur]["verdict"] == "sensitive" and "progressing_on_active" in flags:
        msg = flags["progressing_on_active"]["message"].format(drug=cur, mutations=", ".join(alk))
        ctx["flags"].append(_flag(flags["progressing_on_active"], kb, msg, drug=cur))
    # V6-V7: "ALK-independent resistance likely" only when an ALK resistance mutation is excluded.
    if not alk and last:
        for flag in policy["therapy_flags"]:
            if flag["when"] == "no_alk_mutation" and last in flag["after_drugs"]:
                if excluded:
                    ctx["flags"].append(_flag(flag, kb, flag["message"], after=last,
                                              basis=exclusion["text"] if exclusion else None))
                elif "alk_mutation_not_excluded" in flags:
                    why = "; ".join(exclusion["reasons"]) if exclusion else \
                        "no hotspot depth or tumour-fraction assessment was given"
                    ctx["flags"].append(_flag(flags["alk_mutation_not_excluded"], kb,
                                              flags["alk_mutation_not_excluded"]["message"].format(why=why),
                                              after=last, withheld=flag["id"]))
    # V10: off-target findings change the message, not the verdicts.
    for when in ("alk_mutation_with_off_target", "off_target_without_alk_mutation"):
        flag = flags.get(when)
        if not flag or (when == "alk_mutation_with_off_target") != bool(alk):
            continue
        found = _offtarget_findings(kb, match, flag.get("mechanism_types", ["off_target", "histologic"]))
        if found:
            ctx["flags"].append(_flag(flag, kb, flag["message"].format(
                mutations=", ".join(alk), mechanisms=", ".join(found)), mechanisms=found))
    # ALK mutation after a second-generation TKI: ALK-dependent resistance (review, refs 23, 31, 32).
    flag = flags.get("alk_mutation_after_2g")
    if flag and alk and last in flag.get("after_drugs", []):
        ctx["flags"].append(_flag(flag, kb, flag["message"].format(mutations=", ".join(alk), drug=last),
                                  after=last))
    for d, res in drugs_out.items():
        if res["verdict"] == "sensitive":
            if d == cur:
                ctx["not_offered"].append({"drug": d, "verdict": res["verdict"],
                                           "why": f"{d} is the current TKI (progressing on it)"})
                continue
            opt = {"drug": d, "verdict": "sensitive", "evidence": res["evidence"], "notes": []}
            if d in prior:
                opt["notes"].append(f"{d} was given before")
            ctx["options"].append(opt)
    return ctx


# ---- entry point --------------------------------------------------------------------------------


def _residues(alk_mutations: list[AlkMutation], kb: KB) -> dict[str, int | None]:
    """Canonical name -> first residue: the annotation's (a mutation under its own name), or the KB's for
    the name an alias maps it to (read once from the KB's names, `KB.alias_residue`)."""
    out: dict[str, int | None] = {}
    for m in alk_mutations:
        if not isinstance(m, AlkMutation):
            raise TypeError(f"alk_mutations holds {m!r}: pass AlkMutation records "
                            "(alkannot.interpret.alk.alk_mutation_records), not names")
        name = kb.canonical(m.name)
        out.setdefault(name, m.residue if name == m.name else kb.alias_residue(name))
    return out


def evaluate(
    alk_mutations: list[AlkMutation],
    compounds: list[dict],
    co_alterations: list[dict],
    kb: KB,
    therapy: dict | None = None,
    exclusion: dict | None = None,
    co_keys: list[list[str]] | None = None,
) -> dict:
    """Per-drug verdicts, mechanisms and therapy context for one sample (rules: docs/verdicts.md).

    ``alk_mutations`` are typed records (`alkannot.interpret.alk.alk_mutation_records`: name and first
    residue); every mutation a compound names must be one of them (or an alias of one).
    ``alk_mutations`` and ``co_alterations`` must hold tumour evidence only: the caller leaves out variants
    labelled germline / CH / possible_CH (V9). ``exclusion`` is ``alkannot.interpret.ctdna.alk_exclusion``'s
    answer; without it no "ALK-independent resistance likely" flag is raised (V6). ``co_keys``: each
    co-alteration's `co_alteration_keys` when the caller has them already (else computed here).

    Returns {"drugs": {drug: {"verdict", "reasons", "evidence", "notes", "evidence_gaps",
    "untested_combinations", "phase_dependent", "current_tki"}}, "mechanisms": [...], "kb_version": str,
    "kb": provenance, "therapy_context": {...}, "research_use_only": True}.
    """
    _check_compounds(compounds)
    residues = _residues(alk_mutations, kb)
    compounds = [{**c, "mutations": [kb.canonical(m) for m in c["mutations"]]} for c in compounds]
    stray = [m for c in compounds for m in c["mutations"] if m not in residues]
    if stray:
        raise InputError(f"compound member {stray[0]} is not among the ALK mutations given",
                         fix="pass every compound member in alk_mutations")
    alk = _unique([kb.canonical(m.name) for m in alk_mutations] + [m for c in compounds for m in c["mutations"]])
    if co_keys is None:
        co_keys = [co_alteration_keys(c, kb) for c in co_alterations]
    present = set(alk) | {k for keys in co_keys for k in keys}
    match = _match(kb, present, set(alk), compounds, residues)
    cur, _prior = _check_therapy(therapy, kb.policy["drugs"])

    extra = _global_notes(kb, match)
    drugs_out = {}
    # the groups of ALK mutations on one allele (trans and cis readings) depend on the sample only
    components = (_components(alk, compounds, False, residues), _components(alk, compounds, True, residues))
    for d in kb.policy["drugs"]:
        res = _drug_verdict(d, kb, match, alk, compounds, residues, components)
        res["notes"].extend(extra.get(d, []) + extra[None])
        res["current_tki"] = d == cur
        drugs_out[d] = res
    ctx = _therapy_context(kb, therapy, alk, match, drugs_out, exclusion)
    for f in ctx["flags"]:
        if f["id"] == "progressing_on_active":
            drugs_out[f["drug"]]["reasons"].insert(0, f["message"])
    return {
        "drugs": drugs_out,
        "mechanisms": _mechanisms(match, alk, co_alterations, co_keys),
        "kb_version": kb.version,
        "kb": kb.provenance(),
        "therapy_context": ctx,
        "research_use_only": True,
    }
