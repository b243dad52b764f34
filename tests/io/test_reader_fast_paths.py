"""The record reader's faster value readings give what the former code gave, on many generated records.

Each `_former_*` is the implementation it replaced, kept here verbatim as the reference; whole records are
split (io.vcf.split_record, depths and flags included) once with the current helpers and once with these.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alkannot.io.vcf import depth, records
from alkannot.io.vcf.reader import iter_records, open_vcf

SETTINGS = settings(max_examples=150, deadline=None)


def _former_fmt_numbers(rec, key, s, vi=None):
    try:
        arr = rec.format(key)
    except Exception:  # noqa: BLE001
        return []
    if arr is None:
        return []
    return depth._numbers(arr[s])


def _former_format_array(rec, key, vi=None):
    """rec.format(key), None when cyvcf2 raises (the former format_value, before it took the sample's row)"""
    try:
        return rec.format(key)
    except (KeyError, Exception):
        return None


def _former_format_value(rec, key, s, vi=None):
    """The former format_value: the sample's row of _former_format_array."""
    arr = _former_format_array(rec, key)
    return None if arr is None else arr[s]


def _former_count(v, flags, flag):
    if v is None:
        return None
    if v is depth._MISSING or not np.isfinite(v) or v < 0 or v != int(v):
        if flag not in flags:
            flags.append(flag)
        return None
    return int(v)


def _former_fraction(v, flags, flag):
    if v is None:
        return None
    if v is depth._MISSING or not np.isfinite(v) or v < 0 or v > 1:
        if flag not in flags:
            flags.append(flag)
        return None
    return float(v)


def _former_is_plain(allele):
    return bool(allele) and all(c in "ACGTNacgtn" for c in allele)


def _former_only_bases(allele):  # what the former _is_plain tested after its bool(allele)
    return all(c in "ACGTNacgtn" for c in allele)


FORMER = {(depth, "_fmt_numbers"): _former_fmt_numbers, (depth, "_count"): _former_count,
          (depth, "_fraction"): _former_fraction, (records, "only_bases"): _former_only_bases,
          (records, "format_value"): _former_format_value}


def _split_all(path):
    vi = open_vcf(path)
    return [(line, records.split_record(vi, rec, line)) for line, rec in iter_records(vi, [("2", 1, 10**9)])]


def _split_all_former(path):
    saved = {k: getattr(*k) for k in FORMER}
    try:
        for (mod, name), f in FORMER.items():
            setattr(mod, name, f)
        return _split_all(path)
    finally:
        for (mod, name), f in saved.items():
            setattr(mod, name, f)


numbers = st.one_of(st.just("."), st.integers(min_value=-5, max_value=10**6).map(str),
                    st.sampled_from(["0.5", "1.5", "-0.1", "inf", "nan", "1e400", "abc", "3.0", ""]))
alleles = st.sampled_from(["A", "C", "G", "T", "AC", "CA", "ACG", "N", "a", "<DEL>", "*", "."])


def _cell(draw_list, n):
    return ",".join(draw_list[:n]) if draw_list else "."


phase_tags = st.lists(st.tuples(st.sampled_from(["PS", "PGT", "PID", "LPS"]),
                                st.sampled_from(["123", ".", "0|1", "1000_A_C", "7"])),
                      max_size=3, unique_by=lambda t: t[0])


@SETTINGS
@given(recs=st.lists(st.tuples(alleles, st.lists(alleles, min_size=1, max_size=3, unique=True),
                               st.lists(numbers, min_size=1, max_size=4), st.lists(numbers, min_size=1, max_size=3),
                               numbers, st.sampled_from(["0/1", "1|0", "./.", "0/0", "1/2", "."]),
                               st.lists(numbers, min_size=1, max_size=3), st.booleans(), phase_tags),
                     min_size=1, max_size=8),
       declared=st.sets(st.sampled_from(["PS", "PGT"])))
def test_split_record_as_before(tmp_path_factory, recs, declared):
    """GT, AD/AF/DP (declared numeric), an undeclared text tag (XX: read as text, as htslib does), phase
    tags declared or not and in some records only (htslib adds an undeclared one to the header when it
    first meets it), INFO AF/DP, missing and invalid values, multi-allelic and symbolic alleles: the same
    VariantCalls."""
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=2,length=242193529>",
             '##INFO=<ID=AF,Number=A,Type=Float,Description="a">', '##INFO=<ID=DP,Number=1,Type=Integer,Description="d">',
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">',
             '##FORMAT=<ID=AF,Number=A,Type=Float,Description="af">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
             *(f'##FORMAT=<ID={t},Number=1,Type={"Integer" if t == "PS" else "String"},Description="p">'
               for t in sorted(declared)),
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT"]
    for i, (ref, alts, ad, af, dp, gt, xx, info, tags) in enumerate(recs):
        if "PS" in declared:
            tags = [(t, v if t != "PS" or v in (".", "123", "7") else "7") for t, v in tags]
        ref = ref if ref[0] in "ACGTNa" else "A"
        ad = [x if x.lstrip("-").isdigit() or x == "." else "." for x in ad]  # integers (htslib refuses others)
        dp = dp if dp.lstrip("-").isdigit() or dp == "." else "."
        af = [x if x not in ("", "abc") else "." for x in af]
        # INFO AF: one value per ALT ('.' among several makes _numbers fail, before and now: not this test's)
        iaf = [x if len(alts) == 1 or x != "." else "0.25" for x in (af * 3)[:len(alts)]]
        inf = f"AF={','.join(iaf)};DP={dp}" if info else "."
        keys = "".join(f":{t}" for t, _ in tags)
        values = "".join(f":{v}" for _, v in tags)
        lines.append(f"2\t{1000 + 10 * i}\t.\t{ref}\t{','.join(alts)}\t.\tPASS\t{inf}\tGT:AD:AF:DP:XX{keys}\t"
                     f"{gt}:{','.join(ad)}:{','.join(af)}:{dp}:{','.join(xx) or '.'}{values}")
    path = tmp_path_factory.mktemp("vcf") / "t.vcf"
    path.write_text("\n".join(lines) + "\n")
    assert _outcome(_split_all, str(path)) == _outcome(_split_all_former, str(path))


def _outcome(f, *args):
    """f's result, or the type and text of what it raised (alike, then)."""
    try:
        return f(*args)
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)


@settings(max_examples=500, deadline=None)
@given(v=st.one_of(st.none(), st.just(depth._MISSING), st.integers(min_value=-2**31, max_value=2**31),
                   st.floats(allow_nan=True, allow_infinity=True)))
def test_count_and_fraction(v):
    for new, old in ((depth._count, _former_count), (depth._fraction, _former_fraction)):
        f1, f2 = [], []
        assert new(v, f1, "x") == old(v, f2, "x") and f1 == f2


@settings(max_examples=500, deadline=None)
@given(a=st.text(alphabet="ACGTNacgtnRX*<>.", max_size=8))
def test_is_plain(a):
    """split_record trims an allele pair only when both are non-empty bases (records: ``x and only_bases(x)``)."""
    assert (bool(a) and records.only_bases(a)) == _former_is_plain(a)


def test_isfinite_is_numpys_on_python_numbers():
    for v in (0, 1, -1, 2**40, 0.5, math.inf, -math.inf, math.nan, 1e308):
        assert math.isfinite(v) == bool(np.isfinite(v))


def _former_array_numbers(value):
    out: list = []
    if value.dtype.kind == "f":
        for x in value.tolist():
            out.append(None if x != x else x)
    else:
        for x in value.tolist():
            if x == depth.MISSING_INT + 1:
                break
            out.append(None if x == depth.MISSING_INT else x)
    return [] if out.count(None) == len(out) else out


@settings(max_examples=500, deadline=None)
@given(ints=st.lists(st.one_of(st.integers(min_value=-2**31 + 2, max_value=2**31 - 1),
                               st.sampled_from([depth.MISSING_INT, depth.MISSING_INT + 1])), max_size=5),
       floats=st.lists(st.floats(width=32, allow_nan=True), max_size=5))
def test_array_numbers(ints, floats):
    for arr in (np.array(ints, dtype=np.int32), np.array(floats, dtype=np.float32)):
        assert depth._array_numbers(arr) == _former_array_numbers(arr)


def _records_read(path):
    """Every target record htslib gives (its text as cyvcf2 prints it) and the split calls, or the error."""
    vi = open_vcf(path)
    return [(line, str(rec), records.split_record(vi, rec, line)) for line, rec in iter_records(vi, [("2", 1, 10**9)])]


@settings(max_examples=60, deadline=None)
@given(recs=st.lists(st.tuples(alleles, st.lists(alleles, min_size=1, max_size=3, unique=True), numbers,
                               st.sampled_from(["0/1", "1|0", "./.", "1/2"])), min_size=0, max_size=12),
       gz=st.booleans())
def test_in_memory_subset_reads_as_the_temporary_file(tmp_path_factory, recs, gz):
    """The kept lines of a streamed VCF parsed from an in-memory file (io.vcf.reader.subset_path, small subsets)
    give the records, calls and errors the temporary file gives, and leave no descriptor open."""
    import gzip
    import os

    from alkannot.io.vcf import reader

    lines = ["##fileformat=VCFv4.2", "##contig=<ID=2,length=242193529>",
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT"]
    for i, (ref, alts, dp, gt) in enumerate(recs):
        ref = ref if ref[0] in "ACGTNa" else "A"
        lines.append(f"2\t{1000 + 10 * i}\t.\t{ref}\t{','.join(alts)}\t.\tPASS\t.\tGT:DP\t{gt}:{dp}")
    path = tmp_path_factory.mktemp("vcf") / ("t.vcf.gz" if gz else "t.vcf")
    text = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(text) if gz else text)
    fds = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    in_memory = _outcome(_records_read, str(path))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reader, "SMALL_SUBSET", -1)  # every subset in a temporary file
        assert _outcome(_records_read, str(path)) == in_memory
    if fds is not None:
        assert set(os.listdir("/proc/self/fd")) == fds


def test_subset_path_in_memory_only_when_small(monkeypatch):
    """A subset above SMALL_SUBSET bytes goes to a temporary file; a small one (where the system has memfd) is
    held in memory; both hold the header then the kept lines."""
    import os

    from alkannot.io.vcf import reader

    header, kept = [b"##fileformat=VCFv4.2\n", b"#CHROM\tPOS\n"], [(3, b"2\t5\n"), (9, b"2\t7\n")]
    with reader.subset_path(header, kept) as p:
        assert open(p, "rb").read() == b"".join(header) + b"2\t5\n2\t7\n"
        assert p.startswith("/proc/self/fd/") == (hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"))
    monkeypatch.setattr(reader, "SMALL_SUBSET", 20)
    with reader.subset_path(header, kept) as p:
        assert not p.startswith("/proc/") and open(p, "rb").read() == b"".join(header) + b"2\t5\n2\t7\n"
    assert not os.path.exists(p)
