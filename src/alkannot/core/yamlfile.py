"""YAML loading: libyaml's C loader when PyYAML has it (the knowledge base loads ~10x faster), with limits
for untrusted files (kb_extra, user resources).

- size: at most ``MAX_YAML_BYTES`` of text (``read_yaml_text`` checks the file size before reading it);
- aliases: a document whose aliases would expand to more than ``MAX_EXPANDED_NODES`` nodes (the
  "billion laughs" attack: a 680-byte file expanding to billions of nodes) or that refers to itself is
  refused before anything is constructed. Plain anchors/aliases used for sharing (as in
  resources/co_alterations.yaml) stay allowed.

Both problems raise ``YAMLLimitError``, a ``yaml.YAMLError``, so callers that report YAML errors with the
file name report these too, in one line.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# text -> pickled parse: the bundled rule files are read for every sample (some twice); unpickling a fresh
# copy is ~50x faster than parsing again and callers still get objects of their own.
_PARSED: dict[str, bytes] = {}
_MAX_CACHED = 32

MAX_YAML_BYTES = int(os.environ.get("ALKANNOT_MAX_YAML_BYTES", 20 * 1024 * 1024))
MAX_EXPANDED_NODES = 1_000_000
MAX_ALIASES = 10_000


class YAMLLimitError(yaml.YAMLError):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None

    def __str__(self) -> str:
        return self.problem


def read_yaml_text(path: str | Path, max_bytes: int | None = None) -> str:
    """The file's text, refusing files larger than the limit before reading them."""
    limit = MAX_YAML_BYTES if max_bytes is None else max_bytes
    p = Path(path)
    size = p.stat().st_size
    if size > limit:
        raise YAMLLimitError(f"file is {size:,} bytes, over the {limit:,}-byte limit for YAML files")
    return p.read_text()


def _expanded_size(node, memo: dict[int, int], active: set[int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise YAMLLimitError("the YAML refers to itself through an alias (recursive structure)")
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, active)
            if total > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo, active) + _expanded_size(v, memo, active)
            if total > MAX_EXPANDED_NODES:
                break
    active.discard(key)
    memo[key] = total
    return total


def _check_aliases(text: str) -> yaml.Node | None:
    """The composed document when it uses aliases within the limits (None: no aliases); raise otherwise."""
    aliases = 0
    for ev in yaml.parse(text, Loader=_Loader):
        if isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YAMLLimitError(f"more than {MAX_ALIASES:,} YAML aliases (alias expansion)")
    if not aliases:
        return None
    node = yaml.compose(text, Loader=_Loader)
    if node is not None and _expanded_size(node, {}, set()) > MAX_EXPANDED_NODES:
        raise YAMLLimitError(f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                             "(alias expansion, the 'billion laughs' attack)")
    return node


def load_yaml(text: str):
    """Like yaml.safe_load (safe constructors only), with the C parser when available, size- and
    alias-limited (see the module docstring); a text already parsed in this process is not parsed again."""
    cached = _PARSED.get(text)
    if cached is not None:
        return pickle.loads(cached)  # noqa: S301 - bytes pickled by this process just below
    if len(text) > MAX_YAML_BYTES:
        raise YAMLLimitError(f"YAML text is {len(text):,} characters, over the {MAX_YAML_BYTES:,} limit")
    data = None
    if "*" in text:  # an alias needs '*': only then pay for the check
        node = _check_aliases(text)
        if node is not None:
            loader = _Loader("")
            try:
                data = loader.construct_document(node)
            finally:
                loader.dispose()
    if data is None:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader either way
    if len(_PARSED) >= _MAX_CACHED:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[text] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return data
