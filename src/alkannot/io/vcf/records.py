"""One record -> VariantCalls: value checks, genotype status, allele splitting and trimming."""

from __future__ import annotations

import re
from sys import intern

import numpy as np

from alkannot.core.sequence import only_bases, trim_allele
from alkannot.errors import InputError
from alkannot.io.vcf.depth import MISSING_INT, depth_for, format_value, normal_depth_for
from alkannot.io.vcf.source import VcfInput
from alkannot.model import VariantCall

KEEP_INFO = ("CSQ", "ANN", "BCSQ", "SVTYPE")
_REF_OK = re.compile(r"^[ACGTNRYSWKMBDHVacgtnryswkmbdhv]+$")  # VCF allows IUPAC codes in REF
_ALT_OK = re.compile(
    r"^(?:[ACGTNacgtn]+|\*|\.|<[^<>,\s]+>"  # bases, spanning deletion, missing, symbolic
    r"|[ACGTNacgtn]+(?:/[ACGTNacgtn]+)+"  # VarScan2 writes 'A/T' at some sites: listed, not refused
    r"|[ACGTNacgtn]*[\[\]][^\[\]\s]+:\d+[\[\]][ACGTNacgtn]*"  # breakend t[p[ / ]p]t
    r"|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$"  # single breakends
)


def check_record(vi: VcfInput, rec, line: int | None) -> None:
    """REF/ALT alphabet and UTF-8: what htslib accepts but a variant record must not contain."""
    where = {"path": vi.path, "line": line}
    if not _REF_OK.match(rec.REF or ""):
        raise InputError(f"REF {str(rec.REF)[:40]!r} is not a DNA sequence", **where,
                         fix="REF must be bases (A, C, G, T, N); fix or remove this record")
    for alt in rec.ALT or []:
        if not _ALT_OK.match(alt):
            raise InputError(f"ALT {alt[:40]!r} is not a VCF allele (bases, <ID>, breakend, '*' or '.'; "
                             "several ALTs are comma-separated)", **where, fix="fix or remove this record")
    for name, value in (("CHROM", rec.CHROM), ("ID", rec.ID), ("FILTER", rec.FILTER)):
        if value and "\ufffd" in value:  # cyvcf2 decodes with errors='replace'
            raise InputError(f"{name} is not UTF-8 text", **where,
                             fix="VCF must be UTF-8: convert it, e.g. iconv -f latin1 -t utf-8")


def _gt_info(g: tuple[list[int | None], bool] | None) -> tuple[str | None, bool]:
    """(GT text, phased) of the sample's GT as genotype_alleles read it (read once per record)."""
    if g is None:
        return None, False
    alleles, phased = g
    return ("|" if phased else "/").join(["." if a is None else str(a) for a in alleles]), phased


def genotype_alleles(rec, s: int) -> tuple[list[int | None], bool] | None:
    """The sample's GT as allele numbers (None = '.') and phasing, or None when the record has no GT
    (Strelka2 somatic, many sites-only or tier-count callers). Read whether or not ##FORMAT=<ID=GT>
    is declared, as htslib does."""
    try:
        g = rec.genotypes[s]
    except Exception:  # noqa: BLE001 - cyvcf2: "error parsing genotypes" when GT is absent
        return None
    if g is None or len(g) < 2:
        return None
    return [None if a < 0 else int(a) for a in g[:-1]], bool(g[-1])


# genotype_status of a VariantCall (see split_record)
GT_CALLED, GT_NOT_CALLED, GT_ALT_ABSENT = "called", "not_called", "alt_not_in_genotype"


def genotype_status(alleles: list[int | None] | None, alt_index: int) -> str | None:
    """Did the caller call this ALT (1-based allele number) in the tumour sample?

    None: the record gives no GT (nothing to honour; the call stands). `not_called`: GT is missing
    (./., .) or reference only (0/0, 0). `alt_not_in_genotype`: GT calls another ALT of the record.
    Any GT containing the allele (0/1, 1, 1/2, ./1, Mutect2's 0/1/2) is `called`."""
    if alleles is None:
        return None
    called = [a for a in alleles if a is not None]
    if alt_index in called:
        return GT_CALLED
    if not called or all(a == 0 for a in called):
        return GT_NOT_CALLED
    return GT_ALT_ABSENT


def _fmt_str(vi: VcfInput, rec, key: str, s: int) -> str | None:
    # read whether or not the header defines the tag (htslib reads an undefined one as text)
    v = format_value(rec, key, s, vi)
    if v is None:
        return None
    if isinstance(v, (np.ndarray, list, tuple)):
        v = v[0] if len(v) else None
    if v is None:
        return None
    v = str(v)
    if v in (".", "", str(MISSING_INT)):
        return None
    return v


def split_record(vi: VcfInput, rec, line: int | None) -> list[VariantCall]:
    """One VariantCall per ALT allele (multi-allelic records split; alleles trimmed)."""
    calls = []
    filt = intern(rec.FILTER or "PASS")  # (a few distinct values on many records: one string each)
    s = vi.tumor_index
    if filt == "PASS" and s is not None:
        # FORMAT/FT is the tumour's own FILTER (VCF 4.2 1.6.2): a genotype filtered there was not called there
        ft = _fmt_str(vi, rec, "FT", s)
        if ft is not None and ft != "PASS":
            filt = intern(f"FT:{ft}")
    gta = genotype_alleles(rec, s) if s is not None else None
    gt, phased = _gt_info(gta)
    ps = _fmt_str(vi, rec, "PS", s) if s is not None else None
    pgt = _fmt_str(vi, rec, "PGT", s) if s is not None else None
    pid = _fmt_str(vi, rec, "PID", s) if s is not None else None
    lps = _fmt_str(vi, rec, "LPS", s) if s is not None else None
    info_keep = {}
    for k in KEEP_INFO:
        if k in vi.info_ids:
            v = rec.INFO.get(k)
            if v is not None:
                info_keep[k] = v if isinstance(v, (str, int, float)) else ",".join(map(str, v))
    alts = rec.ALT or []
    if not alts:
        alts = [None]
    for i, alt in enumerate(alts, start=1):
        ref = rec.REF
        alt_s = alt if alt is not None else "."
        pos, tref, talt = (rec.POS, ref, alt_s)
        if alt is not None and ref and alt_s and only_bases(ref) and only_bases(alt_s):
            pos, tref, talt = trim_allele(rec.POS, ref.upper(), alt_s.upper())
        vflags: list[str] = []
        d = depth_for(vi, rec, s, i, tref, talt, vflags) if alt is not None else {}
        call = VariantCall(chrom=intern(rec.CHROM), pos=pos, ref=tref, alt=talt, filter=filt, line=line,
                           record_id=rec.ID, gt=intern(gt) if gt else gt, phased=phased, phase_set=ps, pgt=pgt, pid=pid, lps=lps,
                           info=info_keep, orig_pos=rec.POS, orig_ref=ref, orig_alt=alt_s, **d)
        call.genotype_status = genotype_status(gta[0] if gta else None, i)
        call.value_flags = vflags
        call.end = rec.end  # htslib's: INFO/END for symbolic alleles and gVCF blocks
        if (vi.normal_index is not None or vi.normal_tags is not None) and alt is not None:
            nd = normal_depth_for(vi, rec, i, tref, talt)
            call.normal_alt_reads, call.normal_depth = nd["alt_reads"], nd["depth"]
        calls.append(call)
    return calls
