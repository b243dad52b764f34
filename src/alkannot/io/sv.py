"""Structural-variant junctions and fusion calls, as plain junction records.

`read_fusions` turns every supported shape into the same record (one per junction); interpretation
(gene partners, exons, EML4-ALK variant) is `alkannot.interpret.fusions`.

Shapes (detected from the first line, or forced with ``fmt=``):

* ``sv_vcf``        Manta, GRIDSS/Esvee, PURPLE, DELLY SV VCFs, and Ion Torrent (Oncomine) fusion VCFs, whose
                    ``SVTYPE=Fusion`` BND pairs are RNA evidence with ``INFO/READ_COUNT`` reads. BND mates (MATEID, or the same junction written
                    twice in bracket notation) become one junction; DELLY-style records carry the partner in
                    INFO/CHR2 + END with INFO/CT for the joined ends; Manta <INV> uses INV3/INV5. Single
                    breakends (``G.``/``.G``) give a junction with ``bp2 = None``. Insertions (sequence or
                    ``<INS>`` alleles) join no second locus and are counted in `skipped`, not returned.
* ``arriba``        Arriba ``fusions.tsv`` (gene1 is the 5' partner when the fusion strand is known).
* ``star_fusion``   STAR-Fusion / ctat-LR-fusion / FusionInspector-style tables and target lists with
                    ``LeftGene LeftBreakpoint RightGene RightBreakpoint`` (``chr2:42295516:+``; left = 5').
* ``fusioncatcher`` FusionCatcher ``final-list_candidate-fusion-genes.txt``: gene 1 is the 5' partner, breakpoints
                    ``2:42522656:+``, reads = ``Spanning_unique_reads`` + ``Spanning_pairs``.
* ``jaffa``         JAFFA's results CSV: ``fusion genes`` 5':3', ``chrom1/base1`` and ``chrom2/base2`` the 5' and 3'
                    breaks, reads = ``spanning reads`` + ``spanning pairs``; several samples per file (``sample``).
* ``pcgr_fusions``  PCGR ``fusions.tsv``: ``FusionGene LeftBreakpoint RightBreakpoint SplitReads``.
* ``linx``          LINX ``*.linx.fusion.tsv``: gene names and fused exons only (no coordinates).
* ``gene_pair``     gene-name-only tables (``GeneA GeneB`` or ``Fusion`` = ``A-B``, OncoKB-annotator style):
                    partners as written, order not asserted.

Record keys: source_format, caller, evidence (dna|rna|unspecified), build, record_id, line, svtype, filter,
ordered (True when bp1 is known to be the 5' partner), supporting_reads, name_given,
bp1/bp2 = {chrom, pos, side, strand, gene, exon}:
``side`` is which side of ``pos`` stays in the rearranged molecule ("left": bases <= pos, "right":
bases >= pos; None when unknown), ``strand`` the transcript strand a caller wrote, ``gene`` the name the
caller wrote, ``exon`` a fused exon number the caller wrote (LINX). Positions are 1-based.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from alkannot.core.contigs import canonical_chrom, check_declared_build, vcf_header_lengths
from alkannot.errors import InputError
from alkannot.io.cnv import named_sample, pick_tumour_sample
from alkannot.io.textfile import (
    numbered_lines,
    open_text,
    raw_info,
    resolve_format,
    table_header,
    table_rows,
    vcf_records,
)
from alkannot.io.vcf.records import genotype_alleles

FORMATS = ("sv_vcf", "arriba", "star_fusion", "fusioncatcher", "jaffa", "pcgr_fusions", "linx", "gene_pair")
# JAFFA's results CSV: the columns it needs (lower case)
_JAFFA = ("fusion genes", "chrom1", "base1", "chrom2", "base2")
# formats whose record `filter` is the caller's FILTER (pass/fail, as a VCF's): an SV VCF, and a FusionGene table
# with a Filter column (DRAGEN-style); Arriba's confidence and a gene list's "reported" are notes, not filters
FILTER_FORMATS = frozenset({"sv_vcf", "pcgr_fusions"})
# FusionCatcher's final-list_candidate-fusion-genes.txt columns (lower case), gene 1 = the 5' partner
_FC_GENE1, _FC_GENE2 = "gene_1_symbol(5end_fusion_partner)", "gene_2_symbol(3end_fusion_partner)"
_FC_POINT1, _FC_POINT2 = "fusion_point_for_gene_1(5end_fusion_partner)", "fusion_point_for_gene_2(3end_fusion_partner)"

_BRACKET = re.compile(r"^([A-Za-z]*)([\[\]])([^\[\]]+):(\d+)([\[\]])([A-Za-z]*)$")
_SINGLE = re.compile(r"^(\.[A-Za-z]+|[A-Za-z]+\.)$")


def detect_format(path: str | Path) -> str:
    path = Path(path)
    header = table_header(path, "an SV VCF or a fusion table")
    if header is None:
        return "sv_vcf"
    ln, columns, _ = header
    if len(columns) == 1 and set(_JAFFA) <= {c.strip().lower() for c in next(csv.reader([columns[0]]))}:
        return "jaffa"
    cols = {c.lower() for c in columns}
    if {"gene1", "gene2", "breakpoint1", "breakpoint2"} <= cols:
        return "arriba"
    if {"leftbreakpoint", "rightbreakpoint", "leftgene", "rightgene"} <= cols:
        return "star_fusion"
    if {_FC_POINT1, _FC_POINT2} <= cols:
        return "fusioncatcher"
    if {"fusiongene", "leftbreakpoint", "rightbreakpoint"} <= cols:
        return "pcgr_fusions"
    if {"genestart", "geneend", "fusedexonup", "fusedexondown"} <= cols:
        return "linx"
    if {"genea", "geneb"} <= cols or "fusion" in cols:
        return "gene_pair"
    raise InputError(
        f"unrecognised SV/fusion header ({' '.join(sorted(cols)[:8])})", path=str(path), line=ln,
        fix="give an SV VCF (Manta/GRIDSS/DELLY/PURPLE/Ion Torrent), Arriba fusions.tsv, a STAR-Fusion/"
            "ctat-LR-fusion table (LeftGene LeftBreakpoint RightGene RightBreakpoint), FusionCatcher's final list, "
            "PCGR fusions.tsv or LINX fusion.tsv")


def _bp(chrom: str | None, pos: int | None, *, side: str | None = None, strand: str | None = None,
        gene: str | None = None, exon: int | None = None) -> dict:
    return {"chrom": canonical_chrom(chrom) if chrom else None, "pos": pos, "side": side, "strand": strand,
            "gene": gene, "exon": exon}


def _record(fmt: str, caller: str, evidence: str, build: str, line: int, bp1: dict, bp2: dict | None, *,
            record_id: str | None = None, svtype: str | None = None, filt: str | None = None,
            ordered: bool = False, reads: int | None = None, name: str | None = None) -> dict:
    return {"source_format": fmt, "caller": caller, "evidence": evidence, "build": build, "record_id": record_id,
            "line": line, "svtype": svtype, "filter": filt, "ordered": ordered, "supporting_reads": reads,
            "name_given": name, "bp1": bp1, "bp2": bp2}


# ---------------------------------------------------------------------------------------------
# VCF
# ---------------------------------------------------------------------------------------------

def _vcf_caller(raw_header: str) -> str:
    h = raw_header.lower()
    names = []
    if "generatesvcandidates" in h or "configmanta" in h or "##source=manta" in h:
        names.append("manta")
    elif "gridss" in h:
        names.append("gridss")
    elif "esveeversion" in h:
        names.append("esvee")
    elif "delly" in h or "svmethod" in h:
        names.append("delly")
    elif "##ionreporter" in h or '##source="tvc' in h or "##source=tvc" in h:
        names.append("ion_torrent")  # Ion Reporter / Torrent Variant Caller: RNA fusions as SVTYPE=Fusion BNDs
    if "purpleversion" in h:
        names.append("purple")
    return "+".join(names) or "unknown SV caller"


def _side(digit: str) -> str | None:
    return {"3": "left", "5": "right"}.get(digit)


def _junction(rec, path: Path | None = None, line: int | None = None) -> tuple[str, tuple] | None:
    """('bnd'|'single'|'sym', (chrom2, pos2, side1, side2)) for one record; None for insertions etc.

    A breakend ALT that is not well formed (one bracket, no ``chrom:pos``, a position that is not a number,
    mismatched brackets), or an SVTYPE=BND record whose ALT is no breakend, is an InputError naming the
    line: dropping it could lose an EML4-ALK junction without a word.
    """
    alt = rec.ALT[0] if rec.ALT else ""
    m = _BRACKET.match(alt)
    if m and (m.group(2) != m.group(5) or bool(m.group(1)) == bool(m.group(6))):
        m = None  # mismatched brackets, or the kept sequence on both sides / neither side
    if not m and ("[" in alt or "]" in alt):
        raise InputError(f"malformed breakend ALT {alt!r} (expected t[chr:pos[, t]chr:pos], ]chr:pos]t or "
                         "[chr:pos[t)", path=str(path) if path else None, line=line,
                         fix="fix the ALT (VCF 4.2 section 5.4); the junction cannot be read without it")
    if not m and not _SINGLE.match(alt) and not alt.startswith("<") and rec.INFO.get("SVTYPE") == "BND":
        raise InputError(f"SVTYPE=BND record with ALT {alt!r}, which is not a breakend", path=str(path) if path
                         else None, line=line, fix="write the mate locus as t[chr:pos[ / t]chr:pos] (VCF 4.2 5.4)")
    if m:
        before, br, chrom2, pos2 = m.group(1), m.group(2), m.group(3), int(m.group(4))
        side1 = "left" if before else "right"
        side2 = "right" if br == "[" else "left"
        return "bnd", (chrom2, pos2, side1, side2)
    if _SINGLE.match(alt):
        return "single", (None, None, "left" if alt.endswith(".") else "right", None)
    svtype = rec.INFO.get("SVTYPE") or (alt[1:-1].split(":")[0] if alt.startswith("<") else None)
    if alt.startswith("<") and svtype in ("INV", "DEL", "DUP", "BND", "TRA", "CNV"):
        if svtype == "CNV":
            return None
        chrom2 = rec.INFO.get("CHR2") or rec.CHROM
        pos2 = rec.INFO.get("END")
        pos2 = int(pos2) if pos2 is not None else rec.end
        ct = rec.INFO.get("CT")
        if ct and re.fullmatch(r"[35]to[35]", ct):  # DELLY connection type: 3' end = left side kept
            s1, s2 = _side(ct[0]), _side(ct[-1])
        elif svtype == "INV" and rec.INFO.get("INV3") is not None:
            s1, s2 = "left", "left"
        elif svtype == "INV" and rec.INFO.get("INV5") is not None:
            s1, s2 = "right", "right"
        elif svtype == "DEL":
            s1, s2 = "left", "right"
        elif svtype == "DUP":
            s1, s2 = "right", "left"
        else:  # an <INV> without INV3/INV5 stands for both junctions of the inversion
            s1, s2 = None, None
        return "sym", (chrom2, pos2, s1, s2)
    return None


def _fmt_int(rec, key: str, si: int | None, idx: int = 0) -> int | None:
    if si is None:
        return None
    try:
        v = rec.format(key)
    except KeyError:
        return None
    if v is None:
        return None
    try:
        x = int(v[si][idx])
    except (IndexError, ValueError, TypeError):
        return None
    return x if x >= 0 else None


def _reads(rec, si: int | None) -> int | None:
    """Variant-supporting reads/fragments for the tumour sample, as each caller counts them."""
    pr, sr = _fmt_int(rec, "PR", si, 1), _fmt_int(rec, "SR", si, 1)  # Manta: ref,alt pairs
    if pr is not None or sr is not None:
        return (pr or 0) + (sr or 0)
    vf = _fmt_int(rec, "VF", si)  # GRIDSS/Esvee/PURPLE
    if vf is not None:
        return vf
    dv, rv = _fmt_int(rec, "DV", si), _fmt_int(rec, "RV", si)  # DELLY
    if dv is not None or rv is not None:
        return (dv or 0) + (rv or 0)
    if rec.INFO.get("VF") is not None:
        return int(rec.INFO.get("VF"))
    if rec.INFO.get("READ_COUNT") is not None:  # Ion Torrent (Oncomine) fusion reads
        return int(rec.INFO.get("READ_COUNT"))
    pe, srr = rec.INFO.get("PE"), rec.INFO.get("SR")
    if pe is not None or srr is not None:
        return int(pe or 0) + int(srr or 0)
    return None


def check_info_counts(rec, raw: list[str] | None, path: Path, line: int | None) -> None:
    """INFO read counts (PE, SR, Ion Torrent's READ_COUNT) must be one non-negative integer each; InputError
    with the line."""
    for key in ("PE", "SR", "READ_COUNT"):
        text = raw_info(raw, key) if raw is not None else None
        value = rec.INFO.get(key)
        if text is None and value is None:
            continue
        shown = text if text is not None else str(value)
        ok = not isinstance(value, tuple) and (text is None or text == "." or text.isdigit())
        if ok and value is not None and not isinstance(value, tuple):
            ok = isinstance(value, int) and value >= 0
        if not ok:
            raise InputError(f"INFO/{key}={shown} is not one read count (a non-negative integer)",
                             path=str(path), line=line, fix=f"give one number for {key}, e.g. {key}=5")


# How a user names the tumour column of an SV VCF that holds several samples (the sheet column and the flag)
SV_SAMPLE_OPTION = "the sheet's sv_sample column (alkannot annotate --sv-sample)"


def _read_vcf(path: Path, build: str, sample: str | None, skipped: Counter, status: dict,
              hints: tuple = ()) -> list[dict]:
    """htslib's own warnings (e.g. ``[W::vcf_parse_info]``) never reach the user raw: values are checked here."""
    from alkannot.io.htslib import cyvcf2_log_level

    with cyvcf2_log_level():
        return _read_vcf_records(path, build, sample, skipped, status, hints)


def _read_vcf_records(path: Path, build: str, sample: str | None, skipped: Counter, status: dict,
                      hints: tuple = ()) -> list[dict]:
    from cyvcf2 import VCF

    try:
        vcf = VCF(str(path))
    except Exception as err:  # noqa: BLE001 - cyvcf2 raises bare Exception for unreadable files
        raise InputError(f"cannot read VCF: {err}", path=str(path), fix="give a valid (b)gzipped/plain VCF") \
            from None
    check_declared_build(vcf_header_lengths(vcf.raw_header), build, path, "SV/fusion file")
    caller = _vcf_caller(vcf.raw_header)
    try:
        si = pick_tumour_sample(list(vcf.samples), sample, path, hints=hints, option=SV_SAMPLE_OPTION)
    except InputError:
        if sample is not None:
            raise
        si = None  # read counts then come from INFO
    status["sample"] = vcf.samples[si] if si is not None else None
    out: list[dict] = []
    sv_like = 0
    records = 0
    by_id: dict[str, dict] = {}
    by_key: dict[tuple, dict] = {}
    for _, ln, raw, rec in vcf_records(vcf, path):
        records += 1
        alt0 = rec.ALT[0] if rec.ALT else ""
        sv_like += bool(rec.INFO.get("SVTYPE") or alt0.startswith("<") or "[" in alt0 or "]" in alt0)
        check_info_counts(rec, raw, path, ln)
        j = _junction(rec, path, ln)
        if j is None:
            skipped[f"{rec.INFO.get('SVTYPE') or 'non-junction'} record (no second locus)"] += 1
            continue
        kind, (chrom2, pos2, s1, s2) = j
        filt = rec.FILTER or "PASS"
        if filt == "PASS" and si is not None:
            # genotyped reference-only in the tumour (a joint call's other samples' event): not called there.
            # A missing genotype (./., Ion Torrent's for every fusion) says nothing.
            gta = genotype_alleles(rec, si)
            called = [a for a in gta[0] if a is not None] if gta else []
            if called and all(a == 0 for a in called):
                filt = "GT:" + "/".join("." if a is None else str(a) for a in gta[0])
        rid = rec.ID
        mate = rec.INFO.get("MATEID")
        mate = mate[0] if isinstance(mate, tuple) else mate
        bp1 = _bp(rec.CHROM, rec.POS, side=s1)
        bp2 = _bp(chrom2, pos2, side=s2) if kind != "single" else None
        key = None
        if bp2 is not None:
            key = tuple(sorted([(bp1["chrom"], bp1["pos"], s1), (bp2["chrom"], bp2["pos"], s2)],
                               key=lambda x: (x[0], x[1], x[2] or "")))
        prev = (by_id.get(mate) if mate else None) or (by_key.get(key) if key else None)
        if prev is not None:  # the mate of a junction already read
            prev["record_id"] = f"{prev['record_id']}/{rid}"
            if filt != prev["filter"]:
                prev["filter"] = ";".join(sorted({*prev["filter"].split(";"), *filt.split(";")} - {"PASS"})) \
                    or "PASS"
            r = _reads(rec, si)
            if r is not None and (prev["supporting_reads"] is None or r > prev["supporting_reads"]):
                prev["supporting_reads"] = r
            continue
        svtype = rec.INFO.get("SVTYPE")
        # SVTYPE=Fusion: a fusion transcript an RNA panel detected (Ion Torrent Oncomine), not a DNA junction
        evidence = "rna" if str(svtype).lower() == "fusion" else "dna"
        r = _record("sv_vcf", caller, evidence, build, ln, bp1, bp2, record_id=rid, svtype=svtype, filt=filt,
                    reads=_reads(rec, si))
        out.append(r)
        if rid:
            by_id[rid] = r
        if key:
            by_key[key] = r
    status["records_in_file"] = records
    if not records:
        return out  # a header-only SV VCF (e.g. Manta with nothing found): zero junctions, not an error
    if not sv_like:
        raise InputError("no structural-variant records (INFO/SVTYPE, breakend or symbolic ALT) in this VCF",
                         path=str(path), fix="give the SV caller's VCF (Manta, GRIDSS, DELLY, PURPLE)")
    return out


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

def _table(path: Path):
    """(line, row dict keyed by lower-cased header) for each data row. ``##`` comment lines before the
    header are skipped; a row with fewer columns than the header is an InputError with its line (a cut
    Arriba/STAR-Fusion row padded with blanks would be reported with wrong values)."""
    for ln, header, f in table_rows(path, long_rows="allow"):
        yield ln, dict(zip([h.lower() for h in header], f))


def _require(row: dict, cols: tuple[str, ...], path: Path, ln: int, fmt: str) -> None:
    missing = [c for c in cols if c not in row]
    if missing:
        raise InputError(f"{fmt} table lacks column(s) {', '.join(missing)}", path=str(path), line=ln - 1,
                         fix=f"expected columns: {' '.join(cols)}")


def _locus(text: str, path: Path, ln: int) -> tuple[str | None, int | None, str | None]:
    """'chr2:42295516:+' / '2:42522694' -> (chrom, pos, strand); '' or '.' -> (None, None, None)."""
    text = text.strip()
    if text in ("", ".", "NA"):
        return None, None, None
    parts = text.split(":")
    try:
        pos = int(parts[1])
    except (IndexError, ValueError):
        raise InputError(f"breakpoint {text!r} is not chrom:pos[:strand]", path=str(path), line=ln,
                         fix="check the breakpoint columns") from None
    strand = parts[2] if len(parts) > 2 and parts[2] in "+-" else None
    return parts[0], pos, strand


def _gene_name(text: str) -> str | None:
    """Caller gene labels -> a symbol: 'EML4^ENSG..' -> EML4; intergenic 'A(12),B(34)' and '' -> None."""
    text = text.strip()
    if not text or text in (".", "NA") or "(" in text or "," in text:
        return None
    return text.split("^")[0]


def _int_or_none(*values: str) -> int | None:
    total, seen = 0, False
    for v in values:
        v = (v or "").strip()
        if v and v not in (".", "NA"):
            try:
                total += int(float(v))
                seen = True
            except ValueError:
                continue
    return total if seen else None


def _read_arriba(path: Path, build: str) -> list[dict]:
    out = []
    cols = ("gene1", "gene2", "breakpoint1", "breakpoint2", "strand1(gene/fusion)", "strand2(gene/fusion)")
    for ln, row in _table(path):
        _require(row, cols, path, ln, "arriba")
        c1, p1, _ = _locus(row["breakpoint1"], path, ln)
        c2, p2, _ = _locus(row["breakpoint2"], path, ln)
        s1 = row["strand1(gene/fusion)"].split("/")
        s2 = row["strand2(gene/fusion)"].split("/")
        # direction "downstream" = the partner is attached after the breakpoint, so the left side is kept
        d1, d2 = row.get("direction1", ""), row.get("direction2", "")
        side = {"downstream": "left", "upstream": "right"}
        bp1 = _bp(c1, p1, side=side.get(d1), strand=s1[0] if s1[0] in "+-" else None, gene=_gene_name(row["gene1"]))
        bp2 = _bp(c2, p2, side=side.get(d2), strand=s2[0] if s2[0] in "+-" else None, gene=_gene_name(row["gene2"]))
        ordered = len(s1) > 1 and s1[1] in ("+", "-")
        reads = _int_or_none(row.get("split_reads1", ""), row.get("split_reads2", ""), row.get("discordant_mates", ""))
        out.append(_record("arriba", "arriba", "rna", build, ln, bp1, bp2, ordered=ordered, reads=reads,
                           name=f"{row['gene1']}--{row['gene2']}", filt=row.get("confidence") or None,
                           svtype=row.get("type") or None))
    return out


def _rna_sides(bp1: dict, bp2: dict) -> None:
    """The kept sides of an RNA junction from the transcript strands a caller wrote: the 5' partner (`bp1`) keeps
    its transcript-upstream side, the 3' partner (`bp2`) its downstream one (None where no strand is written)."""
    bp1["side"] = {"+": "left", "-": "right"}.get(bp1["strand"] or "")
    bp2["side"] = {"+": "right", "-": "left"}.get(bp2["strand"] or "")


def _read_star_fusion(path: Path, build: str) -> list[dict]:
    out = []
    for ln, row in _table(path):
        _require(row, ("leftgene", "leftbreakpoint", "rightgene", "rightbreakpoint"), path, ln, "star_fusion")
        c1, p1, st1 = _locus(row["leftbreakpoint"], path, ln)
        c2, p2, st2 = _locus(row["rightbreakpoint"], path, ln)
        if "num_lr" in row:
            caller, reads = "ctat-LR-fusion", _int_or_none(row["num_lr"])
        elif "junctionreadcount" in row:
            caller = "star-fusion"
            reads = _int_or_none(row["junctionreadcount"], row.get("spanningfragcount", ""))
        else:
            caller, reads = "fusion breakpoint list", None
        bp1 = _bp(c1, p1, strand=st1, gene=_gene_name(row["leftgene"]))
        bp2 = _bp(c2, p2, strand=st2, gene=_gene_name(row["rightgene"]))
        _rna_sides(bp1, bp2)
        out.append(_record("star_fusion", caller, "rna", build, ln, bp1, bp2, ordered=True, reads=reads,
                           name=row.get("fusionname")))
    return out


def _read_fusioncatcher(path: Path, build: str) -> list[dict]:
    out = []
    for ln, row in _table(path):
        _require(row, (_FC_GENE1, _FC_GENE2, _FC_POINT1, _FC_POINT2), path, ln, "fusioncatcher")
        c1, p1, st1 = _locus(row[_FC_POINT1], path, ln)
        c2, p2, st2 = _locus(row[_FC_POINT2], path, ln)
        bp1 = _bp(c1, p1, strand=st1, gene=_gene_name(row[_FC_GENE1]))
        bp2 = _bp(c2, p2, strand=st2, gene=_gene_name(row[_FC_GENE2]))
        _rna_sides(bp1, bp2)
        reads = _int_or_none(row.get("spanning_unique_reads", ""), row.get("spanning_pairs", ""))
        out.append(_record("fusioncatcher", "fusioncatcher", "rna", build, ln, bp1, bp2, ordered=True, reads=reads))
    return out


def _read_jaffa(path: Path, build: str, sample: str | None, hints: tuple) -> tuple[list[dict], str | None]:
    """(records, the sample read) of JAFFA's results CSV: 'fusion genes' is 5':3', chrom1/base1 the 5' partner's
    break, chrom2/base2 the 3' one's (strand1/strand2 when written); reads = spanning reads + spanning pairs. A
    file of several samples is read for `sample`, else the first of `hints` it holds; else an error."""
    with open_text(path) as fh:
        lines = numbered_lines(fh, path)
        ln0, head = next(((ln, t) for ln, t in lines if t.strip()), (0, ""))
        header = [h.strip().lower() for h in next(csv.reader([head]))]
        rows = [(ln, dict(zip(header, cells))) for ln, text in lines if text.strip()
                for cells in csv.reader([text])]
    for ln, row in rows:
        if len(row) < len(header):
            raise InputError(f"row has {len(row)} columns, the header has {len(header)}", path=str(path), line=ln,
                             fix="the table must be a complete JAFFA results CSV (is the file cut short?)")
    samples = list(dict.fromkeys(r["sample"] for _, r in rows if r.get("sample")))
    chosen = named_sample(samples, sample, hints, path=path, what="fusion table", option=SV_SAMPLE_OPTION, line=ln0)
    out = []
    for ln, row in rows:
        if chosen is not None and row.get("sample", chosen) != chosen:
            continue
        genes = (row["fusion genes"].split(":") + [""])[:2]
        ends = []
        for k, gene in zip("12", genes):
            chrom, pos = row[f"chrom{k}"].strip(), row[f"base{k}"].strip()
            if not pos.isdigit():
                raise InputError(f"base{k} {pos!r} is not a position", path=str(path), line=ln,
                                 fix="check the JAFFA results columns")
            strand = row.get(f"strand{k}", "").strip()
            ends.append(_bp(chrom, int(pos), strand=strand if strand in ("+", "-") else None, gene=_gene_name(gene)))
        bp1, bp2 = ends
        _rna_sides(bp1, bp2)
        reads = _int_or_none(row.get("spanning reads", ""), row.get("spanning pairs", ""))
        out.append(_record("jaffa", "jaffa", "rna", build, ln, bp1, bp2, ordered=True, reads=reads,
                           name=row["fusion genes"],
                           filt=None if row.get("classification") in (None, "", "HighConfidence") else row["classification"]))
    return out, chosen


def _read_pcgr(path: Path, build: str) -> list[dict]:
    out = []
    for ln, row in _table(path):
        _require(row, ("fusiongene", "leftbreakpoint", "rightbreakpoint"), path, ln, "pcgr_fusions")
        genes = row["fusiongene"].split("--")
        g1, g2 = (genes + [""])[:2]
        c1, p1, st1 = _locus(row["leftbreakpoint"], path, ln)
        c2, p2, st2 = _locus(row["rightbreakpoint"], path, ln)
        out.append(_record("pcgr_fusions", "pcgr input", "unspecified", build, ln,
                           _bp(c1, p1, strand=st1, gene=_gene_name(g1)), _bp(c2, p2, strand=st2, gene=_gene_name(g2)),
                           ordered=True, reads=_int_or_none(row.get("splitreads", "")), name=row["fusiongene"],
                           filt=(row.get("filter") or "").strip() or None))
    return out


def _read_linx(path: Path, build: str) -> list[dict]:
    out = []
    for ln, row in _table(path):
        _require(row, ("genestart", "geneend", "fusedexonup", "fusedexondown"), path, ln, "linx")
        out.append(_record(
            "linx", "linx", "dna", build, ln,
            _bp(None, None, gene=_gene_name(row["genestart"]), exon=_int_or_none(row["fusedexonup"])),
            _bp(None, None, gene=_gene_name(row["geneend"]), exon=_int_or_none(row["fusedexondown"])),
            record_id=f"{row.get('fiveprimebreakendid')}/{row.get('threeprimebreakendid')}", ordered=True,
            name=row.get("name"), filt="reported" if row.get("reported") == "true" else "not reported",
            svtype=row.get("reportedtype")))
    return out


def _read_gene_pair(path: Path, build: str) -> list[dict]:
    out = []
    for ln, row in _table(path):
        if "genea" in row:
            g1, g2, name, svtype = row["genea"], row.get("geneb", ""), None, row.get("sv_type")
        else:
            name = row["fusion"].strip()
            base = re.sub(r"\s+fusion$", "", name, flags=re.IGNORECASE)
            g1, _, g2 = base.partition("-")
            svtype = None
        g1, g2 = g1.strip(), g2.strip()
        if g2.lower() == "intragenic":
            g2, svtype = g1, "intragenic"
        out.append(_record("gene_pair", "gene list", "unspecified", build, ln, _bp(None, None, gene=_gene_name(g1)),
                           _bp(None, None, gene=_gene_name(g2)), name=name or f"{g1}-{g2}", svtype=svtype,
                           record_id=row.get("tumor_sample_barcode")))
    return out


_READERS = {"arriba": _read_arriba, "star_fusion": _read_star_fusion, "fusioncatcher": _read_fusioncatcher,
            "pcgr_fusions": _read_pcgr,
            "linx": _read_linx, "gene_pair": _read_gene_pair}


@dataclass
class FusionRead:
    """What one SV/fusion file gave: its junctions, the non-junction records by reason, its format, and
    how many records the file held (``records_in_file``: 0 for a header-only VCF or a table without rows,
    i.e. the file was read and holds no SV - "none found", not "not assessed"); ``sample``: the SV VCF's
    column read as the tumour (None for a table, or when no column could be named the tumour)."""

    records: list[dict]
    skipped: dict[str, int]
    source_format: str
    records_in_file: int
    sample: str | None = None

    @property
    def empty(self) -> bool:
        return self.records_in_file == 0


def read_fusion_file(path: str | Path, build: str, *, fmt: str = "auto", sample: str | None = None,
                     hints: Iterable[str | None] = ()) -> FusionRead:
    """Read an SV VCF or fusion table (see the module doc) into a `FusionRead`. In an SV VCF with several
    samples the tumour is `sample`, else the first of `hints` it holds, else the one named like a tumour
    (`io.cnv.pick_tumour_sample`); with none of these the read counts come from INFO."""
    path = Path(path)
    fmt = resolve_format(path, fmt, FORMATS, detect_format, "SV/fusion")
    skipped: Counter = Counter()
    status: dict = {}
    if fmt == "sv_vcf":
        records = _read_vcf(path, build, sample, skipped, status, tuple(hints))
        n = status.get("records_in_file", len(records))
    elif fmt == "jaffa":
        records, status["sample"] = _read_jaffa(path, build, sample, tuple(hints))
        n = len(records)
    else:
        records = _READERS[fmt](path, build)
        n = len(records)
    return FusionRead(records=records, skipped=dict(skipped), source_format=fmt, records_in_file=n,
                      sample=status.get("sample"))


def read_fusions_detailed(path: str | Path, build: str, *, fmt: str = "auto", sample: str | None = None,
                          hints: Iterable[str | None] = ()) -> tuple[list[dict], dict[str, int]]:
    """Junction records plus counts of records that are not junctions (e.g. insertions), by reason."""
    r = read_fusion_file(path, build, fmt=fmt, sample=sample, hints=hints)
    return r.records, r.skipped


def read_fusions(path: str | Path, build: str, *, fmt: str = "auto", sample: str | None = None,
                 hints: Iterable[str | None] = ()) -> list[dict]:
    """Junction records (see the module doc) from an SV VCF or a fusion table."""
    return read_fusions_detailed(path, build, fmt=fmt, sample=sample, hints=hints)[0]
