"""Translation and HGVS p. formatting from a reference and an edited CDS.

The protein change is always derived by editing the CDS and translating both versions, then
comparing proteins (the 3' rule at protein level falls out of trimming the longest common prefix
first).  Nothing here knows about genomes or VCFs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {a + b + c: _AA[16 * i + 4 * j + k]
               for i, a in enumerate(_BASES) for j, b in enumerate(_BASES) for k, c in enumerate(_BASES)}

THREE = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter", "X": "Xaa",
}


def translate(cds: str, *, to_stop: bool = False) -> str:
    """Codon-by-codon translation; a codon with an unknown base gives 'X'."""
    out = []
    for i in range(0, len(cds) - len(cds) % 3, 3):
        aa = CODON_TABLE.get(cds[i : i + 3], "X")
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _translate_cached(cds: str) -> str:
    """Reference CDS translations repeat for every variant of a gene: translate each once."""
    return translate(cds)


def three(aa: str) -> str:
    return "".join(THREE[a] for a in aa)


@dataclass
class ProteinChange:
    hgvsp: str  # e.g. "p.(Gly1202Arg)"
    short: str  # e.g. "G1202R"
    consequence: str  # SO term
    position: int | None  # first affected residue (1-based)
    end_position: int | None = None
    unknown_sequence: bool = False  # change touches residues whose sequence is unknown


def _fmt_pos(aa: str, pos: int, short: bool) -> str:
    return f"{aa if short else THREE[aa]}{pos}"


def _first_diff(a: str, b: str) -> int:
    """Length of the common prefix of a and b (comparisons of slices run in C, halving the range)."""
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while hi - lo > 1:  # a[:lo] == b[:lo] and a[:hi] != b[:hi]
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Number of equal trailing characters of a and b, at most `limit` (>= 0)."""
    return _first_diff(a[::-1][:limit], b[::-1][:limit]) if limit > 0 else 0


def _last_edited(ref_cds: str, alt_cds: str, start: int) -> int:
    """Last index after `start` where two equal-length sequences differ, else `start` (else the last index
    when `start` is past it)."""
    last, tail = len(ref_cds) - 1, len(ref_cds) - start - 1
    if tail > 0:
        same = _first_diff(alt_cds[: start: -1], ref_cds[: start: -1])  # common suffix after `start`
        last = start if same >= tail else last - same
    return last


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
        return ProteinChange("p.(Met1?)", "M1?", "start_lost", 1)

    # Longest common prefix (3' rule at protein level: the change is placed as far C-terminal as possible).
    n = _first_diff(ref_p, alt_p)

    if frameshift:
        if n >= len(ref_p):  # identical up to and including the stop
            return ProteinChange(f"p.(Ter{ref_stop + 1}=)", f"*{ref_stop + 1}=", "stop_retained_variant",
                                 ref_stop + 1)
        pos = n + 1
        r = ref_p[n]
        if r == "X":
            return ProteinChange("p.?", "?", "frameshift_variant", pos, unknown_sequence=True)
        if n < len(alt_p) and alt_p[n] == "*":
            return ProteinChange(f"p.({THREE[r]}{pos}Ter)", f"{r}{pos}*", "stop_gained", pos)
        if r == "*":
            # stop codon changed by a frameshift: extension into the 3' UTR, sequence not bundled
            return ProteinChange(f"p.(Ter{pos}{three(alt_p[n]) if n < len(alt_p) else 'Xaa'}extTer?)",
                                 f"*{pos}{alt_p[n] if n < len(alt_p) else 'X'}ext*?", "stop_lost", pos)
        new = alt_p[n] if n < len(alt_p) else "X"
        if alt_p.endswith("*"):
            ter = len(alt_p) - n  # the changed residue counts as 1
            ter_txt, ter_short = f"Ter{ter}", f"*{ter}"
        else:
            ter_txt, ter_short = "Ter?", "*?"  # ran off the known sequence before a stop
        unknown = new == "X" or "X" in alt_p[n:]
        return ProteinChange(f"p.({THREE[r]}{pos}{THREE[new]}fs{ter_txt})", f"{r}{pos}{new}fs{ter_short}",
                             "frameshift_variant", pos, unknown_sequence=unknown)

    # In frame.  A premature stop in the edited stretch ends the protein there: describe it first,
    # before suffix trimming can mistake the shortened protein for a long deletion.
    delta_aa = (len(alt_cds) - len(ref_cds)) // 3
    if alt_p.endswith("*") and len(alt_p) < len(ref_p) + delta_aa and n < len(ref_p):
        k = len(alt_p) - 1
        r = ref_p[n]
        if r == "X":
            return ProteinChange("p.?", "?", "stop_gained", n + 1, unknown_sequence=True)
        if k == n:
            return ProteinChange(f"p.({THREE[r]}{n + 1}Ter)", f"{r}{n + 1}*", "stop_gained", n + 1)
        ins_aa = alt_p[n : k + 1]
        span = max(1, len(ins_aa) - delta_aa)
        del_aa = ref_p[n : n + span]
        end = n + len(del_aa)
        if len(del_aa) == 1:
            return ProteinChange(f"p.({THREE[r]}{n + 1}delins{three(ins_aa)})", f"{r}{n + 1}delins{ins_aa}",
                                 "stop_gained", n + 1)
        return ProteinChange(
            f"p.({THREE[r]}{n + 1}_{THREE[del_aa[-1]]}{end}delins{three(ins_aa)})",
            f"{r}{n + 1}_{del_aa[-1]}{end}delins{ins_aa}", "stop_gained", n + 1, end)

    m = _common_suffix(ref_p, alt_p, min(len(ref_p) - n, len(alt_p) - n))
    del_aa = ref_p[n : len(ref_p) - m]
    ins_aa = alt_p[n : len(alt_p) - m]
    pos = n + 1

    if not del_aa and not ins_aa:
        # synonymous: name the residue whose codon changed
        cpos = first_codon + 1
        aa = ref_p[first_codon] if first_codon < len(ref_p) else "X"
        if aa == "*":
            return ProteinChange(f"p.(Ter{cpos}=)", f"*{cpos}=", "stop_retained_variant", cpos)
        return ProteinChange(f"p.({THREE[aa]}{cpos}=)", f"{aa}{cpos}=", "synonymous_variant", cpos,
                             unknown_sequence=aa == "X")
    if "X" in del_aa or "X" in ins_aa:
        return ProteinChange("p.?", "?", "coding_sequence_variant", pos, unknown_sequence=True)
    if "*" in del_aa:
        # the stop codon was changed and no stop follows in the known sequence: extension into the
        # 3' UTR, whose sequence is not bundled
        spos = len(ref_p)
        first_new = alt_p[spos - 1] if len(alt_p) >= spos else "X"
        return ProteinChange(f"p.(Ter{spos}{THREE[first_new]}extTer?)", f"*{spos}{first_new}ext*?",
                             "stop_lost", spos)

    if len(del_aa) == 1 and len(ins_aa) == 1:
        return ProteinChange(f"p.({THREE[del_aa]}{pos}{THREE[ins_aa]})", f"{del_aa}{pos}{ins_aa}",
                             "missense_variant", pos)
    if not ins_aa:
        end = pos + len(del_aa) - 1
        if len(del_aa) == 1:
            return ProteinChange(f"p.({THREE[del_aa]}{pos}del)", f"{del_aa}{pos}del", "inframe_deletion", pos)
        return ProteinChange(f"p.({THREE[del_aa[0]]}{pos}_{THREE[del_aa[-1]]}{end}del)",
                             f"{del_aa[0]}{pos}_{del_aa[-1]}{end}del", "inframe_deletion", pos, end)
    if not del_aa:
        # insertion between residues n and n+1; a copy of the residues just before is a duplication
        k = len(ins_aa)
        if n - k >= 0 and ref_p[n - k : n] == ins_aa:
            s, e = n - k + 1, n
            if k == 1:
                return ProteinChange(f"p.({THREE[ins_aa]}{s}dup)", f"{ins_aa}{s}dup", "inframe_insertion", s)
            return ProteinChange(f"p.({THREE[ref_p[s - 1]]}{s}_{THREE[ref_p[e - 1]]}{e}dup)",
                                 f"{ref_p[s - 1]}{s}_{ref_p[e - 1]}{e}dup", "inframe_insertion", s, e)
        if n == 0:
            return ProteinChange("p.?", "?", "coding_sequence_variant", 1)
        a, b = ref_p[n - 1], ref_p[n]
        return ProteinChange(f"p.({THREE[a]}{n}_{THREE[b]}{n + 1}ins{three(ins_aa)})",
                             f"{a}{n}_{b}{n + 1}ins{ins_aa}", "inframe_insertion", n, n + 1)
    end = pos + len(del_aa) - 1
    csq = ("inframe_insertion" if len(ins_aa) > len(del_aa)
           else "inframe_deletion" if len(ins_aa) < len(del_aa) else "missense_variant")
    if len(del_aa) == 1:
        return ProteinChange(f"p.({THREE[del_aa]}{pos}delins{three(ins_aa)})", f"{del_aa}{pos}delins{ins_aa}",
                             csq, pos)
    return ProteinChange(f"p.({THREE[del_aa[0]]}{pos}_{THREE[del_aa[-1]]}{end}delins{three(ins_aa)})",
                         f"{del_aa[0]}{pos}_{del_aa[-1]}{end}delins{ins_aa}", csq, pos, end)
