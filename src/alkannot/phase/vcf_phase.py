"""Phase as the variant caller wrote it in the VCF (FORMAT GT+PS, Mutect2 PGT/PID, SAGE LPS).

The caller saw the reads; we only read its statement, and say which field it came from.
"""

from __future__ import annotations

from alkannot.core.contigs import canonical_chrom
from alkannot.model import VariantCall


def alt_haplotypes(gt: str | None) -> set[int] | None:
    """Haplotype indices carrying a non-reference allele in a phased GT ("0|1" -> {1}); None if unusable.

    After multi-allelic splitting a GT may name another ALT ("1|2"); any non-zero allele counts as
    carrying a variant on that haplotype, which is what phase needs.
    """
    if not gt or "|" not in gt or "/" in gt:
        return None
    alleles = gt.split("|")
    if any(x in (".", "") for x in alleles):
        return None
    carried = {i for i, x in enumerate(alleles) if x != "0"}
    return carried or None


def _relation(hap_a: set[int], hap_b: set[int]) -> str:
    # Sharing any haplotype means some molecule carries both (1|1 with 0|1 is cis on haplotype 2).
    return "cis" if hap_a & hap_b else "trans"


def phase_from_vcf(a: VariantCall, b: VariantCall, a_name: str = "A", b_name: str = "B") -> dict | None:
    """The caller's phase for two calls, or None when the VCF does not say.

    Order: phased GT in the same phase set (PS; phased GTs without PS are one set, as the VCF spec
    says), then Mutect2 PGT/PID (same PID; PGT orientation), then SAGE LPS (same local phase set -> cis).
    Returns {"phase", "basis": "GT+PS"|"PGT+PID"|"LPS", "confidence": None, "confidence_label": "caller",
    "explanation", and the fields used}.
    """
    if canonical_chrom(a.chrom) != canonical_chrom(b.chrom):
        return None
    # Phased GT + PS
    ha, hb = alt_haplotypes(a.gt), alt_haplotypes(b.gt)
    if ha and hb and (a.phase_set or None) == (b.phase_set or None):
        phase = _relation(ha, hb)
        ps = a.phase_set if a.phase_set is not None else "none (one set per the VCF spec)"
        return _result(phase, "GT+PS",
                       f"caller phased GT {a.gt} ({a_name}) and {b.gt} ({b_name}) in phase set {ps}",
                       gt_a=a.gt, gt_b=b.gt, phase_set=a.phase_set)
    # Mutect2 physical phasing
    if a.pid and b.pid and a.pid == b.pid:
        pa, pb = alt_haplotypes(a.pgt), alt_haplotypes(b.pgt)
        if pa and pb:
            phase = _relation(pa, pb)
            return _result(phase, "PGT+PID",
                           f"Mutect2 PID {a.pid} shared; PGT {a.pgt} ({a_name}) vs {b.pgt} ({b_name})",
                           pgt_a=a.pgt, pgt_b=b.pgt, pid=a.pid)
    # SAGE local phase sets (may list several ids)
    if a.lps and b.lps:
        shared = sorted(set(str(a.lps).split(",")) & set(str(b.lps).split(",")) - {"", "."})
        if shared:
            return _result("cis", "LPS", f"SAGE local phase set {','.join(shared)} holds both {a_name} and "
                           f"{b_name} (seen together on reads)", lps=",".join(shared))
    return None


def _result(phase: str, basis: str, explanation: str, **fields) -> dict:
    return {"phase": phase, "basis": basis, "confidence": None, "confidence_label": "caller",
            "explanation": f"{phase}: {explanation}", **fields}
