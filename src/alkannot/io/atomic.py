"""Write-to-temp-then-rename, so a failed run never leaves a partial output behind."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path | str):
    """Yield a temp path beside `path`; rename onto it only if the block finishes.

    A file inside an output set's private folder (output_set) is yielded as it is: the set is already
    all-or-nothing (it commits together or is removed), so a temporary name and a rename per file would
    only cost time (~8 renames and as many files created and chmod'ed per sample)."""
    path = Path(path)
    if str(path.parent) in _OPEN_SETS:
        try:
            yield path
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    # mkstemp makes 0600; outputs are ordinary files, so honour the umask like open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path | str, text: str) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text)


# ---------------------------------------------------------------------------------------------------
# All-or-nothing sets of files (a sample's outputs)
# ---------------------------------------------------------------------------------------------------
#
# A set is written into a private temporary directory `OUT/.alkannot-tmp-<tag>-XXXX/` while holding an
# exclusive flock on OUT itself (so two runs into the same folder take turns; the kernel drops the lock
# when a process dies, even under kill -9). When every file is written, a COMMIT list is written into the
# temporary directory and the files are renamed into OUT, the key file last; then the directory goes.
# The next writer into OUT (under the lock, so no writer is active) finishes an interrupted commit
# (COMMIT present: roll forward) or deletes an interrupted write (no COMMIT: the old set was never touched).

TMP_PREFIX = ".alkannot-tmp-"
_OPEN_SETS: set[str] = set()  # this process's output-set folders being written (atomic_path writes in place there)
COMMIT = "COMMIT"
LOCK_WAIT_SECONDS = float(os.environ.get("ALKANNOT_LOCK_WAIT", "120"))


class OutputBusy(Exception):
    """Another process kept the output folder locked for longer than the wait."""


@contextmanager
def locked_dir(out_dir: Path, wait: float | None = None):
    """Hold an exclusive flock on the directory `out_dir` (created if missing) for the block."""
    import fcntl
    import time

    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputBusy(str(out_dir)) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _commit_from(tmp: Path, out_dir: Path, names: list[str] | None = None) -> None:
    """Move the files the COMMIT list names from `tmp` into `out_dir`, in its order. ``names``: that list, when
    the caller has just written it (a writer committing its own set need not read it back)."""
    if names is None:
        names = [n for n in (tmp / COMMIT).read_text().splitlines() if n]
    for name in names:
        try:
            os.replace(tmp / name, out_dir / name)
        except FileNotFoundError:  # moved already (rolling forward a commit that was cut short)
            pass


def recover_dir(out_dir: Path) -> list[str]:
    """Finish or discard what killed runs left in `out_dir` (call with the directory locked).
    Returns the temporary directories handled."""
    import shutil

    # one listing of the folder for both kinds of leftovers (a writer calls this before each set it writes)
    try:
        with os.scandir(out_dir) as it:
            hidden = [e for e in it if e.name.startswith(".")]
    except FileNotFoundError:
        return []
    done = []
    for entry in sorted((e for e in hidden if e.name.startswith(TMP_PREFIX)), key=lambda e: e.name):
        if not entry.is_dir():
            continue
        tmp = Path(entry.path)
        if (tmp / COMMIT).exists():
            _commit_from(tmp, out_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        done.append(entry.name)
    # orphan single-file temporaries of atomic_path (`.name.XXXX.tmp`) of our outputs from killed runs
    ours = (".alkannot.", ".variants.tsv.", ".drugs.tsv.", ".report.html.", ".maf.tsv.", "summary.", "cohort.")
    for entry in hidden:
        if entry.name.endswith(".tmp") and entry.is_file() and any(k in entry.name for k in ours):
            Path(entry.path).unlink(missing_ok=True)
    return done


@contextmanager
def output_set(out_dir: Path | str, tag: str, *, remove_on_failure: list[str] = ()):
    """Yield a private temp directory; on success its files replace their namesakes in `out_dir` together
    (names listed by the caller via `commit_order`, key file last). On failure nothing of the new set
    appears, and the names in `remove_on_failure` (the sample's previous outputs) are removed."""
    import tempfile as _tf

    out_dir = Path(out_dir)
    with locked_dir(out_dir):
        recover_dir(out_dir)
        tmp = Path(_tf.mkdtemp(prefix=f"{TMP_PREFIX}{tag}-", dir=out_dir))
        box = _OutputSet(tmp)
        _OPEN_SETS.add(str(tmp))
        committed = False
        try:
            yield box
            order = box.order or sorted(p.name for p in tmp.iterdir())
            with open(tmp / (COMMIT + ".part"), "w") as fh:
                fh.write("\n".join(order) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp / (COMMIT + ".part"), tmp / COMMIT)
            for name in box.stale:
                if name not in order:
                    (out_dir / name).unlink(missing_ok=True)
            _commit_from(tmp, out_dir, order)
            committed = True
        except BaseException:
            if not (tmp / COMMIT).exists():
                for name in remove_on_failure:
                    (out_dir / name).unlink(missing_ok=True)
            raise
        finally:
            _OPEN_SETS.discard(str(tmp))
            if not committed and (tmp / COMMIT).exists():
                _commit_from(tmp, out_dir)  # a failure after COMMIT is finished, never half-done
            _remove_set_folder(tmp, committed)


def _remove_set_folder(tmp: Path, committed: bool) -> None:
    """The set's private folder, once done: after a commit it holds only the COMMIT list (two calls instead of
    shutil.rmtree's walk); anything else, or a folder that is not empty, goes through rmtree."""
    import shutil

    if committed:
        try:
            (tmp / COMMIT).unlink()
            tmp.rmdir()
            return
        except OSError:
            pass
    shutil.rmtree(tmp, ignore_errors=True)


class _OutputSet:
    def __init__(self, tmp: Path):
        self.dir = tmp
        self.order: list[str] = []  # file names in commit order (key file last)
        self.stale: list[str] = []  # names of an older set to remove when this one commits

    def path(self, name: str) -> Path:
        return self.dir / name
