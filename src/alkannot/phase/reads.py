"""Read-backed phasing of two variants: count fragments by the alleles they carry at both sites.

A fragment (a read, or both mates of a pair) is judged at each site from its own alignment: SNVs and
MNVs from the aligned bases, indels from the CIGAR at the VCF anchor base (the read must carry exactly
the VCF allele at the anchor and be aligned on the base after the allele, so a read that ends or is
soft-clipped inside the allele says nothing). Soft-clipped bases are never used. Mates that disagree at
a site make that site unknown for the fragment; mates that agree count once.

Limitation (documented, not hidden): an indel that the aligner placed at a different position inside a
repeat than the (left-aligned) VCF record is not recognised; such reads count as uninformative.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from alkannot.core.contigs import canonical_chrom, contig_named
from alkannot.errors import InputError
from alkannot.io.alignment import excluded_read
from alkannot.phase.config import confidence_label, phase_config

ALT, REF = "alt", "ref"


@dataclass(frozen=True)
class SiteAllele:
    """One VCF-style allele (1-based `pos`, anchor base kept for indels); `label` names it in messages."""

    chrom: str
    pos: int
    ref: str
    alt: str
    label: str | None = None

    @property
    def end(self) -> int:
        """Last reference base (1-based, inclusive) the allele touches."""
        return self.pos + len(self.ref) - 1

    @property
    def name(self) -> str:
        return self.label or f"{self.chrom}:{self.pos}{self.ref}>{self.alt}"

    @classmethod
    def from_call(cls, call, label: str | None = None) -> SiteAllele:
        return cls(call.chrom, call.pos, call.ref.upper(), call.alt.upper(), label)


# ---------------------------------------------------------------------------------------------------
# One read at one site
# ---------------------------------------------------------------------------------------------------

def read_layout(cigartuples, reference_start: int) -> tuple[dict[int, int | None], dict[int, tuple[int, int]]]:
    """CIGAR -> ({0-based ref pos: query index, None if deleted}, {ref pos: (q_start, q_end) inserted after}).

    Soft clips advance the query but map to nothing, so clipped bases can never be read as an allele.
    Reference skips (N) are left out: the read does not cover those bases.
    """
    ref_to_q: dict[int, int | None] = {}
    ins_after: dict[int, tuple[int, int]] = {}
    r, q = reference_start, 0
    for op, length in cigartuples or ():
        if op in (0, 7, 8):  # M, =, X
            for i in range(length):
                ref_to_q[r + i] = q + i
            r += length
            q += length
        elif op == 1:  # I
            ins_after[r - 1] = (q, q + length)
            q += length
        elif op == 2:  # D
            for i in range(length):
                ref_to_q[r + i] = None
            r += length
        elif op == 3:  # N
            r += length
        elif op == 4:  # S
            q += length
        # H and P consume neither the query nor the reference.
    return ref_to_q, ins_after


def judge_site(site: SiteAllele, ref_to_q: dict, ins_after: dict, seq: str, quals, min_baseq: int
               ) -> tuple[str | None, str]:
    """Allele a read shows at `site`: ("alt" | "ref" | None, reason). Reasons for None:
    "not_covered", "low_baseq", "other" (a third allele, a deletion over an SNV, ...)."""
    p0 = site.pos - 1
    n_ref = len(site.ref)
    if len(site.ref) == len(site.alt):
        span = range(p0, p0 + n_ref)
        if any(p not in ref_to_q for p in span):
            return None, "not_covered"
        if any(ref_to_q[p] is None for p in span) or any(p in ins_after for p in span[:-1]):
            return None, "other"
        qidx = [ref_to_q[p] for p in span]
    else:
        # Indel / complex: read the haplotype from the anchor to the last REF base, insertions included,
        # and require an aligned base on both sides so the allele is fully seen.
        last = p0 + n_ref - 1
        if ref_to_q.get(p0) is None or ref_to_q.get(last + 1) is None:
            return None, "not_covered"
        qidx = []
        for p in range(p0, last + 1):
            if p not in ref_to_q:
                return None, "not_covered"
            if ref_to_q[p] is not None:
                qidx.append(ref_to_q[p])
            if p in ins_after:
                qidx.extend(range(*ins_after[p]))
        flank = [ref_to_q[p0], ref_to_q[last + 1]]
        if quals is not None and min(quals[i] for i in flank) < min_baseq:
            return None, "low_baseq"
    if quals is not None and qidx and min(quals[i] for i in qidx) < min_baseq:
        return None, "low_baseq"
    bases = "".join(seq[i] for i in qidx).upper()
    if bases == site.alt:
        return ALT, "alt"
    if bases == site.ref:
        return REF, "ref"
    return None, "other"


# ---------------------------------------------------------------------------------------------------
# Fragments -> counts
# ---------------------------------------------------------------------------------------------------

def combine_mates(observations: list[str | None]) -> tuple[str | None, bool]:
    """Per-site allele of a fragment from its reads' calls: (allele or None, mates_disagree)."""
    seen = {o for o in observations if o is not None}
    if len(seen) == 1:
        return seen.pop(), False
    return None, len(seen) > 1


def count_fragments(per_fragment: dict[str, tuple[list, list]]) -> dict:
    """{fragment: ([calls at A], [calls at B])} -> counts of alt_alt/alt_ref/ref_alt/ref_ref/uninformative."""
    counts = Counter({"alt_alt": 0, "alt_ref": 0, "ref_alt": 0, "ref_ref": 0, "uninformative": 0,
                      "mate_conflicts": 0})
    for obs_a, obs_b in per_fragment.values():
        a, conflict_a = combine_mates(obs_a)
        b, conflict_b = combine_mates(obs_b)
        counts["mate_conflicts"] += conflict_a or conflict_b
        if a is None or b is None:
            counts["uninformative"] += 1
        else:
            counts[f"{a}_{b}"] += 1
    return dict(counts)


def _binom_pmf(i: int, n: int, p: float) -> float:
    # Log space: deep ctDNA gives thousands of fragments and comb(n, i) overflows a float.
    if p <= 0:
        return 1.0 if i == 0 else 0.0
    if p >= 1:
        return 1.0 if i == n else 0.0
    log = (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
           + i * math.log(p) + (n - i) * math.log1p(-p))
    return math.exp(log)


def _binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(_binom_pmf(i, n, p) for i in range(k, n + 1)))


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(_binom_pmf(i, n, p) for i in range(k + 1)))


def call_from_counts(counts: dict, cfg: dict, a_name: str = "A", b_name: str = "B") -> dict:
    """Phase call from fragment counts. Returns {phase, confidence, confidence_label, mixed, explanation}.

    cis: alt_alt >= cis_min_fragments and alt_alt >= cis_min_fraction of ALT-carrying fragments; the
         confidence is 1 - P(that many alt_alt | trans with fragment_error_rate chimeras/errors).
         Other fragments with only one ALT make it a mixed clone (mixed=True), still cis.
    trans: alt_ref and ref_alt >= trans_min_each and alt_alt <= trans_max_alt_alt_fraction; the confidence
         is 1 - P(so few alt_alt | a cis clone making up cis_min_fraction of the ALT-carrying fragments).
    unresolved: anything else (too few fragments, one ALT never seen on spanning fragments, or in between).
    """
    aa, ar, ra = counts["alt_alt"], counts["alt_ref"], counts["ref_alt"]
    n = aa + ar + ra
    out = {"phase": "unresolved", "confidence": None, "mixed": False}
    if n < cfg["min_informative_fragments"]:
        out["explanation"] = (f"only {n} fragment(s) span both sites and carry an ALT allele "
                              f"(need {cfg['min_informative_fragments']}): too little read evidence")
    elif aa >= cfg["cis_min_fragments"] and aa >= cfg["cis_min_fraction"] * n:
        out["phase"] = "cis"
        out["confidence"] = round(1 - _binom_sf(aa, n, cfg["fragment_error_rate"]), 4)
        out["mixed"] = ar >= cfg["trans_min_each"] or ra >= cfg["trans_min_each"]
        text = f"cis: {aa} of {n} ALT-carrying fragments carry both {a_name} and {b_name} on one molecule"
        if out["mixed"]:
            text += (f"; {ar} carry only {a_name} and {ra} only {b_name}, so some cells carry one without "
                     "the other (mixed clones); the compound exists on one allele in part of the tumour")
        out["explanation"] = text
    elif aa <= cfg["trans_max_alt_alt_fraction"] * n and min(ar, ra) >= cfg["trans_min_each"]:
        out["phase"] = "trans"
        out["confidence"] = round(1 - _binom_cdf(aa, n, cfg["cis_min_fraction"]), 4)
        out["explanation"] = (f"trans: {ar} fragments carry only {a_name}, {ra} only {b_name} and {aa} both: "
                              "the two sit on different molecules")
    elif min(ar, ra) < cfg["trans_min_each"] and aa < cfg["cis_min_fragments"]:
        missing = b_name if ra < ar else a_name
        out["explanation"] = (f"{missing} is (almost) never seen on fragments spanning both sites "
                              f"(alt_alt={aa}, alt_ref={ar}, ref_alt={ra}): phase cannot be read")
    else:
        out["explanation"] = (f"{aa} of {n} ALT-carrying fragments carry both: between the trans "
                              f"(<= {cfg['trans_max_alt_alt_fraction']:.0%}) and cis "
                              f"(>= {cfg['cis_min_fraction']:.0%}, >= {cfg['cis_min_fragments']}) thresholds")
    out["confidence_label"] = confidence_label(out["confidence"])
    return out


# ---------------------------------------------------------------------------------------------------
# The alignment file
# ---------------------------------------------------------------------------------------------------

def open_alignment(alignment: str, reference: str | None = None, *, build: str | None = None):
    """Open an indexed BAM/CRAM; InputError with a fix for the usual mistakes (see alkannot.io.alignment)."""
    from alkannot.io.alignment import open_alignment as _open

    return _open(alignment, reference, build=build)


def bam_contig(af, chrom: str, path: str | None = None) -> str:
    """The alignment's name for `chrom` ('chr2' vs '2', 'chrM' vs 'MT')."""
    name = contig_named(af.references, chrom)
    if name is not None:
        return name
    raise InputError(f"contig {chrom} is not in the alignment header", path=path,
                     fix="use an alignment to the same genome as the VCF")


_FILTERS = ("unmapped", "secondary", "supplementary", "duplicate", "qcfail", "low_mapq")


def phase_from_reads(alignment: str, a: SiteAllele, b: SiteAllele, *, reference: str | None = None,
                     min_mapq: int | None = None, min_baseq: int | None = None,
                     min_fragments: int | None = None, config: dict | None = None) -> dict:
    """Count fragments spanning both sites by allele and call cis / trans / unresolved.

    Keyword thresholds override the config dict, which overrides `config.DEFAULTS`.
    Returns {"phase", "confidence", "confidence_label", "mixed", "explanation", "contig",
    "counts": {alt_alt, alt_ref, ref_alt, ref_ref, uninformative, mate_conflicts},
    "fragments", "filtered_reads": {unmapped, secondary, supplementary, duplicate, qcfail, low_mapq},
    "site_reads": {label: {alt, ref, low_baseq, other}}}.
    """
    cfg = phase_config(config)
    for key, value in (("min_mapq", min_mapq), ("min_baseq", min_baseq),
                       ("min_informative_fragments", min_fragments)):
        if value is not None:
            cfg[key] = value
    if canonical_chrom(a.chrom) != canonical_chrom(b.chrom):
        raise ValueError("read phasing needs both sites on one chromosome")
    from alkannot.io.alignment import quiet_htslib

    af = open_alignment(alignment, reference)
    try:
        contig = bam_contig(af, a.chrom, str(alignment))
        with quiet_htslib() as msgs:
            try:
                # +1: indels need the base after the allele
                reads = list(af.fetch(contig, min(a.pos, b.pos) - 1, max(a.end, b.end) + 1))
                err = None
            except (ValueError, OSError) as exc:
                reads = None
                err = exc
        if reads is None or any(m.startswith("[E::") for m in msgs):
            why = next((m.split("]", 1)[-1].strip() for m in msgs if m.startswith("[E::")), None) or str(err)
            raise InputError(f"cannot read the alignment at {contig}: {why}", path=str(alignment),
                             fix="check it with 'samtools quickcheck' and re-index it (samtools index)")
        per_fragment: dict[str, tuple[list, list]] = {}
        filtered = dict.fromkeys(_FILTERS, 0)
        site_reads = {s: Counter() for s in ("a", "b")}
        for read in reads:
            reason = excluded_read(read, cfg["min_mapq"])
            if reason:
                filtered[reason] += 1
                continue
            layout = read_layout(read.cigartuples, read.reference_start)
            seq, quals = read.query_sequence, read.query_qualities
            if seq is None:  # secondary-style records without SEQ carry no alleles
                continue
            obs = per_fragment.setdefault(read.query_name, ([], []))
            for i, (key, site) in enumerate((("a", a), ("b", b))):
                allele, why = judge_site(site, *layout, seq, quals, cfg["min_baseq"])
                if why != "not_covered":
                    site_reads[key][why] += 1
                obs[i].append(allele)
    finally:
        with quiet_htslib():
            af.close()
    counts = count_fragments(per_fragment)
    result = call_from_counts(counts, cfg, a.name, b.name)
    result.update({
        "contig": contig,
        "counts": counts,
        "fragments": len(per_fragment),
        "filtered_reads": filtered,
        "site_reads": {site.name: {k: site_reads[key][k] for k in ("alt", "ref", "low_baseq", "other")}
                       for key, site in (("a", a), ("b", b))},
    })
    return result
