"""YAML loading: libyaml's C loader when PyYAML has it (the knowledge base loads ~10x faster), with limits
for untrusted files (kb_extra, user resources).

- size: at most ``MAX_YAML_BYTES`` of text (``read_yaml_text`` checks the file size before reading it);
- aliases: a document whose aliases would expand to more than ``MAX_EXPANDED_NODES`` nodes (the
  "billion laughs" attack: a 680-byte file expanding to billions of nodes) or that refers to itself is
  refused before anything is constructed. Plain anchors/aliases used for sharing (as in
  resources/co_alterations.yaml) stay allowed.

Both problems raise ``YAMLLimitError``, a ``YAMLInputError``: the one exception callers catch for a YAML
text that cannot be loaded (PyYAML's own errors are re-raised as ``YAMLInputError`` with the same text,
``problem`` and ``problem_mark``), so callers that report YAML errors with the file name report these too, in
one line.

A text is parsed once per process (later calls get a fresh copy of the first parse) and, when it is at
least ``DISK_CACHE_MIN_CHARS`` long, once per content per user: the parse is kept in the private cache
folder (``alkannot.core.cache``, ``yaml/``) in marshal form, keyed by the text's sha256, this Python's and
PyYAML's versions and the limits above, so a new process reads the knowledge base and the CIViC evidence
instead of parsing them again (45-70 ms with aliases; the small rule files 0.1-3 ms each). Only a text that parsed within the limits is kept.

PyYAML itself is imported only when a text has to be parsed (`_yaml`): a process whose texts all come from
the cache (every `alkannot annotate` after the first on a machine) does not pay its import (~9 ms). The disk
key names PyYAML by its installed ``yaml/__init__.py`` (path, size, modification time), which holds its
version, instead of importing it for ``yaml.__version__``.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import pickle
import sys
from pathlib import Path

# text -> pickled parse: the bundled rule files are read for every sample (some twice); unpickling a fresh
# copy is ~50x faster than parsing again and callers still get objects of their own.
_PARSED: dict[str, tuple[bool, bytes]] = {}  # text -> (marshal?, its parse serialised)
_MAX_CACHED = 32
DISK_CACHE_MIN_CHARS = 512  # a tiny file parses faster than its cache entry is read

MAX_YAML_BYTES = int(os.environ.get("ALKANNOT_MAX_YAML_BYTES", 20 * 1024 * 1024))
MAX_EXPANDED_NODES = 1_000_000
MAX_ALIASES = 10_000


class YAMLInputError(Exception):
    """A YAML text that cannot be loaded. From PyYAML's error (`from_yaml`): its text, and its ``problem`` and
    ``problem_mark`` when it has them (as getattr finds them on PyYAML's own)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text

    @classmethod
    def from_yaml(cls, err: Exception) -> YAMLInputError:
        new = cls(str(err))
        for name in ("problem", "problem_mark"):
            if hasattr(err, name):
                setattr(new, name, getattr(err, name))
        return new


class YAMLLimitError(YAMLInputError):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


@functools.cache
def _yaml():
    """PyYAML and its loader (the C one when PyYAML has libyaml), imported on first use."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _pyyaml_identity() -> str:
    """The installed PyYAML, named without importing it: its ``__init__.py`` (path, size, mtime), which holds
    its version (a reinstall, with or without libyaml, rewrites it)."""
    import importlib.util

    spec = importlib.util.find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if not origin:
        return "pyyaml-missing"
    st = os.stat(origin)
    return f"pyyaml:{origin}:{st.st_size}:{st.st_mtime_ns}"


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
    yaml = _yaml()[0]
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


def _check_aliases(text: str):
    """The composed document (a yaml.Node) when it uses aliases within the limits (None: no aliases); raise
    otherwise."""
    yaml, loader_class = _yaml()
    aliases = 0
    for ev in yaml.parse(text, Loader=loader_class):
        if isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YAMLLimitError(f"more than {MAX_ALIASES:,} YAML aliases (alias expansion)")
    if not aliases:
        return None
    node = yaml.compose(text, Loader=loader_class)
    if node is not None and _expanded_size(node, {}, set()) > MAX_EXPANDED_NODES:
        raise YAMLLimitError(f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                             "(alias expansion, the 'billion laughs' attack)")
    return node


def _disk_key(text: str) -> str:
    h = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    flavour = (f"py{sys.version_info[0]}.{sys.version_info[1]}-marshal{marshal.version}-{_pyyaml_identity()}"
               f"-{MAX_EXPANDED_NODES}-{MAX_ALIASES}")
    h.update(b"\0" + flavour.encode())
    return h.hexdigest() + ".marshal"


def _from_disk(key: str):
    from alkannot.core.cache import read_entry

    raw = read_entry("yaml", key)
    if raw is None:
        return None
    try:
        return (marshal.loads(raw), raw)
    except (EOFError, ValueError, TypeError):  # a damaged entry is a miss (it is rewritten below)
        return None


def load_yaml(text: str):
    """Like yaml.safe_load (safe constructors only), with the C parser when available, size- and
    alias-limited (see the module docstring); a text already parsed in this process (or, when large, by
    this user's earlier processes) is not parsed again."""
    cached = _PARSED.get(text)
    if cached is not None:
        is_marshal, raw = cached
        return marshal.loads(raw) if is_marshal else pickle.loads(raw)  # noqa: S301 - this process's bytes
    if len(text) > MAX_YAML_BYTES:
        raise YAMLLimitError(f"YAML text is {len(text):,} characters, over the {MAX_YAML_BYTES:,} limit")
    key = _disk_key(text) if len(text) >= DISK_CACHE_MIN_CHARS else None
    hit = _from_disk(key) if key else None
    if hit is not None:
        _remember(text, True, hit[1])
        return hit[0]
    data = _parse(text)
    try:
        raw, is_marshal = marshal.dumps(data), True
    except ValueError:  # a type marshal does not know (a YAML timestamp is a datetime): pickle, memory only
        raw, is_marshal = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), False
    if key and is_marshal:
        from alkannot.core.cache import write_entry

        write_entry("yaml", key, raw)
    _remember(text, is_marshal, raw)
    return data


def _remember(text: str, is_marshal: bool, raw: bytes) -> None:
    if len(_PARSED) >= _MAX_CACHED:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[text] = (is_marshal, raw)


def _parse(text: str):
    yaml, loader_class = _yaml()
    try:
        return _parse_with(yaml, loader_class, text)
    except yaml.YAMLError as err:
        raise YAMLInputError.from_yaml(err) from err


def _parse_with(yaml, loader_class, text: str):
    data = None
    if "*" in text:  # an alias needs '*': only then pay for the check
        node = _check_aliases(text)
        if node is not None:
            loader = loader_class("")
            try:
                data = loader.construct_document(node)
            finally:
                loader.dispose()
    if data is None:
        data = yaml.load(text, Loader=loader_class)  # noqa: S506 - a safe loader either way
    return data
