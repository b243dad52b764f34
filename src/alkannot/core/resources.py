"""Where the bundled resources are, and the run settings read from them.

The repo's resources/ ships inside the package as ``alkannot._resources`` (pyproject maps it), so a wheel
install and an editable install find it the same way, through importlib.resources; ``$ALKANNOT_RESOURCES``
names another folder.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from alkannot.core.yamlfile import YAMLInputError, load_yaml
from alkannot.errors import InputError


def resources_dir() -> Path:
    """The bundled resources (knowledge base, transcript models, thresholds), or the folder named by
    $ALKANNOT_RESOURCES."""
    env = os.environ.get("ALKANNOT_RESOURCES")
    if env:
        return Path(env)
    return _bundled_resources()


@functools.cache
def _bundled_resources() -> Path:
    from importlib.util import find_spec

    # a data-only package (no __init__.py): its folder is its first search location
    spec = find_spec("alkannot._resources")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[3] / "resources"  # a source tree never installed (PYTHONPATH=src)


@functools.lru_cache(maxsize=None)
def resource_yaml(name: str, what: str):
    """resources/<name> parsed (limited, safe YAML); one InputError naming the file when it cannot be read."""
    path = resources_dir() / name
    try:
        return load_yaml(path.read_text())
    except (OSError, YAMLInputError) as err:
        raise InputError(f"cannot read {what}: {err}", path=str(path), fix=f"restore resources/{name}") from None


@functools.lru_cache(maxsize=None)
def settings(path: str | None = None) -> dict:
    """resources/settings.yaml (target genes, annotation settings), or the YAML file at `path`."""
    p = Path(path) if path else resources_dir() / "settings.yaml"
    return load_yaml(p.read_text())
