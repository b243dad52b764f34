"""Depth and allele fraction from whatever the caller wrote: FORMAT AD (+DP/AF) -> Strelka2 tier counts
-> Ion Torrent FAO/FDP -> FreeBayes AO/RO -> VarScan AD/RD/FREQ -> INFO AF/DP (+ DP4 read counts)."""

from __future__ import annotations

from math import isfinite

import numpy as np

from alkannot.io.vcf.source import VcfInput

MISSING_INT = -2147483648


def format_array(rec, key: str, vi: VcfInput | None = None):
    """``rec.format(key)`` (the tag's values for every sample), or None when the record has none or cyvcf2
    cannot read it.

    cyvcf2 looks the tag's type up in the header first and raises KeyError when the header has no FORMAT
    line for it: an exception per record for the phase tags (PS, PGT, PID, LPS) most files never declare.
    A tag htslib meets undeclared in a record is added to the header as Type=String ("assuming
    Type=String"), so once this file's header has been seen to lack a tag (``vi.format_undeclared``), asking
    for it as String reads exactly what asking by name reads: nothing while the header lacks it, the text
    once htslib has added it."""
    if vi is not None and key in vi.format_undeclared:
        try:
            return rec.format(key, "String")
        except Exception:  # noqa: BLE001 - as below
            return None
    try:
        return rec.format(key)
    except KeyError:
        if vi is not None:
            vi.format_undeclared.add(key)
        return None
    except Exception:  # noqa: BLE001 - cyvcf2 raises plain exceptions for odd tags (e.g. Type=Flag)
        return None


def format_value(rec, key: str, s: int, vi: VcfInput | None = None):
    arr = format_array(rec, key, vi)
    if arr is None:
        return None
    return arr[s]


_MISSING = object()  # a value the file wrote as unreadable text (not a number, not '.')


def _numbers(value) -> list:
    """One FORMAT/INFO value as a list of numbers, None for '.', _MISSING for text that is no number.

    htslib types an undefined tag as a String ("10,5"), a defined one as numbers with its own missing
    and vector-end markers; both come out the same here (what `bcftools query` prints)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        text = value.decode() if isinstance(value, (bytes, np.bytes_)) else str(value)
        out: list = []
        for part in text.strip().split(","):
            part = part.strip()
            if part in ("", "."):
                out.append(None)
                continue
            try:
                out.append(float(part))
            except ValueError:
                out.append(_MISSING)
        return [] if out == [None] else out
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return _array_numbers(value)
    items = list(value) if isinstance(value, (tuple, list, np.ndarray)) else [value]
    out = []
    for x in items:
        if x is None:  # cyvcf2's missing value inside a tuple (INFO AF=.,0.5)
            out.append(None)
            continue
        if isinstance(x, (str, bytes, np.str_, np.bytes_)):
            out.extend(_numbers(x) or [None])
            continue
        if isinstance(x, (int, np.integer)):
            if x == MISSING_INT + 1:  # vector end: the sample wrote fewer values than the widest one
                break
            out.append(None if x == MISSING_INT else int(x))
        else:
            fx = float(x)
            out.append(None if np.isnan(fx) else fx)
    return [] if all(v is None for v in out) else out


def _array_numbers(value: np.ndarray) -> list:
    """_numbers of a numeric array (what htslib gives for a defined tag), read as Python numbers at once."""
    return _list_numbers(value.tolist(), value.dtype.kind == "f")


def _list_numbers(values: list, floats: bool) -> list:
    """_array_numbers of the array's ``tolist()`` (``floats``: its dtype is a float one)."""
    if floats:
        out = [None if x != x else x for x in values]  # NaN: missing
    elif MISSING_INT not in values and MISSING_INT + 1 not in values:
        out = values  # (most rows: every value written)
    else:
        out = []
        for x in values:
            if x == MISSING_INT + 1:  # vector end: the sample wrote fewer values than the widest one
                break
            out.append(None if x == MISSING_INT else x)
    return [] if out.count(None) == len(out) else out


def _fmt_numbers(rec, key: str, s: int, vi: VcfInput | None = None) -> list:
    """FORMAT `key` of sample `s` as numbers ([] when absent or all missing), header or not."""
    arr = format_array(rec, key, vi)
    if arr is None:
        return []
    if type(arr) is np.ndarray and arr.ndim == 2:
        kind = arr.dtype.kind
        if kind in "iuf":  # a defined numeric tag (a row per sample): _numbers' own first case, the row as a list
            return _list_numbers(arr.tolist()[s], kind == "f")
    return _numbers(arr[s])


def _info_numbers(rec, key: str) -> list:
    try:
        v = rec.INFO.get(key)
    except Exception:  # noqa: BLE001
        return []
    if v is None or isinstance(v, bool):
        return []
    return _numbers(v)


def _count(v, flags: list[str], flag: str) -> int | None:
    """A read count: a whole number >= 0, else None with `flag` noted. (`v` is a Python int or float, as
    _numbers gives them: math.isfinite reads it as np.isfinite did, without a numpy call per value.)"""
    if type(v) is int and v >= 0:  # (the usual case, what the test below passes as int(v))
        return v
    if v is None:
        return None
    if v is _MISSING or not isfinite(v) or v < 0 or v != int(v):
        if flag not in flags:
            flags.append(flag)
        return None
    return int(v)


def _fraction(v, flags: list[str], flag: str) -> float | None:
    """An allele fraction in [0, 1], else None with `flag` noted (AF > 1, negative, inf)."""
    if type(v) is float and 0 <= v <= 1:  # (the usual case, what the test below passes as float(v))
        return v
    if v is None:
        return None
    if v is _MISSING or not isfinite(v) or v < 0 or v > 1:
        if flag not in flags:
            flags.append(flag)
        return None
    return float(v)


_NOTHING = {"depth": None, "alt_reads": None, "vaf": None, "depth_source": None}  # a reading of nothing (copy it)


def depth_for(vi: VcfInput, rec, s: int | None, alt_index: int, ref: str, alt: str,
              flags: list[str] | None = None) -> dict:
    """alt_index is 1-based (allele number). Returns depth, alt_reads, vaf, depth_source.

    FORMAT tags are read whether or not the header defines them (htslib reads an undefined tag as
    text; so does this). A value that cannot be a count or a fraction (negative DP, AF > 1 or inf,
    AD with more or fewer values than alleles) is not used and named in `flags` (invalid_dp,
    invalid_af, invalid_ad, ad_allele_count_mismatch); the next source the caller wrote is tried.

    The tumour's own tags, when the sample names them (``vi.vaf_tags``: PCGR's INFO/TVAF and INFO/TDP), come
    first: see ``_tagged``. (The matched normal: ``normal_depth_for``.)"""
    flags = flags if flags is not None else []
    out = _caller_reading(vi, rec, s, alt_index, ref, alt, flags)
    if vi.vaf_tags is not None and s == vi.tumor_index:
        return _tagged(out, vi.vaf_tags, vi, rec, s, alt_index, flags)
    return out


def normal_depth_for(vi: VcfInput, rec, alt_index: int, ref: str, alt: str) -> dict:
    """The matched normal's reading (keys as depth_for's): its column as the caller wrote it, then the tags the
    sample names for it (``vi.normal_tags``, as ``_tagged`` reads the tumour's). A VCF whose one column holds a
    tumour-normal pair (PCGR's INFO/CVAF and INFO/CDP) has only the tags: nothing else there is the normal's."""
    s = vi.normal_index
    out = _caller_reading(vi, rec, s, alt_index, ref, alt, []) if s is not None else dict(_NOTHING)
    if vi.normal_tags is not None:  # (a FORMAT tag only with the normal's column: io.vcf.tags checked it)
        out = _tagged(out, vi.normal_tags, vi, rec, s, alt_index, [])
    return out


def _tagged(out: dict, tags, vi: VcfInput, rec, s: int | None, alt_index: int, flags: list[str]) -> dict:
    """The reading with the named tags' values put first. A record's value in the allele-fraction tag is its
    VAF, and its value in the depth tag its depth (else the depth the caller wrote); the alt reads are then
    VAF x depth, rounded, as for INFO/AF. A record without a value in the fraction tag keeps the caller's
    reading, whose missing depth the depth tag may fill. A value that is no fraction or count is flagged
    (invalid_af_tag, invalid_dp_tag), and so is a value that cannot be told apart per allele
    (af_tag_not_per_allele: a Number=1 or . fraction on a multi-allelic record)."""
    n_alts = len(rec.ALT or [])
    af = dp = None
    if tags.af is not None:
        v = _tag_item(vi, rec, tags.af, s, alt_index, n_alts, per_allele=True, flags=flags)
        af = None if v is None else _fraction(v, flags, "invalid_af_tag")
    if tags.dp is not None:
        v = _tag_item(vi, rec, tags.dp, s, alt_index, n_alts, per_allele=False, flags=flags)
        dp = None if v is None else _count(v, flags, "invalid_dp_tag")
    if af is not None:
        source = tags.af.label + (f", {tags.dp.label}" if dp is not None else "")
        return _alt_reads_from_vaf({"depth": dp if dp is not None else out["depth"], "alt_reads": None, "vaf": af,
                                    "depth_source": source})
    if dp is None or out["depth"] is not None:
        return out
    return _alt_reads_from_vaf({**out, "depth": dp, "depth_source": f"{out['depth_source']}, {tags.dp.label}"
                                if out["depth_source"] else tags.dp.label})


def _alt_reads_from_vaf(out: dict) -> dict:
    """The reading with its alt reads as VAF x depth, rounded, when it has both but no counted reads (its
    depth_source then says so)."""
    if out["vaf"] is not None and out["depth"] is not None and out["alt_reads"] is None:
        out["alt_reads"] = int(round(out["vaf"] * out["depth"]))
        out["depth_source"] = (out["depth_source"] or "") + " (alt reads = VAF x depth)"
    return out


def _tag_item(vi: VcfInput, rec, tag, s: int | None, alt_index: int, n_alts: int, *, per_allele: bool,
              flags: list[str]):
    """This allele's value of a named tag (a number, None for '.' or absent, NOT_A_NUMBER for text), read by
    the header's Number (io.vcf.tags checked it): a fraction per ALT (A), per allele with REF first (R), or
    one value per ALT under Number 1 or . (flagged af_tag_not_per_allele when there is not one per ALT); a
    depth is one value per site (flagged dp_tag_not_one_value otherwise)."""
    vals = _fmt_numbers(rec, tag.name, s, vi) if tag.section == "FORMAT" else _info_numbers(rec, tag.name)
    if not vals:
        return None
    if not per_allele:
        if len(vals) == 1:
            return vals[0]
        flags.append("dp_tag_not_one_value")
        return None
    if tag.number == "A" or (tag.number in ("1", ".") and len(vals) == n_alts):
        i = alt_index - 1
    elif tag.number == "R":
        i = alt_index
    else:
        flags.append("af_tag_not_per_allele")  # one fraction for several ALTs: whose is unknown
        return None
    return vals[i] if i < len(vals) else None


def _caller_reading(vi: VcfInput, rec, s: int | None, alt_index: int, ref: str, alt: str,
                    flags: list[str]) -> dict:
    """The reading from the caller's own tags, in the order the module docstring gives."""
    if s is not None:
        dps = _fmt_numbers(rec, "DP", s, vi)
        dp = _count(dps[0], flags, "invalid_dp") if dps else None
        afs = _fmt_numbers(rec, "AF", s, vi)
        af = _fraction(afs[alt_index - 1], flags, "invalid_af") if len(afs) >= alt_index else None
        ad = [] if vi.varscan else _fmt_numbers(rec, "AD", s, vi)
        if ad and len(ad) != 1 + len(rec.ALT or []):
            flags.append("ad_allele_count_mismatch")  # which value is which allele is unknown
            ad = []
        if ad:
            counts = [_count(x, flags, "invalid_ad") for x in ad]
            if "invalid_ad" in flags:
                counts = []
            if counts and counts[alt_index] is not None:
                total = sum(v for v in counts if v is not None)
                alt_n = counts[alt_index]
                return {"depth": dp if dp is not None and dp >= total else total, "alt_reads": alt_n,
                        "vaf": af if af is not None else (alt_n / total if total else None),
                        "depth_source": "FORMAT/AD"}
        out = dict(_NOTHING)
        if len(ref) == 1 and len(alt) == 1 and alt in "ACGT":
            # Strelka2 somatic SNV: {ACGT}U = (tier1, tier2) counts; tier 1 is what Strelka reports
            tiers = {b: _fmt_numbers(rec, f"{b}U", s, vi) for b in "ACGT"}
            if all(tiers.values()):
                t1 = {b: _count(t[0], flags, "invalid_tier_count") for b, t in tiers.items()}
                alt_n = t1[alt]
                tot = sum(v or 0 for v in t1.values())
                out.update(alt_reads=alt_n, depth=tot, vaf=(alt_n / tot if tot and alt_n is not None else None),
                           depth_source="Strelka2 tier1 {ACGT}U")
                return out
        tir, tar = _fmt_numbers(rec, "TIR", s, vi), _fmt_numbers(rec, "TAR", s, vi)
        if tir and tar:
            a, r = _count(tir[0], flags, "invalid_tier_count"), _count(tar[0], flags, "invalid_tier_count")
            if a is not None and r is not None:
                out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                           depth_source="Strelka2 tier1 TIR/TAR")
                return out
        # Ion Torrent TVC: the flow-evaluator counts FAO (per ALT) and FDP (the locus) are what its AF is (FAO/FDP)
        # and what Ion Reporter reports; its AO/RO (read-level, before flow evaluation) come next, as FreeBayes'
        fao, fdp = _fmt_numbers(rec, "FAO", s, vi), _fmt_numbers(rec, "FDP", s, vi)
        if fao and fdp and len(fao) >= alt_index:
            a = _count(fao[alt_index - 1], flags, "invalid_fao")
            d = _count(fdp[0], flags, "invalid_fdp")
            if a is not None and d is not None:
                out.update(alt_reads=a, depth=d, vaf=af if af is not None else (a / d if d else None),
                           depth_source="Ion Torrent FAO/FDP")
                return out
        ao, ro = _fmt_numbers(rec, "AO", s, vi), _fmt_numbers(rec, "RO", s, vi)
        if ao and ro and len(ao) >= alt_index:
            aos = [_count(x, flags, "invalid_ao") for x in ao]
            r = _count(ro[0], flags, "invalid_ro")
            if r is not None and aos[alt_index - 1] is not None:
                a = aos[alt_index - 1]
                tot = r + sum(x or 0 for x in aos)
                out.update(alt_reads=a, depth=tot, vaf=a / tot if tot else None, depth_source="FreeBayes AO/RO")
                return out
        if vi.varscan:
            vad, rd = _fmt_numbers(rec, "AD", s, vi), _fmt_numbers(rec, "RD", s, vi)
            a = _count(vad[0], flags, "invalid_ad") if vad else None
            r = _count(rd[0], flags, "invalid_rd") if rd else None
            if a is not None and r is not None:
                out.update(alt_reads=a, depth=a + r, vaf=a / (a + r) if a + r else None,
                           depth_source="VarScan2 AD/RD")
                return out
        if af is not None:
            out.update(vaf=af, depth=dp, depth_source="FORMAT/AF")
            return out
        out["depth"] = dp
    else:
        out = dict(_NOTHING)
    # INFO fallback
    iaf = _info_numbers(rec, "AF")
    if len(iaf) >= alt_index:
        v = _fraction(iaf[alt_index - 1], flags, "invalid_info_af")
        if v is not None:
            out["vaf"] = v
            out["depth_source"] = out["depth_source"] or "INFO/AF"
    if out["depth"] is None:
        idp = _info_numbers(rec, "DP")
        out["depth"] = _count(idp[0], flags, "invalid_info_dp") if idp else None
    _dp4_counts(vi, rec, out, flags)
    return _alt_reads_from_vaf(out)


def _dp4_counts(vi: VcfInput, rec, out: dict, flags: list[str]) -> None:
    """INFO/DP4 (LoFreq, bcftools/samtools mpileup: high-quality ref-forward, ref-reverse, alt-forward,
    alt-reverse bases) counts the alt reads of a one-ALT record, which VAF x depth would only estimate: the
    reading takes them, its depth at least their total, and its VAF from them unless the caller wrote one
    (INFO/AF). A record with several ALTs lumps them in DP4, and a file with several samples sums theirs
    (bcftools call), so neither is read there."""
    if len(rec.ALT or []) != 1 or len(vi.samples) > 1:
        return
    dp4 = _info_numbers(rec, "DP4")
    if len(dp4) != 4:
        return
    counts = [_count(x, flags, "invalid_dp4") for x in dp4]
    if None in counts:
        return
    alt_n, total = counts[2] + counts[3], sum(counts)
    out["alt_reads"] = alt_n
    out["depth"] = out["depth"] if out["depth"] is not None and out["depth"] >= total else total
    if out["vaf"] is None:
        out["vaf"] = alt_n / total if total else None
    out["depth_source"] = f"{out['depth_source']}, INFO/DP4" if out["depth_source"] else "INFO/DP4"


# The same readings for the other readers of this package (io.vcf.refcalls: depth blocks).
NOT_A_NUMBER = _MISSING


def format_numbers(rec, key: str, s: int) -> list:
    """FORMAT ``key`` of sample ``s`` as numbers: None for '.', NOT_A_NUMBER for text that is no number."""
    return _fmt_numbers(rec, key, s)


def info_numbers(rec, key: str) -> list:
    """INFO ``key`` as numbers: None for '.', NOT_A_NUMBER for text that is no number."""
    return _info_numbers(rec, key)
