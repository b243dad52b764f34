"""htslib's log level as cyvcf2 links it (pysam has its own copy: alkannot.io.alignment.quiet_htslib).

htslib writes its own ``[W::...]``/``[E::...]`` lines straight to file descriptor 2; the readers turn every
problem they care about into one InputError instead, so they silence htslib while they read, and put the
level back afterwards (``cyvcf2_log_level``).
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Iterator
from contextlib import contextmanager

LOG_OFF, LOG_ERROR = 0, 1


@functools.cache
def _hts_lib():
    """cyvcf2's htslib through ctypes, opened once per process (the library is loaded already; this is the
    handle to call it: ~25 microseconds per open, four level changes per sample)."""
    import cyvcf2

    try:
        return ctypes.CDLL(cyvcf2.cyvcf2.__file__)  # htslib is linked into the extension module
    except OSError:
        return None


def set_log_level(level: int) -> int | None:
    """Set cyvcf2's htslib log level; the previous level (None when it cannot be set)."""
    lib = _hts_lib()
    if lib is None or not hasattr(lib, "hts_set_log_level"):
        return None
    old = lib.hts_get_log_level()
    lib.hts_set_log_level(level)
    return old


@contextmanager
def cyvcf2_log_level(level: int = LOG_OFF) -> Iterator[None]:
    """htslib (cyvcf2's) at ``level`` inside the block, the previous level restored after it."""
    old = set_log_level(level)
    try:
        yield
    finally:
        if old is not None:
            set_log_level(old)
