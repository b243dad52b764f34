"""The fusion gene list (``resources/fusion_genes.yaml``: the 3' driver, known ALK partners), read once; used by
the fusion naming (alkannot.interpret.fusions) and the alignment scan (alkannot.interpret.alignment_fusions)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from alkannot.core.resources import resources_dir
from alkannot.core.yamlfile import load_yaml
from alkannot.errors import InputError


@lru_cache(maxsize=1)
def load_fusion_config() -> dict:
    path = resources_dir() / "fusion_genes.yaml"
    try:
        return load_yaml(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"cannot read fusion gene list: {err}", path=str(path),
                         fix="restore resources/fusion_genes.yaml") from None
