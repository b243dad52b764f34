"""Fusion partners, fused exons and EML4-ALK variant names from junction breakpoints.

Names and categories come from ``resources/fusion_genes.yaml``; gene structure from the bundled transcript
models (EML4 and ALK are bundled with their exons; RET, ROS1, NRG1 are not, so for those we can only use
the gene name a caller wrote, and say so).

Exon rules (transcript orientation; ALK is on the minus strand, so "after" means lower coordinates):

* a breakpoint **inside exon N** names exon N (RNA callers report the exon boundary base; a DNA break inside
  an exon truncates it, noted);
* a DNA breakpoint in **intron N** of the 5' partner keeps exons 1..N, so the junction is exon N;
* a DNA breakpoint in **intron M** of the 3' partner keeps exons M+1.., so the junction is exon M+1
  (ALK intron 19 -> A20).

Which breakpoint is 5': the breakend sides (which side of each break stays in the molecule) and the
transcript strands decide when both are known; otherwise the caller's order (RNA callers, LINX, PCGR list
the 5' partner first); otherwise a known 3' kinase partner (ALK, MET, NRG1, RET, ROS1) is taken as 3'.
"""

from __future__ import annotations

from functools import lru_cache

from alkannot.annotate.transcripts import TranscriptSet, shared_transcripts
from alkannot.interpret.fusion_genes import load_fusion_config


@lru_cache(maxsize=4)
def _transcripts(build: str) -> TranscriptSet:
    return shared_transcripts(build)  # read-only use here


def _locate(bp: dict, ts: TranscriptSet) -> dict:
    """Gene, strand and region (exon N / intron N) of one breakpoint from the bundled models."""
    given = bp.get("gene")
    out = {"chrom": bp.get("chrom"), "pos": bp.get("pos"), "gene": given or "unknown", "region": None,
           "strand": bp.get("strand"), "bundled": False, "caller_gene": given, "kind": None, "number": None}
    if bp.get("chrom") and bp.get("pos"):
        hits = ts.overlapping(bp["chrom"], bp["pos"], bp["pos"])
        if hits:
            t = next((h for h in hits if h.gene == given), hits[0])
            out.update(gene=t.gene, strand=t.strand, bundled=True)
            i = t.exon_index_of(bp["pos"])
            if i is not None:
                out.update(kind="exon", number=i + 1, region=f"exon {i + 1}")
            else:
                n = t.intron_anchor(bp["pos"])[0]
                out.update(kind="intron", number=n, region=f"intron {n}")
    if not out["bundled"] and bp.get("exon") is not None:
        out.update(kind="exon", number=bp["exon"], region=f"exon {bp['exon']}")
    return out


def _fits(loc: dict, side: str | None, role: str) -> bool | None:
    """Does keeping `side` of this break make the gene a 5' (or 3') partner? None when unknowable."""
    if side is None or loc["strand"] not in ("+", "-"):
        return None
    upstream = "left" if loc["strand"] == "+" else "right"
    return side == upstream if role == "5p" else side != upstream


def _orientation(a: dict, b: dict, sa: str | None, sb: str | None, ordered: bool, kinases: set[str]) -> tuple[bool, str]:
    """(swap, how): swap=True means b is the 5' partner."""
    fwd = [_fits(a, sa, "5p"), _fits(b, sb, "3p")]
    rev = [_fits(b, sb, "5p"), _fits(a, sa, "3p")]
    if None not in fwd + rev:
        if all(fwd) and not all(rev):
            return False, "breakend sides and transcript strands"
        if all(rev) and not all(fwd):
            return True, "breakend sides and transcript strands"
        if not all(fwd) and not all(rev):
            return False, "undetermined: the junction joins no 5' part to a 3' part (no sense fusion transcript)"
    if ordered:
        return False, "caller order (5' partner first)"
    ka, kb = a["gene"] in kinases, b["gene"] in kinases
    if kb and not ka:
        return False, "known 3' kinase partner"
    if ka and not kb:
        return True, "known 3' kinase partner"
    return False, "undetermined (order as written)"


def _joined_exon(loc: dict, role: str) -> int | None:
    if loc["kind"] == "exon":
        return loc["number"]
    if loc["kind"] == "intron":
        return loc["number"] if role == "5p" else loc["number"] + 1
    return None


def annotate_fusion(bp1: dict, bp2: dict | None, build: str, *, caller: str | None = None,
                    source_format: str | None = None, supporting_reads: int | None = None,
                    ordered: bool = False, evidence: str = "unspecified", filter: str | None = None,
                    record_id: str | None = None, line: int | None = None) -> dict:
    """Interpret one junction. `bp1`/`bp2` are dicts with chrom, pos and optionally side, strand, gene, exon
    (the shape `alkannot.io.sv` produces); `bp2` None for a single breakend.

    Keys: partner_5p, partner_3p, name, variant, exons, breakpoints [{chrom, pos, gene, region}] (5' first),
    caller, source_format, supporting_reads, category (on_target_driver | off_target | other),
    orientation, evidence, filter, record_id, line, notes.
    """
    cfg = load_fusion_config()
    driver = cfg["driver_3p_gene"]
    off_target = cfg["off_target_3p_genes"]
    kinases = {driver, *off_target}
    ts = _transcripts(build)
    notes: list[str] = []
    a = _locate(bp1, ts)
    b = _locate(bp2, ts) if bp2 is not None else {"chrom": None, "pos": None, "gene": "unknown", "region": None,
                                                   "strand": None, "bundled": False, "caller_gene": None,
                                                   "kind": None, "number": None}
    sa, sb = bp1.get("side"), (bp2 or {}).get("side")
    if bp2 is None:
        notes.append("single breakend: the partner locus was not resolved by the caller")
        # a lone break can still show which gene keeps its 3' part (e.g. ALK intron 19, left side kept)
        swap = _fits(a, sa, "3p") is True or (sa is None and a["gene"] in kinases)
        how = "breakend side and transcript strand" if sa else "known 3' kinase partner"
    else:
        swap, how = _orientation(a, b, sa, sb, ordered, kinases)
    five, three = (b, a) if swap else (a, b)
    for loc in (five, three):
        if loc["caller_gene"] and loc["bundled"] and loc["caller_gene"] != loc["gene"]:
            notes.append(f"caller named {loc['caller_gene']!r} but the breakpoint lies in bundled {loc['gene']}")
        if not loc["bundled"] and loc["gene"] != "unknown" and loc["chrom"] is not None:
            notes.append(f"{loc['gene']} is not in the bundled transcript models: gene name as written by "
                         "the caller, exon not determined")
        if loc["kind"] == "exon" and evidence == "dna" and loc["bundled"]:
            notes.append(f"DNA breakpoint inside {loc['gene']} {loc['region']}: that exon is truncated")
    e5, e3 = _joined_exon(five, "5p"), _joined_exon(three, "3p")
    p5, p3 = five["gene"], three["gene"]
    name = f"{p5}-{p3}" if p5 != p3 else f"{p5} intragenic"
    variant = exons = None
    if p5 == "EML4" and p3 == driver:
        if e5 is not None and e3 is not None:
            exons = f"E{e5};A{e3}"
            named = next((v for v in cfg["eml4_alk_variants"] if v["exons"] == exons), None)
            if named:
                variant = named["variant"]
                if named.get("note"):
                    notes.append(named["note"].strip())
            else:
                variant = exons
        else:
            notes.append("EML4-ALK exons not determined (breakpoint outside the bundled exon models)")
    elif e5 is not None or e3 is not None:
        exons = f"{p5}:{'exon ' + str(e5) if e5 else '?'};{p3}:{'exon ' + str(e3) if e3 else '?'}"
    if p3 == driver and e3 is not None and e3 != 20:
        notes.append(f"ALK joined at exon {e3}, not the usual exon 20 (intron 19 break): check the kinase domain "
                     "(exons 20-29) is kept")
    if p5 == p3 and p5 != "unknown":
        category = "other"
        notes.append(f"intragenic {p5} rearrangement: not a fusion with another gene")
    elif driver in (p5, p3) and p3 != driver:
        category = "on_target_driver"
        notes.append(f"{driver} is the 5' part of this junction: the reciprocal of the kinase-keeping fusion "
                     "(evidence of the rearrangement, not the driver junction itself)")
    elif p3 == driver:
        category = "on_target_driver"
    elif p3 in off_target or p5 in off_target:
        g = p3 if p3 in off_target else p5
        category = "off_target"
        notes.append(f"{g}: {off_target[g]['why'].strip()} [{off_target[g]['source']}]")
        if p3 != g:
            notes.append(f"{g} is the 5' partner here; off-target kinase fusions keep {g} as the 3' partner")
    else:
        category = "other"
    if filter and filter not in ("PASS", "reported", "high"):
        notes.append(f"caller filter: {filter}")
    return {
        "partner_5p": p5, "partner_3p": p3, "name": name, "variant": variant, "exons": exons,
        "breakpoints": [{"chrom": x["chrom"], "pos": x["pos"], "gene": x["gene"], "region": x["region"]}
                        for x in (five, three) if x["chrom"] is not None or x["region"] is not None
                        or x["gene"] != "unknown"],
        "caller": caller, "source_format": source_format, "supporting_reads": supporting_reads,
        "category": category, "orientation": how, "evidence": evidence, "filter": filter,
        "record_id": record_id, "line": line, "notes": notes,
    }


def annotate_fusions(records: list[dict], build: str | None = None) -> list[dict]:
    """`annotate_fusion` over `alkannot.io.sv.read_fusions` records (build from each record unless given)."""
    return [annotate_fusion(r["bp1"], r["bp2"], build or r["build"], caller=r["caller"],
                            source_format=r["source_format"], supporting_reads=r["supporting_reads"],
                            ordered=r["ordered"], evidence=r["evidence"], filter=r["filter"],
                            record_id=r["record_id"], line=r["line"]) for r in records]


def relevant(findings: list[dict]) -> list[dict]:
    """Only on-target (ALK) and off-target (MET/NRG1/RET/ROS1) findings, drivers first."""
    order = {"on_target_driver": 0, "off_target": 1}
    return sorted((f for f in findings if f["category"] in order), key=lambda f: order[f["category"]])


# ---------------------------------------------------------------------------------------------------
# Fusions found in the sample's alignment (alkannot.interpret.alignment_fusions), merged with a caller's calls
# ---------------------------------------------------------------------------------------------------

def _transcript_orientation(jseq: str | None, alk_strand: str) -> str | None:
    """The junction as the ALK transcript reads it (the alignment gives it on the + strand)."""
    if not jseq or alk_strand != "-":
        return jseq
    a, b = jseq.split("|")
    from alkannot.core.sequence import revcomp

    return revcomp(b) + "|" + revcomp(a)


def read_fusion_findings(scan, build: str) -> list[dict]:
    """`annotate_fusion` dicts for the called events of an `AlignmentScan`, with a `read_evidence` block."""
    ts = _transcripts(build)
    alk = ts.by_gene(load_fusion_config()["driver_3p_gene"])
    out = []
    for ev in scan.events:
        bp_alk = {"chrom": ev.alk_chrom, "pos": ev.alk_pos, "side": ev.alk_side, "strand": alk.strand, "gene": alk.gene}
        bp_p = None
        if ev.partner_chrom is not None:
            bp_p = {"chrom": ev.partner_chrom, "pos": ev.partner_pos, "side": ev.partner_side,
                    "strand": ev.partner_strand, "gene": ev.partner_gene}
        f = annotate_fusion(bp_alk, bp_p, build, caller="alkannot (alignment)", source_format="alignment",
                            supporting_reads=ev.fragments["total"], evidence="dna_reads")
        approx = []
        if not ev.alk_exact:
            approx.append("ALK breakpoint approximate (discordant pairs only: the break lies beyond the reads)")
        if bp_p is not None and not ev.partner_exact:
            approx.append(f"{ev.partner_gene or 'partner'} breakpoint approximate (from mate positions)")
        if bp_p is not None and ev.partner_gene is None:
            approx.append("partner locus is not in a known ALK partner gene (resources/fusion_genes.yaml)")
        f["notes"] = approx + f["notes"]
        f["evidence_sources"] = ["dna_reads"]
        f["allele_fraction"] = ev.allele_fraction
        f["read_evidence"] = {
            "alignment": scan.summary()["alignment"],
            "fragments": dict(ev.fragments),
            "excluded_reads": dict(ev.excluded_reads),
            "wildtype_fragments": ev.wildtype_fragments,
            "depth": ev.depth,
            "allele_fraction": ev.allele_fraction,
            "junction_sequence": _transcript_orientation(ev.junction_sequence, alk.strand),
            "junction_orientation": "ALK transcript strand, 5'→3' ('|' = junction)",
            "alk_breakpoint": {"chrom": ev.alk_chrom, "pos": ev.alk_pos, "side": ev.alk_side,
                               "exact": ev.alk_exact},
            "partner_breakpoint": ({"chrom": ev.partner_chrom, "pos": ev.partner_pos, "side": ev.partner_side,
                                    "exact": ev.partner_exact, "gene": ev.partner_gene} if bp_p else None),
            "partner_source": ev.partner_source,
        }
        out.append(f)
    return out


def _alk_pos(f: dict, driver: str) -> int | None:
    return next((b["pos"] for b in f.get("breakpoints", []) if b.get("gene") == driver and b.get("pos")), None)


def merge_fusions(called: list[dict], from_reads: list[dict], window: int = 1000) -> list[dict]:
    """One entry per event: a read-detected fusion with the same partners as a caller's call, and ALK
    breakpoints within `window` bases (or no coordinates from the caller), is merged into that call."""
    driver = load_fusion_config()["driver_3p_gene"]
    out = [dict(f, evidence_sources=list(f.get("evidence_sources") or ["sv_file"])) for f in called]
    for r in from_reads:
        rp = _alk_pos(r, driver)
        match = None
        for f in out:
            if "read_evidence" in f or {f["partner_5p"], f["partner_3p"]} != {r["partner_5p"], r["partner_3p"]}:
                continue
            fp = _alk_pos(f, driver)
            if fp is None:  # a gene-pair call without coordinates: partners are all there is to compare
                match = f
                break
            # with coordinates, the same junction: same 5'/3' order (not its reciprocal) and a nearby ALK break
            if (f["partner_5p"], f["partner_3p"]) == (r["partner_5p"], r["partner_3p"]) and (
                    rp is None or abs(fp - rp) <= window):
                match = f
                break
        if match is None:
            out.append(r)
            continue
        match["evidence_sources"] = [*match["evidence_sources"], "dna_reads"]
        match["read_evidence"] = r["read_evidence"]
        match["allele_fraction"] = r["allele_fraction"]
        if match.get("variant") != r.get("variant") and r.get("variant"):
            match["notes"] = [*match["notes"], f"reads name {r['variant']} ({r['exons']}); caller-based "
                                               f"{match.get('variant') or 'no variant'}"]
        match["notes"] = [*match["notes"], "also found in the alignment (dna_reads)"]
    return out


def _pct(x: float | None) -> str:
    from alkannot.interpret.ctdna import fmt_pct

    return fmt_pct(x) if x is not None else "n/a"


def assess_fusions(*, build: str, sv: str | None = None, alignment: str | None = None,
                   reference: str | None = None, specimen: str | None = "tissue",
                   settings: dict | None = None, sv_sample: str | None = None,
                   sample_hints: tuple[str | None, ...] = (),
                   pass_filters: list[str] | None = None) -> tuple[list[dict], dict]:
    """(relevant fusions, fusion_assessment) from an SV/fusion file and/or the alignment.

    An SV VCF's junction (or a FusionGene table row with a Filter column) whose FILTER is not one of
    `pass_filters` (the sample's, as for its small variants; default PASS and '.') was not called by the caller: it is listed in ``sv_file.filtered`` and the summary,
    never a finding (Ion Torrent lists every fusion assay it targets, FAIL when not detected).

    fusion_assessment: {status: detected | none_found | not_assessable | not_assessed, sources: [read inputs],
    summary: text for the report, sv_file: {records, relevant, sample, filtered} | None, dna_reads: scan
    summary | None}.
    """
    called, sv_info, filtered = [], None, []
    if sv:
        from alkannot.io.sv import FILTER_FORMATS, read_fusion_file

        read = read_fusion_file(sv, build, sample=sv_sample, hints=sample_hints)
        records = read.records
        passing = set(pass_filters or ("PASS", "."))
        for f in relevant(annotate_fusions(records, build)):
            failed = f["source_format"] in FILTER_FORMATS and (f["filter"] or "PASS") not in passing
            (filtered if failed else called).append(f)
        sv_info = {"records": len(records), "relevant": len(called), "sample": read.sample,
                   "filtered": [{k: f.get(k) for k in ("name", "variant", "exons", "filter", "supporting_reads",
                                                         "record_id", "line")} for f in filtered]}
    from_reads, reads_info, scan = [], None, None
    if alignment:
        from alkannot.interpret.alignment_fusions import scan_alignment

        scan = scan_alignment(alignment, build, reference=reference, specimen=specimen, settings=settings)
        from_reads = relevant(read_fusion_findings(scan, build))
        reads_info = scan.summary()
    fusions = relevant(merge_fusions(called, from_reads, (scan.settings["max_insert"] if scan else 1000)))
    sources = [s for s, given in (("sv_file", sv), ("dna_reads", alignment)) if given]
    parts = []
    if sv_info is not None:
        parts.append("SV file read, " + (f"{sv_info['relevant']} ALK/off-target fusion(s)" if sv_info["relevant"]
                                         else "negative"))
        if filtered:
            names = ", ".join(f"{f['name']}{' ' + f['variant'] if f.get('variant') else ''}" for f in filtered)
            flags = ", ".join(dict.fromkeys(str(f["filter"]) for f in filtered))
            parts.append(f"{len(filtered)} call{'s' if len(filtered) > 1 else ''} failed the caller's FILTER "
                         f"({flags}), not used: {names}")
    if scan is not None:
        intron = scan.settings["lod_introns"][0] if scan.settings["lod_introns"] else 19
        depth = scan.intron_depth.get(str(intron))
        if scan.status == "not_assessable":
            parts.append(f"alignment not assessable: {scan.reason}")
        else:
            found = "ALK rearrangement in the reads" if from_reads else "no ALK rearrangement"
            parts.append(f"{found}: ALK intron {intron} covered at {depth}× (fusion LoD ≈ {_pct(scan.lod)})")
    if fusions:
        status = "detected"
        names = "; ".join(f"{f['name']}{' ' + f['variant'] if f.get('variant') else ''}"
                          f" ({', '.join(f.get('evidence_sources') or [f.get('evidence')])})" for f in fusions)
        summary = f"detected: {names} ({'; '.join(parts)})"
    elif sv_info is not None or (scan is not None and scan.status == "none_found"):
        status = "none_found"
        summary = "none found (" + "; ".join(parts) + ")"
        if scan is not None and scan.status != "not_assessable":
            summary += (". The alignment shows breaks in captured ALK regions only; a break elsewhere in ALK "
                        "or an RNA-only fusion is not excluded")
            if scan.candidates:
                summary += (f"; {len(scan.candidates)} candidate junction(s) below the calling thresholds are "
                            "listed in the JSON (fusion_assessment.dna_reads)")
    elif scan is not None:
        status, summary = "not_assessable", f"not assessable ({scan.reason})"
    else:
        status, summary = "not_assessed", "not assessed (no SV/fusion file or alignment given)"
    return fusions, {"status": status, "sources": sources, "summary": summary, "sv_file": sv_info,
                     "dna_reads": reads_info}
