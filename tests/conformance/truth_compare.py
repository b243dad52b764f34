"""Compare the engine with third-party protein annotations (shared/truth/protein_truth_dev.tsv).

Used by tests/conformance/test_protein_truth.py and runnable by hand:
    .venv/bin/python tests/conformance/truth_compare.py [--show N] [--write-accepted]
Notation is normalised to one-letter short forms before comparing (p.(Gly1202Arg) == p.G1202R == G1202R).

Every difference is classified by `classify`, which only assigns a category when it can show the
evidence from the sequence: it re-derives the variant's protein independently of the engine (edit the
transcript with the row's own alleles, translate), checks that our short form applied to the reference
protein gives exactly that protein, and checks what the source's own notation would give.  A difference
it cannot explain is returned unclassified: a possible engine bug, never accepted automatically.
`--write-accepted` regenerates accepted_differences.tsv from the classifier (review the diff before
committing it).
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from alkannot.annotate.engine import Annotation, annotate_allele
from alkannot.annotate.transcripts import Transcript, load_transcripts
from alkannot.core.sequence import THREE, revcomp, translate, trim_allele

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TRUTH = SHARED / "truth" / "protein_truth_dev.tsv"
ACCEPTED = Path(__file__).with_name("accepted_differences.tsv")
ONE = {v: k for k, v in THREE.items()}
ACCEPTED_COLUMNS = ["build", "chrom", "pos", "ref", "alt", "gene", "source", "theirs", "ours", "category",
                    "reason"]
# Categories whose source annotation is not a protein annotation of this variant on MANE: left out of
# the denominator of the agreement figure.  hgvs_rule differences are real disagreements and count.
NOT_A_MANE_ANNOTATION = ("hotspot_group_label", "other_isoform", "source_allele_error", "source_notation")
CATEGORIES = NOT_A_MANE_ANNOTATION + ("hgvs_rule",)
HOTSPOT_SOURCE = "maftools_cancerhotspots_v2"

# Other isoforms seen in the truth file: residue number in the isoform minus MANE residue number.
# Each row is checked: same reference/alternative residues, this exact offset, and (when the source
# gives its c.) a c. offset of 3 x the protein offset.
ISOFORM_OFFSETS = {
    "MET": (18, "the long MET isoform NM_001127500/NP_001120972 (MANE NM_000245.4 + 18 residues)"),
    "TP53": (-132, "the Delta133p53 isoform, which starts at Met133 of MANE NP_000537.3"),
    "BRAF": (-392, "Ensembl transcript ENST00000496384, whose residue numbers here are MANE - 392"),
}


# ---------------------------------------------------------------------------------------------
# notation
# ---------------------------------------------------------------------------------------------

def normalise_p(p: str) -> str:
    """Source protein notation -> one-letter short form, mapping source conventions only where the
    mapping is unambiguous without the sequence."""
    p = p.strip()
    if ":" in p:
        p = p.split(":", 1)[1]
    p = p.removeprefix("p.").strip("()")
    p = re.sub(r"(Ter|[A-Z][a-z]{2})", lambda m: ONE.get(m.group(1), m.group(1)), p)
    p = p.replace("X", "*") if re.fullmatch(r"[A-Z*]\d+X", p) else p
    p = re.sub(r"fs\*?(\d+|\?)?$", "fs", p)  # many sources omit the new stop: compare up to 'fs'
    # DoCM writes a one-residue deletion as p.K601- and a synonymous change as p.L862
    p = re.sub(r"^([A-Z])(\d+)-$", r"\1\2del", p)
    p = re.sub(r"^([A-Z*])(\d+)$", r"\1\2=", p)
    # MAF/Oncotator-style synonymous p.T125T
    m = re.fullmatch(r"([A-Z*])(\d+)([A-Z*])", p)
    if m and m.group(1) == m.group(3):
        p = f"{m.group(1)}{m.group(2)}="
    return p


def ours_short(short: str | None) -> str | None:
    if short is None:
        return None
    return re.sub(r"fs\*?(\d+|\?)?$", "fs", short)


def agrees(theirs: str, ours: str | None) -> bool:
    """Equal short forms; a source frameshift without the new residue ('R342fs') matches ours
    with it ('R342Efs') when the first changed residue is the same."""
    if ours is None:
        return False
    if theirs == ours:
        return True
    m = re.fullmatch(r"([A-Z*]\d+)fs", theirs)
    return bool(m and re.fullmatch(re.escape(m.group(1)) + r"[A-Z*]fs", ours))


# ---------------------------------------------------------------------------------------------
# independent evidence: the variant's protein from its own alleles, and what a notation describes
# ---------------------------------------------------------------------------------------------

def edited_transcript(tx: Transcript, pos: int, ref: str, alt: str) -> str | None:
    """Transcript sequence with the VCF allele applied (anchor bases included, nothing shifted), or
    None if the REF bases are not one contiguous known exonic stretch."""
    if ref[:1] == alt[:1] == "N" or (ref[:1] == alt[:1] and tx.g_to_t(pos) is None):
        pos, ref, alt = pos + 1, ref[1:], alt[1:]  # an anchor base outside the exon
    ts = [tx.g_to_t(pos + i) for i in range(len(ref))]
    if not ts or None in ts or max(ts) - min(ts) != len(ref) - 1:
        return None
    lo, hi = min(ts), max(ts)
    o_ref, o_alt = (ref, alt) if tx.strand == "+" else (revcomp(ref), revcomp(alt))
    if tx.sequence[lo : hi + 1] != o_ref:
        return None
    return tx.sequence[:lo] + o_alt + tx.sequence[hi + 1 :]


def proteins(tx: Transcript, edited: str) -> tuple[str, str]:
    """(reference protein up to and including its stop, variant protein translated to its stop).
    When the reference stop codon is not known (ALK, MET: 'N'), both stop at the end of the CDS
    rather than reading on into the 3' UTR."""
    ref_p = translate(tx.cds_seq())
    stop = ref_p.find("*")
    if stop >= 0:
        return ref_p[: stop + 1], translate(edited[tx.cds_start :], to_stop=True)
    end = tx.cds_end + 1 + len(edited) - len(tx.sequence)
    return ref_p, translate(edited[tx.cds_start : end], to_stop=True)


_AA = "ACDEFGHIKLMNPQRSTVWY"
_RES = rf"([{_AA}*])(\d+)"
HGVS_SHORT = re.compile(
    rf"{_RES}[{_AA}*]|{_RES}=|{_RES}(?:_{_RES})?(?:del|dup)|{_RES}_{_RES}ins[{_AA}]+"
    rf"|{_RES}(?:_{_RES})?delins[{_AA}*]+|{_RES}[{_AA}*]?fs")


def is_hgvs_short(s: str) -> bool:
    return HGVS_SHORT.fullmatch(s) is not None


def apply_short(ref_p: str, s: str) -> str | None:
    """The protein a one-letter description gives when applied to `ref_p` (cut at the first stop),
    '' if its reference residues are not those of `ref_p`, None if the form is not understood or is
    a frameshift (see `describes`).  Also reads two non-HGVS source forms: 'T1151insT' (insert after
    residue 1151) and Oncotator's '418_419YD>YFFD'."""

    def res_ok(aa: str, n: int) -> bool:
        return 1 <= n <= len(ref_p) and ref_p[n - 1] == aa

    def cut(p: str) -> str:
        i = p.find("*")
        return p if i < 0 else p[: i + 1]

    if m := re.fullmatch(rf"{_RES}([{_AA}*])", s):
        a, n, b = m.group(1), int(m.group(2)), m.group(3)
        return cut(ref_p[: n - 1] + b + ref_p[n:]) if res_ok(a, n) else ""
    if m := re.fullmatch(rf"{_RES}=", s):
        return ref_p if res_ok(m.group(1), int(m.group(2))) else ""
    if m := re.fullmatch(rf"{_RES}(?:_{_RES})?(del|dup|delins([{_AA}*]+))", s):
        a, n = m.group(1), int(m.group(2))
        b, e = (m.group(3), int(m.group(4))) if m.group(3) else (a, n)
        if not (res_ok(a, n) and res_ok(b, e)) or e < n:
            return ""
        if m.group(5) == "del":
            return ref_p[: n - 1] + ref_p[e:]
        if m.group(5) == "dup":
            return ref_p[:e] + ref_p[n - 1 : e] + ref_p[e:]
        return cut(ref_p[: n - 1] + m.group(6) + ref_p[e:])
    if m := re.fullmatch(rf"{_RES}_{_RES}ins([{_AA}]+)", s):
        n, e = int(m.group(2)), int(m.group(4))
        if not (res_ok(m.group(1), n) and res_ok(m.group(3), e)) or e != n + 1:
            return ""
        return ref_p[:n] + m.group(5) + ref_p[n:]
    if m := re.fullmatch(rf"{_RES}ins([{_AA}]+)", s, flags=re.IGNORECASE):  # legacy 'T1151insT'
        a, n = m.group(1).upper(), int(m.group(2))
        return ref_p[:n] + m.group(3).upper() + ref_p[n:] if res_ok(a, n) else ""
    if m := re.fullmatch(rf"(\d+)_(\d+)([{_AA}]+)>([{_AA}*]+)", s):  # Oncotator '418_419YD>YFFD'
        n, e = int(m.group(1)), int(m.group(2))
        if ref_p[n - 1 : e] != m.group(3):
            return ""
        return cut(ref_p[: n - 1] + m.group(4) + ref_p[e:])
    return None


def describes(s: str, ref_p: str, alt_p: str, frameshift: bool) -> bool | None:
    """Does short form `s` describe the change ref_p -> alt_p?  None: form not understood."""
    if m := re.fullmatch(rf"{_RES}([{_AA}*]?)fs", s):
        a, n, new = m.group(1), int(m.group(2)), m.group(3)
        return (frameshift and 1 <= n <= len(ref_p) and ref_p[n - 1] == a and alt_p[: n - 1] == ref_p[: n - 1]
                and len(alt_p) >= n and alt_p[n - 1] != a and (not new or alt_p[n - 1] == new))
    got = apply_short(ref_p, s)
    return None if got is None else got == alt_p


# ---- the source's own c. --------------------------------------------------------------------

_C = re.compile(r"(?:.*:)?c\.(\d+)(?:_(\d+))?(?:(del)([ACGT]*)(\d*)|(dup)([ACGT]*)|(ins)([ACGT]+)"
                r"|(delins)([ACGT]+)|([ACGT]+)>([ACGT]+))")


def apply_c(tx: Transcript, hgvsc: str) -> str | None:
    """Transcript sequence edited by a plain exonic CDS c. description (also DoCM's 'c.1675delGTT',
    'c.2326insTGT', 'c.1779TG>GA'), or None if not of that kind or inconsistent with the sequence."""
    m = _C.fullmatch(hgvsc.strip())
    if not m:
        return None
    seq = tx.sequence
    s = int(m.group(1))
    e = int(m.group(2)) if m.group(2) else None
    a = tx.cds_start + s - 1  # transcript index of c.s
    if m.group(3):  # del
        bases, count = m.group(4), m.group(5)
        n = len(bases) or (int(count) if count else (e - s + 1 if e is not None else 1))
        e = e if e is not None else s + n - 1
        if (bases and seq[a : tx.cds_start + e] != bases) or e - s + 1 != n:
            return None
        return seq[:a] + seq[tx.cds_start + e :]
    if m.group(6):  # dup
        e = e if e is not None else s
        return seq[: tx.cds_start + e] + seq[a : tx.cds_start + e] + seq[tx.cds_start + e :]
    if m.group(8):  # ins: between s and s+1 (DoCM omits the second position)
        if e is not None and e != s + 1:
            return None
        return seq[: a + 1] + m.group(9) + seq[a + 1 :]
    if m.group(10):  # delins
        e = e if e is not None else s
        return seq[:a] + m.group(11) + seq[tx.cds_start + e :]
    r, x = m.group(12), m.group(13)
    if e is None and seq[a : a + len(r)] == r and len(r) == len(x):
        return seq[:a] + x + seq[a + len(r) :]
    return None


def shiftable_3prime(tx: Transcript, hgvsc: str) -> bool:
    """True if an exonic c.N_Mdel/dup could move one base 3' within its exon and stay the same edit,
    i.e. the HGVS 3' rule was not applied."""
    m = re.fullmatch(r"c\.(\d+)(?:_(\d+))?(del|dup)", hgvsc)
    if not m:
        return False
    a = tx.cds_start + int(m.group(1)) - 1
    b = tx.cds_start + int(m.group(2) or m.group(1)) - 1
    exon_end = tx.exon_bounds_t(tx.exon_number_of_tidx(b))[1]
    return b + 1 <= exon_end and tx.sequence[b + 1] == tx.sequence[a] != "N"


def net_length(s: str) -> int | None:
    """Net protein length change (residues) of an in-frame HGVS short form, None if not one."""
    if re.fullmatch(rf"{_RES}[{_AA}]|{_RES}=", s):
        return 0
    if m := re.fullmatch(rf"{_RES}(?:_{_RES})?(del|dup)", s):
        span = int(m.group(4)) - int(m.group(2)) + 1 if m.group(3) else 1
        return -span if m.group(5) == "del" else span
    if m := re.fullmatch(rf"{_RES}_{_RES}ins([{_AA}]+)", s):
        return len(m.group(5))
    if m := re.fullmatch(rf"{_RES}(?:_{_RES})?delins([{_AA}]+)", s):
        span = int(m.group(4)) - int(m.group(2)) + 1 if m.group(3) else 1
        return len(m.group(5)) - span
    return None


# ---------------------------------------------------------------------------------------------
# the comparison
# ---------------------------------------------------------------------------------------------

@dataclass
class Compared:
    row: dict  # the truth row as read
    tx: Transcript
    pos: int  # anchored, trimmed VCF allele we annotated
    ref: str
    alt: str
    ann: Annotation
    theirs: str  # normalised
    ours: str | None  # normalised

    @property
    def key(self) -> tuple[str, ...]:
        r = self.row
        return (r["build"], r["chrom"], r["pos"], r["ref"], r["alt"], r["source"], r["hgvsp"])


def _anchor_maf(tx, pos, ref, alt):
    """MAF-style '-' alleles have no anchor base; take it from the bundled sequence.  A deletion that
    starts at the first base of an exon gets 'N' for its (intronic, not bundled) anchor: VCF allows
    it, and the engine checks REF only where the sequence is known."""
    gpos = pos - 1 if ref == "-" or alt == "-" else pos
    if ref == "-":
        gpos = pos  # MAF insertion: Start_Position is the base before the insertion
    t = tx.g_to_t(gpos)
    if t is None:
        return (gpos, "N" + ref, "N") if alt == "-" and tx.g_to_t(pos) is not None else None
    base = tx.sequence[t]
    if base == "N":
        return None
    if tx.strand == "-":
        base = {"A": "T", "C": "G", "G": "C", "T": "A"}[base]
    if ref == "-":
        return gpos, base, base + alt
    return gpos, base + ref, base


def compare(truth: Path = TRUTH) -> tuple[Counter, list[Compared], list[Compared]]:
    """(counts, every compared row, the differing ones)."""
    sets = {b: load_transcripts(b) for b in ("GRCh37", "GRCh38")}
    coding_genes = {t.gene for t in sets["GRCh38"].transcripts if t.coding and set(t.cds_seq()) != {"N"}}
    stats: Counter = Counter()
    rows, diffs = [], []
    with open(truth) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["gene"] not in coding_genes or not row["hgvsp"]:
                continue
            tx = sets[row["build"]].by_gene(row["gene"])
            pos, ref, alt = int(row["pos"]), row["ref"], row["alt"]
            if "-" in (ref, alt):
                anchored = _anchor_maf(tx, pos, ref, alt)
                if anchored is None:
                    # '-' alleles whose neighbouring base is intronic or unknown: no anchor to build a
                    # VCF allele from (one CIViC row, whose REF itself starts in the intron)
                    stats["not_compared:no_anchor_base_in_bundled_sequence"] += 1
                    continue
                pos, ref, alt = anchored
            pos, ref, alt = trim_allele(pos, ref, alt)
            ann = annotate_allele(tx, pos, ref, alt)
            c = Compared(row, tx, pos, ref, alt, ann, normalise_p(row["hgvsp"]), ours_short(ann.protein_short))
            if ann.status != "annotated":
                stats[f"not_annotated:{ann.reason}"] += 1
                if ann.reason != "reference_sequence_not_available":
                    diffs.append(c)  # a REF mismatch etc. is a difference to explain, not a skip
                continue
            stats["compared"] += 1
            rows.append(c)
            if agrees(c.theirs, c.ours):
                stats["agree"] += 1
            else:
                diffs.append(c)
    return stats, rows, diffs


# ---------------------------------------------------------------------------------------------
# classification of differences, with evidence
# ---------------------------------------------------------------------------------------------

def _codons(hgvsc: str) -> str:
    """'c.707_709del' -> 'codons 236-237' (c.N lies in codon ceil(N/3))."""
    nums = [int(x) for x in re.findall(r"(?<![-+*\d])(\d+)(?![-+\d])", hgvsc.split(".", 1)[1])][:2]
    if not nums:
        return "?"
    lo, hi = math.ceil(nums[0] / 3), math.ceil(nums[-1] / 3)
    return f"codon {lo}" if lo == hi else f"codons {lo}-{hi}"


def _label_use(truth_rows: list[dict]) -> dict[tuple[str, str], int]:
    """How many distinct variants the cancerhotspots file gives each (gene, label)."""
    seen = defaultdict(set)
    for r in truth_rows:
        if HOTSPOT_SOURCE in r["source"].split(";"):
            seen[(r["gene"], r["hgvsp"])].add((r["build"], r["pos"], r["ref"], r["alt"]))
    return {k: len(v) for k, v in seen.items()}


def _component_snvs(tx: Transcript, c: Compared) -> list[str]:
    """Proteins of each single-base change inside an MNV, applied alone."""
    out = []
    for i, (r, a) in enumerate(zip(c.ref, c.alt)):
        if r != a:
            ed = edited_transcript(tx, c.pos + i, r, a)
            if ed is not None:
                out.append(proteins(tx, ed)[1])
    return out


def classify(c: Compared, label_use: dict[tuple[str, str], int]) -> tuple[str, str] | None:
    """(category, reason) for one difference, or None when it cannot be explained from the evidence
    (a possible engine bug)."""
    tx, row, theirs, ours = c.tx, c.row, c.theirs, c.ours
    if c.ann.status != "annotated" or ours is None:
        if (row["source"] == HOTSPOT_SOURCE and c.ann.consequence and "splice" in c.ann.consequence
                and label_use.get((row["gene"], row["hgvsp"]), 0) >= 2):
            return ("hotspot_group_label",
                    f"cluster label: cancerhotspots gives {label_use[(row['gene'], row['hgvsp'])]} distinct "
                    f"{row['gene']} variants (both builds) the name {row['hgvsp']}; this one is {c.ann.hgvsc}, "
                    f"across the intron-exon boundary ({c.ann.consequence}): protein effect p.?")
        return None
    edited = edited_transcript(tx, c.pos, c.ref, c.alt)
    if edited is None:
        return None
    ref_p, alt_p = proteins(tx, edited)
    frameshift = (len(c.alt) - len(c.ref)) % 3 != 0
    if not describes(ours, ref_p, alt_p, frameshift):
        return None  # our own description does not give this variant's protein: engine bug
    # Our c. must name the same edit as the alleles (3' shifting moves it, it must not change it).
    if apply_c(tx, c.ann.hgvsc) not in (None, edited):
        return None
    mine = c.ann.hgvsc
    theirs_ok = describes(theirs, ref_p, alt_p, frameshift)
    own_c = apply_c(tx, row["hgvsc"]) if row["hgvsc"] else None

    # -- another isoform's numbering ----------------------------------------------------------
    mt = re.fullmatch(rf"{_RES}([{_AA}*])", theirs)
    mo = re.fullmatch(rf"{_RES}([{_AA}*])", ours)
    if row["gene"] in ISOFORM_OFFSETS and mt and mo and (mt.group(1), mt.group(3)) == (mo.group(1), mo.group(3)):
        offset, name = ISOFORM_OFFSETS[row["gene"]]
        d = int(mt.group(2)) - int(mo.group(2))
        cm = re.search(r"c\.(\d+)", row["hgvsc"] or "")
        c_off = int(cm.group(1)) - int(re.search(r"c\.(\d+)", mine).group(1)) if cm else None
        start_ok = row["gene"] != "TP53" or ref_p[132] == "M"
        if d == offset and c_off in (None, 0, 3 * offset) and start_ok:
            if c_off is None:
                cnote = "the source gives no c."
            elif c_off == 0:
                cnote = f"the source's own {row['hgvsc']} is in MANE numbering, only its protein is not"
            else:
                cnote = f"the source's own {row['hgvsc']} ({row['transcript']}) is offset by {c_off:+d} nt = 3 x {offset:+d}"
            return ("other_isoform",
                    f"same change {mo.group(1)}>{mo.group(3)} numbered on {name} (isoform residue = MANE "
                    f"{offset:+d}); MANE residue {mo.group(2)} is {mo.group(1)} in the bundled protein; {cnote}")

    # -- cancerhotspots cluster labels ----------------------------------------------------------
    is_snv = len(c.ref) == 1 and len(c.alt) == 1
    if row["source"] == HOTSPOT_SOURCE and not is_snv and not theirs_ok:
        n = label_use.get((row["gene"], row["hgvsp"]), 0)
        if len(c.ref) == len(c.alt) and any(describes(theirs, ref_p, p, False) for p in _component_snvs(tx, c)):
            return ("hotspot_group_label",
                    f"MNV labelled with the hotspot name of one of its single-base changes ({theirs}); "
                    f"the MNV {mine} changes {_codons(mine)} together, giving {ours}")
        if n >= 2:
            return ("hotspot_group_label",
                    f"cluster label: cancerhotspots gives {n} distinct {row['gene']} variants (both builds) the "
                    f"name {row['hgvsp']}; this one is {mine} ({_codons(mine)}), giving {ours}")

    # -- the source's alleles disagree with its own c./p. ---------------------------------------
    allele_len = len(c.alt) - len(c.ref)
    theirs_len = net_length(theirs)
    own_len = len(own_c) - len(tx.sequence) if own_c is not None else None
    if own_len is not None and own_len != allele_len and own_c != edited:
        why = ""
        if row["alt"] == "-" and edited_transcript(tx, int(row["pos"]), row["ref"], row["ref"][0]) == own_c:
            why = (f" (REF {row['ref']} with ALT '-': keeping the first REF base as the VCF anchor, "
                   f"{row['ref']}>{row['ref'][0]}, gives exactly the source's c.)")
        return ("source_allele_error",
                f"alleles change the length by {allele_len:+d} nt but the source's own {row['hgvsc']} by "
                f"{own_len:+d} nt{why}; the alleles as given are {mine}, {ours}")
    if theirs_len is not None and 3 * theirs_len != allele_len and not row["hgvsc"]:
        return ("source_allele_error",
                f"the source's {row['hgvsp']} changes the protein length by {theirs_len:+d} aa "
                f"({3 * theirs_len:+d} nt) but its alleles {row['ref']}>{row['alt']} change it by "
                f"{allele_len:+d} nt; as given they are {mine}, {ours}")

    # -- source notation that is not a variant-specific HGVS p. ---------------------------------
    if theirs_ok and not is_hgvs_short(theirs):
        return ("source_notation",
                f"'{row['hgvsp']}' is not HGVS short form but applied to the MANE protein gives the same "
                f"protein as ours ({ours}, {mine})")
    docm = "docm_v3.2" in row["source"].split(";")
    if docm and re.fullmatch(rf"{_RES}\*", theirs) and own_c == edited and allele_len % 3 == 0 and allele_len < 0:
        return ("source_notation",
                f"DoCM writes this in-frame deletion as '{row['hgvsp']}'; its own {row['hgvsc']} deletes "
                f"{-allele_len} nt in frame = ours {mine}, {ours}")
    md2 = re.fullmatch(rf"([{_AA}])([{_AA}])(\d+)([{_AA}])([{_AA}])", theirs)
    if docm and md2 and own_c == edited and len(c.ref) == len(c.alt) == 2:
        # DoCM 'p.GD593GN': both codons of an MNV named although the first residue is unchanged
        a, n = md2.group(1), int(md2.group(3))
        if md2.group(1) == md2.group(4) and ref_p[n - 1] == alt_p[n - 1] == a and \
                ours == f"{md2.group(2)}{n + 1}{md2.group(5)}":
            return ("source_notation",
                    f"DoCM names both codons touched by the MNV ({row['hgvsp']}, {row['hgvsc']}) although "
                    f"residue {a}{n} is unchanged (synonymous); HGVS names only the changed residue: {ours}")
    if own_c == edited and not is_hgvs_short(theirs):
        return ("source_notation",
                f"'{row['hgvsp']}' is not an HGVS protein description; the source's own {row['hgvsc']} is the "
                f"same edit as ours ({mine}), which gives {ours}")
    mi = re.fullmatch(rf"{_RES}_{_RES}ins([{_AA}]+)", theirs)
    if mi and not theirs_ok:
        n, e = int(mi.group(2)), int(mi.group(4))
        if ours == f"{ref_p[n - 1]}{n}_{ref_p[e - 1]}{e}ins{mi.group(5)}" and \
                (ref_p[n - 1], ref_p[e - 1]) != (mi.group(1), mi.group(3)):
            return ("source_notation",
                    f"same insertion ({mi.group(5)} after residue {n}) but the source names reference residues "
                    f"{mi.group(1)}{n}/{mi.group(3)}{e}, which are {ref_p[n - 1]}{n}/{ref_p[e - 1]}{e} in "
                    f"{row['hgvsp'].split(':')[0]} = the bundled MANE protein: {ours}")

    # -- HGVS rules the source does not apply ----------------------------------------------------
    mf = re.fullmatch(rf"{_RES}[{_AA}*]?fs", theirs)
    if mf and frameshift:
        n = int(mf.group(2))
        if ours == f"{mf.group(1)}{n}*" and alt_p.endswith("*") and len(alt_p) == n:
            return ("hgvs_rule",
                    f"frameshift whose first changed residue is a stop: HGVS names it {c.ann.hgvsp} "
                    f"({mine}), not fs")
        mo2 = re.fullmatch(rf"{_RES}[{_AA}*]?fs", ours)
        first = int(mo2.group(2)) if mo2 else 0
        if first > n and alt_p[: first - 1] == ref_p[: first - 1] and _codons(mine) == f"codon {n}":
            return ("hgvs_rule",
                    f"fs position is the first changed residue: {mine} lies in codon {n} but residues up to "
                    f"{first - 1} are unchanged, the first change is at {mo2.group(1)}{first} ({c.ann.hgvsp}); "
                    f"source names {theirs}")
    m3 = re.fullmatch(rf"{_RES}(?:_{_RES})?(del|dup)", theirs)
    m3o = re.fullmatch(rf"{_RES}(?:_{_RES})?(del|dup)", ours)
    if theirs_ok and m3 and m3o and m3.group(5) == m3o.group(5) and int(m3o.group(2)) > int(m3.group(2)):
        return ("hgvs_rule",
                f"both describe the same protein (the {m3.group(5)} lies in a repeat); the HGVS 3' rule "
                f"places it at the most C-terminal copy: {ours} ({mine}), source {theirs}")
    md = re.fullmatch(rf"{_RES}_{_RES}del", theirs)
    msyn = re.fullmatch(r"c\.(\d+)[ACGT]>[ACGT]", mine)
    if md and msyn and ours.endswith("=") and c.ann.consequence and "splice_region" in c.ann.consequence:
        n, e = int(md.group(2)), int(md.group(4))
        exon = tx.exon_number_of_tidx(tx.cds_start + 3 * e - 1)
        s_t, e_t = tx.exon_bounds_t(exon)
        if (s_t - tx.cds_start, e_t - tx.cds_start + 1) == (3 * n - 3, 3 * e) and int(msyn.group(1)) == 3 * e:
            return ("hgvs_rule",
                    f"synonymous change at the last base of exon {exon} (c.{3 * e}); the source predicts "
                    f"skipping of exon {exon} (c.{3 * n - 2}_{3 * e}del = {theirs}), but HGVS p. describes the "
                    f"protein predicted from the coding change when there is no RNA evidence: {c.ann.hgvsp}")
    return None


def accepted_rows(diffs: list[Compared], truth: Path = TRUTH) -> tuple[list[dict], list[Compared]]:
    """(rows for accepted_differences.tsv, differences the classifier cannot explain)."""
    with open(truth) as fh:
        label_use = _label_use(list(csv.DictReader(fh, delimiter="\t")))
    out, unexplained = [], []
    for c in diffs:
        got = classify(c, label_use)
        if got is None:
            unexplained.append(c)
            continue
        r = c.row
        out.append({"build": r["build"], "chrom": r["chrom"], "pos": r["pos"], "ref": r["ref"], "alt": r["alt"],
                    "gene": r["gene"], "source": r["source"], "theirs": r["hgvsp"], "ours": str(c.ann.protein_short),
                    "category": got[0], "reason": got[1]})
    return out, unexplained


def row_key(r: dict) -> tuple[str, ...]:
    return (r["build"], r["chrom"], r["pos"], r["ref"], r["alt"], r["source"], r["theirs"])


def load_accepted(path: Path = ACCEPTED) -> dict[tuple[str, ...], dict]:
    out: dict[tuple[str, ...], dict] = {}
    if path.exists():
        with open(path) as fh:
            for row in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
                out[row_key(row)] = row
    return out


def write_accepted(rows: list[dict], path: Path = ACCEPTED) -> None:
    with open(path, "w", newline="") as fh:
        fh.write("# Accepted differences between the engine and shared/truth/protein_truth_dev.tsv.\n"
                 "# Generated by tests/conformance/truth_compare.py --write-accepted from evidence checks\n"
                 "# (see classify()); review every changed line before committing.\n")
        w = csv.DictWriter(fh, ACCEPTED_COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for r in sorted(rows, key=lambda r: (r["category"], r["gene"], r["build"], int(r["pos"]), r["source"])):
            w.writerow(r)


def figures(stats: Counter, accepted: list[dict]) -> dict[str, float | int]:
    """Raw agreement and agreement over rows whose source gives a MANE protein annotation."""
    n, agree = stats["compared"], stats["agree"]
    excluded = sum(1 for r in accepted if r["category"] in NOT_A_MANE_ANNOTATION)
    return {"compared": n, "agree": agree, "excluded": excluded,
            "raw_pct": 100 * agree / max(n, 1), "mane_pct": 100 * agree / max(n - excluded, 1)}


def main(argv: list[str]) -> int:
    stats, _, diffs = compare()
    rows, unexplained = accepted_rows(diffs)
    if "--write-accepted" in argv:
        write_accepted(rows)
    f = figures(stats, rows)
    cats = Counter(r["category"] for r in rows)
    print(f"compared {f['compared']}, agree {f['agree']} (raw {f['raw_pct']:.2f}%), differences {len(diffs)}: "
          f"{dict(cats)}, unexplained {len(unexplained)}; agreement excluding non-MANE annotations "
          f"{f['agree']}/{f['compared'] - f['excluded']} = {f['mane_pct']:.2f}%; {dict(stats)}")
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 50
    for c in unexplained[:show]:
        r = c.row
        print("\t".join([r["build"], r["chrom"], r["pos"], r["ref"], r["alt"], r["gene"], r["hgvsc"], r["hgvsp"],
                         r["source"], str(c.ann.hgvsc), str(c.ann.hgvsp), f"{c.theirs} vs ours {c.ours}"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
