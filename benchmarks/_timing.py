"""Timing helpers shared by the benchmark scripts (run as `python benchmarks/<script>.py`, so this folder is on
sys.path): one child process measured by `os.wait4`, so the figures include Python start-up."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def run_once(cmd: list[str]) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in MB, CPU seconds = user + system) of one child process; raises on a
    non-zero exit with the end of its stderr."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


@dataclass
class Measured:
    """Medians of `repeat` alternating runs of a command and its floor (same moment, same load)."""

    wall: float
    cpu: float
    peak_rss_mb: int
    floor: float
    load: str  # 1-minute load average when the rounds started


def measure_against_floor(cmd: list[str], floor: list[str], repeat: int) -> Measured:
    load = Path("/proc/loadavg").read_text().split()[0]
    walls, cpus, rss, floors = [], [], [], []
    for _ in range(repeat):
        w, m, c = run_once(cmd)
        walls.append(w)
        rss.append(m)
        cpus.append(c)
        floors.append(run_once(floor)[0])
    return Measured(statistics.median(walls), statistics.median(cpus), max(rss), statistics.median(floors), load)
