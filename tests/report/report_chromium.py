"""Headless Chromium helpers shared by the browser tests and make_screenshots.py."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-extensions", "--disable-sync", "--no-default-browser-check", "--hide-scrollbars")
TIMEOUT = 90


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(html_file: Path, extra: list[str]) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium not found on PATH")
    with tempfile.TemporaryDirectory(prefix="alkannot-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", *extra, Path(html_file).resolve().as_uri()]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=True)


def dump_dom(html_file: Path) -> str:
    """The DOM after the page loaded (and any script in it ran), serialised by Chromium."""
    # A short virtual-time budget lets onerror handlers of broken images fire before the dump.
    return _run(html_file, ["--virtual-time-budget=2000", "--dump-dom"]).stdout


def screenshot(html_file: Path, png: Path, width: int = 1200, height: int = 2000) -> Path:
    png = Path(png).resolve()
    _run(html_file, [f"--window-size={width},{height}", f"--screenshot={png}"])
    return png
