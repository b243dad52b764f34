"""MAF (Mutation Annotation Format) export, for cBioPortal, maftools and other MAF readers.

Column names, coordinates and the Variant_Classification vocabulary follow vcf2maf (mskcc/vcf2maf,
`vcf2maf.pl`), the converter those tools are tested against:
- alleles carry no anchor base; '-' stands for the empty allele of an insertion or deletion;
- SNP/DNP/TNP/ONP: Start..End = the changed bases; DEL: the deleted bases; INS: the two bases
  flanking the insertion (Start = the base before it);
- the most severe SO term (Ensembl's order, as in vcf2maf `GetEffectPriority`) is mapped to a
  Variant_Classification by vcf2maf's `GetVariantClassification` rules;
- HGVSp without the predicted-change parentheses, HGVSp_Short with one-letter amino acids, and
  `p.X<codon>_splice` for splice donor/acceptor changes.
One row per allele of the JSON's `variants`, except alleles MAF cannot express (no ALT, `*`,
symbolic/breakend): those are counted in a `#` comment line at the top, never dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import lru_cache
from operator import itemgetter

from alkannot.annotate.protein import ProteinEdit
from alkannot.errors import InputError
from alkannot.io.atomic import atomic_path, atomic_write_text
from alkannot.report.cells import tsv_cells, tsv_cells_by_column, tsv_cells_of

MAF_VERSION = "2.4"
# Standard MAF columns in vcf2maf's order, then alkannot's own (lower case, like vcf2maf's extras).
STANDARD_COLUMNS = [
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position", "End_Position",
    "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "dbSNP_RS", "dbSNP_Val_Status", "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode",
    "Match_Norm_Seq_Allele1", "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1", "Tumor_Validation_Allele2",
    "Match_Norm_Validation_Allele1", "Match_Norm_Validation_Allele2", "Verification_Status",
    "Validation_Status", "Mutation_Status", "Sequencing_Phase", "Sequence_Source", "Validation_Method", "Score",
    "BAM_File", "Sequencer", "Tumor_Sample_UUID", "Matched_Norm_Sample_UUID", "HGVSc", "HGVSp", "HGVSp_Short",
    "Transcript_ID", "Exon_Number", "t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count",
    "n_alt_count",
]
EXTRA_COLUMNS = [
    "Consequence", "Protein_position", "INTRON", "FILTER", "t_alt_freq", "vcf_id", "vcf_pos", "vcf_ref",
    "vcf_alt", "alkannot_status", "alkannot_reason", "alk_kinase_domain", "alk_region", "ch_status",
    "compound", "flags",
]
MAF_COLUMNS = STANDARD_COLUMNS + EXTRA_COLUMNS
# What maftools::read.maf refuses to load without.
MAFTOOLS_REQUIRED = [
    "Hugo_Symbol", "Chromosome", "Start_Position", "End_Position", "Reference_Allele", "Tumor_Seq_Allele2",
    "Variant_Classification", "Variant_Type", "Tumor_Sample_Barcode",
]

# vcf2maf GetEffectPriority (Ensembl's severity order); lower is more severe.  Terms alkannot does
# not emit are kept so a consequence string from elsewhere still ranks; unknown terms rank last.
EFFECT_PRIORITY = {
    "transcript_ablation": 1, "exon_loss_variant": 1, "splice_donor_variant": 2, "splice_acceptor_variant": 2,
    "stop_gained": 3, "frameshift_variant": 3, "stop_lost": 3, "start_lost": 4, "initiator_codon_variant": 4,
    "disruptive_inframe_insertion": 5, "disruptive_inframe_deletion": 5, "inframe_insertion": 5,
    "inframe_deletion": 5, "missense_variant": 6, "conservative_missense_variant": 6,
    "rare_amino_acid_variant": 6, "transcript_amplification": 7, "stop_retained_variant": 8,
    "synonymous_variant": 8, "splice_region_variant": 9, "incomplete_terminal_codon_variant": 10,
    "protein_altering_variant": 11, "coding_sequence_variant": 11, "mature_miRNA_variant": 11,
    "exon_variant": 11, "5_prime_UTR_variant": 12, "5_prime_UTR_premature_start_codon_gain_variant": 12,
    "3_prime_UTR_variant": 12, "non_coding_exon_variant": 13, "non_coding_transcript_exon_variant": 13,
    "non_coding_transcript_variant": 14, "nc_transcript_variant": 14, "intron_variant": 14,
    "intragenic_variant": 14, "NMD_transcript_variant": 15, "upstream_gene_variant": 16,
    "downstream_gene_variant": 16, "intergenic_variant": 19,
}
# vcf2maf GetVariantClassification, rules tried in this order (first match wins).
_SIMPLE_CLASSES = [
    ({"splice_acceptor_variant", "splice_donor_variant", "transcript_ablation", "exon_loss_variant"},
     "Splice_Site"),
    ({"stop_gained"}, "Nonsense_Mutation"),
]
_LATE_CLASSES = [
    ({"missense_variant", "coding_sequence_variant", "conservative_missense_variant", "rare_amino_acid_variant"},
     "Missense_Mutation"),
    ({"transcript_amplification", "intron_variant", "INTRAGENIC", "intragenic_variant"}, "Intron"),
    ({"splice_region_variant"}, "Splice_Region"),
    ({"incomplete_terminal_codon_variant", "synonymous_variant", "stop_retained_variant",
      "NMD_transcript_variant"}, "Silent"),
    ({"mature_miRNA_variant", "exon_variant", "non_coding_exon_variant", "non_coding_transcript_exon_variant",
      "non_coding_transcript_variant", "nc_transcript_variant"}, "RNA"),
    ({"5_prime_UTR_variant", "5_prime_UTR_premature_start_codon_gain_variant"}, "5'UTR"),
    ({"3_prime_UTR_variant"}, "3'UTR"),
    ({"TF_binding_site_variant", "regulatory_region_variant", "regulatory_region", "intergenic_variant",
      "intergenic_region"}, "IGR"),
    ({"upstream_gene_variant"}, "5'Flank"),
    ({"downstream_gene_variant"}, "3'Flank"),
]


def most_severe(consequence: str | None) -> str | None:
    terms = [t for t in re.split(r"[&,]", consequence or "") if t]
    return min(terms, key=lambda t: EFFECT_PRIORITY.get(t, 20)) if terms else None


def variant_classification(effect: str | None, var_type: str, inframe: bool | None) -> str:
    """vcf2maf's mapping of one SO term to a MAF Variant_Classification."""
    if not effect:
        return "Targeted_Region"  # no annotation (vcf2maf: "in case VEP was skipped")
    for terms, cls in _SIMPLE_CLASSES:
        if effect in terms:
            return cls
    pav = effect == "protein_altering_variant"
    if (effect == "frameshift_variant" or (pav and not inframe)) and var_type in ("DEL", "INS"):
        return "Frame_Shift_Del" if var_type == "DEL" else "Frame_Shift_Ins"
    if effect == "stop_lost":
        return "Nonstop_Mutation"
    if effect in ("initiator_codon_variant", "start_lost"):
        return "Translation_Start_Site"
    if effect.endswith("inframe_insertion") or (pav and inframe and var_type == "INS"):
        return "In_Frame_Ins"
    if effect.endswith("inframe_deletion") or (pav and inframe and var_type == "DEL"):
        return "In_Frame_Del"
    for terms, cls in _LATE_CLASSES:
        if effect in terms:
            return cls
    return "Targeted_Region"


def maf_alleles(pos: int, ref: str, alt: str) -> dict:
    """VCF-style allele (anchor base kept) -> MAF Start/End, alleles, Variant_Type, inframe."""
    ref, alt = ref.upper(), alt.upper()
    while ref and alt and ref[0] == alt[0] and ref != alt:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    ref, alt = ref or "-", alt or "-"
    rl, al = (0 if ref == "-" else len(ref)), (0 if alt == "-" else len(alt))
    if rl == al:
        var_type = {1: "SNP", 2: "DNP", 3: "TNP"}.get(al, "ONP")
        return {"start": pos, "end": pos + al - 1, "ref": ref, "alt": alt, "type": var_type, "inframe": None}
    if rl < al:
        start, end = (pos - 1, pos) if ref == "-" else (pos, pos + rl - 1)
        var_type = "INS"
    else:
        start, end, var_type = pos, pos + rl - 1, "DEL"
    return {"start": start, "end": end, "ref": ref, "alt": alt, "type": var_type, "inframe": abs(rl - al) % 3 == 0}


def hgvsp_maf(edit: Mapping | ProteinEdit | None, *, short: bool = False) -> str | None:
    """HGVSp / HGVSp_Short from the variant's ``protein_edit`` (its JSON form, or the ProteinEdit), vcf2maf/VEP
    style (no predicted-change parentheses): ``p.Gly1202Arg`` / ``p.G1202R``; ``p.?`` when the effect is
    unknown."""
    if not edit:
        return None
    e = edit if isinstance(edit, ProteinEdit) else ProteinEdit.from_dict(edit)
    return "p.?" if e.kind == "unknown" else f"p.{e.format(short=short)}"


def hgvsp_short(edit: Mapping | ProteinEdit | None, effect: str | None = None,
                hgvsc: str | None = None) -> str | None:
    if effect in ("splice_acceptor_variant", "splice_donor_variant") and hgvsc:
        m = re.match(r"c\.(\d+)", hgvsc)
        if m:
            c = max(int(m.group(1)), 1)
            return f"p.X{(c + c % 3 + 1) // 3}_splice"  # vcf2maf: round((c + c%3) / 3)
    return hgvsp_maf(edit, short=True)


def _genotype_indices(gt: str | None) -> list[int] | None:
    if not gt:
        return None
    parts = re.split(r"[/|]", gt)
    if any(not p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


# the same few consequence strings and genotypes on every row of a large sample: computed once each
_most_severe = lru_cache(maxsize=4096)(most_severe)


@lru_cache(maxsize=4096)
def _homozygous_for(gt: str | None, allele_no: int) -> bool:
    """Every allele of the genotype is ALT number `allele_no` (MAF Tumor_Seq_Allele1 is then the ALT)."""
    idx = _genotype_indices(gt)
    return bool(idx) and all(g == allele_no for g in idx)


def group_key(line: int | None, chrom, vcf_pos, vcf_ref) -> tuple:
    """The VCF record an allele came from: its line, else (chrom, VCF POS, VCF REF)."""
    return ("line", line) if line is not None else ("key", chrom, vcf_pos, vcf_ref)


def record_groups(keys: list[tuple]) -> dict[int, tuple[int, int]]:
    """variant index -> (1-based ALT number within its record, number of ALTs in the record), from the
    variants' `group_key`s."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    return {i: (k + 1, len(idx)) for idx in groups.values() for k, i in enumerate(idx)}


def _record_groups(variants: list[dict]) -> dict[int, tuple[int, int]]:
    return record_groups([group_key(v.get("line"), v.get("chrom"), v.get("vcf_pos"), v.get("vcf_ref"))
                          for v in variants])


def unrepresentable(v: dict) -> str | None:
    """Why MAF cannot hold this allele (None when it can)."""
    for a in (v.get("ref") or "", v.get("alt") or ""):
        if not a or not set(a.upper()) <= set("ACGTN"):
            return v.get("reason") or "not_a_sequence_allele"
    return None


def _minus(a: int | None, b: int | None, n_alts: int) -> int | None:
    # Reads not supporting this ALT count as REF reads only when the record has one ALT.
    return a - b if a is not None and b is not None and n_alts == 1 and a >= b else None


def maf_row(v: dict, allele: tuple[int, int], sample: dict, build: str | None, center: str = ".") -> dict:
    """The MAF row (column -> value, None = empty) of one representable allele; `allele` = (ALT number
    within its record, ALTs in the record) from `record_groups`."""
    return dict(zip(_VALUE_COLUMNS, maf_values(v, allele, sample, build, center)))


def maf_line(v: dict, allele: tuple[int, int], sample: dict, build: str | None, center: str = ".", *,
             edit: ProteinEdit | None | bool = False) -> str:
    """``_line(maf_row(...))``: one MAF line, from the values in column order (no row dict and no look-up
    per column: a 100,000-variant sample writes 100,000 of them). ``edit``: the record's ProteinEdit when
    the caller has it (else it is read from the row's ``protein_edit``)."""
    cells = tsv_cells_of(maf_values(v, allele, sample, build, center, edit=edit))
    cells.append("")  # the columns alkannot leaves empty
    return "\t".join(_CELLS_IN_COLUMN_ORDER(cells))


def maf_values(v: dict, allele: tuple[int, int], sample: dict, build: str | None, center: str = ".", *,
               edit: ProteinEdit | None | bool = False) -> tuple:
    """The MAF row's values, in _VALUE_COLUMNS order (maf_row and maf_line are both made from these)."""
    allele_no, n_alts = allele
    if v.get("hgvsp") and "protein_edit" not in v:
        raise InputError(f"sample {sample.get('id')}: variant {v.get('chrom')}:{v.get('pos')} has no protein_edit "
                         "(a JSON written by an older alkannot)", fix="re-run `alkannot annotate` for this sample")
    a = maf_alleles(v["pos"], v["ref"], v["alt"])
    effect = _most_severe(v.get("consequence")) if v.get("status") == "annotated" else None
    allele1 = a["alt"] if _homozygous_for(v.get("gt"), allele_no) else a["ref"]
    rs = [x for x in (v.get("id") or "").split(";") if x.startswith("rs")]
    if edit is False:
        edit = v.get("protein_edit")
        edit = ProteinEdit.from_dict(edit) if edit else None  # read once for HGVSp and HGVSp_Short
    depth, alt_reads = v.get("depth"), v.get("alt_reads")
    normal_depth, normal_alt_reads = v.get("normal_depth"), v.get("normal_alt_reads")
    return (
        v.get("gene") or "Unknown",  # Hugo_Symbol
        0,  # Entrez_Gene_Id: vcf2maf's "unknown"; readers fall back to Hugo_Symbol
        center,  # Center
        build,  # NCBI_Build
        v["chrom"],  # Chromosome
        a["start"],  # Start_Position
        a["end"],  # End_Position
        "+",  # Strand
        variant_classification(effect, a["type"], a["inframe"]),  # Variant_Classification
        a["type"],  # Variant_Type
        a["ref"],  # Reference_Allele
        allele1,  # Tumor_Seq_Allele1
        a["alt"],  # Tumor_Seq_Allele2
        ",".join(rs) or None,  # dbSNP_RS
        sample["id"],  # Tumor_Sample_Barcode
        sample.get("normal_sample"),  # Matched_Norm_Sample_Barcode
        v.get("hgvsc"),  # HGVSc
        hgvsp_maf(edit),  # HGVSp
        hgvsp_short(edit, effect, v.get("hgvsc")),  # HGVSp_Short
        v.get("transcript"),  # Transcript_ID
        v.get("exon"),  # Exon_Number
        depth,  # t_depth
        _minus(depth, alt_reads, n_alts),  # t_ref_count
        alt_reads,  # t_alt_count
        normal_depth,  # n_depth
        _minus(normal_depth, normal_alt_reads, n_alts),  # n_ref_count
        normal_alt_reads,  # n_alt_count
        v.get("consequence"),  # Consequence
        v.get("protein_position"),  # Protein_position
        v.get("intron"),  # INTRON
        v.get("filter"),  # FILTER
        v.get("vaf"),  # t_alt_freq
        v.get("id"),  # vcf_id
        v.get("vcf_pos"),  # vcf_pos
        v.get("vcf_ref"),  # vcf_ref
        v.get("vcf_alt"),  # vcf_alt
        v.get("status"),  # alkannot_status
        v.get("reason"),  # alkannot_reason
        v.get("alk_kinase_domain"),  # alk_kinase_domain
        v.get("alk_region"),  # alk_region
        v.get("ch_status"),  # ch_status
        v.get("compound") or None,  # compound
        v.get("flags") or None,  # flags
    )


# the columns maf_values fills, in MAF_COLUMNS order (the others are always empty; maf_row leaves them out)
_VALUE_COLUMNS = [
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position", "End_Position",
    "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "dbSNP_RS", "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "HGVSc", "HGVSp",
    "HGVSp_Short", "Transcript_ID", "Exon_Number", "t_depth", "t_ref_count", "t_alt_count", "n_depth",
    "n_ref_count", "n_alt_count", *EXTRA_COLUMNS,
]
# maf_values' cells + [""] -> every MAF column's cell, in MAF_COLUMNS order
_CELLS_IN_COLUMN_ORDER = itemgetter(*[_VALUE_COLUMNS.index(c) if c in _VALUE_COLUMNS else len(_VALUE_COLUMNS)
                                      for c in MAF_COLUMNS])


def sample_build(data: dict) -> str | None:
    """The genome build a sample's MAF rows name (NCBI_Build)."""
    return data["sample"].get("build") or data.get("resources", {}).get("build")


def maf_rows(data: dict, *, center: str = ".") -> list[dict]:
    """One MAF row (column -> value, None = empty) per representable allele of `data['variants']`."""
    sample = data["sample"]
    build = sample_build(data)
    variants = data["variants"]
    groups = _record_groups(variants)
    return [maf_row(v, groups[i], sample, build, center) for i, v in enumerate(variants) if not unrepresentable(v)]


def _line(row: dict) -> str:
    """One MAF line: tsv_cell of every column."""
    return "\t".join(tsv_cells(row, MAF_COLUMNS))


class CohortMaf:
    """MAF text of many samples added one at a time (the cohort report reads one sample JSON at a time).

    With `spill`, rows beyond the first SPILL_AFTER go to a temporary file as they come (10,000 panel samples
    are ~1.2 M rows): memory stays flat; `write` puts the header (which counts what MAF cannot express) before
    them. A panel sample's few hundred rows never make the file."""

    SPILL_AFTER = 5000

    def __init__(self, *, center: str = ".", spill: bool = False):
        self.center = center
        self.ids: Counter = Counter()
        self.skipped: Counter = Counter()
        self.body: list[str] = []
        self._may_spill = spill
        self._spill = None

    def add(self, d: dict) -> None:
        self.ids[d["sample"]["id"]] += 1
        sample, variants, build = d["sample"], d["variants"], sample_build(d)
        groups = _record_groups(variants)
        for i, v in enumerate(variants):
            self.add_row(v, groups[i], sample, build)

    def add_row(self, v: dict, allele: tuple[int, int], sample: dict, build: str | None, *,
                edit: ProteinEdit | None | bool = False) -> None:
        """One variant row of a sample written row by row (count the sample in `ids` once yourself);
        ``edit``: the variant record's ProteinEdit, when the caller has it (see maf_line)."""
        why = unrepresentable(v)
        if why:
            self.skipped[why] += 1
            return
        self._add_lines([maf_line(v, allele, sample, build, self.center, edit=edit)])

    def add_rows(self, rows: list[dict], alleles: list[tuple[int, int]], sample: dict, build: str | None,
                 edits: list[ProteinEdit | None]) -> None:
        """add_row for each of a chunk of a sample's variant rows (with their alleles and their records'
        ProteinEdits): the lines' cells made column by column (report.cells.tsv_cells_by_column)."""
        values = []
        for v, allele, edit in zip(rows, alleles, edits):
            why = unrepresentable(v)
            if why:
                self.skipped[why] += 1
            else:
                values.append(maf_values(v, allele, sample, build, self.center, edit=edit))
        self._add_lines(["\t".join(_CELLS_IN_COLUMN_ORDER(cells + ("",)))  # + the columns alkannot leaves empty
                         for cells in tsv_cells_by_column(values)])

    def _add_lines(self, lines: list[str]) -> None:
        if self._spill is None:
            self.body += lines
            if self._may_spill and len(self.body) >= self.SPILL_AFTER:
                import tempfile

                self._spill = tempfile.TemporaryFile("w+")
                self._spill.writelines(r + "\n" for r in self.body)
                self.body = []
        else:
            self._spill.writelines(r + "\n" for r in lines)

    def _header(self) -> list[str]:
        lines = [f"#version {MAF_VERSION}"]
        if self.skipped:
            what = ", ".join(f"{k}: {n}" for k, n in sorted(self.skipped.items()))
            lines.append(f"#alkannot: {sum(self.skipped.values())} allele(s) not expressible in MAF ({what}); "
                         "they are listed in the per-sample JSON and variants.tsv")
        lines.append("\t".join(MAF_COLUMNS))
        return lines

    def text(self) -> str:
        if self._spill is not None:
            self._spill.seek(0)
            return "\n".join(self._header()) + "\n" + self._spill.read()
        return "\n".join(self._header() + self.body) + "\n"

    def write(self, out_path) -> None:
        _check_unique(self.ids, out_path)
        if self._spill is None:
            atomic_write_text(out_path, self.text())
            return
        import shutil

        with atomic_path(out_path) as tmp, open(tmp, "w") as fh:
            fh.write("\n".join(self._header()) + "\n")
            self._spill.seek(0)
            shutil.copyfileobj(self._spill, fh, 1 << 20)
        self._spill.close()


def maf_text(datas: list[dict], *, center: str = ".") -> str:
    acc = CohortMaf(center=center)
    for d in datas:
        acc.add(d)
    return acc.text()


def _check_unique(ids: Counter, out_path) -> None:
    dup = sorted(k for k, n in ids.items() if n > 1)
    if dup:
        raise InputError(f"sample id(s) {', '.join(dup)} appear more than once in the cohort", path=out_path,
                         fix="give each sample (timepoint) its own id; Tumor_Sample_Barcode must be unique")


def write_maf(data: dict, out_path: str, *, center: str = ".", rows: CohortMaf | None = None) -> None:
    """Write one sample's MAF (`results/{sample}/{sample}.maf.tsv`); ``rows``: its rows already made, one at
    a time, while the sample's outputs were written (report.outputs)."""
    if rows is not None:
        rows.write(out_path)
        return
    atomic_write_text(out_path, maf_text([data], center=center))


def write_cohort_maf(datas: list[dict], out_path: str, *, center: str = ".") -> None:
    """Write one MAF for many samples (rows in the order given); sample ids must be unique."""
    _check_unique(Counter(d["sample"]["id"] for d in datas), out_path)
    atomic_write_text(out_path, maf_text(datas, center=center))
