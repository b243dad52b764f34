"""Where a VCF keeps the tumour's (and the matched normal's) allele fraction and depth when the caller's standard
tags do not hold them.

PCGR's input convention puts them in INFO (``TVAF``, ``TDP``, and ``CVAF``, ``CDP`` for the control: its
``--tumor_af_tag``/``--tumor_dp_tag``/``--control_af_tag``/``--control_dp_tag``); other pipelines write FORMAT
tags of their own. The sample sheet's ``tumor_af_tag``/``tumor_dp_tag``/``normal_af_tag``/``normal_dp_tag``
columns (the ``--tumor-af-tag``... flags) name them as bcftools names tags: ``INFO/TVAF``, ``FORMAT/AFT``, or a
bare ID that the header declares in one section only. ``resolve_vaf_tags`` checks the names against the
header's definitions (``io.vcf.header.header_definitions``) when the file is opened; ``io.vcf.depth`` reads
the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

from alkannot.errors import InputError

# a tag as bcftools names it: an optional section and a VCF ID (VCF 4.3 section 1.6.1)
TAG_SYNTAX = re.compile(r"^(?:(INFO|FORMAT)/)?([A-Za-z_][0-9A-Za-z_.]*)$")

# what each tag must be: (the Type the header must declare, what the value is, the Numbers it may have: a
# fraction per ALT (A), per allele (R) or one per site (1, or . with one value per ALT); a depth per site)
_ROLES = {"af": ("Float", "allele fraction", ("1", "A", "R", ".")),
          "dp": ("Integer", "depth", ("1", "."))}
WHO = {"tumor": "tumour", "normal": "matched normal's"}
# tags a known convention uses for these values: read only when named, but worth a hint when a header has them
CONVENTIONS = {"tumor": ("PCGR", "TVAF", "TDP"), "normal": ("PCGR", "CVAF", "CDP")}


@dataclass(frozen=True)
class TagRef:
    """One declared tag: its section (INFO or FORMAT), ID and the header's Number (1, A, R or .)."""

    section: str
    name: str
    number: str

    @property
    def label(self) -> str:
        return f"{self.section}/{self.name}"


@dataclass(frozen=True)
class VafTags:
    """The allele-fraction and depth tags a sample names for its tumour, or for its matched normal (either may
    be absent)."""

    af: TagRef | None = None
    dp: TagRef | None = None


def resolve_vaf_tags(af: str | None, dp: str | None, declared: Mapping[tuple[str, str], tuple[str, str]], *,
                     who: str = "tumor", has_column: bool, path: str, line: int | None) -> VafTags | None:
    """The named tags of the tumour (``who="tumor"``) or of the matched normal (``"normal"``) as the header
    declares them (``declared``: header_definitions; None when no tag is named). ``has_column``: the VCF has a
    column to read FORMAT tags from (the tumour's, or the normal's). One InputError naming the sheet column,
    the flag and the tag when a name is malformed, undeclared, declared in both sections without a prefix, a
    FORMAT tag without that column, of the wrong Type (AF: Float, DP: Integer) or of a Number that is not one
    value per site or allele."""
    if not af and not dp:
        return None
    found = {}
    for role, text in (("af", af), ("dp", dp)):
        if text:
            found[role] = _resolve(who, role, text, declared, has_column, path, line)
    return VafTags(**found)


def unnamed_convention_hint(info_ids: Set[str], who: str) -> str | None:
    """A hint when the header declares (``info_ids``: its INFO IDs) a known convention's fraction tag for the
    tumour (or normal) and the sample names no tag: the values are then not read (nothing is guessed), and the
    warning says how to read them."""
    source, af, dp = CONVENTIONS[who]
    if af not in info_ids:
        return None
    flags = f"--{who}-af-tag INFO/{af}" + (f" --{who}-dp-tag INFO/{dp}" if dp in info_ids else "")
    return (f"the header declares INFO/{af}" + (f" and INFO/{dp}" if dp in info_ids else "")
            + f", {source}'s {WHO[who]} allele fraction" + (" and depth" if dp in info_ids else "")
            + f": read only when named ({flags}, or the sheet's {who}_af_tag/{who}_dp_tag)")


def _resolve(who: str, role: str, text: str, declared: dict, has_column: bool, path: str,
             line: int | None) -> TagRef:
    want_type, what, numbers = _ROLES[role]
    what = f"{WHO[who]} {what}"
    column = f"{who}_{role}_tag"
    flag = "--" + column.replace("_", "-")

    def refuse(why: str, fix: str) -> InputError:
        return InputError(f"{column} ({flag}) {text}: {why}", path=path, line=line, fix=fix)

    m = TAG_SYNTAX.match(text)
    if m is None:
        raise refuse("is not a tag name", "name a tag as INFO/ID, FORMAT/ID or ID, e.g. INFO/TVAF")
    section, name = m.group(1), m.group(2)
    sections = [section] if section else [s for s in ("INFO", "FORMAT") if (s, name) in declared]
    if not sections or (section and (section, name) not in declared):
        raise refuse(f"the VCF header declares no {section or 'INFO or FORMAT'} tag {name}",
                     f"name the tag that holds the {what} (bcftools view -h lists them), or leave it out")
    if len(sections) > 1:
        raise refuse("the VCF header declares it as INFO and as FORMAT",
                     f"write INFO/{name} or FORMAT/{name}")
    section = sections[0]
    if section == "FORMAT" and not has_column:
        if who == "tumor":
            raise refuse("a FORMAT tag, but the VCF has no sample columns (sites-only)", "name an INFO tag")
        raise refuse("a FORMAT tag, but no VCF column is the matched normal",
                     "name the normal's column (normal_sample, --normal-sample) or an INFO tag")
    number, vtype = declared[(section, name)]
    if vtype != want_type:
        raise refuse(f"the header declares Type={vtype}; a {what} tag must be Type={want_type}",
                     f"name the tag that holds the {what} as a number")
    if number not in numbers:
        per = "per site or per allele" if role == "af" else "per site"
        raise refuse(f"the header declares Number={number}; a {what} tag needs one value {per}",
                     f"name a tag with Number={', '.join(numbers[:-1])} or {numbers[-1]}")
    return TagRef(section, name, number)
