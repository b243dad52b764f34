"""ALK rearrangements found in the sample's own alignment (BAM/CRAM): read evidence, clusters, junctions.

What is collected (one pass over the ALK gene span; panels only have reads where they captured):

* **split** reads: a read aligned in ALK with a supplementary alignment (``SA`` tag) outside ALK; the ALK
  breakpoint is the clip boundary, the partner breakpoint the end of the SA alignment next to its long clip.
  Supplementary records sitting in ALK (primary in the partner) count the same way.
* **clipped** reads: soft-clipped at the same base as the junction but with no SA (clipped tail too short
  for the aligner); they count when their clipped bases agree with the junction consensus.
* discordant **pairs**: one mate in ALK, the other on another chromosome or more than ``max_insert`` away
  (outside ALK). The side of the break follows from the read strands; the breakpoint lies within one
  fragment length of the reads (approximate unless a split/clipped read fixes it).

Reads that are duplicates, secondary, QC-failed or below ``min_mapq`` (their own MAPQ, the SA alignment's
or the mate's ``MQ``) are not counted but are tallied per event. Evidence is clustered by breakpoint side,
partner chromosome and side, and position (clip positions within a few bases; pairs within a fragment
length), per fragment (read name) so that the reads of one molecule count once, under their strongest kind
(split > clipped > pair).

The junction is read from the reads themselves (aligned bases + consensus of the clipped tails), so no
reference FASTA is needed. A reference adds one thing: when only clipped reads cross the junction (no SA, no
discordant mate), the clipped consensus is looked up in the known partner genes to name the partner.

The wild-type depth at the ALK break (fragments with >= ``min_overhang`` aligned bases on both sides, or a
properly paired insert spanning it) gives the fusion allele fraction = fusion / (fusion + wild type).
A negative is qualified by the median fragment depth over the ALK introns in ``lod_introns`` and the
smallest fusion fraction detectable there (binomial, as for hotspots in ``interpret.ctdna``).

Thresholds: ``resources/fusion_reads.yaml`` (tissue / plasma blocks).
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.contigs import canonical_chrom, contig_named
from alkannot.core.resources import resource_yaml
from alkannot.core.sequence import revcomp
from alkannot.errors import InputError
from alkannot.interpret.fusion_genes import load_fusion_config
from alkannot.interpret.specimen import specimen_class
from alkannot.io.alignment import excluded_read

SETTING_KEYS = ("min_fragments", "min_junction_reads", "min_mapq", "min_clip", "min_overhang", "max_insert",
                "clip_mismatches", "min_depth_assessable", "detection_probability", "unknown_partner_min_split")
EXCLUDED = ("duplicate", "secondary", "qcfail", "low_mapq")
POS_TOLERANCE = 5  # clip positions this close are one junction (aligner placement inside microhomology)
SEQ_FLANK = 20  # bases each side of the junction kept in the junction sequence
_CIGAR = re.compile(r"(\d+)([MIDNSHP=X])")


# ---------------------------------------------------------------------------------------------------
# Settings and partner genes
# ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _settings_file() -> dict:
    return resource_yaml("fusion_reads.yaml", "fusion read settings")


def read_settings(specimen: str | None = "tissue", overrides: dict | None = None) -> dict:
    """Thresholds for `specimen` (plasma/csf -> plasma block, else tissue), with `overrides` key by key."""
    data = _settings_file()
    block = "plasma" if specimen_class(specimen) == "plasma" else "tissue"
    cfg = dict(data["defaults"][block])
    for key, value in (overrides or {}).items():
        if key not in SETTING_KEYS:
            raise InputError(f"unknown fusion read setting '{key}'", fix=f"use one of: {', '.join(SETTING_KEYS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"fusion read setting '{key}' must be a number, got {value!r}")
        cfg[key] = value
    cfg["specimen_block"] = block
    cfg["scan_gene"] = data.get("scan_gene", "ALK")
    cfg["lod_introns"] = list(data.get("lod_introns", [19]))
    return cfg


@dataclass(frozen=True)
class PartnerGene:
    """A gene a read-found ALK rearrangement can be named after: its locus, strand and whether its model is
    bundled."""

    gene: str
    chrom: str  # canonical, no 'chr'
    start: int
    end: int
    strand: str
    bundled: bool


@lru_cache(maxsize=4)
def partner_genes(build: str) -> tuple[PartnerGene, ...]:
    """Known ALK partners (resources/fusion_genes.yaml) located in `build`; bundled models win."""
    ts = load_transcripts(build)
    out = []
    for gene, spec in (load_fusion_config().get("alk_partner_genes") or {}).items():
        t = ts.by_gene(gene)
        if t is not None:
            out.append(PartnerGene(gene, canonical_chrom(t.chrom), t.start, t.end, t.strand, True))
        elif spec.get(build):
            loc = spec[build]
            out.append(PartnerGene(gene, canonical_chrom(str(loc["chrom"])), int(loc["start"]), int(loc["end"]),
                                   spec["strand"], False))
    return tuple(out)


def partner_at(build: str, chrom: str | None, pos: int | None, slop: int = 0) -> PartnerGene | None:
    if chrom is None or pos is None:
        return None
    c = canonical_chrom(chrom)
    for g in partner_genes(build):
        if g.chrom == c and g.start - slop <= pos <= g.end + slop:
            return g
    return None


# ---------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------

@dataclass
class Evidence:
    """One read's evidence for a junction with one end in ALK (positions 1-based)."""

    fragment: str
    kind: str  # split | clipped | pair
    alk_pos: int  # split/clipped: last kept ALK base; pair: the read's end nearest the junction
    alk_side: str  # "left": ALK bases <= alk_pos kept; "right": bases >= alk_pos kept
    partner_chrom: str | None = None
    partner_pos: int | None = None
    partner_side: str | None = None
    alk_seq: str = ""  # aligned ALK bases next to the junction, junction-adjacent base first
    clip_seq: str = ""  # clipped bases, junction-adjacent base first (BAM orientation otherwise)
    excluded: str | None = None
    read_span: tuple[int, int] = (0, 0)  # 1-based aligned span of the ALK read (pairs)
    mate_span: tuple[int, int] = (0, 0)


@dataclass
class ReadFusionEvent:
    """A clustered junction with one breakpoint in ALK."""

    alk_chrom: str
    alk_pos: int
    alk_side: str
    alk_exact: bool
    partner_chrom: str | None
    partner_pos: int | None
    partner_side: str | None
    partner_exact: bool
    partner_source: str | None  # supplementary alignments | mate positions | clipped sequence vs reference
    fragments: dict  # {split, clipped, pairs, total}
    excluded_reads: dict  # {duplicate, secondary, qcfail, low_mapq}
    junction_sequence: str | None  # BAM (+ strand) orientation, '|' at the junction
    wildtype_fragments: int = 0
    depth: int = 0
    allele_fraction: float | None = None
    called: bool = False
    why_not_called: str | None = None
    partner_gene: str | None = None
    partner_strand: str | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class AlignmentScan:
    """Everything read from the alignment about ALK rearrangements."""

    alignment: str
    status: str  # detected | none_found | not_assessable
    contig: str | None
    settings: dict
    events: list[ReadFusionEvent] = field(default_factory=list)
    candidates: list[ReadFusionEvent] = field(default_factory=list)  # clusters below the thresholds
    intron_depth: dict = field(default_factory=dict)  # {"19": median fragment depth}
    lod: float | None = None
    reads_scanned: int = 0
    excluded_reads: dict = field(default_factory=dict)
    reason: str | None = None

    def summary(self) -> dict:
        return {"alignment": os.path.basename(self.alignment), "status": self.status, "contig": self.contig,
                "intron_depth": self.intron_depth, "lod": self.lod, "reads_scanned": self.reads_scanned,
                "excluded_reads": self.excluded_reads, "reason": self.reason,
                "settings": {k: self.settings[k] for k in (*SETTING_KEYS, "specimen_block")},
                "candidates_below_threshold": [_candidate_text(c) for c in sorted(
                    self.candidates, key=lambda c: -(c.fragments["total"] + sum(c.excluded_reads.values())))[:10]]}


def _candidate_text(c: ReadFusionEvent) -> dict:
    return {"alk_pos": c.alk_pos, "partner_chrom": c.partner_chrom, "partner_pos": c.partner_pos,
            "fragments": c.fragments, "excluded_reads": c.excluded_reads, "why_not_called": c.why_not_called}


# ---------------------------------------------------------------------------------------------------
# Evidence from one read
# ---------------------------------------------------------------------------------------------------

def _clips(cigar) -> tuple[int, int]:
    left = cigar[0][1] if cigar and cigar[0][0] in (4, 5) else 0
    right = cigar[-1][1] if cigar and cigar[-1][0] in (4, 5) and len(cigar) > 1 else 0
    return left, right


def _parse_sa(tag: str) -> list[tuple[str, int, str, int, int, int]]:
    """SA entries -> (chrom, pos, strand, ref_len, lead_clip, trail_clip, mapq)."""
    out = []
    for entry in tag.strip(";").split(";"):
        parts = entry.split(",")
        if len(parts) < 6 or not parts[1].isdigit() or not parts[4].isdigit():
            continue  # a malformed SA entry is no evidence
        chrom, pos, strand, cig, mapq = parts[0], int(parts[1]), parts[2], parts[3], int(parts[4])
        ops = [(int(n), op) for n, op in _CIGAR.findall(cig)]
        if not ops:
            continue
        ref_len = sum(n for n, op in ops if op in "MDN=X")
        lead = ops[0][0] if ops[0][1] in "SH" else 0
        trail = ops[-1][0] if ops[-1][1] in "SH" and len(ops) > 1 else 0
        out.append((chrom, pos, strand, ref_len, lead, trail, mapq))
    return out


# Illumina TruSeq adapter start (both reads) and its reverse complement: short cfDNA fragments read into it,
# and aligners soft-clip it. Any 8-mer of either in a clipped tail marks adapter read-through.
_ADAPTERS = ("AGATCGGAAGAGC", "GCTCTTCCGATCT")
_ADAPTER_KMERS = frozenset(a[i:i + 8] for a in _ADAPTERS for i in range(len(a) - 7))


def _adapter(clip: str) -> bool:
    """Adapter read-through in a clipped tail (either orientation: tails are stored junction-first)."""
    for text in (clip, clip[::-1]):
        if any(text[i:i + 8] in _ADAPTER_KMERS for i in range(len(text) - 7)):
            return True
    return False


def _excluded(read, min_mapq: int, split_piece: bool = False) -> str | None:
    """Why a read does not count (None: it counts). `split_piece`: a secondary record carrying an SA tag is
    one piece of a split read (``bwa mem -M`` marks split hits secondary instead of supplementary)."""
    return excluded_read(read, min_mapq, unmapped=True, secondary=split_piece, supplementary=True)


def read_evidence(read, cfg: dict, alk_lo: int, alk_hi: int, alk_chrom: str) -> list[Evidence]:
    """Split/clipped and discordant-pair evidence of one alignment record (empty if none)."""
    out: list[Evidence] = []
    cigar = read.cigartuples
    if not cigar:
        return out
    excluded = _excluded(read, cfg["min_mapq"], split_piece=read.is_secondary and read.has_tag("SA"))
    name = read.query_name
    start1, end1 = read.reference_start + 1, read.reference_end
    outside = alk_lo - cfg["max_insert"], alk_hi + cfg["max_insert"]

    def foreign(chrom: str, pos: int) -> bool:
        return not outside[0] <= pos <= outside[1] or canonical_chrom(chrom) != alk_chrom

    left, right = _clips(cigar)
    if max(left, right) >= cfg["min_clip"]:
        side = "left" if right >= left else "right"
        seq = read.query_sequence or ""
        qs, qe = read.query_alignment_start, read.query_alignment_end
        if side == "left":
            pos, alk_seq, clip_seq = end1, seq[max(qs, qe - SEQ_FLANK):qe][::-1], seq[qe:]
        else:
            pos, alk_seq, clip_seq = start1, seq[qs:qs + SEQ_FLANK], seq[:qs][::-1]
        ev = Evidence(name, "clipped", pos, side, alk_seq=alk_seq, clip_seq=clip_seq, excluded=excluded)
        if clip_seq and (clip_seq.count("N") * 2 > len(clip_seq) or _adapter(clip_seq)):
            ev = None  # an unreadable tail (N) or adapter read-through says nothing about a junction
        if ev is not None and read.has_tag("SA"):
            for chrom, spos, _strand, ref_len, lead, trail, mapq in _parse_sa(read.get_tag("SA")):
                if not foreign(chrom, spos):
                    continue
                ev.kind = "split"
                # the SA alignment's long clip faces the ALK part: the junction is at that end
                if lead > trail:
                    ev.partner_chrom, ev.partner_pos, ev.partner_side = chrom, spos, "right"
                else:
                    ev.partner_chrom, ev.partner_pos, ev.partner_side = chrom, spos + ref_len - 1, "left"
                if mapq < cfg["min_mapq"] and ev.excluded is None:
                    ev.excluded = "low_mapq"
                break
        if ev is not None:
            out.append(ev)
    if (read.is_paired and not read.mate_is_unmapped and not read.is_supplementary
            and read.next_reference_id >= 0):
        mchrom, mpos = read.next_reference_name, read.next_reference_start + 1
        if foreign(mchrom, mpos):
            mlen = read.query_length or (end1 - start1 + 1)
            if read.has_tag("MC"):
                mlen = sum(int(n) for n, op in _CIGAR.findall(read.get_tag("MC")) if op in "MDN=X") or mlen
            mate_span = (mpos, mpos + mlen - 1)
            ev = Evidence(name, "pair", end1 if not read.is_reverse else start1,
                          "left" if not read.is_reverse else "right",
                          partner_chrom=mchrom, partner_side="left" if not read.mate_is_reverse else "right",
                          excluded=excluded, read_span=(start1, end1), mate_span=mate_span)
            ev.partner_pos = mate_span[1] if ev.partner_side == "left" else mate_span[0]
            if ev.excluded is None and read.has_tag("MQ") and read.get_tag("MQ") < cfg["min_mapq"]:
                ev.excluded = "low_mapq"
            out.append(ev)
    return out


# ---------------------------------------------------------------------------------------------------
# Clustering
# ---------------------------------------------------------------------------------------------------

def _consensus(seqs: list[str], min_votes: int = 1) -> str:
    """Column-wise majority from the junction outwards; stops where fewer than `min_votes` reads remain."""
    out = []
    for i in range(max((len(s) for s in seqs), default=0)):
        col = Counter(s[i] for s in seqs if len(s) > i and s[i] != "N")
        if sum(col.values()) < min_votes:
            break
        out.append(col.most_common(1)[0][0])
    return "".join(out)


def _mismatches(a: str, b: str, n: int = 20) -> int:
    return sum(1 for x, y in zip(a[:n], b[:n], strict=False) if x != y)


def _pair_fits(ev: Evidence, alk_pos: int, partner: tuple | None, max_insert: int) -> bool:
    """Can this discordant pair come from a junction at alk_pos (and the partner breakpoint)?"""
    tol = POS_TOLERANCE
    s, e = ev.read_span
    if ev.alk_side == "left" and not e - tol <= alk_pos <= s + max_insert:
        return False
    if ev.alk_side == "right" and not e - max_insert <= alk_pos <= s + tol:
        return False
    if partner is None:
        return True
    chrom, pos, side = partner
    if canonical_chrom(chrom) != canonical_chrom(ev.partner_chrom) or side != ev.partner_side:
        return False
    ms, me = ev.mate_span
    if pos is None:
        return True
    # the mate's start is exact, its end estimated (MC tag or read length; a clipped mate ends sooner)
    return ms - tol <= pos <= ms + max_insert if side == "left" else me - max_insert <= pos <= ms + tol


def _cluster(evidence: list[Evidence], cfg: dict) -> list[list[Evidence]]:
    """Junction clusters from exact (split/clipped) evidence, then pairs attached or clustered alone."""
    max_insert = cfg["max_insert"]
    junction = sorted((e for e in evidence if e.kind != "pair"), key=lambda e: (e.alk_side, e.alk_pos))
    clusters: list[list[Evidence]] = []
    for ev in junction:
        if clusters and clusters[-1][0].alk_side == ev.alk_side and ev.alk_pos - clusters[-1][-1].alk_pos <= POS_TOLERANCE:
            clusters[-1].append(ev)
        else:
            clusters.append([ev])
    seeds = []
    for c in clusters:
        pos = Counter(e.alk_pos for e in c if e.kind == "split") or Counter(e.alk_pos for e in c)
        # the partner the counted split reads agree on (excluded ones only when there are no others)
        split = [e for e in c if e.kind == "split" and e.excluded is None] or [e for e in c if e.kind == "split"]
        part = Counter((canonical_chrom(e.partner_chrom), e.partner_side) for e in split)
        partner = None
        if part:
            chrom, side = part.most_common(1)[0][0]
            ppos = Counter(e.partner_pos for e in split
                           if canonical_chrom(e.partner_chrom) == chrom and e.partner_side == side)
            partner = (chrom, ppos.most_common(1)[0][0], side)
        seeds.append((pos.most_common(1)[0][0], partner))
    # a clipped-only cluster takes the partner its pairs agree on
    pairs = sorted((e for e in evidence if e.kind == "pair"), key=lambda e: e.alk_pos)
    # pairs go to a junction with a split-read partner first, then to the best-supported clipped junction
    order = sorted(range(len(seeds)), key=lambda i: (seeds[i][1] is None, -len(clusters[i]), i))
    left_over = []
    for ev in pairs:
        for i in order:
            pos, partner = seeds[i]
            if clusters[i][0].alk_side == ev.alk_side and _pair_fits(ev, pos, partner, max_insert):
                clusters[i].append(ev)
                if partner is None:
                    seeds[i] = (pos, (canonical_chrom(ev.partner_chrom), None, ev.partner_side))
                break
        else:
            left_over.append(ev)
    groups: dict[tuple, list[list[Evidence]]] = defaultdict(list)
    for ev in left_over:
        key = (ev.alk_side, canonical_chrom(ev.partner_chrom), ev.partner_side)
        bucket = groups[key]
        for g in bucket:
            if abs(ev.alk_pos - g[-1].alk_pos) <= max_insert and abs(ev.partner_pos - g[-1].partner_pos) <= max_insert:
                g.append(ev)
                break
        else:
            bucket.append([ev])
    for bucket in groups.values():
        clusters.extend(bucket)
    return clusters


def _fragment_kinds(evs: list[Evidence]) -> dict[str, str]:
    rank = {"split": 0, "clipped": 1, "pair": 2}
    kinds: dict[str, str] = {}
    for e in evs:
        if e.fragment not in kinds or rank[e.kind] < rank[kinds[e.fragment]]:
            kinds[e.fragment] = e.kind
    return kinds


def _event(cluster: list[Evidence], cfg: dict, alk_chrom: str) -> ReadFusionEvent:
    good = [e for e in cluster if e.excluded is None]
    basis = good or cluster
    junction = [e for e in basis if e.kind != "pair"]
    side = basis[0].alk_side
    if junction:
        split = [e for e in junction if e.kind == "split"]
        alk_pos = Counter(e.alk_pos for e in (split or junction)).most_common(1)[0][0]
        # clipped tails must agree with the consensus (split reads define it when there are any)
        ref_tails = [e.clip_seq for e in (split or junction) if e.alk_pos == alk_pos]
        tail = _consensus(ref_tails)
        # clipped-only reads count at the junction base itself, when their tails agree with the consensus
        keep = [e for e in basis if e.kind in ("pair", "split")
                or (e.alk_pos == alk_pos and _mismatches(e.clip_seq, tail) <= cfg["clip_mismatches"])]
        basis = keep
        at = [e for e in basis if e.kind != "pair" and e.alk_pos == alk_pos]
        alk_part = _consensus([e.alk_seq for e in at], 1)
        clip_part = _consensus([e.clip_seq for e in at], 2 if len(at) > 2 else 1)[:SEQ_FLANK]
        if side == "left":
            jseq = alk_part[::-1] + "|" + clip_part
        else:
            jseq = clip_part[::-1] + "|" + alk_part
        alk_exact = True
    else:
        # the break lies beyond every read: the nearest possible position is the outermost read end
        alk_pos = max(e.alk_pos for e in basis) if side == "left" else min(e.alk_pos for e in basis)
        jseq, alk_exact = None, False
    split = [e for e in basis if e.kind == "split"]
    pairs = [e for e in basis if e.kind == "pair"]
    partner_chrom = partner_pos = partner_side = source = None
    partner_exact = False
    if split:
        chrom, pside = Counter((canonical_chrom(e.partner_chrom), e.partner_side) for e in split).most_common(1)[0][0]
        pos = Counter(e.partner_pos for e in split if canonical_chrom(e.partner_chrom) == chrom
                      and e.partner_side == pside).most_common(1)[0][0]
        partner_chrom, partner_pos, partner_side = next(e.partner_chrom for e in split
                                                        if canonical_chrom(e.partner_chrom) == chrom), pos, pside
        partner_exact, source = True, "supplementary alignments"
    elif pairs:
        chrom, pside = Counter((canonical_chrom(e.partner_chrom), e.partner_side) for e in pairs).most_common(1)[0][0]
        same = [e for e in pairs if canonical_chrom(e.partner_chrom) == chrom and e.partner_side == pside]
        partner_chrom, partner_side = same[0].partner_chrom, pside
        partner_pos = max(e.partner_pos for e in same) if pside == "left" else min(e.partner_pos for e in same)
        source = "mate positions"
    kinds = _fragment_kinds([e for e in basis if e.excluded is None])
    frag = Counter(kinds.values())
    excluded = Counter()
    seen = set()
    for e in cluster:
        if e.excluded and (e.fragment, e.excluded) not in seen:
            seen.add((e.fragment, e.excluded))
            excluded[e.excluded] += 1
    return ReadFusionEvent(
        alk_chrom=alk_chrom, alk_pos=alk_pos, alk_side=side, alk_exact=alk_exact,
        partner_chrom=canonical_chrom(partner_chrom) if partner_chrom else None, partner_pos=partner_pos,
        partner_side=partner_side, partner_exact=partner_exact, partner_source=source,
        fragments={"split": frag["split"], "clipped": frag["clipped"], "pairs": frag["pair"], "total": len(kinds)},
        excluded_reads={k: excluded[k] for k in EXCLUDED}, junction_sequence=jseq)


# ---------------------------------------------------------------------------------------------------
# Depth: wild type across the break, and over the LoD introns
# ---------------------------------------------------------------------------------------------------

def _wildtype(af, contig: str, ev: ReadFusionEvent, fusion_names: set[str], cfg: dict) -> int:
    gap = ev.alk_pos if ev.alk_side == "left" else ev.alk_pos - 1  # the break is between gap and gap+1
    ovh = cfg["min_overhang"]
    names = set()
    for read in af.fetch(contig, max(0, gap - cfg["max_insert"]), gap + cfg["max_insert"]):
        if read.is_unmapped or read.is_supplementary or _excluded(read, cfg["min_mapq"]):
            continue
        name = read.query_name
        if name in fusion_names or name in names:
            continue
        # 0-based half-open blocks; covering 1-based gap-ovh+1 .. gap+ovh means start0 <= gap-ovh, end0 >= gap+ovh
        if any(s <= gap - ovh and e >= gap + ovh for s, e in read.get_blocks()):
            names.add(name)
        elif (read.is_proper_pair and read.template_length > 0 and read.next_reference_id == read.reference_id
              and read.reference_start <= gap - ovh and read.reference_start + read.template_length >= gap + ovh
              and read.reference_end < gap + ovh):
            names.add(name)
    return len(names)


def _intron_span(t, n: int) -> tuple[int, int]:
    a, b = t.exons[n - 1], t.exons[n]
    return (a[1] + 1, b[0] - 1) if t.strand == "+" else (b[1] + 1, a[0] - 1)


# ---------------------------------------------------------------------------------------------------
# Partner from clipped sequence (needs the reference FASTA)
# ---------------------------------------------------------------------------------------------------

def _partner_from_sequence(ev: ReadFusionEvent, reference: str, build: str, k: int = 20) -> None:
    import pysam

    if not ev.junction_sequence:
        return
    left, right = ev.junction_sequence.split("|")
    clip = right if ev.alk_side == "left" else left
    if len(clip) < k:
        return
    probe = clip[:k] if ev.alk_side == "left" else clip[-k:]
    hits = []
    with pysam.FastaFile(reference) as fa:
        for g in partner_genes(build):
            contig = contig_named(fa.references, g.chrom)
            if contig is None:
                continue
            seq = fa.fetch(contig, g.start - 1, g.end).upper()
            for strand, p in (("+", probe), ("-", revcomp(probe))):
                i = seq.find(p)
                if i >= 0 and seq.find(p, i + 1) < 0:
                    hits.append((g, contig, strand, g.start + i))
    if len(hits) != 1:
        return
    g, contig, strand, p0 = hits[0]
    # ALK|clip: the clip's first base is the partner's junction base; clip|ALK: its last base
    if ev.alk_side == "left":
        side, pos = ("right", p0) if strand == "+" else ("left", p0 + k - 1)
    else:
        side, pos = ("left", p0 + k - 1) if strand == "+" else ("right", p0)
    ev.partner_chrom, ev.partner_pos, ev.partner_side = g.chrom, pos, side
    ev.partner_exact, ev.partner_source = True, "clipped sequence vs reference"


# ---------------------------------------------------------------------------------------------------
# The scan
# ---------------------------------------------------------------------------------------------------

def scan_alignment(alignment: str, build: str, *, reference: str | None = None, specimen: str | None = "tissue",
                   settings: dict | None = None) -> AlignmentScan:
    """Find ALK rearrangements in an indexed BAM/CRAM (see module docstring)."""
    from alkannot.interpret.ctdna import binomial_lod
    from alkannot.io.alignment import open_alignment

    cfg = read_settings(specimen, settings)
    alk = load_transcripts(build).by_gene(cfg["scan_gene"])
    alk_chrom = canonical_chrom(alk.chrom)
    af = open_alignment(alignment, reference)
    try:
        contig = contig_named(af.references, alk_chrom)
        if contig is None:
            return AlignmentScan(alignment, "not_assessable", None, cfg,
                                 reason=f"chromosome {alk_chrom} is not in the alignment header")
        spans = {n: _intron_span(alk, n) for n in cfg["lod_introns"]}
        depth = {n: [0] * (e - s + 2) for n, (s, e) in spans.items()}
        evidence: list[Evidence] = []
        excluded_total = Counter()
        scanned = 0
        alk_lo, alk_hi = alk.start, alk.end  # properties: computed once, not per read
        for read in af.fetch(contig, alk_lo - 1, alk_hi):
            if read.is_unmapped:
                continue
            scanned += 1
            evs = read_evidence(read, cfg, alk_lo, alk_hi, alk_chrom)
            evidence.extend(evs)
            reason = _excluded(read, cfg["min_mapq"])
            if reason:
                excluded_total[reason] += 1
                continue
            if read.is_supplementary:
                continue
            # fragment (physical) depth: a proper pair's insert counted once, from its leftmost read
            if read.is_proper_pair and read.next_reference_id == read.reference_id:
                if read.template_length <= 0:
                    continue
                blocks = [(read.reference_start, read.reference_start + read.template_length)]
            else:
                blocks = read.get_blocks()
            for n, (s, e) in spans.items():
                d = depth[n]
                for b0, b1 in blocks:
                    lo, hi = max(b0 + 1, s), min(b1, e)  # 1-based overlap
                    if lo <= hi:
                        d[lo - s] += 1
                        d[hi - s + 1] -= 1
        medians = {}
        for n, d in depth.items():
            run, cov = 0, []
            for x in d[:-1]:
                run += x
                cov.append(run)
            medians[str(n)] = int(statistics.median(cov)) if cov else 0
        events, candidates = [], []
        for cluster in _cluster(evidence, cfg):
            ev = _event(cluster, cfg, alk_chrom)
            if ev.partner_chrom is None and reference:
                _partner_from_sequence(ev, reference, build)
            junction = ev.fragments["split"] + ev.fragments["clipped"]
            pg = partner_at(build, ev.partner_chrom, ev.partner_pos, cfg["max_insert"] if not ev.partner_exact else 0)
            if pg:
                ev.partner_gene, ev.partner_strand = pg.gene, pg.strand
            mapping_noise = ev.excluded_reads["low_mapq"] + ev.excluded_reads["secondary"]
            if ev.fragments["total"] < cfg["min_fragments"]:
                ev.why_not_called = (f"{ev.fragments['total']} supporting fragment(s) < {cfg['min_fragments']}"
                                     + (f" ({sum(ev.excluded_reads.values())} excluded read(s): "
                                        + ", ".join(f"{n} {k}" for k, n in ev.excluded_reads.items() if n) + ")"
                                        if any(ev.excluded_reads.values()) else ""))
            elif junction < cfg["min_junction_reads"]:
                ev.why_not_called = f"no read crosses the junction (split/clipped < {cfg['min_junction_reads']})"
            elif ev.partner_chrom is None:
                ev.why_not_called = ("clipped reads only: partner not resolved (no supplementary alignment or "
                                     "discordant mate; a reference FASTA lets the clipped sequence be looked up)")
            elif pg is None and ev.fragments["split"] < cfg["unknown_partner_min_split"]:
                # library chimeras and mis-mapped repeats look like this; a real novel partner shows split reads
                ev.why_not_called = (f"partner {ev.partner_chrom}:{ev.partner_pos} is not in a known ALK partner gene "
                                     f"and fewer than {cfg['unknown_partner_min_split']} split reads resolve the "
                                     "junction (library chimera or mis-mapping likely)")
            elif pg is None and mapping_noise > ev.fragments["total"]:
                ev.why_not_called = (f"partner {ev.partner_chrom}:{ev.partner_pos} is not in a known ALK partner gene "
                                     f"and {mapping_noise} low-MAPQ/secondary reads outnumber the support "
                                     "(repetitive partner locus)")
            else:
                ev.called = True
            (events if ev.called else candidates).append(ev)
            if ev.called:
                names = {e.fragment for e in cluster}
                ev.wildtype_fragments = _wildtype(af, contig, ev, names, cfg)
                ev.depth = ev.wildtype_fragments + ev.fragments["total"]
                ev.allele_fraction = round(ev.fragments["total"] / ev.depth, 4) if ev.depth else None
    finally:
        af.close()
    main = medians.get(str(cfg["lod_introns"][0]), 0) if cfg["lod_introns"] else 0
    lod = binomial_lod(main, int(cfg["min_fragments"]), float(cfg["detection_probability"])) if main else None
    if events:
        status, reason = "detected", None
    elif main >= cfg["min_depth_assessable"]:
        status, reason = "none_found", None
    else:
        status = "not_assessable"
        reason = (f"ALK intron {cfg['lod_introns'][0]} not captured: median depth {main}× < "
                  f"{cfg['min_depth_assessable']}× ({cfg['specimen_block']} threshold)")
    events.sort(key=lambda e: -e.fragments["total"])
    return AlignmentScan(alignment, status, contig, cfg, events, candidates, medians,
                         round(lod, 5) if lod is not None else None, scanned,
                         {k: excluded_total[k] for k in EXCLUDED}, reason)
