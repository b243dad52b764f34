"""Germline labels without a matched normal: curated common polymorphisms and a population-frequency VCF.

- ``resources/germline_polymorphisms.yaml``: common germline polymorphisms in the target genes (rsID, gene,
  protein change, genomic allele per build, approximate population AF, sources). A variant with exactly that
  allele is labelled ``germline``.
- ``--population-af FILE`` (sheet column / config key ``population_af``): a gnomAD-style VCF; a variant whose
  exact allele has INFO/AF >= ``population_af.germline_min_af`` (1%) there is labelled ``germline``.

Labels never hide a variant: it stays in the variant list with ``ch_status: germline`` and ``ch_evidence``
naming the rsID or the population AF; co-mutation and verdict code skip labelled variants. A matched normal
deep enough to clear a variant (>= ``min_normal_depth_to_clear`` reads, zero alt reads counted) wins over both labels:
a variant truly absent from the constitutional DNA is not germline whatever its population frequency.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from alkannot.annotate.record import AnnotatedVariant
from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError
from alkannot.interpret.specimen import load_ch_genes
from alkannot.io.vcf.population import allele_key, read_population_afs


@functools.lru_cache(maxsize=4)
def _load_bundled(path: str) -> dict:
    return load_polymorphisms(path)


def load_polymorphisms(path: str | Path | None = None) -> dict:
    """The curated table (bundled unless ``path``), checked for the keys the labeller needs."""
    if path is None:
        return _load_bundled(str(resources_dir() / "germline_polymorphisms.yaml"))
    p = Path(path)
    try:
        data = load_yaml(p.read_text())
    except (OSError, YAMLInputError) as err:
        raise InputError(f"cannot read germline polymorphisms: {err}", path=str(p),
                         fix="restore resources/germline_polymorphisms.yaml") from None
    if not isinstance(data, dict) or not isinstance(data.get("polymorphisms"), list) or "sources" not in data:
        raise InputError("germline polymorphism table needs 'sources' and a 'polymorphisms' list", path=str(p))
    for e in data["polymorphisms"]:
        missing = [k for k in ("rsid", "gene", "protein", "GRCh37", "GRCh38", "sources") if k not in e]
        unknown = [s for s in e.get("sources", []) if s not in data["sources"]]
        if missing or unknown:
            raise InputError(f"polymorphism {e.get('rsid')}: missing {missing} / unknown sources {unknown}",
                             path=str(p), fix="every entry needs rsid, gene, protein, both builds and cited sources")
    return data


def _key(chrom, pos, ref, alt) -> tuple[str, int, str, str]:
    return allele_key(chrom, pos, ref, alt)


def _allele(v: AnnotatedVariant) -> tuple[str, int, str, str] | None:
    if v.chrom is None or v.pos is None or not v.ref or not v.alt:
        return None
    return _key(v.chrom, v.pos, v.ref, v.alt)


def polymorphism_index(table: Mapping, build: str) -> dict[tuple, dict]:
    out = {}
    for e in table["polymorphisms"]:
        g = e[build]
        out[_key(g["chrom"], g["pos"], g["ref"], g["alt"])] = e
    return out


def _cleared_by_normal(v: AnnotatedVariant, ch_genes: Mapping | None) -> bool:
    t = {**load_ch_genes()["matched_normal"], **((ch_genes or {}).get("matched_normal", {}))}
    depth = v.normal_depth
    # zero alt reads counted, not unknown (None): a normal without an alt-read count has not been seen to lack it
    return depth is not None and depth >= t["min_normal_depth_to_clear"] and v.normal_alt_reads == 0


def population_afs(path: str | Path, alleles: list[tuple[str, int, str, str]], *, info_field: str = "AF",
                   max_stream_bytes: int = 200_000_000, build: str | None = None) -> dict[tuple, float]:
    """{allele: AF} for the given alleles found in a gnomAD-style VCF (INFO/<info_field>, Number=A).

    Indexed files are read by region; an unindexed file is streamed only up to ``max_stream_bytes``
    (``alkannot.io.vcf.population``).
    """
    return read_population_afs(str(path), alleles, info_field=info_field, max_stream_bytes=max_stream_bytes,
                               build=build)


def label_germline(variants: list[AnnotatedVariant], build: str, *, population_af: str | Path | None = None,
                   table: Mapping | None = None, ch_genes: Mapping | None = None) -> list[AnnotatedVariant]:
    """``variants`` (in place, and returned) labelled ``germline`` (``ch_status``) by the curated table and the optional
    population-frequency VCF; already-labelled variants (matched normal) keep their label."""
    table = table or load_polymorphisms()
    index = polymorphism_index(table, build)
    cfg = table.get("population_af", {})
    threshold = float(cfg.get("germline_min_af", 0.01))
    afs: dict[tuple, float] = {}
    if population_af:
        alleles = [a for a in (_allele(v) for v in variants) if a is not None]
        afs = population_afs(population_af, alleles, info_field=str(cfg.get("info_field", "AF")),
                             max_stream_bytes=int(cfg.get("max_stream_bytes", 200_000_000)), build=build)
    out = []
    for v in variants:
        key = _allele(v)
        if key is not None and afs.get(key) is not None:
            v.population_af = afs[key]
        if key is not None and v.ch_status in (None, "possible_CH"):
            why = None
            e = index.get(key)
            if e is not None:
                why = (f"common germline polymorphism {e['rsid']} ({e['gene']} {e['protein']}; population AF "
                       f"{e.get('population_af', 'n/a')}; resources/germline_polymorphisms.yaml)")
            af = afs.get(key)
            if af is not None:
                if af >= threshold:
                    pa = f"population AF {af:.3g} >= {threshold:g} in {os.path.basename(str(population_af))}"
                    why = f"{why}; {pa}" if why else f"likely germline: {pa}"
            if why:
                if _cleared_by_normal(v, ch_genes):
                    v.ch_evidence = (f"{why}, but absent from the matched normal ({v.normal_depth} "
                                        "reads): kept as somatic")
                else:
                    v.ch_status = "germline"
                    v.ch_evidence = why
        out.append(v)
    return out
