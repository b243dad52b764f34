"""CIViC evidence beside the review: import, matching, side-by-side comparison and AMP/ASCO/CAP tiers.

The review-derived knowledge base (``alk_kb.yaml``) stays the primary source and sets the verdicts. CIViC
(https://civicdb.org, CC0) is imported into ``resources/kb/civic.yaml`` (schema ``civic.schema.json``) by
``alkannot kb import-civic``; every row of the export is either mapped to one or more statements or skipped
with a counted reason (rows = mapped + skipped). At report time the statements that match a sample's findings
are shown per drug beside the review's verdict, with agreement or disagreement explained; they change a
verdict only when ``civic_may_change_verdict`` is on, only for level A/B items in the tumour type, and only
towards caution (unknown/sensitive -> resistant/conflicting). The tier rules live in
``resources/kb/evidence_tiers.yaml``. Vocabulary and rules: resources/kb/README.md, "CIViC import".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError
from alkannot.interpret.alk import AlkMutation
from alkannot.interpret.kb import KB, SchemaValidations, kb_dir
from alkannot.io.civic import LEVELS, CivicExport, CivicRow, read_civic

CIVIC_FILE = "civic.yaml"
CIVIC_SCHEMA = "civic.schema.json"
TIERS_FILE = "evidence_tiers.yaml"
FORMAT = "alkannot-civic-evidence"
CIVIC_CITATION = ("Griffith M, Spies NC, Krysiak K, et al. CIViC is a community knowledgebase for expert "
                  "crowdsourcing the clinical interpretation of variants in cancer. Nat Genet 2017;49:170-4. "
                  "https://civicdb.org (CC0 1.0)")

# Skip reasons, in the order they are tested (first that applies is counted).
SKIP_REASONS = {
    "gene_not_in_scope": "gene is neither ALK nor a co-alteration gene alkannot reports",
    "not_predictive": "evidence type is not Predictive (diagnostic, prognostic, predisposing, functional)",
    "not_accepted": "evidence status is not accepted",
    "flagged": "a CIViC curator flagged the item (is_flagged, newer releases)",
    "significance_not_drug_response": "clinical significance is not Sensitivity/Response, Resistance or Reduced "
                                      "Sensitivity",
    "direction_unknown": "evidence direction is neither Supports nor Does Not Support",
    "no_drug": "no drug named",
    "variant_not_in_vocabulary": "variant name has no alkannot alteration key (e.g. exon 14 skipping, "
                                 "ALTERNATIVE TRANSCRIPT, DEL4-11, unspecified MUTATION of ALK)",
    "fusion_variant_not_in_vocabulary": "exon-level fusion variant other than EML4-ALK v1/v2/v3/v5",
    "reference_residue_mismatch": "the named reference amino acid differs from the bundled transcript model",
    "no_transcript_model": "a protein change in a gene without a bundled coding transcript model",
    "co_alteration_without_alk_tki": "co-alteration gene item that names none of the six ALK TKIs",
}
RESPONSE = {"Sensitivity/Response": "sensitive", "Resistance": "resistant", "Reduced Sensitivity": "resistant"}
OPPOSITE = {"sensitive": "resistant", "resistant": "sensitive"}
# EML4 exon : ALK exon 20 junctions (Choi 2008; Sasaki 2010) -> alkannot's EML4-ALK variant keys.
EML4_EXONS = {"E13;A20": "v1", "E20;A20": "v2", "E6;A20": "v3", "E6A;A20": "v3", "E6B;A20": "v3", "E2;A20": "v5"}
CLASSES = {"AMPLIFICATION": "amplification", "MUTATION": "mutation", "LOSS": "loss", "DELETION": "loss",
           "LOSS-OF-FUNCTION": "loss", "LOSS OF FUNCTION": "loss", "FUSION": "fusion", "FUSIONS": "fusion",
           "EXPRESSION": "activation", "OVEREXPRESSION": "activation", "ACTIVATION": "activation"}
MISSENSE = re.compile(r"([A-Z])(\d+)([A-Z])")
POSITION = re.compile(r"([A-Z])(\d+)")
INSERTION = re.compile(r"([A-Z])(\d+)INS([A-Z]+)")
DELETION = re.compile(r"([A-Z])(\d+)DEL")


# ---- mapping CIViC variant names to alkannot alteration keys ------------------------------------------------


@lru_cache(maxsize=4)
def _proteins(build: str = "GRCh38") -> dict[str, str]:
    from alkannot.annotate.transcripts import shared_transcripts
    from alkannot.core.sequence import translate

    out = {}
    for t in shared_transcripts(build).transcripts:  # read only
        if t.coding and t.gene not in out:
            try:
                out[t.gene] = translate(t.cds_seq())
            except Exception:  # noqa: BLE001 - a model without a usable CDS is "no model", not a crash
                continue
    return out


def _check_residue(gene: str, ref: str, pos: int) -> str | None:
    prot = _proteins().get(gene)
    if prot is None:
        return "no_transcript_model"
    if pos < 1 or pos > len(prot) or prot[pos - 1] != ref:
        return "reference_residue_mismatch"
    return None


def _mutations(gene: str, text: str, kb: KB) -> tuple[tuple[str, ...], str] | str:
    """'C1156Y-L1198F' -> ((C1156Y, L1198F), match kind) or a skip reason. ALK keys are bare, others GENE:X."""
    keys, kind = [], "exact"
    for part in text.split("-"):
        m = MISSENSE.fullmatch(part) or POSITION.fullmatch(part) or INSERTION.fullmatch(part) \
            or DELETION.fullmatch(part)
        if not m:
            return "variant_not_in_vocabulary"
        bad = _check_residue(gene, m.group(1), int(m.group(2)))
        if bad:
            return bad
        if m.re is MISSENSE:
            key = part
        elif m.re is POSITION:
            key, kind = part, "position"
        elif m.re is INSERTION:
            key = f"{m.group(1)}{m.group(2)}ins{m.group(3)}"
        else:
            key = f"{m.group(1)}{m.group(2)}del"
        key = key if gene == "ALK" else f"{gene}:{key}"
        keys.append(kb.canonical(key))
    return tuple(keys), kind


def map_variant(gene: str, variant: str, kb: KB) -> tuple[tuple[str, ...], str] | str:
    """CIViC gene + variant name -> (alkannot alteration keys, match kind) or a skip reason.

    Match kinds: ``exact`` (key equals a finding), ``position`` (``I1171`` = any missense at that residue),
    ``fusion`` (``ALK:fusion``, ALK-rearranged disease in general: the indication, not a resistance finding).
    """
    v = " ".join(variant.split()).upper()
    if gene == "ALK":
        v = re.sub(r"^FUSIONS?\b", "ALK FUSION", v)  # CIViC v2 profiles: "ALK Fusion G1202R"
        m = re.fullmatch(r"(ALK FUSIONS?|[A-Z0-9]+-ALK)(?: (.+))?", v)
        partner, rest = (m.group(1), m.group(2) or "") if m else ("", v)
        if rest in ("FUSION", "FUSIONS"):
            rest = ""
        if m and not rest:
            return ("ALK:fusion",), "fusion"
        if rest in EML4_EXONS or re.fullmatch(r"E\d+[AB]?;A\d+", rest):
            if partner == "EML4-ALK" and rest in EML4_EXONS:
                return (kb.canonical(f"EML4-ALK:{EML4_EXONS[rest]}"),), "exact"
            return "fusion_variant_not_in_vocabulary"
        if rest in ("AND AMPLIFICATION", "AMPLIFICATION"):
            return ("ALK:amplification",), "exact"
        return _mutations("ALK", rest, kb)
    if v in CLASSES:
        return (f"{gene}:{CLASSES[v]}",), "exact"
    if re.fullmatch(r"[A-Z0-9]+-[A-Z0-9]+", v) and gene in v.split("-"):
        return (f"{gene}:fusion",), "exact"
    return _mutations(gene, v, kb)


def scope_genes(kb: KB) -> set[str]:
    """ALK plus every gene the KB or the co-alteration rules name."""
    genes = {"ALK"}
    for s in kb.statements:
        for a in s.alterations:
            g = a.split(":")[0]
            if ":" in a and re.fullmatch(r"[A-Z0-9]+", g):
                genes.add(g)
    co = kb_dir().parent / "co_alterations.yaml"
    if co.is_file():
        genes |= set((load_yaml(co.read_text()) or {}).get("genes", {}))
    return genes


# ---- import --------------------------------------------------------------------------------------------------


def _row_statements(row: CivicRow, kb: KB, genes: set[str]) -> list[dict[str, Any]] | str:
    if row.gene not in genes:
        return "gene_not_in_scope"
    if row.evidence_type != "Predictive":
        return "not_predictive"
    if row.status.lower() != "accepted":
        return "not_accepted"
    if row.flagged:
        return "flagged"
    if row.significance not in RESPONSE:
        return "significance_not_drug_response"
    if row.direction not in ("Supports", "Does Not Support"):
        return "direction_unknown"
    if not row.drugs:
        return "no_drug"
    tkis = kb.policy["drugs"]
    named = [d for d in row.drugs if d.lower() in tkis]
    others = [d for d in row.drugs if d.lower() not in tkis]
    if not named and row.gene != "ALK":
        return "co_alteration_without_alk_tki"
    mapped = map_variant(row.gene, row.variant, kb)
    if isinstance(mapped, str):
        return mapped
    alterations, kind = mapped
    effect = RESPONSE[row.significance]
    if row.direction == "Does Not Support":
        effect = OPPOSITE[effect]
    pmid = row.citation_id if row.source_type in ("PubMed", "") and row.citation_id.isdigit() else ""
    base = {
        "eid": row.evidence_id, "alterations": list(alterations), "match": kind,
        "other_drugs": others, "interaction": row.interaction, "effect": effect, "direction": row.direction,
        "significance": row.significance, "level": row.level, "rating": row.rating, "disease": row.disease,
        "doid": row.doid, "pmid": pmid, "citation_id": row.citation_id, "source_type": row.source_type,
        "citation": row.citation, "variant_origin": row.variant_origin, "civic_gene": row.gene,
        "civic_variant": row.variant, "url": row.url,
    }
    if not named:  # an ALK item for a non-TKI drug (pemetrexed, HSP90 inhibitors, TAE684): context only
        return [{"id": f"CIVIC.EID{row.evidence_id}", "drug": None, **base}]
    return [{"id": f"CIVIC.EID{row.evidence_id}.{d.lower()}", "drug": d.lower(), **base} for d in named]


def import_civic(export: CivicExport, kb: KB) -> dict[str, Any]:
    """The civic.yaml document for one export: provenance, summary (rows = mapped + skipped), statements, skips."""
    from alkannot import __version__

    genes = scope_genes(kb)
    statements: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    reasons: Counter[str] = Counter()
    mapped_rows = 0
    for row in export.rows:
        out = _row_statements(row, kb, genes)
        if isinstance(out, str):
            reasons[out] += 1
            if out != "gene_not_in_scope":  # out-of-scope genes are only counted (thousands of rows)
                skipped.append({"eid": row.evidence_id, "gene": row.gene, "variant": row.variant,
                                "drugs": ", ".join(row.drugs), "reason": out})
            continue
        mapped_rows += 1
        statements.extend(out)
    statements.sort(key=lambda s: (s["eid"], s["drug"] or ""))
    return {
        "format": FORMAT,
        "version": f"civic-{export.release_date}",
        "source": {
            "name": "CIViC", "citation": CIVIC_CITATION, "license": "CC0 1.0", "file": export.file_name,
            "release_date": export.release_date, "sha256": export.sha256,
            "imported_with": f"alkannot {__version__}", "kb_version": kb.version,
        },
        "summary": {
            "rows": len(export.rows), "mapped_rows": mapped_rows, "skipped_rows": sum(reasons.values()),
            "statements": len(statements),
            "statements_by_drug": dict(sorted(Counter(s["drug"] or "non_tki_context" for s in statements).items())),
            "skipped_by_reason": {r: reasons[r] for r in SKIP_REASONS if reasons[r]},
        },
        "skip_reasons": dict(SKIP_REASONS),
        "statements": statements,
        "skipped": skipped,
    }


def validate_civic_doc(doc: Any, path: str) -> None:
    import jsonschema  # only when a file is validated: not per sample (see CIVIC_VALIDATIONS)

    schema = json.loads((kb_dir() / CIVIC_SCHEMA).read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        raise InputError(f"invalid CIViC evidence file at {where}: {err.message}", path=path,
                         fix=f"regenerate it with 'alkannot kb import-civic' (schema {CIVIC_SCHEMA})")
    s = doc["summary"]
    if s["rows"] != s["mapped_rows"] + s["skipped_rows"] or s["skipped_rows"] != sum(s["skipped_by_reason"].values()):
        raise InputError("summary does not add up (rows != mapped + skipped)", path=path,
                         fix="regenerate it with 'alkannot kb import-civic'")


VALIDATED_FILE = "civic.validated.sha256"  # digest of the bundled civic.yaml + schema, checked by the tests
CIVIC_VALIDATIONS = SchemaValidations(CIVIC_FILE, CIVIC_SCHEMA, VALIDATED_FILE)


def civic_digest(path: str | Path) -> str:
    """sha256 over the CIViC file's bytes and civic.schema.json's: what a validation result depends on."""
    return CIVIC_VALIDATIONS.digest(path)


def dump_civic(doc: dict[str, Any]) -> str:
    head = ("# CIViC predictive evidence for ALK and the co-alteration genes, mapped to alkannot alteration keys.\n"
            "# GENERATED by `alkannot kb import-civic` from the CIViC export named under source (CC0 1.0);\n"
            "# do not edit by hand. Schema: civic.schema.json; rules: README.md, 'CIViC import'.\n")
    import yaml

    main = {k: v for k, v in doc.items() if k != "skipped"}
    body = yaml.safe_dump(main, sort_keys=False, allow_unicode=True, width=120)
    # one line per skipped row (there are about a thousand)
    skipped = yaml.safe_dump({"skipped": doc["skipped"]}, sort_keys=False, allow_unicode=True, width=400,
                             default_flow_style=None)
    return head + body + skipped


# ---- loading at report time ----------------------------------------------------------------------------------


@dataclass
class CivicEvidence:
    """CIViC evidence loaded for a run (bundled resources/kb/civic.yaml or a kb_extra file): its source and
    release, a summary, and the statements matched against a sample's findings."""

    path: str
    source: dict[str, Any]
    summary: dict[str, Any]
    statements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def release(self) -> str:
        return str(self.source["release_date"])

    def provenance(self) -> dict[str, Any]:
        return {"path": self.path, "version": f"civic-{self.release}", "file": self.source["file"],
                "release_date": self.release, "sha256": self.source["sha256"],
                "statements": len(self.statements), "license": self.source.get("license", "")}


def is_civic_path(path: str | Path) -> bool:
    """A kb_extra entry that is CIViC evidence: an export TSV, or a civic.yaml written by import-civic."""
    p = Path(path)
    if p.suffix.lower() in (".tsv", ".txt"):
        return True
    if p.suffix.lower() in (".yaml", ".yml") and p.is_file():
        with p.open(errors="replace") as fh:
            head = fh.read(4096)
        return re.search(rf"^format:\s*['\"]?{FORMAT}", head, re.M) is not None
    return False


def load_civic(path: str | Path, kb: KB) -> CivicEvidence:
    p = Path(path)
    if p.suffix.lower() in (".tsv", ".txt"):
        doc = import_civic(read_civic(p), kb)
    else:
        if not p.is_file():
            raise InputError("CIViC evidence file not found", path=str(p), fix="check the kb_extra path (or regenerate resources/kb/civic.yaml with alkannot kb import-civic)")
        try:
            doc = load_yaml(p.read_text())
        except YAMLInputError as exc:
            raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=str(p),
                             fix="regenerate it with 'alkannot kb import-civic'") from exc
        digest = CIVIC_VALIDATIONS.pending(p)
        if digest is not None:
            validate_civic_doc(doc, str(p))
            CIVIC_VALIDATIONS.validated(digest)
    return CivicEvidence(str(p), doc["source"], doc["summary"], list(doc["statements"]))


def bundled_civic_path() -> Path:
    return kb_dir() / CIVIC_FILE


@lru_cache(maxsize=1)
def load_tier_rules() -> dict[str, Any]:
    p = kb_dir() / TIERS_FILE
    data = load_yaml(p.read_text())
    for key in ("scheme", "citation", "tumour_type", "rules", "default"):
        if key not in data:
            raise InputError(f"tier rules need '{key}'", path=str(p))
    return data


def in_tumour_type(disease: str, rules: dict[str, Any] | None = None) -> bool:
    """Does a CIViC disease name fall in the tier rules' tumour type? Each (name, patterns) is answered once
    per process: the names are data (a few hundred), asked about for every matched statement of every sample."""
    rules = rules or load_tier_rules()
    tt = rules["tumour_type"]
    return _in_tumour_type(disease, tuple(tt["disease_patterns"]), tuple(tt.get("exclude_patterns", [])))


@lru_cache(maxsize=4096)
def _in_tumour_type(disease: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    d = disease.lower()
    return any(re.search(p, d) for p in include) and not any(re.search(p, d) for p in exclude)


# ---- matching and side by side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    """A sample's findings in KB vocabulary: ALK mutations, compounds, co-alteration keys, ALK fusion seen."""

    alk: tuple[str, ...]
    compounds: tuple[tuple[str, ...], ...]
    co_keys: tuple[tuple[str, ...], ...]  # per co-alteration: its keys, the first being GENE:alteration
    alk_fusion: bool
    # (mutation, residue) for the ALK mutations that are missense substitutions ("G1202R", "G1202"), in
    # `alk` order: what a CIViC position statement ("G1202") matches
    missense: tuple[tuple[str, str], ...] = ()

    @cached_property
    def present(self) -> frozenset[str]:
        # every patient alkannot reports on is ALK-rearranged (the indication), so fusion-level CIViC items
        # ("ALK FUSIONS", "EML4-ALK") always apply; they are shown apart from the finding-specific items.
        # (built once per sample: every CIViC statement is matched against it)
        return frozenset(self.alk) | {k for keys in self.co_keys for k in keys} | {"ALK:fusion"}


def findings_of(alk: list[AlkMutation], compounds: list[dict], co_alterations: list[dict], fusions: list[dict],
                kb: KB, co_keys: list[list[str]] | None = None) -> Findings:
    """``alk``: the typed ALK mutations (`alkannot.interpret.alk.alk_mutation_records`); ``co_keys``: each
    co-alteration's `co_alteration_keys` when the caller has them already (the verdicts read the same)."""
    from alkannot.interpret.verdicts import co_alteration_keys

    missense: dict[str, str | None] = {}
    for m in alk:
        name = kb.canonical(m.name)
        missense.setdefault(name, m.missense_at if name == m.name else kb.alias_missense_at(name))
    alk_c = tuple(missense)
    comps = tuple(tuple(kb.canonical(m) for m in c["mutations"]) for c in compounds if c.get("phase") != "trans")
    co = tuple(tuple(keys) for keys in (co_keys if co_keys is not None else
                                        (co_alteration_keys(c, kb) for c in co_alterations)))
    fusion = any("ALK" in (f.get("partner_5p"), f.get("partner_3p")) or f.get("category") == "on_target_driver"
                 for f in fusions)
    return Findings(alk_c, comps, co, fusion, tuple((m, at) for m, at in missense.items() if at))


def _matches(st: dict[str, Any], f: Findings) -> list[str]:
    """The sample's findings a statement is about (empty = does not apply)."""
    present = f.present
    alts = st["alterations"]
    if st["match"] == "position":
        hits = []
        for a in alts:
            if _is_position(a):
                hit = [m for m, at in f.missense if at == a]
                if not hit:
                    return []
                hits.extend(hit)
            elif a in present:
                hits.append(a)
            else:
                return []
        return hits
    if present.issuperset(alts):
        if len(alts) > 1 and not any(set(alts) <= set(c) for c in f.compounds):
            return []  # a compound applies only where the mutations were not shown to be in trans
        return list(alts)
    return []


@lru_cache(maxsize=4096)
def _is_position(alteration: str) -> bool:
    """A CIViC statement's alteration naming a residue ("G1202"): its names are data, read once each."""
    return POSITION.fullmatch(alteration) is not None


def _item(st: dict[str, Any], finding: list[str], rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "eid": st["eid"], "finding": " + ".join(finding), "civic_variant": f"{st['civic_gene']} {st['civic_variant']}",
        "effect": st["effect"], "level": st["level"], "rating": st["rating"], "direction": st["direction"],
        "significance": st["significance"], "disease": st["disease"],
        "tumour_type_match": in_tumour_type(st["disease"], rules), "pmid": st["pmid"],
        "citation": st["citation"], "variant_origin": st["variant_origin"], "interaction": st["interaction"],
        "other_drugs": list(st["other_drugs"]), "url": st["url"],
    }


def _sort_key(it: dict[str, Any]) -> tuple:
    return (not it["tumour_type_match"], LEVELS.index(it["level"]), -(it["rating"] or 0), it["eid"])


def _agreement(verdict: str, items: list[dict[str, Any]], f: Findings | None = None) -> tuple[str, str]:
    if not items:
        return "no_civic_evidence", "CIViC has no item for this drug and the sample's findings."
    effects = {it["effect"] for it in items}
    if verdict == "unknown":
        return "civic_only", ("The review gives no verdict; CIViC reports "
                              f"{' and '.join(sorted(effects))} (shown for information, verdict unchanged).")
    if verdict == "conflicting":
        return "mixed", "The review itself is conflicting; CIViC reports " + " and ".join(sorted(effects)) + "."
    other = OPPOSITE.get(verdict)
    if other is None:  # e.g. uncertain: the review gives no direction for CIViC to agree with
        return "civic_only", (f"The review's verdict is {verdict} (evidence incomplete); CIViC reports "
                              f"{' and '.join(sorted(effects))} (shown for information, verdict unchanged).")
    against = [it for it in items if it["effect"] == other]
    if not against:
        other_dz = sorted({it["disease"] for it in items if not it["tumour_type_match"]})
        note = f" Some of it comes from other diseases: {', '.join(other_dz)}." if other_dz else ""
        return "agrees", f"Every CIViC item reports {verdict}, as the review does.{note}"
    why = []
    for it in against[:3]:
        parts = [it["finding"], f"level {it['level']}"]
        if not it["tumour_type_match"]:
            parts.append(f"different disease: {it['disease']}")
        else:
            parts.append(it["disease"])
        if it["civic_variant"].split(" ", 1)[-1].upper().startswith("NPM-ALK"):
            parts.append("NPM-ALK model")
        if it["level"] in ("D", "E"):
            parts.append("preclinical" if it["level"] == "D" else "inferential")
        if it["other_drugs"]:
            parts.append(f"{it['interaction'] or 'with'} {', '.join(it['other_drugs'])}")
        comp = [c for c in (f.compounds if f else ()) if it["finding"] in c]
        if comp and " + " not in it["finding"]:
            parts.append(f"single-mutation item; the sample has it in the compound {' + '.join(comp[0])}")
        why.append(f"EID{it['eid']} ({'; '.join(parts)})")
    kind = "mixed" if len(against) < len(items) else "disagrees"
    more = f" and {len(against) - 3} more" if len(against) > 3 else ""
    return kind, (f"The review says {verdict}; CIViC reports {other} in " + ", ".join(why) + more
                  + ". The review's verdict stands (CIViC changes it only with civic_may_change_verdict, and "
                  "only for level A/B items in NSCLC).")


def matched_statements(civic: CivicEvidence | None, f: Findings) -> list[tuple[dict[str, Any], list[str]]]:
    """(statement, the findings it is about) for every CIViC statement that applies to the sample, in file
    order: what `compare` and `tiers` both read (matched once per sample)."""
    return [(st, hit) for st in (civic.statements if civic is not None else []) if (hit := _matches(st, f))]


def compare(drugs: dict[str, dict[str, Any]], civic: CivicEvidence, f: Findings, *, may_change: bool = False,
            therapy_context: dict[str, Any] | None = None,
            matched: list[tuple[dict[str, Any], list[str]]] | None = None,
            rules: dict[str, Any] | None = None) -> None:
    """Add ``drugs[D].civic`` (side by side) to each drug; with ``may_change`` apply the level A/B rule.
    ``matched``: `matched_statements(civic, f)`, ``rules``: `load_tier_rules()`, when the caller has them."""
    rules = rules or load_tier_rules()
    specific: dict[str | None, list[dict[str, Any]]] = {}
    fusion: dict[str | None, list[dict[str, Any]]] = {}
    for st, hit in (matched if matched is not None else matched_statements(civic, f)):
        (fusion if st["match"] == "fusion" else specific).setdefault(st["drug"], []).append(_item(st, hit, rules))
    for d, res in drugs.items():
        items = sorted(specific.get(d, []), key=_sort_key)
        n_by = Counter((it["effect"], it["level"]) for it in items)  # one pass over the items
        counts = {e: {lv: n_by[(e, lv)] for lv in LEVELS} for e in ("resistant", "sensitive")}
        agreement, why = _agreement(res["verdict"], items, f)
        fus = fusion.get(d, [])
        block = {
            "release": civic.release, "n_items": len(items), "counts": counts, "agreement": agreement,
            "explanation": why, "items": items,
            "fusion_level": {"n_items": len(fus),
                             "by_level": {lv: sum(1 for it in fus if it["level"] == lv) for lv in LEVELS},
                             "eids": sorted(it["eid"] for it in fus),
                             "top": sorted(fus, key=_sort_key)[:3]},
            "verdict_changed": None,
        }
        if may_change:
            block["verdict_changed"] = _maybe_change(d, res, items, therapy_context)
        res["civic"] = block


def _maybe_change(drug: str, res: dict[str, Any], items: list[dict[str, Any]],
                  therapy_context: dict[str, Any] | None) -> dict[str, Any] | None:
    """Level A/B items in the tumour type may move a verdict towards caution only (never to sensitive)."""
    strong = [it for it in items if it["level"] in ("A", "B") and it["tumour_type_match"] and not it["other_drugs"]]
    resist = [it for it in strong if it["effect"] == "resistant"]
    sens = [it for it in strong if it["effect"] == "sensitive"]
    old = res["verdict"]
    new = old
    if resist and old == "unknown":
        new = "resistant"
    elif resist and old == "sensitive" or sens and old == "resistant":
        new = "conflicting"
    if new == old:
        return None
    used = resist if resist else sens
    eids = [it["eid"] for it in used]
    res["verdict"] = new
    res["reasons"].append(f"CIViC level A/B ({', '.join(f'EID{e}' for e in eids)}) moved the verdict from {old} "
                          f"to {new} (option civic_may_change_verdict)")
    if therapy_context is not None and old == "sensitive":
        therapy_context["options"] = [o for o in therapy_context.get("options", []) if o.get("drug") != drug]
    return {"from": old, "to": new, "eids": eids}


# ---- AMP/ASCO/CAP tiers per finding --------------------------------------------------------------------------


def _review_basis(key: str, kb: KB, f: Findings, about: dict | None = None) -> list[tuple[str, str]]:
    """(statement id, strength) of review statements about this finding that apply to the sample, in KB order.
    ``about``: `_statements_about(kb)` (else the statements are scanned)."""
    present = f.present
    out = []
    for s in (about.get(key, ()) if about is not None else kb.statements):
        if key in s.alterations and all(a in present for a in s.alterations) and s.origin in ("table1", "text"):
            out.append((s.id, s.strength))
    return out


def _statements_about(kb: KB) -> dict:
    """alteration -> the KB's statements naming it, in KB order (each statement once). Built once per
    statement list (it depends on the KB only: KB.derived), as `KB.by_id`'s index is."""
    return kb.derived("_about", kb.statements, _index_about)


def _index_about(statements: list) -> dict:
    about: dict = {}
    for s in statements:
        for a in dict.fromkeys(s.alterations):
            about.setdefault(a, []).append(s)
    return about


def _grade(source: str, level: str, in_tt: bool, rules: dict[str, Any]) -> dict[str, Any] | None:
    for r in rules["rules"]:
        if r["source"] == source and level in r["levels"] and r.get("tumour_type", "any") in (
                "any", "match" if in_tt else "other"):
            return r
    return None


def tiers(f: Findings, kb: KB, civic: CivicEvidence | None,
          matched: list[tuple[dict[str, Any], list[str]]] | None = None,
          rules: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One AMP/ASCO/CAP tier per finding, from the best-graded evidence (rules: evidence_tiers.yaml).
    ``matched``: `matched_statements(civic, f)`, ``rules``: `load_tier_rules()`, when the caller has them."""
    rules = rules or load_tier_rules()
    findings: list[tuple[str, str, tuple[str, ...]]] = [("alk_mutation", m, (m,)) for m in f.alk]
    findings += [("compound", " + ".join(c), c) for c in f.compounds]
    findings += [("co_alteration", keys[0], keys) for keys in f.co_keys if keys]
    if f.alk_fusion:
        findings.append(("alk_fusion", "ALK:fusion", ("ALK:fusion",)))
    order = [r["id"] for r in rules["rules"]]
    # which findings each statement is about depends on the sample only: matched once, not once per finding
    if matched is None:
        matched = matched_statements(civic, f)
    # a compound finding is graded by compound statements only, any other finding by single-alteration ones
    matched_by_kind = {True: [(st, set(hit)) for st, hit in matched if len(st["alterations"]) > 1],
                       False: [(st, set(hit)) for st, hit in matched if len(st["alterations"]) <= 1]}
    # alteration -> positions in matched_by_kind[...] of the statements whose hits name it (a finding takes the
    # statements sharing any of its keys, in list order: what a scan testing hit.isdisjoint(keys) takes)
    hit_index: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}
    for compound_kind, pairs in matched_by_kind.items():
        for n, (_st, hit) in enumerate(pairs):
            for a in hit:
                hit_index[compound_kind].setdefault(a, []).append(n)
    civic_grades: dict[int, dict[str, Any] | None] = {}  # a statement's grade, once per sample
    out = []
    seen = set()
    basis_of: dict[str, tuple[list, list]] = {}  # a key's review basis (all, single-alteration), once per sample
    about = _statements_about(kb) if findings else None
    review_grades: dict[str, dict[str, Any] | None] = {}  # a review strength's grade, once per sample
    for kind, name, keys in findings:
        if name in seen:
            continue
        seen.add(name)
        graded: list[tuple[dict[str, Any], str]] = []
        key_set = set(keys)
        for key in keys:
            if key not in basis_of:
                # with the alterations of the statement each id names (kb.by_id), read once per key; a finding
                # other than a compound takes the single-alteration statements only (listed apart)
                basis = [(sid, strength, len(alts), set(alts)) for sid, strength in _review_basis(key, kb, f, about)
                         for alts in (kb.by_id(sid).alterations,)]
                basis_of[key] = (basis, [b for b in basis if b[2] <= 1])
            for sid, strength, _n, alts in basis_of[key][0] if kind == "compound" else basis_of[key][1]:
                if kind == "compound" and alts != key_set:
                    continue
                if strength not in review_grades:
                    review_grades[strength] = _grade("review", strength, True, rules)
                r = review_grades[strength]
                if r:
                    graded.append((r, sid))
        if civic is not None:
            pairs, index = matched_by_kind[kind == "compound"], hit_index[kind == "compound"]
            for i in sorted({i for key in keys if key in index for i in index[key]}):
                st = pairs[i][0]
                if id(st) not in civic_grades:
                    civic_grades[id(st)] = _grade("civic", st["level"], in_tumour_type(st["disease"], rules), rules)
                r = civic_grades[id(st)]
                if r:
                    graded.append((r, f"CIViC EID{st['eid']} (level {st['level']}, {st['disease']})"))
        if graded:
            best = min(graded, key=lambda g: order.index(g[0]["id"]))[0]
            basis = list(dict.fromkeys(b for r, b in graded if r["id"] == best["id"]))
            out.append({"finding": name, "kind": kind, "tier": best["tier"], "level": best["level"],
                        "rule": best["id"], "label": f"Tier {best['tier']} (level {best['level']})",
                        "basis": basis[:6], "n_basis": len(basis)})
        else:
            d = rules["default"]
            out.append({"finding": name, "kind": kind, "tier": d["tier"], "level": None, "rule": d["id"],
                        "label": f"Tier {d['tier']}", "basis": [], "n_basis": 0})
    return out


# ---- wiring (called by alkannot.pipeline) --------------------------------------------------------------------

_CACHE: dict[tuple[str, str], CivicEvidence] = {}


def split_kb_extra(paths: list[str]) -> tuple[list[str], list[str]]:
    """kb_extra entries -> (KB extension YAMLs, CIViC evidence files: an export TSV or an imported civic.yaml)."""
    kb_paths, civic_paths = [], []
    for p in paths:
        (civic_paths if is_civic_path(p) else kb_paths).append(p)
    if len(civic_paths) > 1:
        raise InputError(f"more than one CIViC evidence file in kb_extra: {', '.join(civic_paths)}",
                         path=civic_paths[1], fix="give one (it replaces the bundled resources/kb/civic.yaml)")
    return kb_paths, civic_paths


def evidence_for(civic_paths: list[str], kb: KB, enabled: bool = True) -> CivicEvidence | None:
    """The CIViC evidence of a run: the kb_extra one, else the bundled civic.yaml (if present), else none."""
    if not enabled:
        return None
    path = civic_paths[0] if civic_paths else str(bundled_civic_path())
    if not civic_paths and not Path(path).is_file():
        return None
    key = (path, kb.path)
    if key not in _CACHE:
        _CACHE[key] = load_civic(path, kb)
    return _CACHE[key]


def add_civic(data: dict[str, Any], kb: KB, civic: CivicEvidence | None, f: Findings, *,
              may_change: bool = False) -> None:
    """Add drugs[D].civic, evidence_tiers, kb.civic and the civic part of kb_version to a sample result."""
    matched = matched_statements(civic, f)
    rules = load_tier_rules()  # read once for the side by side, the tiers and the scheme
    if civic is not None:
        compare(data["drugs"], civic, f, may_change=may_change, therapy_context=data.get("therapy_context"),
                matched=matched, rules=rules)
        data["kb"] = {**data.get("kb", {}), "civic": {**civic.provenance(), "may_change_verdict": may_change}}
        data["kb_version"] = f"{kb.version}+civic-{civic.release}"
    data["evidence_tiers"] = tiers(f, kb, civic, matched, rules)
    data["evidence_tier_scheme"] = {"scheme": rules["scheme"], "version": str(rules["version"]),
                                    "citation": " ".join(str(rules["citation"]).split()),
                                    "tumour_type": rules["tumour_type"]["name"]}
