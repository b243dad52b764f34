"""Translation and HGVS p. formatting from a reference and an edited CDS.

The protein change is always derived by editing the CDS and translating both versions, then
comparing proteins (the 3' rule at protein level falls out of trimming the longest common prefix
first).  The result is one structured edit (`ProteinEdit`, as biocommons/hgvs keeps `AARefAlt`);
the three-letter HGVS name, the one-letter short form and any other notation are formatted from it
at the edges, never parsed back.  Nothing here knows about genomes or VCFs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, fields

from alkannot.core.sequence import CODON_TABLE, THREE, three, translate


@functools.lru_cache(maxsize=64)
def _translate_cached(cds: str) -> str:
    """Reference CDS translations repeat for every variant of a gene: translate each once."""
    return translate(cds)


@dataclass(frozen=True)
class ProteinEdit:
    """One protein change, before any notation is chosen.

    kind: ``sub`` (missense, or ``ref``->``*`` nonsense), ``syn`` (synonymous / stop retained), ``del``,
    ``dup``, ``ins`` (between ``start`` and ``end``), ``delins``, ``fs`` (frameshift: ``alt`` is the first
    new residue, ``ter`` the distance to the new stop or None when unknown), ``ext`` (stop lost: ``alt`` is
    the residue replacing the stop), ``start_lost`` and ``unknown`` (``p.?``).
    ref/ref_end: the residues at ``start``/``end`` (one-letter; ``*`` for a stop); alt: new residues.
    """

    kind: str
    start: int | None = None
    ref: str = ""
    end: int | None = None
    ref_end: str = ""
    alt: str = ""
    ter: int | None = None

    def format(self, short: bool = False) -> str:
        """HGVS p. without the ``p.(...)`` wrapper: ``Gly1202Arg`` (three-letter) or ``G1202R`` (short)."""
        k = self.kind
        if k == "unknown":
            return "?"
        aa = str if short else _three  # (str: the one-letter residues as they are)
        stop = "*" if short else "Ter"
        if k == "start_lost":
            return f"{aa('M')}1?"
        first = f"{aa(self.ref)}{self.start}"
        span = first if self.end is None else f"{first}_{aa(self.ref_end)}{self.end}"
        if k == "sub":
            return f"{first}{aa(self.alt)}"
        if k == "syn":
            return f"{first}="
        if k in ("del", "dup"):
            return f"{span}{k}"
        if k == "ins":
            return f"{span}ins{aa(self.alt)}"
        if k == "delins":
            return f"{span}delins{aa(self.alt)}"
        if k == "fs":
            return f"{first}{aa(self.alt)}fs{stop}{'?' if self.ter is None else self.ter}"
        if k == "ext":
            return f"{first}{aa(self.alt)}ext{stop}?"
        raise ValueError(f"unknown protein edit kind {k!r}")

    @property
    def hgvsp(self) -> str:
        return "p.?" if self.kind == "unknown" else f"p.({self.format()})"

    def to_dict(self) -> dict:
        """The variant record's ``protein_edit`` (docs/schema.md): every field, in declaration order (what
        ``dataclasses.asdict`` gives for these str/int/None fields, without its recursive copy)."""
        return {name: getattr(self, name) for name in _EDIT_FIELDS}

    @classmethod
    def from_dict(cls, d: Mapping) -> ProteinEdit:
        names = _EDIT_FIELDS if cls is ProteinEdit else tuple(f.name for f in fields(cls))
        return cls(**{name: d[name] for name in names if name in d})

    @property
    def last(self) -> tuple[int | None, str]:
        """(position, residue) of the last reference residue the edit names (``end`` of a range)."""
        return (self.start, self.ref) if self.end is None else (self.end, self.ref_end)

    @property
    def short(self) -> str:
        return self.format(short=True)

    @property
    def residue(self) -> int | None:
        """The first residue number the name gives (``G1202R`` -> 1202, ``M1?`` -> 1; None for ``p.?``):
        what downstream code orders protein changes by, instead of reading it back out of the name."""
        return 1 if self.kind == "start_lost" else self.start


_EDIT_FIELDS = tuple(f.name for f in fields(ProteinEdit))


def _three(aa: str) -> str:
    """core.sequence.three, with one residue (most edits) looked up directly."""
    return THREE[aa] if len(aa) == 1 else three(aa)


def protein_order(residue: int | None, name: str) -> tuple[int, str]:
    """Sort key for protein changes: the first residue (``ProteinEdit.residue``), then the name; unnumbered
    changes (residue None) sort last, by name. Compounds are named in this order by phasing and verdicts."""
    return (residue if residue is not None else 10**9), name


@dataclass
class ProteinChange:
    """The protein-level result of a coding edit: the HGVS edit, its SO consequence term and the residues it
    starts (and ends) at."""

    edit: ProteinEdit
    consequence: str  # SO term
    position: int | None  # first affected residue (1-based)
    end_position: int | None = None
    unknown_sequence: bool = False  # change touches residues whose sequence is unknown

    @property
    def hgvsp(self) -> str:  # e.g. "p.(Gly1202Arg)"
        return self.edit.hgvsp

    @property
    def short(self) -> str:  # e.g. "G1202R"
        return self.edit.short


def _pc(consequence: str, edit: ProteinEdit, position: int | None, end_position: int | None = None,
        unknown_sequence: bool = False) -> ProteinChange:
    return ProteinChange(edit, consequence, position, end_position, unknown_sequence)


def _first_diff(a: str, b: str, lo: int = 0) -> int:
    """Length of the common prefix of a and b, given that ``a[:lo] == b[:lo]`` (comparisons of slices run in C).

    An edit changes the protein near where it starts, so after one comparison of the whole rest the scan
    gallops from ``lo`` (windows of 1, 2, 4, ... residues) and halves only the window that differs: a few
    short slices for a missense change instead of halving the whole protein."""
    end = min(len(a), len(b))
    if a[lo:end] == b[lo:end]:
        return end
    step = 1
    while True:  # a[:lo] == b[:lo]; find a window [lo, hi) that differs
        hi = min(lo + step, end)
        if a[lo:hi] != b[lo:hi]:
            break
        lo, step = hi, step * 2
    while hi - lo > 1:  # a[:lo] == b[:lo] and a[lo:hi] != b[lo:hi]
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Number of equal trailing characters of a and b, at most `limit` (>= 0).

    Compares the last ``limit - k`` characters for k = 0, 1, 2, 4, ... (the edit, and so the difference, is
    usually at the front of that window), then halves between the last k that differed and the first that did
    not; no reversed copies of the sequences."""
    limit = min(limit, len(a), len(b))
    if limit <= 0:
        return 0
    ea, eb = len(a) - limit, len(b) - limit  # the windows a[ea:], b[eb:]
    if a[ea:] == b[eb:]:
        return limit
    lo, hi = 0, 1  # a[ea + lo:] != b[eb + lo:]; find hi with a[ea + hi:] == b[eb + hi:] (true at hi == limit)
    while hi < limit and a[ea + hi:] != b[eb + hi:]:
        lo, hi = hi, min(hi * 2, limit)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[ea + mid:] == b[eb + mid:]:
            hi = mid
        else:
            lo = mid
    return limit - hi


def _last_edited(ref_cds: str, alt_cds: str, start: int) -> int:
    """Last index after `start` where two equal-length sequences differ, else `start` (else the last index
    when `start` is past it)."""
    last, tail = len(ref_cds) - 1, len(ref_cds) - start - 1
    if tail > 0:
        same = _common_suffix(alt_cds, ref_cds, tail)  # common suffix after `start`
        last = start if same >= tail else last - same
    return last


def codon_substitution(ref_cds: str, index: int, base: str) -> ProteinChange | None:
    """``protein_change(ref_cds, alt_cds, index)`` for ``alt_cds`` = ``ref_cds`` with ``base`` at ``index``,
    from the one codon it changes, when that codon is a sense codon after the first and before the reference
    stop and stays one (a missense or synonymous change: nothing else of either protein differs); None
    otherwise (start and stop codons, a new stop, unknown bases), and the caller runs ``protein_change``.

    Most variants of a panel are such substitutions: this spares translating, copying and comparing the
    whole protein for each (tests/annotate/test_engine_fast_paths.py checks it against protein_change)."""
    full = _translate_cached(ref_cds)
    k = index // 3
    stop = full.find("*")
    if k == 0 or k >= (stop if stop >= 0 else len(full) - 1):
        return None
    codon = ref_cds[3 * k:3 * k + 3]
    r = full[k]
    j = index - 3 * k
    a = CODON_TABLE.get(codon[:j] + base + codon[j + 1:], "X")
    if r in "*X" or a in "*X":
        return None
    if a == r:
        return _pc("synonymous_variant", ProteinEdit("syn", k + 1, r), k + 1)
    return _pc("missense_variant", ProteinEdit("sub", k + 1, r, alt=a), k + 1)


def protein_change(ref_cds: str, alt_cds: str, cds_edit_start: int) -> ProteinChange:
    """Compare translations of reference and edited CDS (both start at c.1).

    `cds_edit_start` is the 0-based CDS index of the first edited base; it bounds where the change
    can be and tells frameshifts apart from in-frame changes when proteins happen to agree.
    """
    frameshift = (len(alt_cds) - len(ref_cds)) % 3 != 0
    full_ref_p = _translate_cached(ref_cds)
    # Reference ends with its stop codon; its translation does too.
    ref_stop = full_ref_p.find("*")
    if ref_stop < 0:
        ref_stop = len(full_ref_p) - 1
    ref_p = full_ref_p[: ref_stop + 1]
    first_codon = cds_edit_start // 3
    # The protein is unchanged before the edited codon: translate from there on only. An edit of
    # the same length changes only the codons it touches, so splice those into the reference.
    if len(alt_cds) == len(ref_cds):
        c1 = _last_edited(ref_cds, alt_cds, cds_edit_start) // 3
        middle = translate(alt_cds[first_codon * 3 : (c1 + 1) * 3])
        alt_full = full_ref_p[:first_codon] + middle + full_ref_p[c1 + 1 :]
        stop = alt_full.find("*")
        alt_p = alt_full if stop < 0 else alt_full[: stop + 1]
    else:
        alt_p = full_ref_p[:first_codon] + translate(alt_cds[first_codon * 3 :], to_stop=True)
        stop = alt_p.find("*")
        alt_p = alt_p if stop < 0 else alt_p[: stop + 1]

    # Start codon: any change of Met1 -> start_lost, p.(Met1?) (HGVS: consequence unpredictable).
    if first_codon == 0 and alt_cds[:3] != ref_cds[:3] and ref_p[:1] == "M" and alt_p[:1] != "M":
        return _pc("start_lost", ProteinEdit("start_lost", 1, "M"), 1)

    # Longest common prefix (3' rule at protein level: the change is placed as far C-terminal as possible).
    # Both proteins are the reference translation before the edited codon (alt_p was built that way).
    n = _first_diff(ref_p, alt_p, min(first_codon, len(ref_p), len(alt_p)))

    if frameshift:
        if n >= len(ref_p):  # identical up to and including the stop
            return _pc("stop_retained_variant", ProteinEdit("syn", ref_stop + 1, "*"), ref_stop + 1)
        pos = n + 1
        r = ref_p[n]
        if r == "X":
            return _pc("frameshift_variant", ProteinEdit("unknown"), pos, unknown_sequence=True)
        if n < len(alt_p) and alt_p[n] == "*":
            return _pc("stop_gained", ProteinEdit("sub", pos, r, alt="*"), pos)
        if r == "*":
            # stop codon changed by a frameshift: extension into the 3' UTR, sequence not bundled
            return _pc("stop_lost", ProteinEdit("ext", pos, "*", alt=alt_p[n] if n < len(alt_p) else "X"), pos)
        new = alt_p[n] if n < len(alt_p) else "X"
        # the changed residue counts as 1; None: ran off the known sequence before a stop
        ter = len(alt_p) - n if alt_p.endswith("*") else None
        unknown = new == "X" or "X" in alt_p[n:]
        return _pc("frameshift_variant", ProteinEdit("fs", pos, r, alt=new, ter=ter), pos, unknown_sequence=unknown)

    # In frame.  A premature stop in the edited stretch ends the protein there: describe it first,
    # before suffix trimming can mistake the shortened protein for a long deletion.
    delta_aa = (len(alt_cds) - len(ref_cds)) // 3
    if alt_p.endswith("*") and len(alt_p) < len(ref_p) + delta_aa and n < len(ref_p):
        k = len(alt_p) - 1
        r = ref_p[n]
        if r == "X":
            return _pc("stop_gained", ProteinEdit("unknown"), n + 1, unknown_sequence=True)
        if k == n:
            return _pc("stop_gained", ProteinEdit("sub", n + 1, r, alt="*"), n + 1)
        ins_aa = alt_p[n : k + 1]
        span = max(1, len(ins_aa) - delta_aa)
        del_aa = ref_p[n : n + span]
        end = n + len(del_aa)
        if len(del_aa) == 1:
            return _pc("stop_gained", ProteinEdit("delins", n + 1, r, alt=ins_aa), n + 1)
        return _pc("stop_gained", ProteinEdit("delins", n + 1, r, end, del_aa[-1], ins_aa), n + 1, end)

    m = _common_suffix(ref_p, alt_p, min(len(ref_p) - n, len(alt_p) - n))
    del_aa = ref_p[n : len(ref_p) - m]
    ins_aa = alt_p[n : len(alt_p) - m]
    pos = n + 1

    if not del_aa and not ins_aa:
        # synonymous: name the residue whose codon changed
        cpos = first_codon + 1
        aa = ref_p[first_codon] if first_codon < len(ref_p) else "X"
        if aa == "*":
            return _pc("stop_retained_variant", ProteinEdit("syn", cpos, "*"), cpos)
        return _pc("synonymous_variant", ProteinEdit("syn", cpos, aa), cpos, unknown_sequence=aa == "X")
    if "X" in del_aa or "X" in ins_aa:
        return _pc("coding_sequence_variant", ProteinEdit("unknown"), pos, unknown_sequence=True)
    if "*" in del_aa:
        # the stop codon was changed and no stop follows in the known sequence: extension into the
        # 3' UTR, whose sequence is not bundled
        spos = len(ref_p)
        first_new = alt_p[spos - 1] if len(alt_p) >= spos else "X"
        return _pc("stop_lost", ProteinEdit("ext", spos, "*", alt=first_new), spos)

    if len(del_aa) == 1 and len(ins_aa) == 1:
        return _pc("missense_variant", ProteinEdit("sub", pos, del_aa, alt=ins_aa), pos)
    if not ins_aa:
        end = pos + len(del_aa) - 1
        if len(del_aa) == 1:
            return _pc("inframe_deletion", ProteinEdit("del", pos, del_aa), pos)
        return _pc("inframe_deletion", ProteinEdit("del", pos, del_aa[0], end, del_aa[-1]), pos, end)
    if not del_aa:
        # insertion between residues n and n+1; a copy of the residues just before is a duplication
        k = len(ins_aa)
        if n - k >= 0 and ref_p[n - k : n] == ins_aa:
            s, e = n - k + 1, n
            if k == 1:
                return _pc("inframe_insertion", ProteinEdit("dup", s, ins_aa), s)
            return _pc("inframe_insertion", ProteinEdit("dup", s, ref_p[s - 1], e, ref_p[e - 1]), s, e)
        if n == 0:
            return _pc("coding_sequence_variant", ProteinEdit("unknown"), 1)
        a, b = ref_p[n - 1], ref_p[n]
        return _pc("inframe_insertion", ProteinEdit("ins", n, a, n + 1, b, ins_aa), n, n + 1)
    end = pos + len(del_aa) - 1
    csq = ("inframe_insertion" if len(ins_aa) > len(del_aa)
           else "inframe_deletion" if len(ins_aa) < len(del_aa) else "missense_variant")
    if len(del_aa) == 1:
        return _pc(csq, ProteinEdit("delins", pos, del_aa, alt=ins_aa), pos)
    return _pc(csq, ProteinEdit("delins", pos, del_aa[0], end, del_aa[-1], ins_aa), pos, end)
