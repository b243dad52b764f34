"""Specimen resources: the thresholds per specimen class (``resources/specimen_thresholds.yaml``) and the
clonal-haematopoiesis genes (``resources/ch_genes.yaml``), read once, and the specimen-name -> class mapping.

Used by the plasma caveats (alkannot.interpret.ctdna), the germline labeller and the alignment fusion scan.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError


def _load_yaml(name: str, path: str | Path | None) -> dict:
    """Parsed resource; bundled files are read once (callers must not mutate the result)."""
    if path is None:
        # asked for per variant: one dict lookup, not a path built and resolved on every call
        return _bundled_for(name, os.environ.get("ALKANNOT_RESOURCES"))
    return _read_yaml(Path(path), name)


@functools.lru_cache(maxsize=64)
def _bundled_for(name: str, _resources_env: str | None) -> dict:
    return _load_bundled(str(resources_dir() / name), name)


@functools.lru_cache(maxsize=16)
def _load_bundled(path: str, name: str) -> dict:
    return _read_yaml(Path(path), name)


def _read_yaml(p: Path, name: str) -> dict:
    try:
        data = load_yaml(p.read_text())
    except (OSError, YAMLInputError) as err:
        raise InputError(f"cannot read {name}: {err}", path=str(p), fix=f"restore resources/{name}") from None
    if not isinstance(data, dict):
        raise InputError(f"{name} is not a YAML mapping", path=str(p))
    return data


def load_thresholds(path: str | Path | None = None) -> dict:
    return _load_yaml("specimen_thresholds.yaml", path)


def load_ch_genes(path: str | Path | None = None) -> dict:
    return _load_yaml("ch_genes.yaml", path)


def merged_thresholds(section: str, config: Mapping | None) -> dict:
    """Bundled section of specimen_thresholds.yaml, overridden key by key by ``config[section]``
    (or by ``config`` itself when it has no such section)."""
    base = dict(load_thresholds()[section])
    if config:
        over = config.get(section, config)
        for k, v in over.items():
            if isinstance(v, Mapping) and isinstance(base.get(k), Mapping):
                base[k] = {**base[k], **v}
            elif k in base:
                base[k] = v
    return base


def specimen_class(specimen: str | None) -> str:
    """'plasma', 'tissue' or 'default' for a sample-sheet specimen name."""
    s = (specimen or "").strip().lower()
    for cls, names in load_thresholds()["specimen_aliases"].items():
        if s in names:
            return cls
    return "default"
