"""Annotate every allele of a VCF in the target genes: the core of `alkannot annotate`.

Reads records (io.vcf), annotates each allele on the gene's MANE transcript (annotate.engine),
checks REF against the bundled sequence for the whole file, combines same-codon changes that are
on one haplotype, and keeps the accounting that proves nothing was dropped.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from alkannot.annotate.engine import (
    REASON_ALT_NOT_IN_GT,
    REASON_GT_NOT_CALLED,
    REASON_NO_ALT,
    REASON_SPANNING,
    REASON_SYMBOLIC,
    Annotation,
    annotate_allele,
)
from alkannot.annotate.protein import protein_change
from alkannot.annotate.record import AnnotatedVariant
from alkannot.annotate.transcripts import TranscriptSet, load_transcripts, shared_transcripts
from alkannot.core.contigs import canonical_chrom
from alkannot.core.resources import resources_dir, settings
from alkannot.core.sequence import only_bases, trim_allele
from alkannot.errors import InputError
from alkannot.io.vcf import Prefiltered, iter_records, open_vcf, split_record
from alkannot.io.vcf.refcalls import DepthBlock, DepthSites, depth_block
from alkannot.model import VariantCall

PROTEIN_ALTERING = {
    "missense_variant", "inframe_insertion", "inframe_deletion", "stop_gained", "frameshift_variant",
    "start_lost", "stop_lost", "protein_altering_variant",
}


@lru_cache(maxsize=None)
def alk_regions(path: str | None = None) -> tuple[dict, ...]:
    p = Path(path) if path else resources_dir() / "alk_regions.tsv"
    with open(p) as fh:
        rows = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))
    return tuple({**r, "start": int(r["start"]), "end": int(r["end"])} for r in rows)


@lru_cache(maxsize=None)
def kinase_domain_bounds() -> tuple[int, int]:
    """(first, last residue) of the ALK kinase domain in the bundled regions (read once per process, as
    alk_regions() is)."""
    kd = next(r for r in alk_regions() if r["region"] == "kinase_domain")
    return kd["start"], kd["end"]


def alk_region_of(pos: int | None, end: int | None = None) -> str | None:
    """The most specific structural region containing the residue(s), or 'kinase_domain'."""
    if pos is None:
        return None
    end = end or pos
    best = None
    for r in alk_regions():
        if r["start"] <= end and pos <= r["end"]:
            if best is None or (r["end"] - r["start"]) < (best["end"] - best["start"]):
                best = r
    return best["region"] if best else None


def _other_build(build: str) -> str:
    return "GRCh37" if build == "GRCh38" else "GRCh38"


def target_gene_spans(build: str) -> tuple[tuple[str, int, int], ...]:
    """(chrom, start, end) of this build's target-gene transcripts: a record is in the targets when its REF
    span overlaps one (the one definition; the annotated-VCF writer uses it too)."""
    return _gene_spans_of(str(resources_dir()), build, frozenset(settings()["target_genes"]))


@lru_cache(maxsize=16)
def _gene_spans_of(_resources: str, build: str, genes: frozenset) -> tuple[tuple[str, int, int], ...]:
    """The target transcripts' spans, once per process for each resources folder (as load_transcripts keeps
    the models): not a copy of every model per sample to read their extents."""
    return tuple((t.chrom, t.start, t.end) for t in shared_transcripts(build).transcripts if t.gene in genes)


def read_targets(build: str) -> list[tuple[str, int, int]]:
    """Spans read from a VCF: this build's target transcripts, then the other build's (kept only for
    the wrong-build check). The annotated-VCF writer asks for the same list, so one pass serves both."""
    return [*target_gene_spans(build), *target_gene_spans(_other_build(build))]


_GT_REASONS = {"not_called": REASON_GT_NOT_CALLED, "alt_not_in_genotype": REASON_ALT_NOT_IN_GT}


def _note_values(vd: AnnotatedVariant, call: VariantCall) -> None:
    """Per-variant flags for what the VCF did not give: invalid values that were not used, unknown
    depth/VAF of a sequence allele, and the reference span of a symbolic allele (vcf_end)."""
    for f in call.value_flags:
        if f not in vd.flags:
            vd.flags.append(f)
    if call.orig_alt and call.orig_alt.startswith("<") and call.end and call.orig_pos is not None \
            and call.end > call.orig_pos + len(call.orig_ref or "") - 1:
        vd.vcf_end = call.end
    if only_bases(call.alt or "") and call.alt not in ("", "."):
        if call.depth is None:
            vd.flags.append("depth_unknown")
        if call.vaf is None:
            vd.flags.append("vaf_unknown")


class BuildMismatch(InputError):
    """The REF alleles in the target genes say the VCF is the other build."""


@dataclass
class AnnotationResult:
    """What reading and annotating one small-variant input gave: the annotated alleles, the record/allele
    accounting, QC notes, the VCF's sample and build facts, and the calls behind the variants."""

    variants: list[AnnotatedVariant]
    accounting: dict
    qc: dict
    vcf_info: dict
    calls: list[VariantCall] = field(default_factory=list)  # parallel to variants
    prefiltered: Prefiltered | None = None  # a streamed text VCF's target lines (io.vcf.Prefiltered)
    # the records over the asked depth sites (annotate_vcf's depth_sites), collected in the same pass; None
    # when none were asked or a site lies outside the spans read (then only a read of the whole file has them)
    depth_blocks: list[DepthBlock] | None = None


def variant_record(call: VariantCall, ann: Annotation | None, status: str, reason: str | None,
                  pass_filters: set[str]) -> AnnotatedVariant:
    is_alk = ann is not None and ann.gene == "ALK"
    kd_lo, kd_hi = kinase_domain_bounds()
    in_kd = bool(is_alk and ann.status == "annotated" and ann.protein_position is not None
                 and ann.protein_position <= kd_hi and (ann.protein_end or ann.protein_position) >= kd_lo
                 and ann.hgvsp not in (None, "p.?"))
    return AnnotatedVariant(
        gene=ann.gene if ann else None,
        chrom=call.chrom,
        pos=call.pos,
        ref=call.ref,
        alt=call.alt,
        transcript=ann.transcript if ann else None,
        hgvsc=ann.hgvsc if ann else None,
        hgvsp=ann.hgvsp if ann else None,
        protein_short=ann.protein_short if ann else None,
        protein_edit=ann.protein_edit if ann else None,
        protein_position=ann.protein_position if ann else None,
        consequence=ann.consequence if ann else None,
        exon=ann.exon if ann else None,
        exon_number=ann.exon_number if ann else None,
        coding_span=ann.coding_span if ann else None,
        intron=ann.intron if ann else None,
        vaf=round(call.vaf, 6) if call.vaf is not None else None,
        depth=call.depth,
        alt_reads=call.alt_reads,
        depth_source=call.depth_source,
        filter=call.filter,
        filter_pass=call.filter in pass_filters,
        alk_kinase_domain=in_kd,
        alk_region=alk_region_of(ann.protein_position, ann.protein_end) if in_kd else None,
        status=status,
        reason=reason,
        ref_check=ann.ref_check if ann else "not_checked",
        flags=list(ann.flags) if ann else [],
        id=call.record_id,
        line=call.line,
        vcf_pos=call.orig_pos,
        vcf_ref=call.orig_ref,
        vcf_alt=call.orig_alt,
        gt=call.gt,
        phase_set=call.phase_set,
        normal_alt_reads=call.normal_alt_reads,
        normal_depth=call.normal_depth,
    )


def annotate_vcf(path: str, build: str | None, *, tumor_sample: str | None = None,
                 normal_sample: str | None = None, reference: str | None = None,
                 pass_filters: list[str] | None = None, transcripts: TranscriptSet | None = None,
                 depth_sites=None, tumor_af_tag: str | None = None, tumor_dp_tag: str | None = None,
                 normal_af_tag: str | None = None, normal_dp_tag: str | None = None,
                 _build_from_ref_check: bool = False) -> AnnotationResult:
    """``depth_sites(build)`` (optional): [(chrom, start, end)] whose covering records' stated depths
    (io.vcf.refcalls.DepthBlock) are collected in this pass into ``AnnotationResult.depth_blocks``, so that
    reference-call depths (a gVCF's blocks) need no second read of the file. ``tumor_af_tag``/``tumor_dp_tag``
    (``normal_*``): where the VCF keeps the tumour's (the matched normal's) allele fraction and depth beyond the
    caller's standard tags (io.vcf.tags)."""
    cfg = settings()
    pass_set = set(pass_filters or cfg["pass_filters"])
    tags = dict(tumor_af_tag=tumor_af_tag, tumor_dp_tag=tumor_dp_tag, normal_af_tag=normal_af_tag,
                normal_dp_tag=normal_dp_tag)
    vi = open_vcf(path, tumor_sample=tumor_sample, normal_sample=normal_sample, **tags)
    warnings_: list[str] = list(vi.warnings)
    # Build: an explicit build (CLI/sheet) is the user's statement; header hints (##contig chr2
    # length, ##reference) that contradict it are warnings, and the REF check of the target genes
    # decides. Without one, agreeing hints give the build; contradictory hints are settled by the REF
    # check (the first hint is tried, the other build if the REF alleles say so).
    hints = {}
    if vi.header_build:
        hints["##contig chr2 length"] = vi.header_build
    # the file's own header lines: htslib drops a ##reference=<...> line it cannot parse
    ref_hint = reference_hint("\n".join(vi.header_text) if vi.header_text else vi.raw_header)
    if ref_hint:
        hints[f"##reference {ref_hint[1]!r}"] = ref_hint[0]
    if build is not None:
        # (on the retry of contradictory hints, the warning is said after the REF check instead)
        for src, b in ({} if _build_from_ref_check else hints).items():
            if b != build:
                warnings_.append(f"header {src} says {b}, but the run was given {build}: read as {build}; "
                                 "the REF alleles in the target genes were checked against it")
    elif len(set(hints.values())) > 1:
        first = next(iter(hints.values()))
        kw = dict(tumor_sample=tumor_sample, normal_sample=normal_sample, reference=reference,
                  pass_filters=pass_filters, depth_sites=depth_sites, **tags, _build_from_ref_check=True)
        try:
            return annotate_vcf(path, first, **kw)
        except BuildMismatch:
            return annotate_vcf(path, _other_build(first), **kw)
    elif hints:
        build = next(iter(hints.values()))
    if build is None:
        raise InputError("cannot tell the genome build from the header (no ##contig chr2 length)",
                         path=path, fix="pass --build GRCh37 or --build GRCh38")
    # without a FASTA the models are only read: the process's own set (not a copy per sample)
    ts = transcripts or (load_transcripts(build) if reference else shared_transcripts(build))
    if reference:
        import pysam

        try:
            fasta = pysam.FastaFile(reference)
        except (OSError, ValueError) as e:
            raise InputError(f"cannot open reference FASTA ({e})", path=reference,
                             fix="give an indexed FASTA (samtools faidx)") from None
        ts.fill_from_fasta(fasta)
    genes = set(cfg["target_genes"])
    spans = [(t, t.start, t.end) for t in ts.transcripts if t.gene in genes]  # start/end are computed: once
    targets = [(t.chrom, s0, e0) for t, s0, e0 in spans]
    by_chrom: dict[str, list] = defaultdict(list)
    for t, s0, e0 in spans:
        by_chrom[t.chrom].append((s0, e0, t))

    from alkannot.annotate.external import compare as compare_external
    from alkannot.annotate.external import header_formats

    ext_formats = header_formats(vi.raw_header)  # (the header as opened: no record has been read yet)
    records_read = 0
    records_in_targets = 0
    variants: list[AnnotatedVariant] = []
    calls: list[VariantCall] = []
    anns: list[Annotation | None] = []
    # records outside this build's targets but inside the other build's, kept (a few) for the
    # wrong-build check: a GRCh37 file read as GRCh38 mostly misses the GRCh38 exons
    other_targets = list(target_gene_spans(_other_build(build)))
    other_spans = defaultdict(list)
    for c, s0, e0 in other_targets:
        other_spans[c].append((s0, e0))
    elsewhere: list[tuple[str, int, str, str]] = []
    depth_at = _depth_sites(depth_sites, build, targets + other_targets)
    depth_blocks: list[DepthBlock] | None = None if depth_at is None else []
    # a note on a terminal only (never in logs): long streamed inputs take seconds
    progress = sys.stderr.isatty() and not vi.indexed and os.path.getsize(path) > 20_000_000
    if progress:
        print(f"\r{os.path.basename(path)}: reading {os.path.getsize(path) / 1e6:,.0f} MB ...", end="",
              file=sys.stderr, flush=True)
    for line, rec in iter_records(vi, targets + other_targets):
        records_read += 1
        c = canonical_chrom(rec.CHROM)  # (remembered per name by canonical_chrom)
        pos = rec.POS
        end = max(rec.end, pos)  # htslib's end: INFO/END of a symbolic <DEL> starting upstream of a gene
        if depth_at is not None and depth_at.overlaps(c, pos, end):
            depth_blocks.append(depth_block(rec, vi.tumor_index))
        cands = by_chrom.get(c, ())
        hit = [t for (s0, e0, t) in cands if s0 <= end and pos <= e0]
        if not hit:
            if len(elsewhere) < 1000 and any(s <= end and pos <= e for s, e in other_spans.get(c, ())):
                for alt in rec.ALT or ():
                    elsewhere.append((rec.CHROM, pos, rec.REF, alt))
            continue
        records_in_targets += 1
        for call in split_record(vi, rec, line):
            tx = hit[0]
            if call.alt in (".", "") or call.orig_alt == ".":
                ann, status, reason = None, "not_annotated", REASON_NO_ALT
            elif call.alt == "*":
                ann, status, reason = None, "not_annotated", REASON_SPANNING
            elif not only_bases(call.alt) or not only_bases(call.ref):
                ann, status, reason = None, "not_annotated", REASON_SYMBOLIC
            else:
                ann = annotate_allele(tx, call.pos, call.ref.upper(), call.alt.upper())
                status, reason = ann.status, ann.reason
            if ann is None:
                ann = Annotation(gene=tx.gene, transcript=tx.transcript_id, status=status, reason=reason)
            elif call.genotype_status in _GT_REASONS:
                # the caller did not call this allele in the tumour: listed (annotation kept for the
                # reader, REF still checked), never a mutation, co-mutation or verdict input
                status, reason = "not_annotated", _GT_REASONS[call.genotype_status]
                ann.status, ann.reason = status, reason
            vd = variant_record(call, ann, status, reason, pass_set)
            _note_values(vd, call)
            if ext_formats and call.info:
                ext = compare_external(call.info, ext_formats, call.orig_alt or call.alt,
                                       {tx.transcript_id, tx.ensembl_transcript_id}, vd.protein_edit)
                if ext:
                    vd.external_annotations = ext
                    if any(not e["agrees"] for e in ext) and vd.status == "annotated":
                        vd.flags.append("external_annotation_disagrees")
            variants.append(vd)
            calls.append(call)
            anns.append(ann)

    if progress:
        print("\r" + " " * 60 + "\r", end="", file=sys.stderr, flush=True)
    if not vi.indexed:
        records_read = vi.records_seen  # streamed: every record of the file was looked at
    qc = _ref_check(variants, path, build, calls, cfg, elsewhere)
    warnings_ += _contig_warnings(vi, calls, records_in_targets)
    if _build_from_ref_check:
        said = ", ".join(f"{k}: {v}" for k, v in hints.items())
        warnings_.append(f"header hints disagree ({said}); " + (
            f"{qc['ref_checked']} REF allele(s) in the target exons match {build}, so it is read as {build}"
            if qc["ref_checked"] else
            f"no REF allele in the target exons could settle it: read as {build}; pass --build to be sure"))
    qc["input_warnings"] = warnings_ + qc.get("input_warnings", [])
    _combine_same_codon(variants, calls, anns, ts)
    acc = Counter(v.reason for v in variants if v.status == "not_annotated")
    accounting = {
        "records_read": records_read,
        "records_in_targets": records_in_targets,
        "alleles_in_targets": len(variants),
        "annotated": sum(v.status == "annotated" for v in variants),
        "not_annotated": dict(sorted(acc.items())),
        "read_mode": "indexed_regions" if vi.indexed else "streamed",
    }
    vcf_info = {"tumor_sample": vi.tumor_sample, "normal_sample": vi.normal_label,
                "samples": vi.samples, "indexed": vi.indexed, "build": build,
                "header_build": vi.header_build, "warnings": qc["input_warnings"]}
    return AnnotationResult(variants=variants, accounting=accounting, qc=qc, vcf_info=vcf_info, calls=calls,
                            prefiltered=vi.prefiltered, depth_blocks=depth_blocks)


def _depth_sites(depth_sites, build: str, read: list[tuple[str, int, int]]) -> DepthSites | None:
    """The asked depth sites, or None when none were asked, they cannot be computed (the caller then says
    why) or one lies outside the spans this pass reads.

    ``depth_sites(build)`` gives sites from the bundled resources (the hotspot codons): the answer is kept
    per process for each (function, build, resources folder, spans read), as the resources themselves are
    (a DepthSites is only read); a failure is not kept (it is asked again)."""
    if depth_sites is None:
        return None
    try:
        return _depth_sites_kept(depth_sites, build, str(resources_dir()), tuple(read))
    except InputError:
        return None


@lru_cache(maxsize=64)
def _depth_sites_kept(depth_sites, build: str, _resources: str, read: tuple) -> DepthSites | None:
    sites = DepthSites(depth_sites(build))  # (an InputError is not kept: lru_cache keeps answers only)
    return sites if sites.inside(list(read)) else None


_PRIMARY = {str(i) for i in range(1, 23)} | {"X", "Y", "MT"}


def _contig_warnings(vi, calls: list[VariantCall], records_in_targets: int) -> list[str]:
    """Accession or zero-padded contig names read as chromosomes (said, not silent), and contig
    names that are no human chromosome when nothing fell in the target genes."""
    out = []
    names = list(dict.fromkeys([*vi.contig_names, *vi.record_contigs, *(c.chrom for c in calls)]))
    aliases = {n: canonical_chrom(n) for n in names
               if canonical_chrom(n) in _PRIMARY and (n[3:] if n.lower().startswith("chr") else n)
               not in _PRIMARY | {"M"}}
    if aliases:
        shown = ", ".join(f"{k} as {v}" for k, v in list(aliases.items())[:6])
        more = f" and {len(aliases) - 6} more" if len(aliases) > 6 else ""
        out.append(f"contig names read as chromosomes: {shown}{more}")
    if not records_in_targets and names and not any(canonical_chrom(n) in _PRIMARY for n in names):
        out.append(f"no contig name is a human chromosome (e.g. {', '.join(names[:3])}): records on them cannot "
                   "fall in the target genes; rename the contigs (bcftools annotate --rename-chrs)")
    return out


_HINTS = (("GRCh38", re.compile(r"grch38|hg38|hs38|b38", re.I)),
          ("GRCh37", re.compile(r"grch37|hg19|hs37|b37|human_g1k_v37", re.I)))


def reference_hint(raw_header: str) -> tuple[str, str] | None:
    """(build, text) from ##reference / ##assembly / liftOver target lines, when they name one build."""
    for line in raw_header.splitlines():
        if line.startswith(("##reference=", "##assembly=", "##new_reference_genome=")):
            value = line.split("=", 1)[1].strip()
            found = {b for b, rx in _HINTS if rx.search(value)}
            if len(found) == 1:
                return found.pop(), value
    return None


def _ref_check(variants: list[AnnotatedVariant], path: str, build: str, calls: list[VariantCall], cfg: dict,
               elsewhere: list[tuple[str, int, str, str]] = ()) -> dict:
    checked = [v for v in variants if v.ref_check in ("match", "mismatch")]
    mism = [v for v in checked if v.ref_check == "mismatch"]
    rate = len(mism) / len(checked) if checked else 0.0
    qc = {"ref_checked": len(checked), "ref_mismatches": len(mism), "ref_mismatch_rate": round(rate, 4)}
    if len(checked) >= cfg["ref_check_min"] and rate > cfg["ref_mismatch_max_rate"]:
        other = _other_build(build)
        ots = load_transcripts(other)
        ok_other = tried_other = 0
        for v, call in zip(variants, calls):
            if v.ref_check not in ("match", "mismatch"):
                continue
            for t in ots.overlapping(call.chrom, call.pos, call.pos):
                a = annotate_allele(t, call.pos, call.ref, call.alt) if set(call.alt) <= set("ACGTN") else None
                if a is not None and a.ref_check != "not_checked":
                    tried_other += 1
                    ok_other += a.ref_check == "match"
        looks = f" (looks like {other}: {ok_other}/{tried_other} REF alleles match it)" if tried_other and \
            ok_other / tried_other > 1 - cfg["ref_mismatch_max_rate"] else ""
        first = mism[0]
        where = f"line {first.line}" if first.line else f"{first.chrom}:{first.pos}"
        err = BuildMismatch if looks else InputError
        raise err(f"VCF does not match {build}{looks}: {len(mism)}/{len(checked)} REF alleles in the target "
                         f"genes disagree with the {build} sequence, first at {where}", path=path,
                         fix=f"rerun with --build {other}" if looks else "check the genome build of the VCF")
    if len(checked) < cfg["ref_check_min"]:
        # Too few alleles in this build's known exons to judge: a GRCh37 file read as GRCh38 lands in
        # introns, where nothing can be checked. Ask whether the other build explains the records.
        other = _other_build(build)
        ots, hits, tried = load_transcripts(other), 0, 0
        alleles = [(c.chrom, c.pos, c.ref, c.alt) for c in calls] + list(elsewhere)
        for chrom, pos, ref, alt in alleles:
            if not (set(ref) | set(alt)) <= set("ACGTN"):
                continue
            pos, ref, alt = trim_allele(pos, ref.upper(), alt.upper())
            checks = [annotate_allele(t, pos, ref, alt).ref_check for t in ots.overlapping(chrom, pos, pos)]
            tried += any(c != "not_checked" for c in checks)
            hits += "match" in checks
        # Whatever their number: records in the other build's target exons, all with its REF, and
        # fewer in this build's exons, are not left to vanish from a clean run.
        if hits > len(checked) and (hits >= cfg["ref_check_min"] or hits == tried):
            raise BuildMismatch(f"VCF does not match {build} (looks like {other}): {hits} allele(s) fall in "
                                f"{other} target exons with matching REF, {len(checked)} in {build} exons",
                                path=path, fix=f"rerun with --build {other}")
        if hits and not checked:
            qc.setdefault("input_warnings", []).append(
                f"{hits} of {tried} allele(s) in {other} target exons match the {other} sequence and none fall in "
                f"{build} exons: check the build (rerun with --build {other} if the VCF is {other})")
        elif elsewhere and not variants:
            qc.setdefault("input_warnings", []).append(
                f"{len(elsewhere)} allele(s) fall in {other} target genes and none in {build}'s: check the build "
                f"(rerun with --build {other} if the VCF is {other})")
    return qc


def _same_haplotype(a: VariantCall, b: VariantCall) -> bool | None:
    """True/False when the VCF says cis/trans, None when it does not say."""
    if a.pid and b.pid and a.pid == b.pid and a.pgt and b.pgt:
        return a.pgt == b.pgt
    if a.phased and b.phased and a.phase_set and a.phase_set == b.phase_set and a.gt and b.gt:
        return a.gt == b.gt
    if a.lps and b.lps and a.lps == b.lps:
        return True
    return None


def _combine_same_codon(variants: list[AnnotatedVariant], calls: list[VariantCall], anns: list[Annotation | None],
                        ts: TranscriptSet) -> None:
    """SNVs/MNVs touching one codon on one haplotype change one residue: report the combined change."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    by_gene: dict[str, object] = {}  # ts.by_gene once per gene, not per variant
    for i, (v, a) in enumerate(zip(variants, anns)):
        if (a is None or v.status != "annotated" or a.t_start is None or a.t_end is None
                or a.t_end - a.t_start != len(a.t_alt or "") or not v.consequence):
            continue
        if a.gene not in by_gene:
            by_gene[a.gene] = ts.by_gene(a.gene)
        tx = by_gene[a.gene]
        if not tx.coding or not (tx.cds_start <= a.t_start and a.t_end - 1 <= tx.cds_end):
            continue
        for codon in range((a.t_start - tx.cds_start) // 3, (a.t_end - 1 - tx.cds_start) // 3 + 1):
            groups[(a.gene, codon)].append(i)
    done = set()
    # (a codon touched by one variant only has nothing to combine: left out before sorting)
    for (gene, _codon), idx in sorted(item for item in groups.items() if len(set(item[1])) > 1):
        idx = sorted(set(idx))
        if len(idx) < 2 or tuple(idx) in done:
            continue
        done.add(tuple(idx))
        phases = [_same_haplotype(calls[i], calls[j]) for i in idx for j in idx if i < j]
        if all(p is True for p in phases):
            tx = ts.by_gene(gene)
            cds = tx.cds_seq()
            alt = list(cds)
            for i in idx:
                a = anns[i]
                for k, base in enumerate(a.t_alt):
                    alt[a.t_start - tx.cds_start + k] = base
            first = min(anns[i].t_start for i in idx) - tx.cds_start
            pc = protein_change(cds, "".join(alt), first)
            names = [variants[i].protein_short for i in idx]
            for i in idx:
                v = variants[i]
                v.individual_hgvsp = v.hgvsp
                v.hgvsp, v.protein_short, v.protein_edit = pc.hgvsp, pc.short, pc.edit
                v.protein_position, v.consequence = pc.position, pc.consequence
                v.flags.append("combined_same_codon")
                v.combined_from = names
        else:
            flag = "same_codon_trans" if any(p is False for p in phases) else "same_codon_unphased"
            for i in idx:
                variants[i].flags.append(flag)
