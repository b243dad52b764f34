"""A population-frequency VCF (gnomAD-style, INFO/AF per ALT): the frequencies of given alleles.

Read with cyvcf2 like the sample VCF: by region when indexed (``files.is_indexed``, the one definition),
contigs found by ``core.contigs.contig_named``; an unindexed file is streamed only up to a size limit.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable

from alkannot.core.contigs import canonical_chrom, check_declared_build, contig_named, vcf_header_lengths
from alkannot.errors import InputError
from alkannot.io.htslib import cyvcf2_log_level
from alkannot.io.vcf.files import is_indexed
from alkannot.io.vcf.header import header_definitions


def allele_key(chrom, pos, ref, alt) -> tuple[str, int, str, str]:
    """How an allele is matched: (canonical contig, POS, REF, ALT), bases upper-case."""
    return canonical_chrom(str(chrom)), int(pos), str(ref).upper(), str(alt).upper()


def _info_number(vcf, field: str) -> str | None:
    """The Number= of the header's INFO ``field`` definition, or None when the header does not define it."""
    found = header_definitions(vcf).get(("INFO", field))
    return None if found is None else found[0]


def read_population_afs(path: str, alleles: Iterable[tuple[str, int, str, str]], *, info_field: str = "AF",
                        max_stream_bytes: int = 200_000_000, build: str | None = None) -> dict[tuple, float]:
    """{allele: AF} for the given alleles (``allele_key`` tuples) found in the file (INFO/<info_field>,
    Number=A; 32-bit floats shown as htslib stores them, rounded to 6 significant digits); the highest
    when an allele is listed twice. An AF outside [0, 1] is an InputError, and so is a file whose ##contig
    lines declare the other build than `build`."""
    import cyvcf2

    p = str(path)
    if not os.path.isfile(p):
        raise InputError("population AF file not found", path=p, fix="check --population-af / population_af")
    want = set(alleles)
    if not want:
        return {}
    try:
        with cyvcf2_log_level():
            vcf = cyvcf2.VCF(p, lazy=True)
    except Exception as err:  # noqa: BLE001 - cyvcf2 raises OSError or a plain Exception
        raise InputError(f"cannot read the population AF file as VCF/BCF ({str(err).strip() or type(err).__name__})",
                         path=p, fix="give a gnomAD-style VCF (bgzipped + tabix-indexed) with INFO/AF") from None
    try:
        check_declared_build(vcf_header_lengths(vcf.raw_header), build, p, "population AF file")
        number = _info_number(vcf, info_field)
        if number is None:
            raise InputError(f"population AF file has no INFO/{info_field} field", path=p,
                             fix="give a gnomAD-style VCF with INFO/AF (allele frequency per ALT)")
        per_allele = number not in ("0", "1")  # one value per ALT (A), per allele (R) or any number (.)
        indexed = is_indexed(p)
        if not indexed and os.path.getsize(p) > max_stream_bytes:
            raise InputError("population AF file is large and has no index", path=p,
                             fix="bgzip it and index it: tabix -p vcf FILE")
        out: dict[tuple, float] = {}

        def take(rec) -> None:
            for i, alt in enumerate(rec.ALT or ()):
                k = allele_key(rec.CHROM, rec.POS, rec.REF, alt)
                if k not in want:
                    continue
                val = rec.INFO.get(info_field)
                if isinstance(val, tuple):
                    val = val[i] if i < len(val) else None
                elif per_allele and i > 0:
                    val = None  # one value written for several ALTs: it is the first ALT's
                if val is None:
                    continue
                try:
                    af = float(f"{float(val):.6g}")  # INFO Floats are 32-bit in htslib
                except (TypeError, ValueError):
                    continue
                if not 0 <= af <= 1:
                    raise InputError(f"INFO/{info_field}={val} at {rec.CHROM}:{rec.POS} is not a frequency",
                                     path=p, fix="give allele frequencies between 0 and 1")
                out[k] = max(af, out.get(k, 0.0))

        try:
            with cyvcf2_log_level(), warnings.catch_warnings():
                # cyvcf2's twin of htslib's "no intervals found": a position without records is normal here
                warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)
                if indexed:
                    names = list(vcf.seqnames)  # the contigs the index holds records for
                    for chrom, pos, _, _ in sorted(want):
                        contig = contig_named(names, chrom)
                        if contig is not None:
                            for rec in vcf(f"{contig}:{pos}-{pos}"):
                                take(rec)
                else:
                    for rec in vcf:
                        take(rec)
        except InputError:
            raise
        except Exception as err:  # noqa: BLE001 - htslib's read errors surface as plain exceptions
            raise InputError(f"cannot read the population AF file ({str(err).strip() or type(err).__name__})",
                             path=p, fix="check the file with 'bcftools view'; re-index it with tabix") from None
        return out
    finally:
        vcf.close()
