"""Transcript models: the bundled resource, how it is built, and coordinate mapping.

The resource (``resources/<build>/transcripts.json``) holds one MANE Select transcript per gene with
its exons in transcript order and the spliced exon sequence in transcript orientation, ``N`` where the
base is not known offline.  Everything the annotator needs (genome <-> transcript <-> CDS positions,
reference bases for REF checks and 3' shifting) comes from this one object, so the same code works
whether the sequence came from the bundled CDS FASTA or from a full genome FASTA.
"""

from __future__ import annotations

import bisect
import copy
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from alkannot.core.contigs import canonical_chrom, contig_named
from alkannot.core.resources import resources_dir
from alkannot.core.sequence import revcomp
from alkannot.errors import InputError

RESOURCE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class CodingPosition:
    """One HGVS c./n. position, typed: ``region`` "" (CDS, or n. numbering), "-" (5' of the CDS start) or
    "*" (3' of the stop), the number, and the intronic/flanking ``offset`` (0 = on the transcript).
    ``str()`` is the text hgvsc is written with (``123``, ``-14``, ``*7``, ``123+2``, ``-14-3``)."""

    region: str
    pos: int
    offset: int = 0

    def __str__(self) -> str:
        base = f"{self.region}{self.pos}"
        return base if not self.offset else f"{base}{'+' if self.offset > 0 else '-'}{abs(self.offset)}"

    @property
    def cds(self) -> tuple[int, int] | None:
        """(position, offset) when the position is in CDS numbering (no region), else None."""
        return None if self.region else (self.pos, self.offset)


@dataclass
class Transcript:
    """A bundled transcript model: exons (genomic, transcript order), spliced sequence ('N' where unknown) and
    the CDS bounds; maps genomic and transcript coordinates both ways."""

    gene: str
    transcript_id: str
    chrom: str  # canonical (no 'chr')
    strand: str  # '+' or '-'
    exons: list[tuple[int, int]]  # genomic 1-based inclusive, in transcript order
    sequence: str  # spliced exons, transcript orientation, 'N' = unknown
    cds_start: int | None = None  # transcript index (0-based) of the first CDS base (A of ATG)
    cds_end: int | None = None  # transcript index (0-based, inclusive) of the last CDS base (stop codon)
    protein_id: str | None = None
    ensembl_transcript_id: str | None = None
    source: str = ""
    _exon_offsets: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        off, acc = [], 0
        for s, e in self.exons:
            off.append(acc)
            acc += e - s + 1
        self._exon_offsets = off
        if acc != len(self.sequence):
            raise ValueError(f"{self.transcript_id}: exon length {acc} != sequence length {len(self.sequence)}")

    # ---- extent -------------------------------------------------------------------------------
    @property
    def start(self) -> int:
        return min(s for s, _ in self.exons)

    @property
    def end(self) -> int:
        return max(e for _, e in self.exons)

    @property
    def coding(self) -> bool:
        return self.cds_start is not None

    @property
    def length(self) -> int:
        return len(self.sequence)

    # ---- genome -> transcript -----------------------------------------------------------------
    def _genomic_order(self) -> tuple[list[int], list[int]]:
        """(exon starts in genomic order, the exon index of each): built once per transcript."""
        index = self.__dict__.get("_exon_starts")
        if index is None:
            order = sorted(range(len(self.exons)), key=lambda i: self.exons[i][0])
            index = self.__dict__["_exon_starts"] = ([self.exons[i][0] for i in order], order)
        return index

    def exon_index_of(self, gpos: int) -> int | None:
        # exons do not overlap: bisect over their starts in genomic order
        starts, order = self._genomic_order()
        k = bisect.bisect_right(starts, gpos) - 1
        if k >= 0:
            i = order[k]
            if self.exons[i][0] <= gpos <= self.exons[i][1]:
                return i
        return None

    def g_to_t(self, gpos: int) -> int | None:
        """Genomic position -> 0-based transcript index, or None when intronic/outside."""
        i = self.exon_index_of(gpos)
        if i is None:
            return None
        s, e = self.exons[i]
        return self._exon_offsets[i] + (gpos - s if self.strand == "+" else e - gpos)

    def t_to_g(self, tidx: int) -> int:
        for i, (s, e) in enumerate(self.exons):
            off = self._exon_offsets[i]
            if off <= tidx < off + (e - s + 1):
                d = tidx - off
                return s + d if self.strand == "+" else e - d
        raise IndexError(tidx)

    def intron_anchor(self, gpos: int) -> tuple[int, int, int] | None:
        """For an intronic position: (intron number, transcript index of the nearest exon base, offset).

        The offset is signed in transcript orientation (+ after the exon's last base, - before the next
        exon's first base), as HGVS wants; ties go to the upstream exon (c.N+k), as HGVS says.
        """
        starts, order = self._genomic_order()
        k = bisect.bisect_right(starts, gpos) - 1  # the exon starting at or before gpos, in genomic order
        if k < 0 or k + 1 >= len(order):
            return None
        if abs(order[k] - order[k + 1]) != 1:
            return self._intron_anchor_scan(gpos)
        return self._anchor_in(min(order[k], order[k + 1]), gpos)  # the intron between two neighbouring exons

    def _anchor_in(self, i: int, gpos: int) -> tuple[int, int, int] | None:
        """gpos's anchor in intron i + 1 (between exons i and i + 1 in transcript order); None outside it."""
        a_s, a_e = self.exons[i]  # exon i, upstream in transcript orientation
        b_s, b_e = self.exons[i + 1]
        last_up, first_down = (a_e, b_s) if self.strand == "+" else (a_s, b_e)  # the exon bases flanking it
        if not min(last_up, first_down) < gpos < max(last_up, first_down):
            return None
        up, down = abs(gpos - last_up), abs(first_down - gpos)
        if up <= down:
            return i + 1, self._exon_offsets[i] + (a_e - a_s), up
        return i + 1, self._exon_offsets[i + 1], -down

    def _intron_anchor_scan(self, gpos: int) -> tuple[int, int, int] | None:
        for i in range(len(self.exons) - 1):
            anchor = self._anchor_in(i, gpos)
            if anchor is not None:
                return anchor
        return None

    def exon_number_of_tidx(self, tidx: int) -> int:
        # the exons tile the transcript from 0 in transcript order: the last exon starting at or before tidx
        offsets = self._exon_offsets
        i = bisect.bisect_right(offsets, tidx) - 1
        if i < 0 or tidx >= offsets[i] + (self.exons[i][1] - self.exons[i][0] + 1):
            raise IndexError(tidx)
        return i + 1

    def exon_bounds_t(self, exon_no: int) -> tuple[int, int]:
        s, e = self.exons[exon_no - 1]
        off = self._exon_offsets[exon_no - 1]
        return off, off + (e - s)

    # ---- transcript -> c. ---------------------------------------------------------------------
    def c_pos(self, tidx: int) -> str:
        """0-based transcript index -> HGVS c. position text (no offset)."""
        return str(self.c_position(tidx))

    def c_position(self, tidx: int) -> CodingPosition:
        """0-based transcript index -> HGVS c. position (no offset)."""
        if not self.coding:
            return CodingPosition("", tidx + 1)  # n. numbering for non-coding models
        if tidx < self.cds_start:
            return CodingPosition("-", self.cds_start - tidx)
        if tidx > self.cds_end:
            return CodingPosition("*", tidx - self.cds_end)
        return CodingPosition("", tidx - self.cds_start + 1)

    def cds_seq(self) -> str:
        """The CDS (c.1 to the stop codon's last base). One string per transcript, kept while the sequence and
        the CDS bounds are the same objects/values (a FASTA fill assigns a new sequence): every variant of a
        gene compares against it, and its hash (the translation cache's key) is computed once."""
        assert self.coding
        memo = self.__dict__.get("_cds_memo")
        if memo is None or memo[0] is not self.sequence or memo[1] != self.cds_start or memo[2] != self.cds_end:
            memo = self.__dict__["_cds_memo"] = (self.sequence, self.cds_start, self.cds_end,
                                                 self.sequence[self.cds_start : self.cds_end + 1])
        return memo[3]

    def to_json(self) -> dict:
        return {
            "gene": self.gene,
            "transcript_id": self.transcript_id,
            "ensembl_transcript_id": self.ensembl_transcript_id,
            "protein_id": self.protein_id,
            "chrom": self.chrom,
            "strand": self.strand,
            "exons": [list(x) for x in self.exons],
            "cds_start": self.cds_start,
            "cds_end": self.cds_end,
            "sequence": self.sequence,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, d: dict) -> Transcript:
        return cls(
            gene=d["gene"],
            transcript_id=d["transcript_id"],
            ensembl_transcript_id=d.get("ensembl_transcript_id"),
            protein_id=d.get("protein_id"),
            chrom=d["chrom"],
            strand=d["strand"],
            exons=[tuple(x) for x in d["exons"]],
            cds_start=d.get("cds_start"),
            cds_end=d.get("cds_end"),
            sequence=d["sequence"],
            source=d.get("source", ""),
        )


@dataclass
class TranscriptSet:
    """The transcripts of one build (resources/<build>/transcripts.json) and their provenance (`meta`)."""

    build: str
    transcripts: list[Transcript]
    meta: dict = field(default_factory=dict)

    def by_gene(self, gene: str) -> Transcript | None:
        for t in self.transcripts:
            if t.gene == gene:
                return t
        return None

    def overlapping(self, chrom: str, start: int, end: int) -> list[Transcript]:
        c = canonical_chrom(chrom)
        return [t for t in self.transcripts if t.chrom == c and t.start <= end and start <= t.end]

    def fill_from_fasta(self, fasta) -> int:
        """Fill unknown (N) transcript bases from a genome FASTA (pysam.FastaFile). Returns bases filled.

        Known bundled bases that disagree with the FASTA are an error: the FASTA is another build.
        """
        filled = 0
        for t in self.transcripts:
            contig = contig_named(fasta.references, t.chrom)
            if contig is None:
                continue
            seq = "".join(
                _fetch(fasta, contig, s, e) if t.strand == "+" else revcomp(_fetch(fasta, contig, s, e))
                for s, e in t.exons
            )
            new = []
            for i, (old, ref) in enumerate(zip(t.sequence, seq)):
                if old == "N":
                    new.append(ref)
                    filled += ref != "N"
                elif ref != "N" and ref != old:
                    raise InputError(
                        f"reference FASTA disagrees with the bundled {t.transcript_id} sequence at "
                        f"transcript base {i + 1} ({old} vs {ref})",
                        path=getattr(fasta, "filename", b"").decode() if isinstance(
                            getattr(fasta, "filename", ""), bytes) else str(getattr(fasta, "filename", "")),
                        fix=f"pass a {self.build} genome FASTA",
                    )
                else:
                    new.append(old)
            t.sequence = "".join(new)
        return filled


def _fetch(fasta, contig: str, s: int, e: int) -> str:
    return fasta.fetch(contig, s - 1, e).upper()


# ---------------------------------------------------------------------------------------------
# Loading the bundled resource
# ---------------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, str], TranscriptSet] = {}


def load_transcripts(build: str, resource_dir: Path | None = None) -> TranscriptSet:
    """The bundled models of a build, as a copy the caller may change (fill sequence from a FASTA)."""
    ts = shared_transcripts(build, resource_dir)
    return TranscriptSet(build=ts.build, meta=dict(ts.meta), transcripts=[_copy(t) for t in ts.transcripts])


def shared_transcripts(build: str, resource_dir: Path | None = None) -> TranscriptSet:
    """The process's own set of models for a build (what load_transcripts copies), for code that only reads
    them: nothing may fill or change it. The lookup indexes its models build (exon order, CDS) then serve every
    sample of the process instead of being rebuilt on a fresh copy per sample."""
    rdir = Path(resource_dir) if resource_dir else resources_dir()
    key = (str(rdir), build)
    if key not in _CACHE:
        path = rdir / build / "transcripts.json"
        if not path.exists():
            raise InputError(f"no transcript resource for build {build}", path=str(path),
                             fix="run 'alkannot build-resources' or choose GRCh37/GRCh38")
        d = json.loads(path.read_text())
        if d.get("format") != RESOURCE_FORMAT:
            raise InputError(f"resource format {d.get('format')} is not {RESOURCE_FORMAT}", path=str(path),
                             fix="rebuild it with this version's 'alkannot build-resources'")
        _CACHE[key] = TranscriptSet(build=d["build"], transcripts=[Transcript.from_json(t) for t in d["transcripts"]],
                                    meta={k: v for k, v in d.items() if k != "transcripts"})
    return _CACHE[key]


def _copy(t: Transcript) -> Transcript:
    """What Transcript.from_json(t.to_json()) gives, without the round trip: its own lists (strings and
    tuples are immutable), no cached lookup index."""
    c = copy.copy(t)
    c.exons = list(t.exons)
    c._exon_offsets = list(t._exon_offsets)
    c.__dict__.pop("_exon_starts", None)
    return c


# ---------------------------------------------------------------------------------------------
# Building the resource from GTF + CDS FASTA (+ optional genome FASTA)
# ---------------------------------------------------------------------------------------------

_ATTR = re.compile(r'(\S+) "([^"]*)"')


def _open_text(path: Path):
    return gzip.open(path, "rt") if str(path).endswith(".gz") else open(path)


def read_fasta(path: Path) -> dict[str, str]:
    seqs: dict[str, list[str]] = {}
    name = None
    with _open_text(path) as fh:
        for ln, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            elif name is None:
                raise InputError("sequence before the first '>' header", path=str(path), line=ln,
                                 fix="give a FASTA file")
            else:
                seqs[name].append(line.upper())
    return {k: "".join(v) for k, v in seqs.items()}


def build_transcripts(gtf: Path, cds_fasta: Path, build: str, genome_fasta: Path | None = None,
                      genes: list[str] | None = None) -> dict:
    """GTF (transcript/exon/CDS lines, CDS including the stop codon as in RefSeq-style GTFs, or with
    separate stop_codon lines as in GENCODE) + CDS FASTA keyed by transcript id -> resource dict."""
    tx: dict[str, dict] = {}
    with _open_text(gtf) as fh:
        for ln, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) != 9:
                raise InputError(f"GTF line has {len(f)} columns, expected 9", path=str(gtf), line=ln,
                                 fix="give a tab-separated GTF")
            feat = f[2]
            if feat not in ("transcript", "exon", "CDS", "stop_codon"):
                continue
            attrs = dict(_ATTR.findall(f[8]))
            tid = attrs.get("transcript_id")
            if not tid:
                raise InputError("GTF line without transcript_id", path=str(gtf), line=ln)
            gene = attrs.get("gene_name") or attrs.get("gene_id")
            if genes and gene not in genes:
                continue
            t = tx.setdefault(tid, {"gene": gene, "chrom": canonical_chrom(f[0]), "strand": f[6],
                                    "exons": [], "cds": [], "attrs": {}})
            s, e = int(f[3]), int(f[4])
            if feat == "transcript":
                t["attrs"] = attrs
            elif feat == "exon":
                t["exons"].append((s, e))
            else:
                t["cds"].append((s, e))
    cds_seqs = read_fasta(cds_fasta)
    fasta = None
    if genome_fasta:
        import pysam

        fasta = pysam.FastaFile(str(genome_fasta))
    out = []
    for tid, t in sorted(tx.items(), key=lambda kv: (kv[1]["gene"], kv[0])):
        exons = sorted(t["exons"], reverse=(t["strand"] == "-"))
        length = sum(e - s + 1 for s, e in exons)
        seq = ["N"] * length
        obj = Transcript(gene=t["gene"], transcript_id=tid, chrom=t["chrom"], strand=t["strand"],
                         exons=exons, sequence="N" * length)
        cds_start = cds_end = None
        if t["cds"]:
            lo = min(s for s, _ in t["cds"])
            hi = max(e for _, e in t["cds"])
            a, b = obj.g_to_t(lo), obj.g_to_t(hi)
            if a is None or b is None:
                raise InputError(f"{tid}: CDS bounds {lo}-{hi} fall outside its exons", path=str(gtf))
            cds_start, cds_end = min(a, b), max(a, b)
            cds = cds_seqs.get(tid)
            if cds is not None:
                if len(cds) != cds_end - cds_start + 1:
                    raise InputError(f"{tid}: CDS FASTA length {len(cds)} != GTF CDS length "
                                     f"{cds_end - cds_start + 1}", path=str(cds_fasta),
                                     fix="use the FASTA that matches the GTF's transcript versions")
                seq[cds_start : cds_end + 1] = list(cds)
        obj.sequence = "".join(seq)
        obj.cds_start, obj.cds_end = cds_start, cds_end
        obj.protein_id = t["attrs"].get("protein_id")
        obj.ensembl_transcript_id = t["attrs"].get("ensembl_transcript_id")
        obj.source = t["attrs"].get("model_source", "")
        if fasta is not None:
            TranscriptSet(build, [obj]).fill_from_fasta(fasta)
        out.append(obj.to_json())
    return {"format": RESOURCE_FORMAT, "build": build, "gtf": Path(gtf).name, "cds_fasta": Path(cds_fasta).name,
            "genome_fasta": Path(genome_fasta).name if genome_fasta else None, "transcripts": out}
