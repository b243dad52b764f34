"""Small-variant input of any accepted kind (VCF/BCF, or MAF converted to VCF) through one annotator.

`annotate_input` is `annotate_vcf` for VCF/BCF; for a MAF (see `alkannot.annotate.maf_input`) it converts the
tumour's records into a temporary VCF, annotates that with the same engine (protein changes from our
transcript models, REF checked), then adds the MAF indels whose anchor base is unknown as
``not_annotated: maf_anchor_base_unknown`` so that `accounting` still covers every record of the file
(``records_read`` counts the tumour's MAF rows; each variant's ``maf_line`` is its MAF line, ``line`` its
line in the converted VCF; the rows that could not be converted have ``vcf_pos`` null).
"""

from __future__ import annotations

from collections import Counter

from alkannot.annotate.engine import Annotation
from alkannot.annotate.maf_input import REASON_ANCHOR, looks_like_maf, maf_to_vcf
from alkannot.annotate.transcripts import load_transcripts
from alkannot.annotate.variants import AnnotationResult, annotate_vcf, variant_record
from alkannot.core.resources import settings
from alkannot.errors import InputError
from alkannot.model import VariantCall


def annotate_input(path: str, build: str | None, *, tumor_sample: str | None = None,
                   normal_sample: str | None = None, reference: str | None = None,
                   pass_filters: list[str] | None = None, depth_sites=None,
                   **tags: str | None) -> AnnotationResult:
    """Annotate a VCF/BCF or a MAF (detected by name or header) for one tumour sample (``depth_sites`` and the
    allele-fraction/depth ``tags`` (tumor_af_tag, ..., normal_dp_tag): see ``annotate_vcf``; a MAF has no
    tags, its counts are its columns)."""
    if not looks_like_maf(path):
        return annotate_vcf(path, build, tumor_sample=tumor_sample, normal_sample=normal_sample,
                            reference=reference, pass_filters=pass_filters, depth_sites=depth_sites, **tags)
    named = [k for k, v in tags.items() if v]
    if named:
        raise InputError(f"VCF tags named ({', '.join(named)}), but this input is a MAF", path=path,
                         fix="leave them empty: a MAF's t_/n_depth, _ref_count and _alt_count columns are read")
    conv = maf_to_vcf(path, build=build, tumor_sample=tumor_sample, reference=reference)
    res = annotate_vcf(conv.vcf_path, conv.build, tumor_sample=conv.tumor_sample,
                       normal_sample=normal_sample or conv.normal_sample, reference=reference,
                       pass_filters=pass_filters, depth_sites=depth_sites)
    build = res.vcf_info["build"]
    for v, call in zip(res.variants, res.calls):
        maf_line = conv.maf_line_of.get(call.line) if call.line is not None else None
        if maf_line is not None:
            v.maf_line = maf_line
            v.maf_mutation_status = conv.mutation_status_of.get(maf_line)
    cfg = settings()
    pass_set = set(pass_filters or cfg["pass_filters"])
    genes = set(cfg["target_genes"])
    ts = load_transcripts(build)
    in_targets = 0
    for u in conv.unanchored:
        hit = [t for t in ts.overlapping(u["chrom"], u["pos"], u["pos"]) if t.gene in genes]
        if not hit:
            continue
        in_targets += 1
        tx = hit[0]
        for alt in u["alts"]:
            # not a record of the converted VCF (no anchor base): no line / vcf_pos there
            call = VariantCall(chrom=u["chrom"], pos=u["pos"], ref=u["ref"], alt=alt, line=None,
                               record_id=f"MAF_L{u['line']}")
            ann = Annotation(gene=tx.gene, transcript=tx.transcript_id, status="not_annotated", reason=REASON_ANCHOR)
            vd = variant_record(call, ann, "not_annotated", REASON_ANCHOR, pass_set)
            vd.maf_line = u["line"]
            vd.maf_mutation_status = conv.mutation_status_of.get(u["line"])
            res.variants.append(vd)
            res.calls.append(call)
    acc = res.accounting
    acc["records_read"] += len(conv.unanchored)
    acc["records_in_targets"] += in_targets
    acc["alleles_in_targets"] = len(res.variants)
    counts = Counter(v.reason for v in res.variants if v.status == "not_annotated")
    acc["not_annotated"] = dict(sorted(counts.items()))
    acc["input_format"] = "maf"
    res.vcf_info.update(input_format="maf", maf_rows=conv.rows_read, maf_rows_for_sample=conv.rows_for_sample)
    return res
