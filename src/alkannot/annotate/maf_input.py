"""MAF (Mutation Annotation Format) input for small variants: GDC MAFs and vcf2maf / maftools files.

A MAF is accepted wherever a VCF is (the sample's ``vcf`` path): it is detected by its name (``.maf``,
``.maf.gz``, ``.maf.tsv``, ``.maf.txt``) or by its header (``Hugo_Symbol Chromosome Start_Position
Reference_Allele Tumor_Seq_Allele2``, after ``#version`` comment lines). It is converted record by record
into a VCF (written to a private temporary directory) that the ordinary VCF path reads, so the same
annotator computes every protein change from the bundled transcript models, checks REF, and keeps the
same accounting; nothing is taken from the MAF's own annotation.

Conversion (MAF is 1-based; ``-`` marks the empty allele of an indel):

* SNP/DNP/ONP and other equal-length or complex (both alleles non-empty) changes: ``POS = Start_Position``,
  REF and ALT as written.
* deletion (``Tumor_Seq_Allele = -``): VCF needs the base before ``Start_Position`` as anchor:
  ``POS = Start - 1``, ``REF = anchor + deleted``, ``ALT = anchor``.
* insertion (``Reference_Allele = -``): ``Start_Position`` is the base before the insertion:
  ``POS = Start``, ``REF = anchor``, ``ALT = anchor + inserted``.

The anchor base comes from the genome FASTA (``--reference``) when given, otherwise from the bundled
transcript sequence (exonic bases of the target genes). When neither knows it, the record is not guessed:
it is listed as ``not_annotated: maf_anchor_base_unknown`` (and counted in `accounting`).

Columns used: Hugo_Symbol (shown only), Chromosome, Start_Position, End_Position (checked), Reference_Allele,
Tumor_Seq_Allele1/2 (the non-reference one(s) are the ALT; ``Allele1 == Reference`` gives GT 0/1, two equal
non-reference alleles 1/1), t_depth / t_ref_count / t_alt_count (FORMAT DP and AD; missing counts stay
unknown), n_depth / n_ref_count / n_alt_count (a NORMAL column when given), NCBI_Build (GRCh37/GRCh38,
hg19/hg38, 37/38) as the build, Tumor_Sample_Barcode as the tumour sample (a MAF with several tumours needs
``tumor_sample``), FILTER (vcf2maf) when present, dbSNP_RS as the record ID, and HGVSp/HGVSp_Short +
Transcript_ID, when present, written as a VEP-style CSQ entry so they are *compared* with our result (like
a VEP annotation: shown with agree/disagree, never used).
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.contigs import canonical_chrom
from alkannot.core.resources import resources_dir
from alkannot.core.sequence import revcomp
from alkannot.errors import InputError
from alkannot.io.textfile import numbered_lines, open_text

REASON_ANCHOR = "maf_anchor_base_unknown"
REQUIRED = ("Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele2")
_NAME = re.compile(r"\.maf(\.tsv|\.txt)?(\.gz)?$", re.IGNORECASE)
_MISSING = {"", ".", "NA", "na", "NaN", "nan", "None", "null"}
# Mutation_Status values (GDC MAF: somatic, germline, LOH, post-transcriptional modification, unknown, none) that
# are the caller's own call of a constitutional allele (LOH: a germline allele lost in the tumour); compared in
# lower case
GERMLINE_MUTATION_STATUS = frozenset({"germline", "loh"})
_BUILDS = {"grch37": "GRCh37", "hg19": "GRCh37", "37": "GRCh37", "b37": "GRCh37", "grch38": "GRCh38",
           "hg38": "GRCh38", "38": "GRCh38", "b38": "GRCh38"}


@dataclass
class MafConversion:
    """A MAF turned into a temporary VCF, and what could not be turned into VCF records."""

    maf_path: str
    vcf_path: str
    build: str | None
    tumor_sample: str
    normal_sample: str | None
    rows_read: int
    rows_for_sample: int
    unanchored: list[dict] = field(default_factory=list)  # records listed as not_annotated
    maf_line_of: dict[int, int] = field(default_factory=dict)  # line in the converted VCF -> MAF line
    mutation_status_of: dict[int, str] = field(default_factory=dict)  # MAF line -> its Mutation_Status, if given


def looks_like_maf(path: str | Path) -> bool:
    """True for a MAF: a header ``Hugo_Symbol ... Tumor_Seq_Allele2`` (after ``#`` lines), or a MAF name
    (``.maf``, ``.maf.gz``, ``.maf.tsv``) on a file that is not a VCF/BCF."""
    path = Path(path)
    by_name = bool(_NAME.search(path.name))
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head[:3] == b"BCF":
            return False
        with open_text(path) as fh:
            for (_, line), _n in zip(numbered_lines(fh, path), range(200)):
                if line.startswith("##fileformat=VCF") or line.startswith("#CHROM"):
                    return False
                if line.startswith("#") or not line.strip():
                    continue
                cols = set(line.rstrip("\n\r").split("\t"))
                return {"Hugo_Symbol", *REQUIRED} <= cols or by_name
    except (OSError, UnicodeDecodeError, EOFError, ValueError, InputError):
        return by_name
    return by_name


def _rows(path: Path):
    """(line, header, row dict) for each MAF data row; a row with too few columns is an error."""
    header: list[str] | None = None
    with open_text(path) as fh:
        for ln, line in numbered_lines(fh, path):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = [c.strip() for c in fields]
                missing = [c for c in REQUIRED if c not in header]
                if missing:
                    raise InputError(f"MAF header lacks column(s) {', '.join(missing)}", path=str(path), line=ln,
                                     fix="give a GDC / vcf2maf MAF (Chromosome, Start_Position, Reference_Allele, "
                                         "Tumor_Seq_Allele1/2, Tumor_Sample_Barcode)")
                continue
            if len(fields) < len(header):
                raise InputError(f"MAF row has {len(fields)} columns, the header has {len(header)}",
                                 path=str(path), line=ln, fix="the MAF must be tab-separated and not cut short")
            yield ln, header, dict(zip(header, fields))
    if header is None:
        raise InputError("MAF has no header line", path=str(path), fix="give a GDC / vcf2maf MAF")


def _allele(text: str) -> str:
    return (text or "").strip().upper()


def _count(row: dict, key: str, path: Path, ln: int) -> int | None:
    v = (row.get(key) or "").strip()
    if v in _MISSING:
        return None
    try:
        x = float(v)
    except ValueError:
        raise InputError(f"MAF column {key} is not a number: {v!r}", path=str(path), line=ln,
                         fix="read counts must be whole numbers (or empty/NA when unknown)") from None
    if x < 0 or x != int(x):
        raise InputError(f"MAF column {key} is not a read count: {v!r}", path=str(path), line=ln,
                         fix="read counts must be non-negative whole numbers")
    return int(x)


class _Anchors:
    """Genome base lookup: the FASTA when given, else the bundled transcript sequence (exonic bases)."""

    def __init__(self, build: str, reference: str | None):
        self.build = build
        self.fasta = None
        if reference:
            import pysam

            try:
                self.fasta = pysam.FastaFile(reference)
            except (OSError, ValueError) as e:
                raise InputError(f"cannot open reference FASTA ({e})", path=reference,
                                 fix="give an indexed FASTA (samtools faidx)") from None
        self.ts = load_transcripts(build)

    def base(self, chrom: str, pos: int) -> str | None:
        if self.fasta is not None:
            for name in (chrom, "chr" + chrom, chrom.removeprefix("chr")):
                if name in self.fasta.references:
                    b = self.fasta.fetch(name, pos - 1, pos).upper()
                    return b if b in ("A", "C", "G", "T") else None
        c = canonical_chrom(chrom)
        for t in self.ts.overlapping(c, pos, pos):
            i = t.g_to_t(pos)
            if i is None:
                continue
            b = t.sequence[i].upper()
            b = b if t.strand == "+" else revcomp(b)
            if b in ("A", "C", "G", "T"):
                return b
        return None


def _chrom_lengths(build: str) -> list[tuple[str, int]]:
    out = []
    for line in (resources_dir() / "chromosome_arms.tsv").read_text().splitlines():
        if line and not line.startswith("#") and not line.startswith("build\t"):
            b, chrom, length, *_ = line.split("\t")
            if b == build:
                out.append((chrom, int(length)))
    return out


def _esc(text: str) -> str:
    return re.sub(r"[,|;=\s%]", lambda m: f"%{ord(m.group(0)):02X}", text or "")


_TMP: list[str] = []


def _cleanup() -> None:
    for d in _TMP:
        shutil.rmtree(d, ignore_errors=True)


def maf_to_vcf(path: str | Path, *, build: str | None = None, tumor_sample: str | None = None,
               reference: str | None = None, workdir: str | None = None) -> MafConversion:
    """Convert one tumour's records of a MAF into a VCF (see the module doc); InputError on bad input."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=str(path), fix="check the path")
    rows = list(_rows(path))
    barcodes: list[str] = []
    builds: set[str] = set()
    for ln, _, row in rows:
        bc = (row.get("Tumor_Sample_Barcode") or "").strip()
        if bc and bc not in barcodes:
            barcodes.append(bc)
        nb = (row.get("NCBI_Build") or "").strip()
        if nb and nb not in _MISSING:
            if nb.lower() not in _BUILDS:
                raise InputError(f"NCBI_Build {nb!r} is not GRCh37 or GRCh38", path=str(path), line=ln,
                                 fix="use GRCh37/GRCh38 (or hg19/hg38) or pass --build")
            builds.add(_BUILDS[nb.lower()])
    if len(builds) > 1:
        raise InputError(f"MAF mixes builds ({', '.join(sorted(builds))}) in NCBI_Build", path=str(path),
                         fix="split the MAF by build")
    maf_build = next(iter(builds), None)
    if build and maf_build and build != maf_build:
        raise InputError(f"MAF NCBI_Build says {maf_build}, the run asks for {build}", path=str(path),
                         fix=f"rerun with --build {maf_build}, or fix NCBI_Build if it is wrong")
    build = build or maf_build
    if build is None:
        raise InputError("cannot tell the genome build: the MAF has no NCBI_Build", path=str(path),
                         fix="pass --build GRCh37 or --build GRCh38")
    if tumor_sample is not None:
        if barcodes and tumor_sample not in barcodes:
            raise InputError(f"tumour sample {tumor_sample!r} is not a Tumor_Sample_Barcode of the MAF",
                             path=str(path), fix=f"choose one of: {', '.join(barcodes[:10])}")
        sample = tumor_sample
    elif len(barcodes) > 1:
        shown = ", ".join(barcodes[:5]) + (" ..." if len(barcodes) > 5 else "")
        raise InputError(f"MAF holds {len(barcodes)} tumour samples ({shown})", path=str(path),
                         fix="choose one with tumor_sample (sheet) / --tumor-sample")
    else:
        sample = barcodes[0] if barcodes else "TUMOR"
    anchors = _Anchors(build, reference)
    mine = [(ln, h, r) for ln, h, r in rows if not barcodes or (r.get("Tumor_Sample_Barcode") or "").strip() == sample]
    normals = {(r.get("Matched_Norm_Sample_Barcode") or "").strip() for _, _, r in mine} - {""}
    has_normal = any((r.get("n_ref_count") or "").strip() not in _MISSING or
                     (r.get("n_alt_count") or "").strip() not in _MISSING for _, _, r in mine)
    normal = (sorted(normals)[0] if len(normals) == 1 else "NORMAL") if has_normal else None
    if normal == sample:
        normal = "NORMAL"
    has_hgvsp = any(k in (rows[0][1] if rows else []) for k in ("HGVSp", "HGVSp_Short"))

    records: list[tuple[str, int, str, str, str, str, str]] = []
    unanchored: list[dict] = []
    status_of: dict[int, str] = {}
    for ln, _, row in mine:
        status = (row.get("Mutation_Status") or "").strip()
        if status not in _MISSING:
            status_of[ln] = status
        chrom = canonical_chrom((row.get("Chromosome") or "").strip())
        start_text = (row.get("Start_Position") or "").strip()
        try:
            start = int(start_text)
        except ValueError:
            raise InputError(f"Start_Position {start_text!r} is not a position", path=str(path), line=ln,
                             fix="check the MAF columns") from None
        if start < 1 or not chrom:
            raise InputError(f"bad locus {row.get('Chromosome')!r}:{start_text}", path=str(path), line=ln,
                             fix="MAF positions are 1-based")
        ref = _allele(row.get("Reference_Allele", ""))
        a1, a2 = _allele(row.get("Tumor_Seq_Allele1", "")), _allele(row.get("Tumor_Seq_Allele2", ""))
        alts = [a for a in (a2, a1) if a and a != ref]
        alts = list(dict.fromkeys(alts))
        for a in [ref, *alts]:
            if not re.fullmatch(r"-|[ACGTN]+", a):
                raise InputError(f"allele {a!r} is not DNA or '-'", path=str(path), line=ln,
                                 fix="MAF alleles are bases or '-' for the empty side of an indel")
        if not alts:
            raise InputError("no tumour allele differs from Reference_Allele", path=str(path), line=ln,
                             fix="Tumor_Seq_Allele2 must hold the variant allele")
        if a1 == ref or not a1:
            gt = "0/1"
        elif len(alts) == 1:
            gt = "1/1"
        else:
            gt = "1/2"
        indel = ref == "-" or "-" in alts
        pos, vref, valts = start, ref, alts
        if indel:
            if ref == "-":  # insertion after Start_Position
                anchor_pos = start
            else:  # deletion (or a delins written with '-'): anchor before the first deleted base
                anchor_pos = start - 1
            b = anchors.base(chrom, anchor_pos)
            if b is None:
                unanchored.append({"chrom": chrom, "pos": start, "ref": ref, "alts": alts, "line": ln,
                                   "gene": (row.get("Hugo_Symbol") or "").strip() or None})
                continue
            pos = anchor_pos
            vref = b + ("" if ref == "-" else ref)
            valts = [b + ("" if a == "-" else a) for a in alts]
        rid = (row.get("dbSNP_RS") or "").strip()
        rid = rid if re.fullmatch(r"rs\d+(;rs\d+)*", rid) else f"MAF_L{ln}"
        dp, rc, ac = (_count(row, k, path, ln) for k in ("t_depth", "t_ref_count", "t_alt_count"))
        ad = ",".join("." if x is None else str(x) for x in [rc, ac] + [None] * (len(valts) - 1))
        cols = [f"{gt}:{ad}:{'.' if dp is None else dp}"]
        if normal:
            ndp, nrc, nac = (_count(row, k, path, ln) for k in ("n_depth", "n_ref_count", "n_alt_count"))
            nad = ",".join("." if x is None else str(x) for x in [nrc, nac] + [None] * (len(valts) - 1))
            cols.append(f"./.:{nad}:{'.' if ndp is None else ndp}")
        info = [f"MAF_LINE={ln}"]
        if has_hgvsp:
            hg = (row.get("HGVSp") or row.get("HGVSp_Short") or "").strip()
            if hg and hg not in _MISSING:
                csq = "|".join(_esc(x) for x in (valts[0] if not indel else alts[0].replace("-", ""),
                                                 row.get("Variant_Classification", ""),
                                                 row.get("Transcript_ID", ""), hg))
                info.append(f"CSQ={csq}")
        filt = (row.get("FILTER") or "").strip()
        filt = filt if filt and filt not in _MISSING and re.fullmatch(r"[^\s;]+(;[^\s;]+)*", filt) else "PASS"
        records.append((chrom, pos, rid, vref, ",".join(valts), filt, ";".join(info) + "\t" + "\t".join(
            ["GT:AD:DP", *cols])))

    d = workdir or tempfile.mkdtemp(prefix="alkannot-maf-")
    if workdir is None:
        if not _TMP:
            atexit.register(_cleanup)
        _TMP.append(d)
    out = Path(d) / (path.name.split(".maf")[0] + ".from_maf.vcf")
    order = {c: i for i, (c, _) in enumerate(_chrom_lengths(build))}
    records.sort(key=lambda r: (order.get(r[0], 99), r[0], r[1]))
    with open(out, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n")
        fh.write(f"##source=alkannot MAF conversion of {_esc(path.name)}\n")
        fh.write(f"##reference={build}\n")
        for c, n in _chrom_lengths(build):
            fh.write(f"##contig=<ID={c},length={n}>\n")
        fh.write('##FILTER=<ID=PASS,Description="All filters passed">\n')
        fh.write('##INFO=<ID=MAF_LINE,Number=1,Type=Integer,Description="Line of the record in the MAF">\n')
        if has_hgvsp:
            fh.write('##INFO=<ID=CSQ,Number=.,Type=String,Description="Annotation written in the MAF (compared, '
                     'never used). Format: Allele|Consequence|Feature|HGVSp">\n')
        fh.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        fh.write('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths (MAF t_/n_ref_count, '
                 't_/n_alt_count)">\n')
        fh.write('##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth (MAF t_depth/n_depth)">\n')
        fh.write(f"##tumor_sample={sample}\n")
        if normal:
            fh.write(f"##normal_sample={normal}\n")
        fh.write("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]
                           + ([normal] if normal else [])) + "\n")
        for chrom, pos, rid, ref, alt, filt, rest in records:
            fh.write(f"{chrom}\t{pos}\t{rid}\t{ref}\t{alt}\t.\t{filt}\t{rest}\n")
    n_header = sum(1 for line in out.read_text().splitlines() if line.startswith("#"))
    # the annotator numbers records by their line in the VCF; map those back to the MAF's lines
    line_of = {n_header + i: int(re.search(r"MAF_LINE=(\d+)", r[6]).group(1)) for i, r in enumerate(records, 1)}
    conv = MafConversion(maf_path=str(path), vcf_path=str(out), build=build, tumor_sample=sample,
                         normal_sample=normal, rows_read=len(rows), rows_for_sample=len(mine),
                         unanchored=unanchored, maf_line_of=line_of, mutation_status_of=status_of)
    _CONVERTED[str(path)] = conv
    return conv


_CONVERTED: dict[str, MafConversion] = {}


def converted_vcf(path: str | Path) -> str | None:
    """The VCF this process converted a MAF into (for the annotated-VCF output), or None."""
    conv = _CONVERTED.get(str(Path(path)))
    return conv.vcf_path if conv else None


def unanchored_variants(conv: MafConversion, build: str, targets: list[tuple[str, int, int]]) -> list[dict]:
    """The MAF indels without an anchor base that fall in the target genes, as `not_annotated` variant rows
    shaped like the annotator's (the rest are outside the targets and only counted as read)."""
    out = []
    for u in conv.unanchored:
        if not any(c == u["chrom"] and s <= u["pos"] <= e for c, s, e in targets):
            continue
        for alt in u["alts"]:
            out.append({"chrom": u["chrom"], "pos": u["pos"], "ref": u["ref"], "alt": alt, "gene": u["gene"],
                        "status": "not_annotated", "reason": REASON_ANCHOR, "maf_line": u["line"],
                        "flags": [], "note": (f"MAF line {u['line']}: the base before this indel is not in the "
                                              "bundled sequence; pass --reference to annotate it")})
    return out
