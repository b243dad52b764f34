"""Simulated paired-end BAMs of ALK rearrangements, for the read-based fusion detector's tests and the demo.

Intron sequence is not bundled, so the genome here is synthetic: every 1 kb block of every chromosome is a
seeded random sequence (the same bases for the same position on every run). Real coordinates are used, so
the breakpoints fall in the real ALK/EML4/KIF5B introns of the bundled models and the names come out as in
a real sample; the detector never reads a reference, so synthetic bases are enough.

A molecule is a list of segments (chrom, first position, strand, length); a fusion molecule is the kept ALK
part followed by the kept partner part, each oriented so that the junction is between them. Reads are cut
from molecules (pairs: read 1 from the start, read 2 from the end, reverse complemented) and placed back on
the genome piece by piece: the longer piece is the primary alignment, the other a supplementary one with
``SA`` tags both ways (when it is at least ``sa_min`` long and ``sa`` is on), else soft-clipped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp

CONTIG_LENGTH = {"GRCh38": {"2": 242193529, "10": 133797422}, "GRCh37": {"2": 243199373, "10": 135534747}}
READ_LEN = 100


@lru_cache(maxsize=4096)
def _block(chrom: str, block: int) -> str:
    rng = random.Random(f"alkannot-sim:{chrom}:{block}")
    return "".join(rng.choice("ACGT") for _ in range(1000))


def genome(chrom: str, start: int, end: int) -> str:
    """Synthetic + strand bases chrom:start-end (1-based, inclusive)."""
    b0, b1 = (start - 1) // 1000, (end - 1) // 1000
    text = "".join(_block(chrom, b) for b in range(b0, b1 + 1))
    return text[(start - 1) - b0 * 1000:(end - 1) - b0 * 1000 + 1]


@lru_cache(maxsize=256)
def _molecule_seq(mol: tuple) -> str:
    return "".join(seg.seq() for seg in mol)


@dataclass(frozen=True)
class Segment:
    chrom: str
    pos0: int  # genomic position of the segment's first base
    strand: str  # "+": bases run up from pos0; "-": down from pos0 (reverse complement)
    length: int

    def seq(self) -> str:
        if self.strand == "+":
            return genome(self.chrom, self.pos0, self.pos0 + self.length - 1)
        return revcomp(genome(self.chrom, self.pos0 - self.length + 1, self.pos0))

    def span(self, i0: int, i1: int) -> int:
        """Leftmost genomic position of molecule-segment bases [i0, i1)."""
        return self.pos0 + i0 if self.strand == "+" else self.pos0 - (i1 - 1)


def fusion_molecule(alk_chrom: str, alk_pos: int, alk_side: str, p_chrom: str, p_pos: int, p_side: str,
                    flank: int = 1500) -> list[Segment]:
    """ALK part (junction at its end) + partner part (junction at its start). side "left": bases <= pos kept."""
    a = Segment(alk_chrom, alk_pos - flank + 1, "+", flank) if alk_side == "left" else \
        Segment(alk_chrom, alk_pos + flank - 1, "-", flank)
    p = Segment(p_chrom, p_pos, "+", flank) if p_side == "right" else Segment(p_chrom, p_pos, "-", flank)
    return [a, p]


def junction_truth(mol: list[Segment], k: int = 20) -> str:
    """k bases either side of the junction, molecule orientation, '|' between."""
    return mol[0].seq()[-k:] + "|" + mol[1].seq()[:k]


@dataclass
class Read:
    name: str
    pieces: list  # [(chrom, ref_start0, strand, cigar, seq)] primary first
    from_minus: bool
    first: bool
    dup: bool = False
    mapq: int = 60


@dataclass
class SimConfig:
    sa: bool = True
    sa_min: int = 25
    read_len: int = READ_LEN
    insert: tuple[int, int] = (220, 400)
    chr_prefix: bool = True
    hard_clip: bool = False
    split_secondary: bool = False


def _place(mol: list[Segment], s: int, e: int, cfg: SimConfig) -> list:
    """Alignments of molecule bases [s, e) (read sequence = molecule + strand bases) -> pieces."""
    q = _molecule_seq(tuple(mol))[s:e]
    pieces, off = [], 0
    for seg in mol:
        a, b = max(s, off), min(e, off + seg.length)
        if a < b:
            before, after, n = a - s, e - b, b - a
            rstart = seg.span(a - off, b - off)
            if seg.strand == "+":
                cig = ([(4, before)] if before else []) + [(0, n)] + ([(4, after)] if after else [])
                pieces.append([seg.chrom, rstart - 1, "+", cig, q, n])
            else:
                cig = ([(4, after)] if after else []) + [(0, n)] + ([(4, before)] if before else [])
                pieces.append([seg.chrom, rstart - 1, "-", cig, revcomp(q), n])
        off += seg.length
    pieces.sort(key=lambda p: -p[5])
    keep = [pieces[0]] + [p for p in pieces[1:] if cfg.sa and p[5] >= cfg.sa_min]
    return [p[:5] for p in keep]


@dataclass
class Sample:
    reads: list[Read] = field(default_factory=list)
    contigs: set = field(default_factory=set)
    spans: dict = field(default_factory=dict)  # tag -> [(first, end) molecule index of each fragment]


def add_fragments(sample: Sample, mol: list[Segment], n: int, tag: str, rng: random.Random, cfg: SimConfig,
                  *, around: int | None = None, window: int = 300, dups: int = 0, mapq: int = 60,
                  require_first_segment: bool = False) -> int:
    """`n` read pairs from `mol` (fragments overlapping molecule index `around` +- window when given).
    Returns how many were written (ALK-only capture drops fragments with no read in the first segment)."""
    total = sum(s.length for s in mol)
    written = 0
    for i in range(n):
        flen = min(rng.randint(*cfg.insert), total)
        centre = around if around is not None else total // 2
        lo = max(0, centre - flen + 10 - window // 2)
        hi = min(total - flen, centre - 10 + window // 2)
        f = rng.randint(lo, max(lo, hi))
        r1 = _place(mol, f, f + cfg.read_len, cfg)
        r2 = _place(mol, f + flen - cfg.read_len, f + flen, cfg)
        if require_first_segment and f >= mol[0].length:
            continue
        sample.spans.setdefault(tag, []).append((f, f + flen))
        swap = rng.random() < 0.5  # which mate reads the molecule's + strand
        for d in range(dups + 1):
            name = f"{tag}:{i}" + (f":dup{d}" if d else "")
            sample.reads.append(Read(name, r1, False, not swap, dup=d > 0, mapq=mapq))
            sample.reads.append(Read(name, r2, True, swap, dup=d > 0, mapq=mapq))
        for s in mol:
            sample.contigs.add(s.chrom)
        written += 1
    return written


def _cigar_text(cig) -> str:
    return "".join(f"{n}{'MIDNSHP=X'[op]}" for op, n in cig)


def write_bam(sample: Sample, path: Path, build: str, cfg: SimConfig, lengths: dict | None = None) -> Path:
    import pysam

    names = sorted(sample.contigs, key=lambda c: (len(c), c))
    lengths = lengths or CONTIG_LENGTH[build]
    pre = "chr" if cfg.chr_prefix else ""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": pre + c, "LN": lengths[c]} for c in names], "RG": [{"ID": "sim", "SM": "SIM"}]}
    tid = {c: i for i, c in enumerate(names)}
    by_name: dict[str, list[Read]] = {}
    for r in sample.reads:
        by_name.setdefault(r.name, []).append(r)
    recs = []
    for name, (m1, m2) in by_name.items():
        for me, mate in ((m1, m2), (m2, m1)):
            mp = mate.pieces[0]
            mrev = (mp[2] == "-") != mate.from_minus
            for k, (chrom, start0, strand, cig, seq) in enumerate(me.pieces):
                rev = (strand == "-") != me.from_minus
                flag = 0x1 | (0x40 if me.first else 0x80) | (0x10 if rev else 0) | (0x20 if mrev else 0)
                if me.dup:
                    flag |= 0x400
                if k:
                    flag |= 0x100 if cfg.split_secondary else 0x800
                p0 = me.pieces[0]
                proper = (p0[0] == mp[0] and abs(p0[1] - mp[1]) < 1000 and
                          ((p0[2] == "-") != me.from_minus) != mrev)
                if proper:
                    flag |= 0x2
                others = [p for j, p in enumerate(me.pieces) if j != k]
                sa = ";".join(f"{pre}{p[0]},{p[1] + 1},{'-' if (p[2] == '-') != me.from_minus else '+'},"
                              f"{_cigar_text(p[3])},{me.mapq},0"
                              for p in others) + ";" if others else None
                tlen = 0
                if proper:
                    left = min(p0[1], mp[1])
                    right = max(p0[1] + sum(n for op, n in p0[3] if op == 0),
                                mp[1] + sum(n for op, n in mp[3] if op == 0))
                    tlen = (right - left) if p0[1] <= mp[1] else -(right - left)
                if k and cfg.hard_clip:  # drop the clipped bases from SEQ, H in the CIGAR
                    lead = cig[0][1] if cig[0][0] == 4 else 0
                    trail = cig[-1][1] if cig[-1][0] == 4 else 0
                    seq = seq[lead:len(seq) - trail]
                    cig = [(5, n) if op == 4 else (op, n) for op, n in cig]
                recs.append((tid[chrom], start0, name, k, me.first, flag, cig, seq, sa, tid[mp[0]], mp[1], tlen,
                             me.mapq))
    recs.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[4]))
    path = Path(path)
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for t, start0, name, _k, _first, flag, cig, seq, sa, mt, mpos, tlen, mapq in recs:
            a = pysam.AlignedSegment(out.header)
            a.query_name = name
            a.flag = flag
            a.reference_id = t
            a.reference_start = start0
            a.mapping_quality = mapq
            a.cigartuples = cig
            a.query_sequence = seq
            a.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
            a.next_reference_id = mt
            a.next_reference_start = mpos
            a.template_length = tlen
            a.set_tag("RG", "sim")
            a.set_tag("MQ", mapq)
            if sa:
                a.set_tag("SA", sa)
            out.write(a)
    pysam.index(str(path))
    return path


def write_reference(path: Path, contigs: dict[str, int], chr_prefix: bool = True, windows: list | None = None) -> Path:
    """FASTA of the synthetic genome: `windows` [(chrom, start, end)] filled in, N elsewhere (for CRAM)."""
    import pysam

    with open(path, "w") as fh:
        for c, n in contigs.items():
            seq = bytearray(b"N" * n)
            for wc, s, e in windows or []:
                if wc == c:
                    seq[s - 1:e] = genome(c, s, e).encode()
            fh.write(f">{'chr' if chr_prefix else ''}{c}\n")
            for i in range(0, n, 1 << 20):
                fh.write(seq[i:i + (1 << 20)].decode() + "\n")
    pysam.faidx(str(path))
    return Path(path)


# ---------------------------------------------------------------------------------------------------
# Breakpoints in real introns of the bundled models
# ---------------------------------------------------------------------------------------------------

def intron_mid(build: str, gene: str, n: int, offset: int = 0) -> int:
    t = load_transcripts(build).by_gene(gene)
    a, b = t.exons[n - 1], t.exons[n]
    lo, hi = (a[1] + 1, b[0] - 1) if t.strand == "+" else (b[1] + 1, a[0] - 1)
    return (lo + hi) // 2 + offset


@dataclass
class Case:
    """One simulated sample; `expected` is what the detector must report (None: no call)."""

    name: str
    partner: str = "EML4"
    partner_intron: int | None = 13
    partner_pos: int | None = None  # overrides partner_intron (non-bundled partners)
    partner_chrom: str = "2"
    partner_side: str = "left"
    alk_intron: int = 19
    alk_side: str = "left"
    build: str = "GRCh38"
    fusion: int = 30
    wildtype: int = 400
    dups: int = 0
    sa: bool = True
    alk_only: bool = False
    chr_prefix: bool = True
    hard_clip: bool = False  # supplementary alignments hard-clipped (bwa mem without -Y)
    split_secondary: bool = False  # split hits flagged secondary, as `bwa mem -M` writes them
    mapq: int = 60
    expected: dict | None = None


def simulate(case: Case, out_dir: Path, seed: int = 11) -> dict:
    """Write `<name>.bam` for the case; returns {bam, alk_pos, partner_pos, junction, fusion_written}."""
    rng = random.Random(f"{case.name}:{seed}")
    cfg = SimConfig(sa=case.sa, chr_prefix=case.chr_prefix, hard_clip=case.hard_clip,
                    split_secondary=case.split_secondary)
    alk_pos = intron_mid(case.build, "ALK", case.alk_intron, offset=37)
    p_pos = case.partner_pos or intron_mid(case.build, case.partner, case.partner_intron, offset=-53)
    mol = fusion_molecule("2", alk_pos, case.alk_side, case.partner_chrom, p_pos, case.partner_side)
    sample = Sample()
    junction_at = mol[0].length
    n = add_fragments(sample, mol, case.fusion, "fus", rng, cfg, around=junction_at, window=0, dups=case.dups,
                      mapq=case.mapq, require_first_segment=case.alk_only) if case.fusion else 0
    wt = [Segment("2", alk_pos - 1500, "+", 3000)]
    add_fragments(sample, wt, case.wildtype, "wt", rng, cfg, around=1500, window=2600)
    if not case.alk_only:
        add_fragments(sample, [Segment(case.partner_chrom, p_pos - 1500, "+", 3000)], case.wildtype // 2,
                      "pwt", rng, cfg, around=1500, window=500)
    sample.contigs.add("2")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bam = write_bam(sample, out_dir / f"{case.name}.bam", case.build, cfg)
    # wild-type fragments across the ALK break (it sits between molecule index 1500 and 1501, or 1499/1500)
    gap = 1500 if case.alk_side == "left" else 1499
    wt_across = sum(1 for a, b in sample.spans.get("wt", []) if a <= gap + 1 - 10 and b >= gap + 1 + 10)
    return {"bam": str(bam), "alk_pos": alk_pos, "partner_pos": p_pos, "junction": junction_truth(mol),
            "fusion_written": n, "wildtype_across": wt_across, "molecule": mol, "sample": sample, "config": cfg}
