"""The fusion gene list (``resources/fusion_genes.yaml``: the 3' driver, known ALK partners), read once; used by
the fusion naming (alkannot.interpret.fusions) and the alignment scan (alkannot.interpret.alignment_fusions)."""

from __future__ import annotations

from functools import lru_cache

from alkannot.core.resources import resource_yaml


@lru_cache(maxsize=1)
def load_fusion_config() -> dict:
    return resource_yaml("fusion_genes.yaml", "fusion gene list")
