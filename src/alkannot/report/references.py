"""Citations resolved: source keys (``tabbo2020:ref8``, ``cancerhotspots``) -> authors, journal, year.

The review's numbered references live in ``resources/references.tsv`` (transcribed from the review's own
reference list by ``scripts/build_references.py``); other sources are the ``sources:`` entries of the
resource files that cite them (co-alterations, CH genes, copy number, fusions, knowledge base). Keys no
file knows stay visible as they are: a citation is never invented.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alkannot.core.yamlfile import YAMLInputError, load_yaml

REVIEW_KEY = "tabbo2020"
# Resource files whose ``sources:`` mapping names non-review citations (first file naming a key wins).
SOURCE_FILES = ("co_alterations.yaml", "ch_genes.yaml", "cnv_genes.yaml", "fusion_genes.yaml", "kb/alk_kb.yaml")
_DOI_RE = re.compile(r"\b(?:doi:\s*)?(10\.\d{4,9}/[-._;()/:A-Za-z0-9]+[A-Za-z0-9)])", re.IGNORECASE)
# "refs 53-55", "ref 21", "refs 8, 34, 36-38" inside a tabbo2020 source's parentheses, or in a note
_REFS_RE = re.compile(r"\brefs?\.?\s+((?:\d+(?:\s*[-–]\s*\d+)?)(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)")
_KEY_RE = re.compile(r"\b(tabbo2020:ref\d+|tabbo2020)\b")


@dataclass(frozen=True)
class Reference:
    """One bibliography entry (the review or one of its references) as the report cites it."""

    key: str
    authors: str = ""
    title: str = ""
    journal: str = ""
    year: str = ""
    volume_pages: str = ""
    doi: str = ""
    pmid: str = ""
    number: str = ""  # the review's own reference number
    text: str = ""  # free-text citation (sources not in references.tsv)
    suffix: str = ""  # 'a'/'b' when two references share one author-year label

    @property
    def first_author(self) -> str:
        first = self.authors.split(",")[0].strip()
        return first.rsplit(" ", 1)[0] if " " in first else first

    @property
    def short(self) -> str:
        """Author-year label for running text: 'Gainor 2016', 'Tabbò 2020'."""
        if self.authors and self.year:
            return f"{self.first_author} {self.year}{self.suffix}"
        m = re.match(r"\s*([A-Z][^\s,.]+)[^;]*?\b((?:19|20)\d\d)\b", self.text)
        if m:
            return f"{m.group(1)} {m.group(2)}"
        head = re.split(r"[,(:]", self.text, maxsplit=1)[0].strip()
        return head[:40] if head else self.key

    @property
    def full(self) -> str:
        if not self.authors and not self.title:
            return self.text or self.key
        vp = f";{self.volume_pages}" if self.volume_pages else ""
        title = self.title if self.title.endswith(("?", "!")) else self.title + "."
        return f"{self.authors}. {title} {self.journal} {self.year}{vp}."

    @property
    def url(self) -> str | None:
        """A link built from a DOI or PMID we hold; never a URL copied from the input."""
        if self.doi:
            return "https://doi.org/" + self.doi
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        m = _DOI_RE.search(self.text)
        return "https://doi.org/" + m.group(1) if m else None

    @property
    def review_note(self) -> str:
        return f"reference {self.number} of the review" if self.number else ""


def _resources(resources: Path | None) -> Path:
    if resources is not None:
        return Path(resources)
    from alkannot.core.resources import resources_dir

    return resources_dir()


@lru_cache(maxsize=4)
def load_references(resources: Path | None = None) -> dict[str, Reference]:
    """Every citable source: the review and its numbered references, then the resource files' sources."""
    base = _resources(resources)
    refs: dict[str, Reference] = {}
    tsv = base / "references.tsv"
    if tsv.is_file():
        with tsv.open(encoding="utf-8") as fh:
            rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
            for r in rows:
                refs[r["key"]] = Reference(
                    key=r["key"], authors=r["authors"], title=r["title"], journal=r["journal"], year=r["year"],
                    volume_pages=r["volume_pages"], doi=r["doi"], pmid=r["pmid"], number=r["number"])
    for name in SOURCE_FILES:
        p = base / name
        if not p.is_file():
            continue
        try:
            # the C loader, parsed once per process (the KB loader reads alk_kb.yaml too)
            srcs = (load_yaml(p.read_text(encoding="utf-8")) or {}).get("sources") or {}
        except YAMLInputError:
            continue
        for k, v in srcs.items():
            if isinstance(v, str) and str(k) not in refs:
                refs[str(k)] = Reference(key=str(k), text=citation_text(v))
    # two papers with one author-year label (Christopoulos 2019, refs 37 and 38) become 2019a / 2019b
    shorts: dict[str, list[str]] = {}
    for k, r in refs.items():
        if r.authors and r.year and k != REVIEW_KEY:
            shorts.setdefault(r.short, []).append(k)
    for keys in shorts.values():
        if len(keys) > 1:
            for letter, k in zip("abcdefghij", keys):
                r = refs[k]
                refs[k] = Reference(**{**r.__dict__, "suffix": letter})
    return refs


def citation_text(text: str) -> str:
    """A resource file's source note cut to its citation: up to the first sentence end after a year.

    'Chang MT et al. ... Cancer Discov 2018;8:174-183; cancerhotspots.org v2. Residue lists below ...' keeps
    everything up to 'v2.'; notes without a year (a tool's documentation) are kept whole.
    """
    text = " ".join(str(text).split())
    m = re.search(r"\b(?:19|20)\d\d\b.*?\.(?=\s|$)", text)
    return text[:m.end()] if m else text


def _expand(numbers: str) -> list[int]:
    out: list[int] = []
    for part in numbers.split(","):
        a, _, b = part.replace("–", "-").partition("-")
        if a.strip().isdigit():
            lo = int(a)
            hi = int(b) if b.strip().isdigit() else lo
            out.extend(range(lo, hi + 1) if 0 < hi - lo < 50 else [lo])
    return out


def source_keys(source: str) -> list[str]:
    """The citation keys one evidence ``source`` string names, in order.

    'tabbo2020:ref8; tabbo2020:ref23' -> both keys; 'tabbo2020 (section ...; refs 53-55)' -> the review and
    references 53, 54, 55; an unknown plain key ('cancerhotspots') is returned as it is.
    """
    return list(_source_keys(source or ""))


@lru_cache(maxsize=4096)
def _source_keys(text: str) -> tuple[str, ...]:
    """source_keys, remembered per process: the keys depend on the source text alone, and one report (and a
    batch of reports) names the same few sources hundreds of times."""
    keys: list[str] = []
    for m in _KEY_RE.finditer(text):
        keys.append(m.group(1))
    for m in _REFS_RE.finditer(text):
        keys.extend(f"{REVIEW_KEY}:ref{n}" for n in _expand(m.group(1)))
    if not keys:
        keys = [k.strip() for k in re.split(r"[;,]", text) if k.strip() and " " not in k.strip()]
    return tuple(dict.fromkeys(keys))


class Citer:
    """Collects what one report cites, in order of first citation, for its References section."""

    def __init__(self, refs: dict[str, Reference]):
        self.refs = refs
        self.order: list[str] = []
        self._cited: set[str] = set()  # the keys in self.order
        self._labels: dict[str, tuple[tuple[str, ...], list[str]]] = {}  # source -> (keys, labels), this report's
        self.memo: dict = {}  # per-report results that cite (wording.explained, wording.humanise)

    def cite(self, source: str) -> list[str]:
        """Author-year labels for one evidence source (keys no file resolves are shown as given).

        The labels of a source are worked out once per report (one report cites the same few sources hundreds
        of times); each call still records the source's keys in citation order."""
        hit = self._labels.get(source)
        if hit is None:
            keys = _source_keys(source or "")
            refs = self.refs
            hit = self._labels[source] = (keys, list(dict.fromkeys(refs[k].short if k in refs else k for k in keys)))
        keys, labels = hit
        for k in keys:
            if k not in self._cited:
                self._cited.add(k)
                self.order.append(k)
        return list(labels)

    def label(self, source: str) -> str:
        return "; ".join(self.cite(source))

    def entries(self) -> list[dict]:
        """[{key, label, text, url, note}] for the References section; the review always comes first."""
        keys = [REVIEW_KEY] + [k for k in self.order if k != REVIEW_KEY]
        out = []
        for k in keys:
            ref = self.refs.get(k)
            out.append({"key": k, "label": ref.short if ref else k, "text": ref.full if ref else k,
                        "url": ref.url if ref else None, "note": ref.review_note if ref else "not resolved"})
        return out


def resolve_sources(sources, resources: Path | None = None) -> list[str]:
    """Author-year labels for a list of source strings (used by the TSV writers)."""
    citer = Citer(load_references(resources))
    out: list[str] = []
    for s in sources:
        out.extend(citer.cite(s))
    return list(dict.fromkeys(out))


def cite_ref_numbers(text: str, citer: Citer) -> str:
    """Free text naming review reference numbers ('(ref 55)', 'refs 53-55') gets author-year labels instead."""
    def repl(m: re.Match) -> str:
        labels = citer.cite("; ".join(f"{REVIEW_KEY}:ref{n}" for n in _expand(m.group(1))))
        return "; ".join(labels)
    return _REFS_RE.sub(repl, text or "")
