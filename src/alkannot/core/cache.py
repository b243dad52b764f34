"""Per-user cache directory for work that depends only on file content (parsed YAML), so a new process
does not redo it: ``$ALKANNOT_CACHE_DIR/<name>`` when that is set, else ``<tmp>/alkannot-cache-<uid>/<name>``.

The folder (and, in the temp dir, ``alkannot-cache-<uid>`` itself) is used only when it is ours: owned by
this user, a real directory (not a symlink) and private (no group/other permissions), the rule Jinja
applies to its bytecode cache. Entries are written atomically
(a temporary file renamed into place). Everything fails soft: no usable directory means no cache.
``ALKANNOT_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_DIRS: dict[str, Path | None] = {}


def _private_dir(path: Path) -> bool:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return (stat.S_ISDIR(st.st_mode) and (getuid is None or st.st_uid == getuid())
            and stat.S_IMODE(st.st_mode) & 0o077 == 0)


def cache_dir(name: str) -> Path | None:
    """The private cache folder for `name` (created on first use), or None when none is usable."""
    if name in _DIRS:
        return _DIRS[name]
    base = os.environ.get("ALKANNOT_CACHE_DIR")
    if base == "off":
        found = None
    else:
        if base:  # a folder the user chose: its <name> subfolder must be private
            path = Path(base) / name
            ok = _private_dir(path)
        else:  # the shared temp dir: our folder there must be private too
            uid = os.getuid() if hasattr(os, "getuid") else "user"
            root = Path(tempfile.gettempdir()) / f"alkannot-cache-{uid}"
            path = root / name
            ok = _private_dir(root) and _private_dir(path)
        found = path if ok else None
    _DIRS[name] = found
    return found


def read_entry(name: str, key: str) -> bytes | None:
    d = cache_dir(name)
    if d is None:
        return None
    try:
        return (d / key).read_bytes()
    except OSError:
        return None


def write_entry(name: str, key: str, data: bytes) -> None:
    d = cache_dir(name)
    if d is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, d / key)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
