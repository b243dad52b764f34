"""Small simulated BAM + VCF cases for testing read-backed phasing (ALK exon 23, G1202R / L1196M).

The reads are cut from the bundled ALK exon 23 sequence (genomic orientation) with chosen alleles, so the
right answer is known by construction. `simulate_case(kind, out_dir)` writes a coordinate-sorted,
indexed BAM, a plain VCF and a Mutect2-shaped VCF (PGT/PID/PS when the truth is pure cis or trans) and
returns their paths with the sites and the expected result. Every case is a few kilobytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp
from alkannot.phase.reads import SiteAllele

CONTIG_LENGTH = {"GRCh38": 242193529, "GRCh37": 243199373}  # chr2
CONTIG_NAME = {"GRCh38": "chr2", "GRCh37": "2"}
EXON = 23  # holds L1196 (c.3586) and G1202 (c.3604)
READ_LEN = 60
GOOD_Q, LOW_Q = 35, 10


@dataclass(frozen=True)
class Group:
    """`n` fragments carrying A and/or B, laid out as `layout`.

    layout: "overlap" (two mates, each covering both sites), "split" (mate 1 covers only the first site,
    mate 2 only the second), "single" (one unpaired read over both), "softclip" (one read aligned over
    the first site only, its soft-clipped tail running over the second site).
    dups: flagged duplicate copies of the group's first fragment. lowq: site ("a"/"b") whose bases get a
    low quality. mate_disagree: mate 2 shows REF at A although mate 1 shows the fragment's A allele.
    """

    n: int
    a: bool = False
    b: bool = False
    layout: str = "overlap"
    dups: int = 0
    lowq: str | None = None
    mate_disagree: bool = False


# kind -> (B variant, groups, expected). A is always G1202R. Expected holds the phase and exact counts.
CASES: dict[str, tuple[str, list[Group], dict]] = {
    "cis": ("L1196M", [Group(20, True, True), Group(20)],
            {"phase": "cis", "alt_alt": 20, "alt_ref": 0, "ref_alt": 0, "ref_ref": 20}),
    "trans": ("L1196M", [Group(12, True), Group(12, b=True), Group(16)],
              {"phase": "trans", "alt_alt": 0, "alt_ref": 12, "ref_alt": 12, "ref_ref": 16}),
    "mixed": ("L1196M", [Group(10, True, True), Group(10, True), Group(10)],
              {"phase": "cis", "mixed": True, "alt_alt": 10, "alt_ref": 10, "ref_alt": 0, "ref_ref": 10}),
    "low_coverage": ("L1196M", [Group(2, True, True), Group(1)],
                     {"phase": "unresolved", "alt_alt": 2, "ref_ref": 1}),
    # Without duplicate filtering this would be 16 alt_alt of 40: cis. With it, trans.
    "duplicates": ("L1196M", [Group(1, True, True, dups=15), Group(12, True), Group(12, b=True), Group(10)],
                   {"phase": "trans", "alt_alt": 1, "alt_ref": 12, "ref_alt": 12, "ref_ref": 10,
                    "duplicate_reads": 30}),
    # The 15 fragments with both ALTs have low-quality B bases: uninformative, leaving trans evidence.
    "low_baseq": ("L1196M", [Group(15, True, True, lowq="b"), Group(10, True), Group(10, b=True), Group(10)],
                  {"phase": "trans", "alt_alt": 0, "alt_ref": 10, "ref_alt": 10, "ref_ref": 10,
                   "uninformative": 15}),
    # Overlapping mates count once; two fragments whose mates disagree at A are uninformative.
    "overlapping_mates": ("L1196M", [Group(10, True, True), Group(4, True), Group(2, True, True, mate_disagree=True),
                                     Group(10)],
                          {"phase": "cis", "alt_alt": 10, "alt_ref": 4, "ref_alt": 0, "ref_ref": 10,
                           "uninformative": 2, "mate_conflicts": 2}),
    # Mates each see one site; only the fragment sees both.
    "split_mates": ("L1196M", [Group(10, True, True, layout="split"), Group(10, layout="split")],
                    {"phase": "cis", "alt_alt": 10, "ref_ref": 10}),
    "single_end": ("L1196M", [Group(8, True, True, layout="single"), Group(8, layout="single")],
                   {"phase": "cis", "alt_alt": 8, "ref_ref": 8}),
    # Soft-clipped tails carrying B must not count: those reads see A only.
    "softclip": ("L1196M", [Group(10, True, layout="single"), Group(10, b=True, layout="single"),
                            Group(10, True, True, layout="softclip"), Group(10, layout="single")],
                 {"phase": "trans", "alt_alt": 0, "alt_ref": 10, "ref_alt": 10, "ref_ref": 10,
                  "uninformative": 10}),
    "deletion_cis": ("del3", [Group(10, True, True), Group(4, True), Group(10)],
                     {"phase": "cis", "alt_alt": 10, "alt_ref": 4, "ref_alt": 0, "ref_ref": 10}),
    "insertion_trans": ("ins3", [Group(10, True), Group(10, b=True), Group(10)],
                        {"phase": "trans", "alt_alt": 0, "alt_ref": 10, "ref_alt": 10, "ref_ref": 10}),
    "mnv_cis": ("mnv2", [Group(10, True, True), Group(10)],
                {"phase": "cis", "alt_alt": 10, "ref_ref": 10}),
}


class ExonModel:
    """Genomic (plus-strand) sequence of ALK exon 23 and the variants used by the cases."""

    def __init__(self, build: str = "GRCh38"):
        t = load_transcripts(build).by_gene("ALK")
        self.build = build
        self.contig = CONTIG_NAME[build]
        self.start, self.end = sorted(t.exons[EXON - 1])
        lo, hi = t.exon_bounds_t(EXON)
        self.seq = revcomp(t.sequence[lo : hi + 1]) if t.strand == "-" else t.sequence[lo : hi + 1]
        cds = t.cds_start
        g1202 = t.t_to_g(cds + 3604 - 1)  # c.3604G>A: genomic C>T on the minus strand
        l1196 = t.t_to_g(cds + 3586 - 1)  # c.3586C>A: genomic G>T
        anchor = l1196 + 10  # synthetic indels/MNV 5' of L1196 in transcript terms, inside the exon
        self.variants = {
            "G1202R": SiteAllele(self.contig, g1202, self.base(g1202), revcomp("A"), "G1202R"),
            "L1196M": SiteAllele(self.contig, l1196, self.base(l1196), revcomp("A"), "L1196M"),
            "del3": SiteAllele(self.contig, anchor, self.bases(anchor, anchor + 3), self.base(anchor), "del3"),
            "ins3": SiteAllele(self.contig, anchor, self.base(anchor), self.base(anchor) + "GCA", "ins3"),
            "mnv2": SiteAllele(self.contig, l1196 - 1, self.bases(l1196 - 1, l1196),
                               _other(self.base(l1196 - 1)) + revcomp("A"), "mnv2"),
        }

    def base(self, pos: int) -> str:
        return self.seq[pos - self.start]

    def bases(self, start: int, end: int) -> str:
        return self.seq[start - self.start : end - self.start + 1]

    def columns(self, alleles: list[SiteAllele]) -> dict[int, list]:
        """{genomic pos: [base or None if deleted, inserted text after it]} for a haplotype."""
        cols = {p: [self.base(p), ""] for p in range(self.start, self.end + 1)}
        for v in alleles:
            if len(v.ref) == len(v.alt):
                for i, base in enumerate(v.alt):
                    cols[v.pos + i][0] = base
            elif len(v.ref) > len(v.alt):
                for p in range(v.pos + len(v.alt), v.end + 1):
                    cols[p][0] = None
            else:
                cols[v.pos][1] = v.alt[len(v.ref):]
        return cols


def _other(base: str) -> str:
    return {"A": "C", "C": "G", "G": "T", "T": "A"}[base]


def _read(cols: dict, start: int, end: int, lowq_pos: set[int], clip: str = ""):
    """Query sequence, CIGAR tuples and qualities for a read aligned over [start, end] of `cols`."""
    seq, quals, cigar = [], [], []

    def add(op: int, n: int = 1):
        if cigar and cigar[-1][0] == op:
            cigar[-1] = (op, cigar[-1][1] + n)
        else:
            cigar.append((op, n))

    for p in range(start, end + 1):
        base, ins = cols[p]
        if base is None:
            add(2)
        else:
            seq.append(base)
            quals.append(LOW_Q if p in lowq_pos else GOOD_Q)
            add(0)
        if ins and p < end:
            seq.extend(ins)
            quals.extend([GOOD_Q] * len(ins))
            add(1, len(ins))
    if clip:
        seq.extend(clip)
        quals.extend([GOOD_Q] * len(clip))
        add(4, len(clip))
    return "".join(seq), cigar, quals


def _segments(model: ExonModel, a: SiteAllele, b: SiteAllele, kind: str) -> list[dict]:
    _, groups, _ = CASES[kind]
    lo, hi = sorted((a, b), key=lambda s: s.pos)
    max_end = max(a.end, b.end)
    first_start, last_start = max_end + 2 - READ_LEN, lo.pos - 1  # reads covering both sites, with flanks
    segs = []
    for gi, g in enumerate(groups):
        carried = [v for v, on in ((a, g.a), (b, g.b)) if on]
        cols = model.columns(carried)
        cols_mate2 = model.columns([v for v in carried if not (g.mate_disagree and v is a)])
        lowq = set()
        if g.lowq:
            site = a if g.lowq == "a" else b
            lowq = set(range(site.pos, site.end + 1))
        for i in range(g.n):
            name = f"{kind}:g{gi}:f{i}"
            span = last_start - first_start + 1
            s1 = first_start + (i * 7) % span
            s2 = first_start + (i * 11 + 5) % span
            if g.layout == "overlap":
                reads = [(cols, s1, s1 + READ_LEN - 1, ""), (cols_mate2, s2, s2 + READ_LEN - 1, "")]
            elif g.layout == "split":
                reads = [(cols, lo.pos - 20, lo.end + 9, ""), (cols_mate2, hi.pos - 5, hi.end + 24, "")]
            elif g.layout == "single":
                reads = [(cols, s1, s1 + READ_LEN - 1, "")]
            elif g.layout == "softclip":
                aligned_end = hi.pos - 3
                clip = "".join(cols[p][0] or "" for p in range(aligned_end + 1, hi.end + 16))
                reads = [(cols, lo.pos - 20, aligned_end, clip)]
            else:
                raise ValueError(g.layout)
            copies = [(name, False)] + [(f"{name}:dup{d}", True) for d in range(g.dups if i == 0 else 0)]
            for qname, dup in copies:
                for mate, (c, start, end, clip) in enumerate(reads):
                    seq, cigar, quals = _read(c, start, end, lowq, clip)
                    segs.append({"name": qname, "start": start - 1, "seq": seq, "cigar": cigar, "quals": quals,
                                 "mate": mate, "paired": len(reads) > 1, "dup": dup,
                                 "mate_start": reads[1 - mate][1] - 1 if len(reads) > 1 else -1,
                                 "tlen": (max(r[2] for r in reads) - min(r[1] for r in reads) + 1)})
    return segs


def _write_bam(path: Path, model: ExonModel, segs: list[dict]) -> None:
    import pysam

    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": model.contig, "LN": CONTIG_LENGTH[model.build]}]}
    segs = sorted(segs, key=lambda s: (s["start"], s["name"], s["mate"]))
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for s in segs:
            r = pysam.AlignedSegment(out.header)
            r.query_name = s["name"]
            r.query_sequence = s["seq"]
            r.reference_id = 0
            r.reference_start = s["start"]
            r.cigartuples = s["cigar"]
            r.mapping_quality = 60
            r.query_qualities = pysam.qualitystring_to_array("".join(chr(q + 33) for q in s["quals"]))
            flag = 0x400 if s["dup"] else 0
            if s["paired"]:
                flag |= 0x1 | 0x2 | (0x40 | 0x20 if s["mate"] == 0 else 0x80 | 0x10)
                r.next_reference_id = 0
                r.next_reference_start = s["mate_start"]
                r.template_length = s["tlen"] if s["mate"] == 0 else -s["tlen"]
            r.flag = flag
            out.write(r)
    pysam.index(str(path))


def _vcf_text(model: ExonModel, sites: list[SiteAllele], counts: dict, phase: str | None, mutect2: bool) -> str:
    lines = ["##fileformat=VCFv4.2", f"##contig=<ID={model.contig},length={CONTIG_LENGTH[model.build]}>",
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
             '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">']
    if mutect2:
        lines += ["##source=Mutect2",
                  ('##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype information, '
                  'describing how the alternate alleles are phased in relation to one another">'),
                  ('##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID information, where '
                  'each unique ID within a given sample (but not across samples) connects records within a '
                  'phasing group">'),
                  ('##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phasing set (typically the position of '
                  'the first variant in the set)">')]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR")
    ordered = sorted(sites, key=lambda s: s.pos)
    first = ordered[0]
    for k, s in enumerate(ordered):
        alt, depth = counts[s.label]
        fmt, values = "GT:AD:AF:DP", [f"{alt}", f"{depth - alt},{alt}", f"{alt / depth:.3f}", f"{depth}"]
        if mutect2 and phase in ("cis", "trans"):
            gt = "1|0" if (phase == "trans" and k == 1) else "0|1"
            fmt += ":PGT:PID:PS"
            values = [gt] + values[1:] + [gt, f"{first.pos}_{first.ref}_{first.alt}", f"{first.pos}"]
        else:
            values[0] = "0/1"
        lines.append("\t".join([s.chrom, str(s.pos), s.label or ".", s.ref, s.alt, ".", "PASS", ".", fmt,
                                ":".join(values)]))
    return "\n".join(lines) + "\n"


def _site_counts(kind: str) -> dict[str, tuple[int, int]]:
    """(ALT fragments, all fragments) per site, duplicates excluded, for the VCFs' AD/AF."""
    b_name, groups, _ = CASES[kind]
    total = sum(g.n for g in groups)
    return {"G1202R": (sum(g.n for g in groups if g.a), total), b_name: (sum(g.n for g in groups if g.b), total)}


def simulate_case(kind: str, out_dir, build: str = "GRCh38") -> dict:
    """Write `<kind>.bam` (+ .bai), `<kind>.vcf` and `<kind>.mutect2.vcf` under out_dir.

    Returns {"kind", "bam", "bai", "vcf", "mutect2_vcf", "contig", "a": SiteAllele (G1202R),
    "b": SiteAllele, "expected": {"phase", counts...}}.
    """
    if kind not in CASES:
        raise ValueError(f"unknown simulated case {kind!r}; choose from {', '.join(CASES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = ExonModel(build)
    b_name, _, expected = CASES[kind]
    a, b = model.variants["G1202R"], model.variants[b_name]
    bam = out / f"{kind}.bam"
    _write_bam(bam, model, _segments(model, a, b, kind))
    truth = expected["phase"] if not expected.get("mixed") else None
    counts = _site_counts(kind)
    vcf, m2 = out / f"{kind}.vcf", out / f"{kind}.mutect2.vcf"
    vcf.write_text(_vcf_text(model, [a, b], counts, None, mutect2=False))
    m2.write_text(_vcf_text(model, [a, b], counts, truth, mutect2=True))
    return {"kind": kind, "bam": str(bam), "bai": str(bam) + ".bai", "vcf": str(vcf), "mutect2_vcf": str(m2),
            "contig": model.contig, "a": a, "b": b, "expected": dict(expected)}
