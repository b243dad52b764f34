"""The annotated VCF: the input's records in the target genes with alkannot's calls as INFO fields.

Other tools (bcftools, IGV, a lab's own filters) read this file, so it follows the VCF rules rather
than ours: one INFO value per ALT allele (Number=A, '.' where there is nothing to say), values
percent-encoded as VCF 4.3 section 1.2 asks, records sorted, bgzipped and tabix-indexed.  Records
are taken from the input file itself (re-read with pysam) so every FORMAT/INFO value the caller
wrote is kept as written; only the ALKANNOT_* fields are added.

Why pysam here and cyvcf2 in ``alkannot.io``: the annotated copy must be bgzipped and tabix-indexed, which
only pysam exposes (``tabix_index``), and pysam's header API adds the INFO definitions. Writing with
cyvcf2's Writer would keep pysam for the index anyway, and its bundled htslib (a different version from
pysam's) would change the header order and the compressed bytes of every existing output.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from alkannot import __version__
from alkannot.annotate.record import AnnotatedVariant, as_records
from alkannot.core.contigs import canonical_chrom
from alkannot.errors import InputError
from alkannot.io.atomic import atomic_path
from alkannot.io.vcf import (
    header_columns,
    is_bcf,
    is_indexed,
    prefilter_lines,
    region_queries,
    span_overlaps,
    subset_path,
    target_spans,
)

# VCF 4.3 §1.2: characters with a special meaning are written as %XX.  Spaces are encoded too: many
# parsers still follow VCF 4.2, which forbids whitespace in INFO.
_ESCAPES = {"%": "%25", ":": "%3A", ";": "%3B", "=": "%3D", ",": "%2C", "\r": "%0D", "\n": "%0A",
            "\t": "%09", " ": "%20"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
# Most values (genes, transcripts, HGVS, consequences) hold none of those characters: one regex search (a C
# scan) finds that, where translate looks every character up in the table (~3x the time on such values).
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
MISSING = "."
_PLAIN = re.compile(r"[ACGTNacgtn*]+")


def vcf_escape(value: object) -> str:
    """One INFO value, percent-encoded; None/empty -> '.'."""
    if value is None:
        return MISSING
    if isinstance(value, (list, tuple)):
        # several values for one allele (compound names) are '|'-separated: ',' separates alleles
        value = "|".join(str(v) for v in value if v not in (None, ""))
    s = str(value)
    if s == "":
        return MISSING
    return _percent_encoded(s)


def _percent_encoded(s: str) -> str:
    return s.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(s) else s


def _kd_region(v: AnnotatedVariant) -> str | None:
    return (v.alk_region or "kinase_domain") if v.alk_kinase_domain else None


def _status(v: AnnotatedVariant) -> str | None:
    return "annotated" if v.status == "annotated" else (v.reason or v.status)


# (INFO id, Description, value of one allele).  Order is the order of the header lines.
INFO_FIELDS: list[tuple[str, str, Callable[[AnnotatedVariant], object]]] = [
    ("ALKANNOT_GENE", "Gene whose MANE Select transcript alkannot annotated this allele on",
     lambda v: v.gene),
    ("ALKANNOT_TRANSCRIPT", "Transcript of ALKANNOT_HGVSC/ALKANNOT_HGVSP (RefSeq MANE Select)",
     lambda v: v.transcript),
    ("ALKANNOT_HGVSC", "HGVS c. (or n.) change on ALKANNOT_TRANSCRIPT, 3'-shifted", lambda v: v.hgvsc),
    ("ALKANNOT_HGVSP", "HGVS p. change, three-letter, predicted (in parentheses); same-codon changes on one "
     "haplotype are combined", lambda v: v.hgvsp),
    ("ALKANNOT_CSQ", "Sequence Ontology consequence terms, '&'-separated", lambda v: v.consequence),
    ("ALKANNOT_KD_REGION", "ALK kinase-domain structural region (e.g. solvent_front, gatekeeper; kinase_domain "
     "when no narrower region applies); '.' outside the ALK kinase domain", _kd_region),
    ("ALKANNOT_COMPOUND", "Compound ALK mutations this allele is part of, with phase, '|'-separated "
     "(e.g. G1202R+L1196M%20(cis))", lambda v: v.compound or None),
    ("ALKANNOT_CH", "Clonal haematopoiesis status from the matched white-blood-cell sample (possible_CH, CH, "
     "germline); '.' when not assessed or tumour-derived", lambda v: v.ch_status),
    ("ALKANNOT_STATUS", "'annotated', or why the allele was not annotated (e.g. ref_mismatch, "
     "symbolic_or_breakend_allele, spanning_deletion_allele, reference_sequence_not_available)", _status),
]


def _escaped(value: object) -> str:
    # vcf_escape, with its common cases (None, a string) inline
    if value is None:
        return MISSING
    if type(value) is str:
        return _percent_encoded(value) if value else MISSING
    return vcf_escape(value)


def info_values(variants: list[AnnotatedVariant | None]) -> dict[str, tuple[str, ...] | None]:
    """INFO id -> one escaped value per ALT (None when every allele has nothing to say)."""
    if len(variants) == 1 and variants[0] is not None:  # one ALT: the common case, without the general loop
        v = variants[0]
        return {key: None if (x := _escaped(get(v))) == MISSING else (x,) for key, _desc, get in INFO_FIELDS}
    out: dict[str, tuple[str, ...] | None] = {}
    for key, _desc, get in INFO_FIELDS:
        vals = tuple([vcf_escape(get(v)) if v is not None else MISSING for v in variants])
        out[key] = None if vals.count(MISSING) == len(vals) else vals
    return out


def _targets(build: str) -> dict[str, tuple[list[int], list[int]]]:
    """The annotator's targets (annotate.variants.target_gene_spans: a record is in the targets when its REF
    span overlaps a target gene's transcript) as io.vcf.target_spans, once per process; read only."""
    from alkannot.annotate.variants import target_gene_spans

    return _spans_by_contig(target_gene_spans(build))


_spans_by_contig = lru_cache(maxsize=16)(target_spans)


def _in_targets(targets: dict[str, tuple[list[int], list[int]]], chrom: str, pos: int, ref: str | None,
                stop: int | None = None) -> bool:
    end = max(pos + max(len(ref or ""), 1) - 1, stop or 0)  # stop: htslib's end (INFO/END of a <DEL>)
    sp = targets.get(canonical_chrom(chrom))
    return sp is not None and span_overlaps(sp, pos, end)


class _Matcher:
    """Finds the result's variant for each ALT of a re-read record: by line, else by record key."""

    def __init__(self, variants: list[AnnotatedVariant]):
        self.by_line: dict[int, list[int]] = defaultdict(list)
        self.by_key: dict[tuple, list[int]] = defaultdict(list)
        for i, v in enumerate(variants):
            if v.line is not None:
                self.by_line[v.line].append(i)
            self.by_key[(v.chrom, v.vcf_pos, v.vcf_ref, v.vcf_alt)].append(i)
        self.variants = variants
        self.used: set[int] = set()

    def find(self, line: int, chrom: str, pos: int, ref: str, alt: str) -> AnnotatedVariant | None:
        for i in self.by_line.get(line, ()):
            v = self.variants[i]
            if (v.chrom, v.vcf_pos, v.vcf_ref, v.vcf_alt) == (chrom, pos, ref, alt):
                self.used.add(i)
                return v
        # indexed input has no line numbers; duplicate records share a key and get the same values
        # (each takes the next unused variant of its key, so every duplicate is accounted for)
        found = None
        for i in self.by_key.get((chrom, pos, ref, alt), ()):
            if self.variants[i].line in (None, line):
                if i not in self.used:
                    self.used.add(i)
                    return self.variants[i]
                found = found or self.variants[i]
        return found


def _open_input(path: str):
    import pysam

    try:
        return pysam.VariantFile(path)
    except (OSError, ValueError, NotImplementedError) as e:
        raise InputError(f"cannot re-read the VCF to write the annotated copy ({e})", path=path,
                         fix="check the file is readable VCF/BCF") from None



def _prepare_header(header, data: dict, build: str, path: str) -> None:
    header.add_line(f"##alkannot_version={data.get('alkannot_version') or __version__}")
    header.add_line(f"##alkannot_build={build}")
    header.add_line(f"##alkannot_sample={vcf_escape(data['sample']['id'])}")
    for key, desc, _get in INFO_FIELDS:
        if key in header.info:
            meta = header.info[key]
            if meta.number != "A" or meta.type != "String":
                raise InputError(f"the VCF already defines INFO/{key} as Number={meta.number},Type={meta.type}",
                                 path=path, fix="remove the old ALKANNOT_* fields with 'bcftools annotate -x'")
            continue  # re-annotating our own output: reuse the definition, replace the values
        header.info.add(key, "A", "String", desc)


def write_annotated_vcf(input_vcf: str, data: dict, out_path: str, *, build: str, prefiltered=None) -> None:
    """Write `out_path` (.vcf.gz) and `out_path`.tbi: the input's target-gene records + ALKANNOT_* INFO.

    Raises InputError if the result does not belong to this VCF (build differs, or a variant of the
    result matches no record), so a mismatched pair never yields a half-annotated file. ``prefiltered``
    (io.vcf.Prefiltered): the annotator's own pass over a streamed text VCF, used when it covers the same
    file, targets and columns (a multi-million-record file is then not read twice).
    """
    import pysam

    if data["sample"].get("build") not in (None, build):
        raise InputError(f"result is for {data['sample']['build']} but --build is {build}", path=input_vcf,
                         fix="write the VCF with the build the sample was annotated on")
    verbosity = pysam.set_verbosity(0)  # htslib already spoke about this file when it was annotated
    try:
        _write_annotated_vcf(input_vcf, data, out_path, build, prefiltered)
    finally:
        pysam.set_verbosity(verbosity)  # as it was: a batch process's next sample still hears htslib


def _write_annotated_vcf(input_vcf: str, data: dict, out_path: str, build: str, prefiltered) -> None:
    from alkannot.annotate.variants import read_targets, target_gene_spans

    targets = list(target_gene_spans(build))
    if is_indexed(input_vcf) or is_bcf(input_vcf):
        # as the annotator read it (io.vcf.is_indexed): only the target regions (such records carry no line
        # numbers); a BCF without an index is read through, its records numbered as the annotator numbers them
        def region_input():
            vf = _open_input(input_vcf)
            return vf, _region_records(vf, targets)

        _write(region_input, input_vcf, data, out_path, build)
        return
    # a text VCF: only its target lines, with the line numbers the annotator gave them
    n_cols, targets = header_columns(input_vcf), read_targets(build)
    pre = prefiltered if prefiltered is not None and prefiltered.covers(input_vcf, targets, n_cols) else \
        prefilter_lines(input_vcf, targets, n_columns=n_cols, on_bad_line=_bad_line(input_vcf))
    header, kept = pre.header, pre.kept
    with subset_path(header, kept) as sub:  # the kept lines as a file htslib opens, as the annotator read them

        def subset_input():
            vf = _open_input(sub)
            return vf, zip((ln for ln, _ in kept), vf)

        _write(subset_input, input_vcf, data, out_path, build)


def _bad_line(path: str):
    def fail(ln: int):
        raise InputError("record cannot be parsed", path=path, line=ln, fix="fix or remove this record")
    return fail


def _region_records(vf, targets):
    """(None, record) for records in the target regions (every record of an unindexed BCF)."""
    try:
        has_index = vf.index is not None
    except (AttributeError, ValueError):
        has_index = False
    if not has_index:
        # an unindexed BCF is streamed by the annotator, numbering records after htslib's header
        # lines; count them now, before ALKANNOT_* definitions are added to this header
        n = len(str(vf.header).rstrip("\n").split("\n"))
        return ((n + k, rec) for k, rec in enumerate(vf, start=1))
    return _fetch_targets(vf, targets)


def _fetch_targets(vf, targets):
    # as the annotator reads an indexed file (io.vcf.region_queries): merged regions, contigs by canonical
    # name as the index spells them, a record read again only when it overlaps the previous region
    try:
        contigs = list(vf.index)
    except (AttributeError, TypeError, ValueError):
        contigs = list(vf.header.contigs)
    # contigs in the header's order (regions of one contig keep theirs), so the records come sorted and are
    # written as they are read (_write) rather than read twice and sorted
    rank = {name: i for i, name in enumerate(vf.header.contigs)}
    queries = sorted(region_queries(contigs, targets), key=lambda q: rank.get(q[0], len(rank)))
    for name, start, end, skip_to in queries:
        for rec in vf.fetch(name, start - 1, end):
            if rec.pos > skip_to:
                yield None, rec


class _NotInOrder(Exception):
    """The records cannot be written as they come (see _write)."""


def _write(open_input, input_vcf: str, data: dict, out_path: str, build: str) -> None:
    """Write the annotated records. ``open_input()`` gives a fresh (VariantFile, (line, record) pairs).

    The records are written as they are read while they come in (contig, position) order and need no header
    line added mid-way (INFO/END, see `_needs_end`, or an undeclared contig/tag): a sorted input with a complete
    header, the usual case, is never held in memory.
    Otherwise the records are read again, collected and sorted (`_annotated_records`). Same bytes either way."""
    variants = as_records(data["variants"])
    vf, records = open_input()
    try:
        _write_streamed(vf, records, input_vcf, data, variants, out_path, build)
        return
    except _NotInOrder:
        pass
    finally:
        vf.close()
    vf, records = open_input()
    try:
        keep = _annotated_records(vf, records, input_vcf, data, variants, build)
        _write_records(vf, keep, out_path)
    finally:
        vf.close()


def _write_records(vf, records, out_path: str, before_commit=None) -> None:
    import pysam

    out_path = Path(out_path)
    # The VCF is renamed into place first, then its index (exit order of the two blocks).
    with atomic_path(str(out_path) + ".tbi") as tmp_tbi, atomic_path(out_path) as tmp_vcf:
        with pysam.VariantFile(str(tmp_vcf), "wz", header=vf.header) as out:
            for rec in records:
                out.write(rec)
        if before_commit is not None:
            before_commit()
        Path(tmp_tbi).unlink(missing_ok=True)  # atomic_path's placeholder (none inside an output set)
        pysam.tabix_index(str(tmp_vcf), preset="vcf", force=True, index=str(tmp_tbi))


def _write_streamed(vf, records, input_vcf: str, data: dict, variants: list[AnnotatedVariant], out_path: str,
                    build: str) -> None:
    """_write_records(vf, _annotated_records(...)) without holding the records; raises _NotInOrder (nothing
    written) when a record comes out of (contig, position) order or needs INFO/END defined first."""
    last = (-1, -1)
    end_defined = "END" in vf.header.info
    header_lines = None

    def in_order():
        nonlocal last
        for rec in _annotate_records(vf, records, input_vcf, data, variants, build, matcher):
            key = (rec.rid, rec.pos)
            # htslib defines an undeclared contig/FILTER/INFO tag in the reader's header when it reads one: the
            # writer, which copied the header when it opened, could not write the record
            if key < last or (not end_defined and _needs_end(rec)) or len(vf.header.records) != header_lines:
                raise _NotInOrder
            last = key
            yield rec

    matcher = _Matcher(variants)
    _prepare_header(vf.header, data, build, input_vcf)  # before the writer copies the header
    header_lines = len(vf.header.records)
    _write_records(vf, in_order(), out_path, lambda: _check_all_used(variants, matcher, input_vcf))


def _needs_end(rec) -> bool:
    return any(not _PLAIN.fullmatch(a) for a in rec.alleles)


def _annotate_records(vf, records, input_vcf: str, data: dict, variants: list[AnnotatedVariant], build: str,
                      matcher: _Matcher):
    """The target-gene records among `records` ((line or None, record) pairs from `vf`), ALKANNOT_* INFO set,
    in input order (`_prepare_header` first)."""
    targets = _targets(build)
    try:
        for line, rec in records:
            chrom, pos, ref = rec.chrom, rec.pos, rec.ref  # (each a new string from htslib: read once)
            if not _in_targets(targets, chrom, pos, ref, rec.stop):
                continue
            alts = rec.alts or ()
            if not alts:
                matcher.find(line, chrom, pos, ref, ".")  # nothing to write (Number=A)
            vals = info_values([matcher.find(line, chrom, pos, ref, a) for a in alts])
            info = rec.info  # (a new wrapper object at each access)
            for key, v in vals.items():
                if key in info:
                    del info[key]
                if v is not None:
                    info[key] = v
            yield rec
    except (OSError, ValueError) as e:
        raise InputError(f"cannot re-read the VCF ({e})", path=input_vcf, fix="check the file") from None


def _check_all_used(variants: list[AnnotatedVariant], matcher: _Matcher, input_vcf: str) -> None:
    # rows of a MAF input that could not become VCF records (vcf_pos null: no anchor base) are not expected
    missing = [v for i, v in enumerate(variants) if i not in matcher.used and
               not (v.maf_line is not None and v.vcf_pos is None)]
    if missing:
        m = missing[0]
        raise InputError(f"{len(missing)} variant(s) of the result are not records of this VCF, first "
                         f"{m.chrom}:{m.vcf_pos} {m.vcf_ref}>{m.vcf_alt}", path=input_vcf,
                         fix="pass the VCF the sample was annotated from")


def _annotated_records(vf, records, input_vcf: str, data: dict, variants: list[AnnotatedVariant],
                       build: str) -> list:
    """The target-gene records among `records` ((line or None, record) pairs from `vf`), ALKANNOT_*
    INFO set, sorted; `vf.header` gains the definitions."""
    matcher = _Matcher(variants)
    _prepare_header(vf.header, data, build, input_vcf)
    keep = [(rec.rid, rec.pos, k, rec)
            for k, rec in enumerate(_annotate_records(vf, records, input_vcf, data, variants, build, matcher), 1)]
    _check_all_used(variants, matcher, input_vcf)
    keep.sort(key=lambda x: x[:3])
    if "END" not in vf.header.info and any(_needs_end(r) for *_, r in keep):
        # pysam writes INFO/END for symbolic alleles and would define it in the *reader's* header
        # mid-write, after the writer copied it; define it up front instead.
        vf.header.info.add("END", 1, "Integer", "End position of the variant described in this record")
    return [rec for *_, rec in keep]
