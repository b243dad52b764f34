"""The human-readable layer of the reports: result dicts -> plain sentences.

Pure functions over one sample's ``alkannot.json`` dict. They restate what the result holds (verdicts,
mechanisms, phase, coverage) in words a tumour board reads; they decide nothing new. Statement ids,
superseded-rule bookkeeping and raw tokens are kept out of these sentences and go to the report's evidence
trail instead. Unknown is never worded as sensitive, and absence is only claimed where coverage supports it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from alkannot.drug_names import TKIS
from alkannot.report.references import Citer, cite_ref_numbers
from alkannot.report.values import as_dict, as_list, as_text

DRUGS = TKIS  # order of approval (the review's Table 1 order)

# Knowledge-base effect vocabulary -> (direction, words). Presentation only: the verdict itself is the KB's.
EFFECT_WORDS = {
    "observed_at_progression": ("against", "seen at progression on {drug}"),
    "resistant": ("against", "reported to confer resistance to {drug}"),
    "active_against": ("for", "{drug} reported to remain active"),
    "sensitive": ("for", "reported sensitive to {drug}"),
    "resensitised": ("for", "reported to restore sensitivity to {drug}"),
}
PHASE_METHODS = {
    "reads": "sequencing reads spanning both positions",
    "vcf": "the variant caller's phased genotypes",
    "vaf": "allele fractions (an inference, not read-backed)",
    "none": "no phasing evidence",
}
CLASS_WORDS = {
    "mutation": "mutation", "amplification": "amplification", "loss": "loss", "fusion": "fusion",
    "activation": "activation", "any_mutation": "any mutation", "none_detected": "no mutation detected",
}
HISTOLOGY_WORDS = {"SCLC": "small-cell transformation", "squamous": "squamous transformation"}
# Variant flags / specimen-filter tokens -> reader labels (unknown tokens fall back to spaced words).
FLAG_LABELS = {
    "pass": "passes specimen filters",
    "low_vaf": "VAF below the specimen minimum",
    "low_alt_reads": "too few supporting reads",
    "low_depth": "depth below the specimen minimum",
    "no_vaf": "no VAF in the VCF",
    "possible_germline": "possibly germline (VAF near 50% or 100%, no matched normal)",
    "possible_CH": "possibly clonal haematopoiesis",
    "CH": "clonal haematopoiesis (seen in matched white blood cells)",
    "germline": "germline (inherited; not a tumour variant)",
    "subclonal": "subclonal",
    "multiallelic_split": "split from a multi-allelic record",
    "ref_mismatch": "REF differs from the reference genome",
}
_IDS_RE = re.compile(r"\s*\[(?:[A-Za-z0-9_]+\.[A-Za-z0-9_.+:-]+)(?:,\s*[A-Za-z0-9_]+\.[A-Za-z0-9_.+:-]+)*\]")
_SRC_PAREN_RE = re.compile(r"\(((?:tabbo2020(?::ref\d+)?|[a-z_]+\d{4})(?:,\s*(?:tabbo2020(?::ref\d+)?|[a-z_]+\d{4}))*)"
                           r"(;[^)]*)?\)")
_GENE_TOKEN_RE = re.compile(r"\b([A-Z][A-Z0-9-]*[A-Z0-9]):([A-Za-z_][A-Za-z0-9_]*)\b")


_d, _l, _t = as_dict, as_list, as_text  # the lenient readers of untrusted JSON values (report/values.py)


def words_list(items: list[str], conj: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


# Longest list of names a sentence spells out; beyond it the sentence names the first ones, counts the rest
# and says where they are all listed (a hypermutated sample must not turn the first screen into a wall of names).
LIST_IN_WORDS_MAX = 10


def words_list_capped(items: list[str], where: str, cap: int = LIST_IN_WORDS_MAX) -> str:
    """words_list up to `cap` items; above it 'A, B, ... and N more (where)'."""
    items = [i for i in items if i]
    if len(items) <= cap:
        return words_list(items)
    return f"{', '.join(items[:cap])} and {len(items) - cap} more ({where})"


def pct(v) -> str:
    try:
        x = float(v) * 100
    except (TypeError, ValueError):
        return ""
    return f"{x:.2f}%" if x < 10 else f"{x:.0f}%"


def flag_label(token: str) -> str:
    token = _t(token)
    return FLAG_LABELS.get(token, token.replace("_", " "))


# Per-process memories of the pure text functions below (token_words, engine_words, mechanism labels): each
# result depends on the input string alone (and on constants of this module), so a warm batch process reuses
# it for every sample naming the same token; bounded, so an all-sites VCF cannot grow them without limit.
TEXT_MEMO_MAX = 4096
_FUSION_VARIANT_RE = re.compile(r"v\d+[a-z]?")
_PROTEIN_CHANGE_RE = re.compile(r"[A-Z*]\d+[A-Za-z*]+")


def token_words(token: str) -> str:
    """'TP53:mutation' -> 'TP53 mutation'; 'EML4-ALK:v3' -> 'EML4-ALK variant 3'; 'histology:SCLC' -> words."""
    return _token_words(_t(token))


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _token_words(token: str) -> str:
    gene, _, cls = token.partition(":")
    if not cls:
        return gene
    if gene == "histology":
        return HISTOLOGY_WORDS.get(cls, f"{cls} histology")
    if _FUSION_VARIANT_RE.fullmatch(cls):
        return f"{gene} variant {cls[1:]}"
    if _PROTEIN_CHANGE_RE.fullmatch(cls):
        return f"{gene} {cls}"
    return f"{gene} {CLASS_WORDS.get(cls, cls.replace('_', ' '))}"


def humanise(text: str, citer: Citer | None = None) -> str:
    """Engine text -> reader text: statement-id brackets dropped, source keys resolved, tokens spelled out.

    With a ``citer``, made once per text and report (``citer.memo``): the drug cards repeat the same notes and
    statements, and a second call would give the same text and cite only keys the first call already cited."""
    if citer is None:
        return _humanise(_t(text), None)
    key = ("humanise", _t(text))
    hit = citer.memo.get(key)
    if hit is None:
        hit = citer.memo[key] = _humanise(key[1], citer)
    return hit


def _humanise(text: str, citer: Citer | None) -> str:
    s = _without_ids(text)
    if citer is not None:  # the only step that depends on the report (its citations): never remembered
        s = _SRC_PAREN_RE.sub(lambda m: "(" + citer.label(m.group(1).replace(",", ";")) + (m.group(2) or "")
                              + ")", s)
        s = cite_ref_numbers(s, citer)
    return _spelled_out(s)


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _without_ids(text: str) -> str:
    """humanise, first step: statement-id brackets dropped (pure; remembered per process)."""
    return _IDS_RE.sub("", text)


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _spelled_out(s: str) -> str:
    """humanise, last step: gene tokens and effect tokens in words, spaces normalised (pure; remembered)."""
    s = _GENE_TOKEN_RE.sub(lambda m: token_words(m.group(0)), s)
    for eff, (_, w) in EFFECT_WORDS.items():
        if "_" in eff:  # only the engine's tokens, never the plain words "resistant" / "sensitive" in prose
            s = s.replace(eff, w.replace("{drug}", "the drug").replace("the drug reported", "reported"))
    return " ".join(s.split())


# ---------------------------------------------------------------------------------------------
# Mechanisms
# ---------------------------------------------------------------------------------------------

SHORT_METHODS = {"reads": "read-backed", "vcf": "caller-phased", "vaf": "inferred from VAFs", "none": "no evidence"}


def phase_short(phase: str, method: str) -> str:
    """'in cis (read-backed)': the compact form used inside labels."""
    phase = _t(phase) or "unresolved"
    how = SHORT_METHODS.get(_t(method), _t(method).replace("_", " "))
    return f"{'phase unresolved' if phase == 'unresolved' else 'in ' + phase}" + (f" ({how})" if how else "")


def phase_words(phase: str, method: str) -> str:
    phase = _t(phase) or "unresolved"
    how = PHASE_METHODS.get(_t(method), _t(method).replace("_", " ") or "no phasing evidence")
    if phase == "cis":
        return f"in cis (on the same molecule; decided from {how})"
    if phase == "trans":
        return f"in trans (on different molecules; decided from {how})"
    return f"phase unresolved ({how})"


_MECH_RE = re.compile(r"^(?P<base>.*?)(?:\s*\((?:compound(?:,\s*(?P<phase>.*?))?)\))?"
                      r"(?:\s*\[found:\s*(?P<found>[^\]]*)\])?(?:\s*\((?P<tail>prognostic|not in the knowledge base)\))?$")


def mechanism_phrase(mech: dict) -> dict:
    """One ``mechanisms`` entry -> {label, type, prognostic, in_kb, tokens}.

    The engine names a mechanism 'TP53:mutation [found: TP53:R273H] (prognostic)'; the reader sees
    'TP53 R273H mutation' on a prognostic line rather than among resistance mechanisms.
    """
    mech = _d(mech)
    label, prognostic, in_kb = _mechanism_words(_t(mech.get("name")))
    return {"label": label, "type": _t(mech.get("type")) or "other", "prognostic": prognostic,
            "in_kb": in_kb, "evidence": _l(mech.get("evidence"))}


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _mechanism_words(name: str) -> tuple[str, bool, bool]:
    """(label, prognostic, in the knowledge base) of one engine mechanism name (mechanism_phrase)."""
    m = _MECH_RE.match(name)
    base, phase, found, tail = (m.group("base"), m.group("phase"), m.group("found"), m.group("tail")) if m \
        else (name, None, None, None)
    found_items = [f.strip() for f in (found or "").split(",") if f.strip()]
    parts = []
    for tok in [p.strip() for p in base.split(" + ")]:
        gene = tok.partition(":")[0]
        hit = next((f for f in found_items if f.partition(":")[0] == gene), None)
        if hit and ":" in tok:
            cls = CLASS_WORDS.get(tok.partition(":")[2], tok.partition(":")[2].replace("_", " "))
            parts.append(f"{gene} {hit.partition(':')[2]} {cls}")
        else:
            parts.append(token_words(tok))
    label = " + ".join(parts)
    if phase:
        ph = re.match(r"phase (\w+)(?:, method (\w+))?", phase)
        label += f", {phase_short(ph.group(1), ph.group(2) or 'none')}" if ph else f" (compound, {phase})"
    elif len(parts) > 1:
        label = words_list(parts, "together with")
    return label, tail == "prognostic", tail != "not in the knowledge base"


def split_mechanisms(data: dict, citer: Citer | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """(resistance mechanisms, prognostic findings, findings the knowledge base does not cover).

    With ``citer`` (one report's), made once per report and data dict, like ``explained``: the key findings,
    the drug explanations of drugs without evidence and the page's mechanism list all read it (the callers only
    read the lists and their dicts)."""
    if citer is not None:
        key = ("split_mechanisms", id(data))
        hit = citer.memo.get(key)
        if hit is not None and hit[0] is data:
            return hit[1]
    res, prog, unknown = [], [], []
    for m in map(mechanism_phrase, _l(_d(data).get("mechanisms"))):
        (prog if m["prognostic"] else unknown if not m["in_kb"] else res).append(m)
    out = (res, prog, unknown)
    if citer is not None:
        citer.memo[key] = (data, out)
    return out


# ---------------------------------------------------------------------------------------------
# Drugs
# ---------------------------------------------------------------------------------------------

def _compound_phase(data: dict, alts: tuple[str, ...]) -> dict:
    for c in map(_d, _l(_d(data).get("compound"))):
        if set(_l(c.get("mutations"))) == set(alts):
            return c
    return {}


def alteration_label(alts, data: dict) -> str:
    alts = tuple(_t(a) for a in alts)
    if len(alts) == 1:
        a = alts[0]
        return token_words(a) if ":" in a else f"ALK {a}"
    if "ALK:cis_partner" in alts:
        rest = [a for a in alts if a != "ALK:cis_partner"]
        return f"ALK {' + '.join(rest)} with any other ALK mutation in cis"
    c = _compound_phase(data, alts)
    names = " + ".join(token_words(a) if ":" in a else a for a in alts)
    if all(":" not in a for a in alts):
        names = "ALK " + names
    return names + (f" {phase_short(c.get('phase'), c.get('method'))}" if c else "")


def drug_explanation(drug: str, d: dict, data: dict, citer: Citer) -> dict:
    """One drug -> {headline, findings: [{label, direction, words, evidence: [{statement, cite}]}], notes, trail}.

    ``trail`` holds the engine's own reasons and the notes that are bookkeeping (superseded single-mutation
    statements, statement ids): the evidence-trail appendix shows them, the card does not.
    """
    d = _d(d)
    verdict = _t(d.get("verdict")) or "not assessed"
    groups: dict[tuple, list[dict]] = {}
    spelled: dict[frozenset, tuple] = {}  # "A + B" and "B + A" (Table 1 vs text order) are one finding
    for e in map(_d, _l(d.get("evidence"))):
        alts = tuple(_l(e.get("alterations")))
        groups.setdefault(spelled.setdefault(frozenset(alts), alts), []).append(e)
    findings = []
    for alts, evs in groups.items():
        dirs = {EFFECT_WORDS.get(_t(e.get("effect")), ("?", ""))[0] for e in evs}
        direction = "both" if {"for", "against"} <= dirs else (dirs - {"?"}).pop() if dirs - {"?"} else "?"
        weak = all(_t(e.get("strength")) == "weak" for e in evs)
        findings.append({
            # weak statements never set a verdict (docs/verdicts.md): shown, but not named as the reason
            "label": alteration_label(alts, data) + (" (weak evidence, not used for the verdict)" if weak else ""),
            "direction": "weak" if weak else direction,
            "evidence": [{"statement": humanise(e.get("statement"), citer), "cite": citer.label(_t(e.get("source"))),
                          "cites": citer.cite(_t(e.get("source"))),
                          "effect": EFFECT_WORDS.get(_t(e.get("effect")), ("", _t(e.get("effect"))))[1]
                          .format(drug=drug)} for e in evs],
        })
    notes, trail = [], [f"reason: {_t(r)}" for r in _l(d.get("reasons"))]
    superseded = 0
    for n in map(_t, _l(d.get("notes"))):
        trail.append(f"note: {n}")
        if "superseded by a compound rule" in n:
            superseded += 1
            continue
        notes.append(humanise(n, citer))
    if superseded:
        notes.append(f"{superseded} single-mutation statement{'s' if superseded > 1 else ''} set aside because a "
                     "statement about the compound applies (listed in the evidence trail).")
    against = [f["label"] for f in findings if f["direction"] == "against"]
    support = [f["label"] for f in findings if f["direction"] == "for"]
    both = [f["label"] for f in findings if f["direction"] == "both"]
    cites = "; ".join(dict.fromkeys(c for f in findings for e in f["evidence"] for c in e["cites"]))
    if verdict == "resistant":
        short = words_list(against) or "see evidence"
        head = f"Expected to fail: {short}"
    elif verdict == "sensitive":
        short = f"active against {words_list(support) or 'the mutation found'}"
        head = f"May work: reported {short}"
    elif verdict == "conflicting":
        short = f"{words_list(both or against + support)}: reported both ways"
        head = (f"Conflicting: {words_list(both or against + support)} reported both at progression on "
                f"{drug} and as still responsive")
    elif verdict == "uncertain":
        why = uncertain_why(drug, d)
        short = (f"active against {words_list(support)}, but " if support else "") + why
        head = f"Uncertain (not the same as sensitive): {short}"
        if support:  # the card line already names the gap; the card's own line says what is covered
            short = f"reported active against {words_list(support)} only"
        else:
            short = "evidence incomplete (not the same as sensitive)"
    elif verdict == "unknown":
        muts = [f"ALK {m}" for m in map(_t, _l(_d(data).get("alk_mutations")))]
        head = (f"Not known: no well-supported evidence for {drug} with {words_list(muts)}" if muts
                else "Not known: no ALK mutation found, so no mutation-specific evidence applies")
        head += " (unknown is not sensitive)"
        short = "no well-supported evidence (unknown is not sensitive)"
        off = [m["label"] for m in split_mechanisms(data, citer)[0] if m["type"] in ("off_target", "histologic")]
        if off and not muts:
            short = f"no ALK mutation called; ALK-independent finding: {words_list(off)} (unknown is not sensitive)"
    else:
        head = short = "Not assessed"
    if cites:
        head += f" ({cites})"
        short += f" ({cites})"
    return {"headline": head, "short": short, "findings": findings, "notes": notes, "trail": trail}


# ---------------------------------------------------------------------------------------------
# QC badge
# ---------------------------------------------------------------------------------------------

def hotspot_summary(data: dict) -> dict:
    """{total, covered, unknown, low, not_covered, source}: how far absence of a hotspot can be concluded."""
    rows = [_d(h) for h in _l(_d(_d(data).get("ctdna")).get("hotspot_coverage"))]
    by = lambda *st: [_t(h.get("mutation")) for h in rows if _t(h.get("status")) in st]  # noqa: E731
    srcs = {_t(h.get("depth_source")) for h in rows if h.get("depth_source")}
    return {"total": len(rows), "covered": by("detected", "not_detected", "covered"),
            "unknown": by("unknown_coverage", ""), "low": by("low_coverage"), "not_covered": by("not_covered"),
            # a depth source exists when reads were counted (BAM/CRAM), or when any row has a status that only
            # counted reads can give (older results carry no depth_source)
            "has_alignment": "alignment" in srcs or any(_t(h.get("status")) not in ("unknown_coverage", "", "detected")
                                                        for h in rows)}


def tumour_content(data: dict) -> dict:
    """{kind: 'estimate'|'pathology'|'none', value, words}: plasma VAF estimates, tissue pathology values."""
    data = _d(data)
    spec = _t(_d(data.get("sample")).get("specimen")) or "tissue"
    tf = _d(_d(data.get("ctdna")).get("tumor_fraction"))
    method, value = _t(tf.get("method")), tf.get("value")
    given = _d(data.get("sample")).get("tumor_fraction")
    if spec in ("plasma", "csf") or _t(_d(data.get("sample")).get("specimen_class")) == "plasma":
        if method == "sheet" or given is not None:
            return {"kind": "given", "value": value if value is not None else given,
                    "words": f"tumour fraction {pct(value if value is not None else given)} (given in the sample sheet)"}
        if value is None:
            return {"kind": "none", "value": None, "words": "tumour fraction could not be estimated"}
        return {"kind": "estimate", "value": value,
                "words": f"estimated ctDNA fraction ≈{pct(value)} (from the highest somatic VAF; an estimate)"}
    if given is not None:
        return {"kind": "pathology", "value": given, "words": f"tumour content {pct(given)} (pathology, from the sheet)"}
    return {"kind": "none", "value": None, "words": "tumour content not given"}


def qc_badge(data: dict, *, low_tumour_fraction: float = 0.01) -> dict:
    """{level: pass|caution|fail, reasons: [sentences]} for the first screen."""
    data = _d(data)
    fail, caution = [], []
    qc = _d(data.get("qc"))
    mism = qc.get("ref_mismatches") or 0
    if mism:
        caution.append(f"{mism} REF allele(s) differ from the reference genome (check the genome build)")
    acc = _d(data.get("accounting"))
    na = sum(v for v in _d(acc.get("not_annotated")).values() if isinstance(v, int))
    if na:
        caution.append(f"{na} record(s) could not be annotated (listed with reasons in the variant table)")
    hs = hotspot_summary(data)
    if hs["total"]:
        if hs["unknown"] and not hs["has_alignment"]:
            caution.append(f"no BAM/CRAM: read depth unknown at {len(hs['unknown'])} of {hs['total']} resistance "
                           "hotspots, so absence of a hotspot mutation cannot be concluded")
        gaps = hs["not_covered"] + hs["low"]
        if gaps:
            caution.append(f"{len(gaps)} of {hs['total']} hotspots not covered deeply enough: {', '.join(gaps)}")
        elif hs["unknown"] and hs["has_alignment"]:
            caution.append(f"depth unknown at {len(hs['unknown'])} hotspots: {', '.join(hs['unknown'])}")
    spec = _t(_d(data.get("sample")).get("specimen")) or "tissue"
    tc = tumour_content(data)
    if spec in ("plasma", "csf"):
        if tc["value"] is not None and float(tc["value"]) < low_tumour_fraction:
            caution.append(f"low tumour fraction ({pct(tc['value'])}): negative results are less reliable")
        elif tc["kind"] == "none":
            caution.append("tumour fraction unknown: negative results cannot be weighed")
        if not _t(_d(data.get("sample")).get("normal_sample")):
            caution.append("no matched white-blood-cell sample: clonal haematopoiesis cannot be excluded")
    elif tc["kind"] == "none":
        caution.append("tissue tumour content not given")
    ex = _d(_d(data.get("ctdna")).get("alk_exclusion"))
    blocking = [_d(b) for b in _l(ex.get("blocking_calls"))]
    if blocking:
        caution.append("ALK kinase-domain call(s) shown but not interpreted: " + "; ".join(
            f"{_t(b.get('protein'))}" + (f" at VAF {pct(b.get('vaf'))}" if b.get("vaf") is not None else "")
            + f" ({engine_words(b.get('why'))})" for b in blocking))
    if ex and not ex.get("excluded") and not _l(data.get("alk_mutations")):
        caution.append("no ALK mutation called, but one is not excluded (see Key findings)")
    n_un = len(_l(data.get("uninterpreted")))
    if n_un:
        caution.append(f"{n_un} target-gene call(s) could not be interpreted (listed under Key findings)")
    for i in map(_d, _l(data.get("inputs"))):
        for wmsg in map(_t, _l(i.get("warnings"))):
            caution.append(f"{_t(i.get('role')) or 'input'} {_t(i.get('path'))}: {wmsg}")
    for wmsg in map(_t, _l(qc.get("warnings"))):
        caution.append(wmsg)
    n_in = len(_l(qc.get("input_warnings")))  # header hints vs build, malformed meta-lines, contig aliases
    if n_in:
        caution.append(f"{n_in} input warning(s) while reading the VCF (listed under Accounting)")
    if "drugs" not in data:
        fail.append("no drug verdicts in the result")
    level = "fail" if fail else "caution" if caution else "pass"
    info = [as_sentence(tc["words"])] if tc["kind"] != "none" else []
    return {"level": level, "reasons": fail + caution or ["hotspots covered, tumour content known, no REF mismatches"],
            "info": info}


# ---------------------------------------------------------------------------------------------
# Key findings
# ---------------------------------------------------------------------------------------------

def _alk_variants(data: dict) -> dict:
    """ALK variants by protein_short (the first of a name wins): one pass over the variants, not one per ALK
    mutation."""
    out: dict[str, dict] = {}
    for v in map(_d, _l(_d(data).get("variants"))):
        short = v.get("protein_short")
        if v.get("gene") == "ALK" and isinstance(short, str):  # the names looked up are text
            out.setdefault(short, v)
    return out


def key_findings(data: dict, citer: Citer) -> dict:
    """{paragraph: [sentences], prognostic: sentence|'', not_assessed: [items]} for the first screen."""
    data = _d(data)
    out: list[str] = []
    alk = [_t(m) for m in _l(data.get("alk_mutations"))]
    hs = hotspot_summary(data)
    if alk:
        descr = []
        alk_variants = _alk_variants(data)
        for m in alk:
            v = alk_variants.get(m, {})
            alias = _l(v.get("protein_aliases"))
            bits = [x for x in (f"VAF {pct(v.get('vaf'))}" if v.get("vaf") is not None else "",
                                f"published as {alias[0]}" if alias else "") if x]
            descr.append(m + (f" ({', '.join(bits)})" if bits else ""))
        # a mutation no knowledge-base statement names is not called a resistance mutation (unknown significance)
        mechanism_names = {_t(_d(x).get("name")) for x in _l(data.get("mechanisms"))}
        no_kb = {m for m in alk if f"ALK {m} (not in the knowledge base)" in mechanism_names}
        known = [d for m, d in zip(alk, descr) if m not in no_kb]
        other = [d for m, d in zip(alk, descr) if m in no_kb]
        if known:
            out.append(f"ALK kinase-domain resistance mutation{'s' if len(known) > 1 else ''} found: "
                       f"{words_list(known)}.")
        if other:
            out.append(f"{'Also in' if known else 'Found in'} the ALK kinase domain, with no knowledge-base "
                       f"statement (significance for resistance unknown): "
                       f"{words_list_capped(other, 'all listed under Variants and Resistance mechanisms')}.")
        for c in map(_d, _l(data.get("compound"))):
            ev = _d(c.get("evidence"))
            why = _t(ev.get("explanation"))
            pw = phase_words(c.get("phase"), c.get("method"))
            out.append(f"{' and '.join(map(_t, _l(c.get('mutations'))))}"
                       + (f": {pw}" if pw.startswith("phase") else f" are {pw}")
                       + (f"; {why.split(': ', 1)[-1]}" if why else "") + ".")
    elif exclusion_finding(data):
        out.append(exclusion_finding(data))
    elif hs["covered"] and not hs["unknown"] and not hs["not_covered"] and not hs["low"]:
        out.append("No ALK kinase-domain resistance mutation detected; all listed resistance hotspots were covered.")
    else:
        why = ("no BAM/CRAM was given to measure depth at the resistance hotspots" if not hs["has_alignment"]
               else "some resistance hotspots lack read depth")
        out.append(f"No ALK kinase-domain resistance mutation was called; absence is not established because {why} "
                   "(see Quality).")
    # an ALK kinase-domain change labelled germline / CH is not interpreted (V9): say so up front, so "no ALK
    # mutation" is never read without it (e.g. a resistance mutation in a contaminated normal)
    labelled = [v for v in map(_d, _l(data.get("variants"))) if v.get("gene") == "ALK" and v.get("alk_kinase_domain")
                and v.get("protein_short") and v.get("ch_status") in ("CH", "possible_CH", "germline")]
    if labelled:
        out.append("ALK kinase-domain change labelled " + words_list([
            f"{flag_label(_t(v.get('ch_status')))}, so not interpreted: {_t(v.get('protein_short'))}"
            + (f" (VAF {pct(v.get('vaf'))}; {_t(v.get('ch_evidence'))})" if v.get("vaf") is not None else "")
            for v in labelled]) + "; check the label (tumour cells in the normal sample mimic it) before reading "
            "the ALK findings above.")
    drugs = _d(data.get("drugs"))
    out.extend(current_tki_findings(data, citer))
    tc = _d(data.get("therapy_context"))
    not_offered = {_t(_d(o).get("drug")) for o in _l(tc.get("not_offered"))}
    if drugs:
        expl = {n: explained(n, _d(drugs[n]), data, citer) for n in drugs}
        heads = {"resistant": "Expected to fail", "sensitive": "May work", "conflicting": "Conflicting evidence"}
        for verdict, head in heads.items():
            groups: dict[str, tuple[list[str], list[str]]] = {}
            for name in DRUGS + tuple(k for k in drugs if k not in DRUGS):
                if name in drugs and _t(_d(drugs[name]).get("verdict")) == verdict:
                    if verdict == "sensitive" and name in not_offered:
                        continue  # the current TKI: said above (progressing on it), never listed as working
                    e = expl[name]
                    want = {"resistant": ("against",), "sensitive": ("for",)}.get(verdict, ("both", "for", "against"))
                    drivers = words_list([f["label"] for f in e["findings"] if f["direction"] in want])
                    names, cites = groups.setdefault(drivers, ([], []))
                    names.append(name)
                    cites.extend(c for f in e["findings"] if f["direction"] in want for ev in f["evidence"]
                                 for c in ev["cites"])
            for drivers, (names, cites) in groups.items():
                why = {"resistant": f"{drivers} reported at progression or as resistant",
                       "sensitive": f"reported active against {drivers}; activity is not guaranteed",
                       "conflicting": f"{drivers} reported both ways"}[verdict]
                cited = "; ".join(dict.fromkeys(cites))
                out.append(f"{head}: {words_list(names)} ({why}" + (f"; {cited})." if cited else ")."))
        if not any(_t(_d(d).get("verdict")) == "sensitive" and n not in not_offered for n, d in drugs.items()):
            out.append("May work: none of the TKIs assessed is reported active against what was found"
                       + (f" (apart from {words_list(sorted(not_offered))}, which the patient is progressing on)."
                          if not_offered else "."))
        order = DRUGS + tuple(k for k in drugs if k not in DRUGS)
        uncertain: dict[str, list[str]] = {}
        for n in order:
            if n in drugs and _t(_d(drugs[n]).get("verdict")) == "uncertain":
                uncertain.setdefault(uncertain_why(None, _d(drugs[n])), []).append(n)
        for why, names in uncertain.items():
            out.append(f"Uncertain (not the same as sensitive): {words_list(names)}: {why}.")
        out.extend(phase_dependent_findings(data))
        unknown = [n for n in order
                   if n in drugs and _t(_d(drugs[n]).get("verdict")) not in (*heads, "uncertain")]
        if unknown:
            out.append(f"Not known (no well-supported evidence; not the same as sensitive): {words_list(unknown)}.")
    res, prog, _ = split_mechanisms(data, citer)
    weak_ids = {i.strip() for d in _d(data.get("drugs")).values() for n in map(_t, _l(_d(d).get("notes")))
                if "weak evidence" in n for b in re.findall(r"\[([^\]]+)\]", n) for i in b.split(",")}
    off = []
    for m in res:
        if m["type"] not in ("off_target", "histologic"):
            continue
        ids = {_t(_d(e).get("statement_id")) for e in m["evidence"]} - {""}
        label = m["label"]
        for c in map(_d, _l(data.get("copy_number"))):
            cn = c.get("copy_number_purity_adjusted", c.get("copy_number"))
            if c.get("finding") and label == f"{_t(c.get('gene'))} {_t(c.get('call'))}" and isinstance(cn, (int, float)):
                adj = ", purity-adjusted" if c.get("copy_number_purity_adjusted") is not None else ""
                label += f" ({cn:.1f} copies{adj})"
        off.append(label + (" (possible contributor; weak evidence)" if ids and ids <= weak_ids else ""))
    if off:
        out.append(f"ALK-independent finding{'s' if len(off) > 1 else ''}: {words_list(off)}.")
    clonal = clonality_findings(data)
    if len(clonal) > LIST_IN_WORDS_MAX:  # one sentence naming the first ones (each is also on its drug card)
        subclonal = [_t(c.get("mutation")) for c in map(_d, _l(data.get("alk_clonality")))
                     if _t(c.get("clonality")) == "subclonal"]
        out.append(f"{len(subclonal)} ALK mutations are subclonal (only part of the tumour carries them): "
                   f"{words_list_capped(subclonal, 'each VAF is listed under Variants')}.")
    else:
        out.extend(as_sentence(c) + "." for c in clonal)
    fusion = fusion_finding(data)
    if fusion:
        out.append(fusion)
    for f in _l(tc.get("flags")):
        if _t(_d(f).get("id")) == "alk_mutation_not_excluded" and exclusion_finding(data):
            continue  # the exclusion sentence above says the same, with the reasons
        if _t(_d(f).get("id")) == "progressing_on_active":
            continue  # said with the current TKI, near the top
        if _t(_d(f).get("id")) == "off_target_without_alk_mutation" and off:
            continue  # the ALK-independent finding sentence above names it
        msg = _t(_d(f).get("message")) if isinstance(f, dict) else _t(f)
        if msg:
            out.append(humanise(msg, citer)[0].upper() + humanise(msg, citer)[1:] + ".")
    n_un = len(_l(data.get("uninterpreted")))
    if n_un:
        out.append(f"{n_un} target-gene call{'s' if n_un > 1 else ''} passed the caller's filters but could not be "
                   "interpreted (listed below); not used for the verdicts.")
    prognostic = ""
    if prog:
        cites = "; ".join(dict.fromkeys(c for m in prog for e in m["evidence"]
                                        for c in citer.cite(_t(_d(e).get("source")))))
        labels = list(dict.fromkeys(m["label"] for m in prog))
        labels = [lbl for lbl in labels if not any(lbl != o and lbl in o for o in labels)]
        prognostic = (f"Prognostic, not a resistance mechanism (does not change the drug predictions): "
                      f"{words_list(labels)}" + (f" ({cites})." if cites else "."))
    return {"paragraph": out, "prognostic": prognostic, "not_assessed": not_assessed(data)}


def current_tki_findings(data: dict, citer: Citer) -> list[str]:
    """The drug the patient is progressing on: does the finding explain it? (therapy_context, V5)."""
    data = _d(data)
    tc = _d(data.get("therapy_context"))
    cur = _t(tc.get("current_tki") or _d(data.get("sample")).get("current_tki"))
    if not cur:
        return []
    out = []
    alk = [_t(m) for m in _l(data.get("alk_mutations"))]
    v = _t(_d(_d(data.get("drugs")).get(cur)).get("verdict"))
    active = next((f for f in map(_d, _l(tc.get("flags"))) if f.get("id") == "progressing_on_active"), None)
    expl = [_t(_d(e).get("mutation")) for e in _l(tc.get("expected_on_current"))]
    if active:
        out.append(as_sentence(humanise(_t(active.get("message")), citer)) + ".")
    elif expl:
        # a mutation reported at progression only as part of a compound is named with the compound
        alts = {_t(_d(e).get("statement_id")): tuple(map(_t, _l(_d(e).get("alterations"))))
                for src in ([_d(_d(data.get("drugs")).get(cur))] + list(map(_d, _l(data.get("mechanisms")))))
                for e in _l(src.get("evidence"))}
        named: list[str] = []
        for e in map(_d, _l(tc.get("expected_on_current"))):
            sets = [alts.get(_t(i), ()) for i in _l(e.get("statement_ids"))]
            m = _t(e.get("mutation"))
            multi = [a for a in sets if len(a) > 1]
            name = alteration_label(multi[0], data).removeprefix("ALK ") if multi and len(multi) == len(sets) \
                else m
            if name not in named:
                named.append(name)
        out.append(f"Progressing on {cur}: {words_list(named)} {'is' if len(named) == 1 else 'are'} reported at "
                   f"progression on {cur}, consistent with on-target resistance.")
    elif alk and v == "sensitive":
        out.append(f"Progressing on {cur}, yet {cur} is reported active against {words_list(alk)}: the ALK "
                   "mutation does not explain progression on it; consider ALK-independent or "
                   "pharmacological causes.")
    elif alk and v in ("uncertain", "unknown"):
        out.append(f"Progressing on {cur}: evidence for {cur} is {'incomplete' if v == 'uncertain' else 'missing'} "
                   f"({uncertain_why(cur, _d(data.get('drugs')).get(cur))}), so whether the ALK mutations found "
                   f"explain progression on it is not known.")
    elif alk:
        out.append(f"Progressing on {cur}: predicted {v or 'not assessed'} for {cur}.")
    prior: dict[str, list[str]] = {}
    for m, on in _d(tc.get("emerged_on_prior")).items():
        prior.setdefault(words_list(list(map(_t, _l(on)))), []).append(_t(m))
    for on, muts in prior.items():
        out.append(f"{words_list(muts)} {'is' if len(muts) == 1 else 'are'} also reported at progression on "
                   f"{on}, given before.")
    return out


def not_assessed(data: dict) -> list[str]:
    """What this result could not look at, in words."""
    data = _d(data)
    roles = {_t(_d(i).get("role")) for i in _l(data.get("inputs"))}
    out = []
    hs = hotspot_summary(data)
    if hs["unknown"] and not hs["has_alignment"]:
        out.append("hotspot read depth (no BAM/CRAM given)")
    elif hs["not_covered"] or hs["low"]:
        out.append(f"hotspots without enough depth: {', '.join(hs['not_covered'] + hs['low'])}")
    if "cnv" not in roles:
        out.append("copy number (no copy-number file given)")
    fa = _d(data.get("fusion_assessment"))
    if fa:
        if _t(fa.get("status")) == "not_assessed":
            out.append("ALK fusions and rearrangements (no SV/fusion file or BAM/CRAM given)")
    elif "sv" not in roles:
        out.append("fusions and rearrangements (no SV/fusion file given)")
    alk = _l(data.get("alk_mutations"))
    if len(alk) > 1 and "alignment" not in roles and not any(_d(c).get("phase") in ("cis", "trans")
                                                             for c in _l(data.get("compound"))):
        out.append("phase of the ALK mutations (no reads to phase them)")
    for c in map(_d, _l(data.get("compound"))):
        if c.get("phase") == "unresolved":
            out.append(f"phase of {' + '.join(map(_t, _l(c.get('mutations'))))} (unresolved)")
    return out


def reasons_for(data: dict, citer: Citer) -> dict[str, dict]:
    """drug -> drug_explanation for every drug in the result."""
    drugs = _d(_d(data).get("drugs"))
    return {name: explained(name, _d(drugs.get(name)), data, citer) for name in drugs}


def explained(drug: str, d: dict, data: dict, citer: Citer) -> dict:
    """drug_explanation, made once per drug entry and report (key_findings and reasons_for both need it): a
    second call would give the same (the citations it makes are collected by then) and collect nothing new."""
    key = (drug, id(d), id(data))
    hit = citer.memo.get(key)
    if hit is not None and hit[0] is d and hit[1] is data:
        return hit[2]
    out = drug_explanation(drug, d, data, citer)
    citer.memo[key] = (d, data, out)
    return out


def therapy_options(data: dict, citer: Citer) -> list[str]:
    """'brigatinib: reported active (Tabbò 2020)' for the options the verdicts leave open."""
    out = []
    for o in map(_d, _l(_d(_d(data).get("therapy_context")).get("options"))):
        cites = "; ".join(dict.fromkeys(citer.label(_t(_d(e).get("source"))) for e in _l(o.get("evidence"))))
        notes = [humanise(n, citer) for n in map(_t, _l(o.get("notes")))]
        out.append(f"{_t(o.get('drug'))}: reported active" + (f" ({cites})" if cites else "")
                   + (f"; {'; '.join(notes)}" if notes else ""))
    return out


def as_sentence(text: str) -> str:
    t = _t(text).strip()
    return (t[0].upper() + t[1:]) if t else t


# ---------------------------------------------------------------------------------------------
# Verdict rules (docs/verdicts.md), fusions, CIViC and evidence tiers in words
# ---------------------------------------------------------------------------------------------

TF_METHOD_WORDS = {
    "max_somatic_vaf": "estimated from the highest somatic VAF",
    "sheet": "given in the sample sheet",
}
FUSION_SOURCE_WORDS = {"dna_reads": "the sequencing reads", "sv_file": "the SV/fusion caller's file"}
UNINTERPRETED_FIX = "see the evidence trail for the engine's reason"


def engine_words(text: str) -> str:
    """Engine tokens inside otherwise plain engine text (exclusion reasons, fusion summaries) -> words."""
    return _engine_words(_t(text))


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _engine_words(s: str) -> str:
    s = re.sub(r"\bneeds one of: sheet\b", "needs the pathology tumour content from the sample sheet", s)
    s = re.sub(r"\(max_somatic_vaf\)", "(estimated from the highest somatic VAF)", s)
    s = re.sub(r"\bmax_somatic_vaf\b", "highest-somatic-VAF estimate", s)
    s = s.replace("(dna_reads)", "(from the reads)").replace("(sv_file)", "(from the SV/fusion file)")
    s = re.sub(r"\bdna_reads\b", "reads", re.sub(r"\bsv_file\b", "SV/fusion file", s))
    s = re.sub(r"\(([a-z_]+)\)", lambda m: f"({FLAG_LABELS[m.group(1)]})" if m.group(1) in FLAG_LABELS
               else m.group(0), s)
    return _GENE_TOKEN_RE.sub(lambda m: token_words(m.group(0)), s)


def uncertain_why(drug: str | None, d: dict) -> str:
    """Why a drug is `uncertain` (or would be, on one phase reading): the missing evidence, in words.
    With drug=None the words name no drug (for a sentence about several)."""
    d = _d(d)
    bits = []
    gaps = [_t(g) for g in _l(d.get("evidence_gaps"))]
    if gaps:
        listed = words_list_capped(gaps, "all listed under Variants")
        bits.append(f"no knowledge-base evidence for {drug} with {listed}" if drug
                    else f"no knowledge-base evidence for {listed}")
    for u in map(_t, _l(d.get("untested_combinations"))):
        bits.append(f"{u} (in cis) never tested together" + (f" with {drug}" if drug else "")
                    + " although each alone is covered")
    pd = _d(d.get("phase_dependent"))
    if pd and not bits:
        bits.append(f"depends on the phase of {words_list(list(map(_t, _l(pd.get('mutations')))))}")
    return "; ".join(bits) or "evidence incomplete"


def phase_dependent_findings(data: dict) -> list[str]:
    """'Depends on phase' sentences, one per unresolved group, naming each drug's cis and trans reading."""
    groups: dict[tuple, list[str]] = {}
    how = ""
    for name in DRUGS + tuple(k for k in _d(_d(data).get("drugs")) if k not in DRUGS):
        pd = _d(_d(_d(_d(data).get("drugs")).get(name)).get("phase_dependent"))
        if not pd:
            continue
        muts = tuple(map(_t, _l(pd.get("mutations"))))
        groups.setdefault(muts, []).append(f"{name} {_t(pd.get('if_cis'))} if in cis, {_t(pd.get('if_trans'))} "
                                           f"if in trans")
        how = how or _t(pd.get("how_to_resolve"))
    out = []
    for muts, readings in groups.items():
        out.append(f"Depends on phase: the phase of {words_list(list(muts))} is not resolved, and the verdict "
                   f"changes with it ({'; '.join(readings)}); each card shows the less favourable reading"
                   + (f"; {how}." if how else "."))
    return out


def exclusion_finding(data: dict) -> str:
    """No ALK mutation called: may its absence be said? (ctdna.alk_exclusion, docs/verdicts.md V6-V8)."""
    ex = _d(_d(_d(data).get("ctdna")).get("alk_exclusion"))
    if not ex or _l(_d(data).get("alk_mutations")):
        return ""
    if ex.get("excluded"):
        worst = max((_d(h).get("lod_effective") or 0 for h in _l(_d(data.get("ctdna")).get("hotspot_coverage"))),
                    default=None)
        return (f"ALK resistance mutation excluded: no ALK kinase-domain mutation was called, and all "
                f"{ex.get('hotspots_required')} required hotspots were read deeply enough"
                + (f" (limit of detection at most {pct(worst)})" if worst else "")
                + f" to see a clonal mutation at the expected VAF of {pct(ex.get('expected_clonal_vaf'))} (tumour "
                f"fraction {pct(ex.get('tumor_fraction'))}, "
                f"{TF_METHOD_WORDS.get(_t(ex.get('tumor_fraction_method')), _t(ex.get('tumor_fraction_method')))}).")
    why = "; ".join(engine_words(r) for r in map(_t, _l(ex.get("reasons"))))
    return ("ALK resistance mutation not excluded: no ALK kinase-domain resistance mutation was called, but the "
            "data cannot exclude one: " + (why or "the hotspot depth and tumour fraction needed are missing")
            + "; so the absence of an ALK resistance mutation cannot be concluded from this sample (one may have "
              "been missed).")


def fusion_finding(data: dict) -> str:
    """The ALK fusion assessment (fusion_assessment + fusions) as one sentence; '' when not assessed."""
    data = _d(data)
    fa = _d(data.get("fusion_assessment"))
    status = _t(fa.get("status"))
    reads = _d(fa.get("dna_reads"))
    depth = _d(reads.get("intron_depth"))
    intron = next(iter(depth), None)
    cover = (f"ALK intron {intron} covered at {depth[intron]}× (fusion limit of detection ≈ {pct(reads.get('lod'))})"
             if intron is not None and reads.get("lod") is not None else "")
    if status == "detected":
        items = []
        for f in map(_d, _l(data.get("fusions"))):
            if not f.get("name") or _t(f.get("partner_3p")) != "ALK" and _t(f.get("partner_5p")) != "ALK":
                continue
            var = _t(f.get("variant"))
            name = _t(f.get("name")) + (f" variant {var[1:] if var.startswith('v') else var}" if var else "")
            srcs = [FUSION_SOURCE_WORDS.get(s, _t(s)) for s in _l(f.get("evidence_sources")) or [f.get("evidence")]]
            r = _d(f.get("read_evidence"))
            frag = _d(r.get("fragments"))
            bits = []
            if frag.get("total") is not None:
                bits.append(f"{frag.get('total')} supporting fragments (split, clipped or discordant pairs)")
            if r.get("allele_fraction") is not None:
                bits.append(f"fusion allele fraction {pct(r.get('allele_fraction'))} of {r.get('depth')} fragments")
            elif f.get("supporting_reads") is not None and not frag:
                bits.append(f"{f.get('supporting_reads')} supporting reads (caller)")
            items.append(f"{name} detected in {words_list(srcs)}" + (f": {', '.join(bits)}" if bits else ""))
        if items:
            return "ALK fusion (the driver the TKIs target): " + "; ".join(items) + "."
        return "Fusion: " + engine_words(fa.get("summary")) + "."
    if status == "none_found":
        where = []
        if fa.get("sv_file") is not None:
            where.append("the SV/fusion file")
        if reads:
            where.append("the reads")
        # calls the caller itself filtered are not findings, but the board should know they were there
        failed = [f for f in map(_d, _l(_d(fa.get("sv_file")).get("filtered")))
                  if "ALK" in (_t(f.get("name")) or "").split("-")]
        filtered = ("; the file lists " + words_list([f"{_t(f.get('name'))} (FILTER {_t(f.get('filter'))})"
                                                       for f in failed]) + ", which its caller did not call"
                    if failed else "")
        return (f"No ALK rearrangement found in {words_list(where) or 'the data given'}"
                + (f" ({cover})" if cover else "") + filtered
                + ("; a break elsewhere in ALK or an RNA-only fusion is not excluded." if reads else "."))
    if status == "not_assessable":
        why = engine_words(reads.get("reason") or fa.get("summary"))
        return f"ALK fusion not assessable from the reads: {why}."
    return ""


def clonality_findings(data: dict) -> list[str]:
    """Subclonal ALK mutations (alk_clonality, V11): a reason to read the verdicts with care."""
    out = []
    for c in map(_d, _l(_d(data).get("alk_clonality"))):
        if _t(c.get("clonality")) == "subclonal":
            rel = c.get("vaf_relative_to_tf")
            out.append(f"{_t(c.get('mutation'))} is subclonal" + (f" (VAF {rel:.2f}× the tumour fraction)"
                                                                  if isinstance(rel, (int, float)) else "")
                       + ": only part of the tumour carries it")
    return out


def uninterpreted_rows(data: dict) -> list[dict]:
    """Target-gene calls that passed the caller's filters but could not be interpreted, in words."""
    out = []
    for u in map(_d, _l(_d(data).get("uninterpreted"))):
        out.append({"gene": _t(u.get("gene")) or "?", "change": _t(u.get("hgvsc") or u.get("variant_ref")),
                    "words": as_sentence(_t(u.get("explanation")) or _t(u.get("reason")).replace("_", " ")),
                    "fix": as_sentence(_t(u.get("fix")))})
    return out


def labelled_rows(data: dict) -> list[dict]:
    """Variants labelled germline / clonal haematopoiesis (never tumour evidence), in words."""
    out = []
    for v in map(_d, _l(_d(data).get("variants"))):
        if v.get("ch_status") in ("CH", "germline"):
            change = _t(v.get("protein_short") or v.get("hgvsc")) or \
                f"{_t(v.get('chrom'))}:{_t(v.get('pos'))} {_t(v.get('ref'))}>{_t(v.get('alt'))}"
            out.append({"gene": _t(v.get("gene")), "change": change, "label": flag_label(_t(v.get("ch_status"))),
                        "evidence": _t(v.get("ch_evidence"))})
    return out


TIER_RULE_WORDS = {"review-strong": "well-supported statement of the review",
                   "review-weak": "weak statement of the review only", "no-evidence": "no evidence in any source"}


def tier_rows(data: dict, citer: Citer) -> list[dict]:
    """Evidence tiers per finding with the basis counted by source (statement ids go to the trail)."""
    out = []
    review_label: list[str] = []  # citer.label('tabbo2020'), cited when first needed (citation order as before)
    for t in map(_d, _l(_d(data).get("evidence_tiers"))):
        get = t.get
        raw = get("basis")
        # most tiers of a panel sample have no basis ("no-evidence"): no lists to make for them
        basis = [_t(b) for b in _l(raw)] if raw else []
        n = get("n_basis") or len(basis)
        if basis:
            civic = [b.split(" (")[0].removeprefix("CIViC ") for b in basis if b.startswith("CIViC")]
            review = len([b for b in basis if not b.startswith("CIViC")]) + (0 if civic else n - len(basis))
        else:
            civic, review = [], n - len(basis)  # n itself, as a number (the same error as before if not)
        parts = []
        if review:
            if not review_label:
                review_label.append(citer.label("tabbo2020"))
            parts.append(f"{review} statement{'s' if review != 1 else ''} of the review ({review_label[0]})")
        if civic:
            parts.append(f"CIViC {', '.join(civic)}" + (f" and {n - len(basis)} more" if n > len(basis) else ""))
        out.append({"finding": _finding_words(_t(get("finding"))), "kind": _tier_kind_words(_t(get("kind"))),
                    "label": _t(get("label")), "rule": _tier_rule_words(_t(get("rule"))),
                    "basis": "; ".join(parts) or "no evidence in any source"})
    return out


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _tier_kind_words(kind: str) -> str:
    """An evidence-tier kind ('alk_mutation', 'co_alteration') in words (pure; remembered per process)."""
    return kind.replace("alk_", "ALK ").replace("_", " ")


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _tier_rule_words(rule: str) -> str:
    """An evidence-tier rule id in words (pure; remembered per process: a few rules, hundreds of rows)."""
    if rule.startswith("civic-"):
        lv = rule.split("-")[1]
        where = " in NSCLC" if rule.endswith("nsclc") else " in another tumour type" if rule.endswith("other") \
            else ""
        return f"CIViC level {'/'.join(lv)}{where}"
    return TIER_RULE_WORDS.get(rule, rule.replace("-", " "))


@lru_cache(maxsize=TEXT_MEMO_MAX)
def _finding_words(finding: str) -> str:
    """An evidence-tier finding ('G1202R + L1196M', 'MET:amplification') in words (pure; remembered)."""
    return " + ".join(token_words(p) if ":" in p else f"ALK {p}" for p in finding.split(" + "))
