"""Sequence basics: reverse complement, the standard codon table, amino-acid codes, translation."""

from __future__ import annotations

_PAIRS = ("ACGTNacgtn", "TGCANtgcan")
_COMP = str.maketrans(*_PAIRS)
COMPLEMENT = dict(zip(*_PAIRS))  # one base's complement, as revcomp gives it (other letters: .get(b, b))

_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {a + b + c: _AA[16 * i + 4 * j + k]
               for i, a in enumerate(_BASES) for j, b in enumerate(_BASES) for k, c in enumerate(_BASES)}

# one-letter -> three-letter (HGVS); '*' is Ter, 'X' an unknown residue
THREE = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter", "X": "Xaa",
}
# three-letter -> one-letter, also for the codes other tools write (Xxx, the ambiguity codes, Sec)
ONE = {v: k for k, v in THREE.items()} | {"Xxx": "X", "Asx": "B", "Glx": "Z", "Sec": "U"}


def only_bases(allele: str) -> bool:
    """A, C, G, T and N only, in either case (true for ''): nothing is left once they are stripped from both
    ends (what ``set(allele.upper()) <= set("ACGTN")`` says, without building two sets per allele)."""
    return not allele.strip("ACGTNacgtn")


def revcomp(seq: str) -> str:
    return seq.translate(_COMP)[::-1]


def translate(cds: str, *, to_stop: bool = False) -> str:
    """Codon-by-codon translation; a codon with an unknown base gives 'X' (``to_stop``: up to and including
    the first stop)."""
    get = CODON_TABLE.get
    protein = "".join([get(cds[i : i + 3], "X") for i in range(0, len(cds) - len(cds) % 3, 3)])
    if to_stop:
        stop = protein.find("*")
        if stop >= 0:
            return protein[: stop + 1]
    return protein


def three(aa: str) -> str:
    """One-letter residues -> concatenated three-letter codes ('GR' -> 'GlyArg')."""
    return "".join(THREE[a] for a in aa)


def trim_allele(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop shared trailing then leading bases, keeping one anchor base for indels (VCF style)."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos += 1
    return pos, ref, alt
