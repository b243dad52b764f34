"""One sample end to end: read -> annotate -> phase -> interpret -> write.

This is what `alkannot annotate` and the Snakemake rule both call; the stages live in their own
packages (io, annotate, phase, interpret, report) and this module only wires them together.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alkannot import __version__
from alkannot.annotate.small_variants import annotate_input
from alkannot.errors import InputError
from alkannot.interpret.alk import alk_mutation_records
from alkannot.report.outputs import SCHEMA_VERSION, write_sample_outputs

SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SPECIMENS = ("tissue", "plasma", "csf")


@dataclass
class SampleSpec:
    """Everything one sample's run needs, as a sheet row or `alkannot annotate`'s flags give it
    (`sheet.spec_from_row` builds it from either)."""

    id: str
    vcf: str
    build: str | None = None
    patient: str | None = None
    specimen: str = "tissue"
    timepoint: str | None = None
    tumor_sample: str | None = None
    normal_sample: str | None = None
    reference: str | None = None
    alignment: str | None = None
    cnv: str | None = None
    sv: str | None = None
    cnv_sample: str | None = None  # the sample to read from a copy-number file holding several
    sv_sample: str | None = None  # the tumour column of an SV VCF holding several samples
    current_tki: str | None = None
    prior_tkis: list[str] = field(default_factory=list)
    tumor_fraction: float | None = None
    ploidy: float | None = None  # tumour baseline ploidy for copy-number calls (PURPLE reports it)
    pass_filters: list[str] | None = None
    kb_extra: list[str] = field(default_factory=list)
    civic: bool = True  # show CIViC evidence beside the review (bundled resources/kb/civic.yaml or a kb_extra one)
    civic_may_change_verdict: bool = False  # let CIViC level A/B items in NSCLC move a verdict towards caution
    population_af: str | None = None  # gnomAD-style VCF (INFO/AF): common population variants -> germline
    report_date: str | None = None  # YYYY-MM-DD; default today (UTC). Give it for byte-identical reruns.
    accession: str | None = None  # specimen accession number from the lab system, shown on the report
    # where the VCF keeps the tumour's (the matched normal's) allele fraction / depth beyond the caller's standard
    # tags (io.vcf.tags; PCGR's INFO/TVAF, INFO/TDP and INFO/CVAF, INFO/CDP)
    tumor_af_tag: str | None = None
    tumor_dp_tag: str | None = None
    normal_af_tag: str | None = None
    normal_dp_tag: str | None = None


def check_sample_id(sid: str, where: str | None = None) -> None:
    if not SAMPLE_ID.match(sid or "") or ".." in sid:
        raise InputError(f"sample id {sid!r} is not a safe name (letters, digits, '.', '_', '-'; no spaces, "
                         "slashes or '..'; at most 100 characters)", path=where,
                         fix="rename the sample in the sheet or pass --sample")


def sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


_HASH_INLINE_MAX = 1 << 20  # bytes: a file this small is hashed at once (~0.5 ms/MB), no thread started


def sha256_in_background(path: str):
    """sha256(path) computed on another thread (hashlib releases the GIL: on a second core while the sample
    is annotated, so a large indexed VCF read by region does not pay for reading all of it). Returns a
    function that waits for and returns the digest. A small file (a panel VCF) is hashed here: starting a
    thread and waiting for it to be scheduled costs more than hashing it, on a busy machine several times
    more."""
    import threading

    try:
        small = os.path.getsize(path) <= _HASH_INLINE_MAX
    except OSError:
        small = True  # sha256() answers None for it
    if small:
        digest = sha256(path)
        return lambda: digest

    box: dict[str, str | None] = {}
    t = threading.Thread(target=lambda: box.__setitem__("sha256", sha256(path)), name="sha256", daemon=True)
    t.start()

    def result() -> str | None:
        t.join()
        return box.get("sha256")
    return result


def _check_spec(spec: SampleSpec) -> None:
    check_sample_id(spec.id)
    if spec.specimen not in SPECIMENS:
        raise InputError(f"specimen {spec.specimen!r} is not one of {', '.join(SPECIMENS)}",
                         fix="use tissue, plasma or csf")
    if spec.ploidy is not None and not 0.5 <= spec.ploidy <= 8:
        raise InputError(f"ploidy {spec.ploidy} is outside 0.5-8", fix="give the tumour's baseline ploidy, e.g. 2 or 3.1")
    if spec.tumor_fraction is not None and not 0 < spec.tumor_fraction <= 1:
        raise InputError(f"tumour fraction {spec.tumor_fraction} is outside (0, 1]",
                         fix="give a fraction such as 0.35, not a percentage")
    for role in ("vcf", "alignment", "cnv", "sv", "reference", "population_af"):
        p = getattr(spec, role)
        if p and not os.path.exists(p):
            raise InputError(f"{role} file not found", path=p, fix="check the path in the sample sheet")


def _kb(extra: tuple[str, ...]):
    from alkannot.interpret.kb import load_kb

    if extra not in _KB_CACHE:
        _KB_CACHE[extra] = load_kb(list(extra))
    return _KB_CACHE[extra]


_KB_CACHE: dict = {}


def _copy_number(spec: SampleSpec, build: str, hints: tuple[str | None, ...],
                 pass_filters: list[str]) -> tuple[list[dict], str | None]:
    """(gene calls, the sample the file names for the segments read: None when it names none)."""
    if not spec.cnv:
        return [], None
    from alkannot.interpret.copy_number import context_regions, gene_copy_number
    from alkannot.io.cnv import read_segments

    segs = read_segments(spec.cnv, regions=context_regions(build),  # whole chromosomes: focality
                         sample=spec.cnv_sample, hints=hints, pass_filters=pass_filters, build=build)
    named = {s.sample for s in segs if s.sample is not None}
    sample = named.pop() if len(named) == 1 else spec.cnv_sample
    return gene_copy_number(segs, build, purity=spec.tumor_fraction, ploidy=spec.ploidy or 2), sample


def _fusions(spec: SampleSpec, build: str, hints: tuple[str | None, ...],
             pass_filters: list[str]) -> tuple[list[dict], dict]:
    """(fusions, fusion_assessment): the SV/fusion file's calls and ALK rearrangements found in the
    alignment's reads, one entry per event (`interpret.fusions.assess_fusions`)."""
    from alkannot.interpret.fusions import assess_fusions

    return assess_fusions(build=build, sv=spec.sv, alignment=spec.alignment, reference=spec.reference,
                          specimen=spec.specimen, sv_sample=spec.sv_sample, sample_hints=hints,
                          pass_filters=pass_filters)


def _kb_co_alterations(co_mutations: list[dict], copy_number: list[dict], fusions: list[dict]) -> list[dict]:
    """Everything off-target, in the vocabulary the knowledge base matches on."""
    out = [{"gene": c["gene"], "alteration": c["alteration"], "category": "mutation",
            "detail": c.get("variant_ref")} for c in co_mutations]
    for c in copy_number:
        if c.get("finding"):
            alt = "amplification" if c["call"] == "amplification" else c["call"]
            out.append({"gene": c["gene"], "alteration": alt, "category": "copy_number",
                        "detail": f"copy number {c.get('copy_number_purity_adjusted') or c.get('copy_number')}"})
    for f in fusions:
        if f.get("name") == "EML4-ALK" and f.get("variant"):
            # "v3a/b" (exon 6a vs 6b cannot be told from a DNA breakpoint) is variant 3 for the KB
            variant = "v3" if f["variant"].startswith("v3") else f["variant"].split(" ")[0]
            out.append({"gene": "EML4-ALK", "alteration": variant, "category": "fusion",
                        "detail": f.get("exons")})
        elif f.get("category") == "off_target":
            gene = next((g for g in (f.get("partner_3p"), f.get("partner_5p")) if g and g != "ALK"), None)
            if gene:
                out.append({"gene": gene, "alteration": "fusion", "category": "fusion", "detail": f.get("name")})
    return out


def _reference_call_depths(spec: SampleSpec, res, variants: list) -> dict:
    """Hotspot depth from the VCF itself when it holds reference calls in ALK (a gVCF's <NON_REF>/<*> blocks,
    or an all-sites VCF's ALT '.' records) and no BAM/CRAM is given. A gVCF lists every position it called
    (a position without a record had no coverage); an all-sites file may list only some, so there a position
    without a record stays unknown."""
    from alkannot.interpret.comutations import GVCF_ANY_ALLELE

    if spec.alignment:
        return {}
    alk = [v for v in variants if v.gene == "ALK"]
    gvcf = any(str(v.alt).upper() in GVCF_ANY_ALLELE for v in alk)
    if not gvcf and not any(v.reason == "no_alt_allele" for v in alk):
        return {}
    if res.depth_blocks is not None:  # collected in the annotator's pass over the hotspot codons
        return {"gvcf_depths": res.depth_blocks, "gvcf_missing_depth": 0 if gvcf else None}
    from alkannot.interpret.ctdna import gvcf_depth_records

    return {"gvcf_depths": gvcf_depth_records(spec.vcf, res.vcf_info["tumor_sample"]),
            "gvcf_missing_depth": 0 if gvcf else None}


def build_sample_result(spec: SampleSpec) -> dict:
    """The sample's result (the JSON's content)."""
    from alkannot.report.outputs import sample_json

    return sample_json(_sample_result(spec)[0])


def _sample_result(spec: SampleSpec):
    """(result, the annotator's AnnotationResult): its streamed lines serve the annotated-VCF writer."""
    from alkannot.core.resources import settings
    from alkannot.interpret import civic as civic_ev
    from alkannot.interpret.comutations import (
        classify_co_mutations,
        load_co_alterations,
        transformation_flags,
        uninterpreted_variants,
    )
    from alkannot.interpret.ctdna import (
        NON_TUMOUR_LABELS,
        alk_clonality,
        alk_exclusion,
        annotate_ch,
        apply_lod,
        apply_tumor_fraction,
        hotspot_coverage,
        hotspot_sites,
        is_non_tumour,
        specimen_filters,
        tumor_fraction,
    )
    from alkannot.interpret.verdicts import co_alteration_keys, evaluate
    from alkannot.phase import decide_compounds

    _check_spec(spec)
    vcf_sha256 = sha256_in_background(spec.vcf)
    kb_paths, civic_paths = civic_ev.split_kb_extra(list(spec.kb_extra))
    kb = _kb(tuple(kb_paths))
    civic = civic_ev.evidence_for(civic_paths, kb, spec.civic)
    # VCF/BCF, or a MAF converted to VCF and read the same way (alkannot.annotate.small_variants)
    # without a BAM/CRAM, the records over the hotspot codons are kept in the same pass: a gVCF's reference
    # blocks give the hotspot depths (_reference_call_depths) without a second read of the file
    res = annotate_input(spec.vcf, spec.build, tumor_sample=spec.tumor_sample, normal_sample=spec.normal_sample,
                         reference=spec.reference, pass_filters=spec.pass_filters,
                         depth_sites=None if spec.alignment else hotspot_sites, tumor_af_tag=spec.tumor_af_tag,
                         tumor_dp_tag=spec.tumor_dp_tag, normal_af_tag=spec.normal_af_tag,
                         normal_dp_tag=spec.normal_dp_tag)
    build = res.vcf_info["build"]

    # plasma caveats first: CH status and specimen filters decide what may count as tumour evidence
    if spec.alignment:  # one early, one-line check: readable, indexed, same build as the VCF
        from alkannot.io.alignment import open_alignment, quiet_htslib

        af = open_alignment(spec.alignment, spec.reference, build=build)
        with quiet_htslib():
            af.close()
    variants = annotate_ch(res.variants, spec.specimen, build=build, population_af=spec.population_af)
    variants = specimen_filters(variants, spec.specimen)
    tf = tumor_fraction(variants, spec.tumor_fraction, spec.specimen)
    variants = apply_tumor_fraction(variants, tf)
    # germline / CH / possible_CH variants stay in the report, labelled, but never reach the KB (verdicts.md V9)
    alk_found = alk_mutation_records([v for v in variants if not is_non_tumour(v)])
    alk = [m.name for m in alk_found]
    residue = {m.name: m.residue for m in alk_found}

    # compound phase for every set of ALK kinase-domain mutations
    by_name = {}
    for v, call in zip(variants, res.calls):
        if v.protein_short in residue and v.protein_short not in by_name:
            by_name[v.protein_short] = {"protein_short": v.protein_short, "residue": residue[v.protein_short],
                                        "call": call}
    compounds = decide_compounds(list(by_name.values()), alignment=spec.alignment, reference=spec.reference,
                                 tumor_fraction=spec.tumor_fraction) if len(by_name) > 1 else []
    # the published name beside the HGVS one (T1151dup is the literature's "I1151Tins")
    shown = kb.policy.get("display_aliases", {})
    for v in variants:
        alias = shown.get(v.protein_short) if v.gene == "ALK" else None
        v.protein_aliases = [alias] if alias else []
    # above COMPOUND_LIST_MAX mutations the outputs list only informative sets (report/compound_listing.py)
    from alkannot.report.compound_listing import limit_compounds, limit_evidence_tiers

    listed, compound_summary = limit_compounds(compounds, len(by_name), kb)
    labels: dict[str, list[str]] = {}  # mutation -> its compounds' labels, in compound order
    for c in listed:
        label = f"{'+'.join(c['mutations'])} ({c['phase']})"
        for m in dict.fromkeys(c["mutations"]):
            labels.setdefault(m, []).append(label)
    for v in variants:
        v.compound = list(labels.get(v.protein_short, ()))

    # a copy-number or SV file holding several samples is read for the one its sheet column names, else for the
    # one named like the VCF's tumour column or the sample id (one pipeline names a sample alike in its files)
    hints = (res.vcf_info["tumor_sample"], spec.id)
    # their records count under the FILTER values the sample's small variants do
    pass_filters = spec.pass_filters or settings()["pass_filters"]
    copy_number, cnv_sample = _copy_number(spec, build, hints, pass_filters)
    fusions, fusion_assessment = _fusions(spec, build, hints, pass_filters)
    co_rules = load_co_alterations()  # read once: the co-mutations and the transformation flags apply them
    co_mut = classify_co_mutations(variants, {"build": build, "co_alterations": co_rules})
    tumour_co = [c for c in co_mut if c["ch_status"] not in NON_TUMOUR_LABELS]
    # only focal copy-number findings count (a broad 13q loss is not RB1 inactivation; issue 13 item 5)
    transformation = transformation_flags(tumour_co, [c for c in copy_number if c.get("finding")], co_rules)
    hotspots = hotspot_coverage(build, alignment=spec.alignment, reference=spec.reference, variants=variants,
                                **_reference_call_depths(spec, res, variants))
    hotspots = apply_lod(hotspots, spec.specimen, tf)
    exclusion = alk_exclusion(variants, alk, spec.specimen, tf, hotspots)
    kb_co = _kb_co_alterations(tumour_co, copy_number, fusions)
    kb_co_keys = [co_alteration_keys(c, kb) for c in kb_co]  # once: the verdicts and the CIViC findings read them
    verdicts = evaluate(alk_found, compounds, kb_co, kb,
                        {"current_tki": spec.current_tki, "prior_tkis": list(spec.prior_tkis)}, exclusion,
                        co_keys=kb_co_keys)
    inputs = [{"role": "vcf", "path": os.path.basename(spec.vcf), "sha256": vcf_sha256()}]
    for role in ("cnv", "sv", "alignment", "reference", "population_af"):
        p = getattr(spec, role)
        if p:
            # small call files are checksummed; BAM/CRAM, genome FASTA and gnomAD (gigabytes) are named only
            digest = sha256(p) if role in ("cnv", "sv") else None
            inputs.append({"role": role, "path": os.path.basename(p), "sha256": digest})
            if role in ("cnv", "sv"):  # which sample of the file was read (a file may hold several)
                inputs[-1]["sample"] = cnv_sample if role == "cnv" else (fusion_assessment["sv_file"] or {}).get("sample")
    data = {
        "schema_version": SCHEMA_VERSION,
        "alkannot_version": __version__,
        "generated_at": os.environ.get("ALKANNOT_TIMESTAMP") or None,
        "sample": {
            "id": spec.id, "patient": spec.patient, "specimen": spec.specimen, "timepoint": spec.timepoint,
            "build": build, "current_tki": spec.current_tki, "prior_tkis": list(spec.prior_tkis),
            "tumor_sample": res.vcf_info["tumor_sample"], "normal_sample": res.vcf_info["normal_sample"],
            "tumor_fraction": spec.tumor_fraction, "ploidy": spec.ploidy,
        },
        "inputs": inputs,
        "resources": {"build": build, "transcripts": f"resources/{build}/transcripts.json",
                      "reference_fasta": os.path.basename(spec.reference) if spec.reference else None},
        "variants": variants,
        "alk_mutations": alk,
        "accounting": res.accounting,
        "qc": {**res.qc, "hotspots_not_covered": [h["mutation"] for h in hotspots
                                                  if h["status"] in ("not_covered", "low_coverage")]},
        "compound": listed,
        "drugs": verdicts["drugs"],
        "mechanisms": verdicts["mechanisms"],
        "kb_version": verdicts["kb_version"],
        "kb": verdicts["kb"],
        "therapy_context": verdicts["therapy_context"],
        "research_use_only": True,
        "co_alterations": co_mut,
        "uninterpreted": uninterpreted_variants(variants),
        "transformation_flags": transformation,
        "copy_number": copy_number,
        "fusions": fusions,
        "fusion_assessment": fusion_assessment,
        "ctdna": {"tumor_fraction": tf, "hotspot_coverage": hotspots, "alk_exclusion": exclusion},
        "alk_clonality": alk_clonality(variants, alk, tf),
    }
    civic_ev.add_civic(data, kb, civic, civic_ev.findings_of(alk_found, compounds, kb_co, fusions, kb, kb_co_keys),
                       may_change=spec.civic_may_change_verdict)
    if compound_summary is not None:
        if "evidence_tiers" in data:
            data["evidence_tiers"] = limit_evidence_tiers(data["evidence_tiers"], listed, compound_summary, kb,
                                                          civic_ev.load_tier_rules()["default"]["id"])
        data["compound_summary"] = compound_summary
    data.update(_report_identity(spec, data, build))
    return data, res


def _report_identity(spec: SampleSpec, data: dict, build: str) -> dict:
    """Additive keys: report id/date, specimen accession, versions and checksums of every resource used."""
    from alkannot.core.resources import resources_dir
    from alkannot.provenance import report_date, report_id, resource_manifest

    date = report_date(spec.report_date)
    manifest = resource_manifest(resources_dir(), build, spec.kb_extra)
    return {
        "report": {"id": report_id(spec.id, date, data["inputs"], manifest, __version__), "date": date,
                   "accession": spec.accession or None},
        "resource_files": manifest,
    }


def run_sample(spec: SampleSpec, out_dir: str | Path) -> dict[str, Path]:
    """Annotate one sample and write its outputs into `out_dir`; returns their paths.

    The result is let go before the cyclic garbage collector is back on (_no_cyclic_gc): everything the sample
    made is in the collector's youngest generation (it was off), so its first pass after a sample that still
    held the result walked all of it and moved it to an older generation (~0.2 ms of a warm panel sample, and a
    full collection every few dozen samples of a batch)."""
    from alkannot.annotate.maf_input import converted_vcf

    with _no_cyclic_gc():
        return _run_sample(spec, out_dir, converted_vcf)[0]


def run_sample_with_result(spec: SampleSpec, out_dir: str | Path) -> tuple[dict[str, Path], dict]:
    """run_sample, and the result its JSON was written from (variants as records): a caller that reports on
    the sample need not read a 100 MB JSON back."""
    from alkannot.annotate.maf_input import converted_vcf

    with _no_cyclic_gc():
        return _run_sample(spec, out_dir, converted_vcf)


@contextmanager
def _no_cyclic_gc():
    """The cyclic garbage collector paused for one sample (restored after): with 100,000 variant records
    alive each collection walks them all (3 s of a 13 s run); reference counting still frees everything
    else as it goes, and any cycle the sample made is collected once the collector runs again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run_sample(spec: SampleSpec, out_dir: str | Path, converted_vcf) -> tuple[dict[str, Path], dict]:
    data, res = _sample_result(spec)
    res.calls = []  # phasing is done: the parsed calls (~40 MB per 100,000) are not needed to write the outputs
    # a MAF input's annotated VCF is written from the VCF it was converted into
    paths = write_sample_outputs(data, Path(out_dir), input_vcf=converted_vcf(spec.vcf) or spec.vcf,
                                 prefiltered=res.prefiltered)
    return paths, data
