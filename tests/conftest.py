"""Suite-wide rule: in CI, a test that needs the shared truth kit or a comparison tool must run, not skip.

On a developer's machine without ``../shared`` (or without bcftools/chromium) those tests skip with a reason.
In CI (``CI`` set, as ``.ci/run`` is run) the kit is laid beside the repo and ``make test`` installs the tools,
so such a skip means a test silently stopped checking anything: it is turned into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# words of the skip reasons of tests that depend on the kit or on tools `make test` installs
_MUST_RUN = ("shared", "truth", "bcftools", "chromium")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not (rep.skipped and os.environ.get("CI") and SHARED.is_dir()):
        return
    reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
    if any(w in reason.lower() for w in _MUST_RUN):
        rep.outcome = "failed"
        rep.longrepr = f"skipped in CI although {SHARED} is present: {reason}"
