"""atomic_path: a temporary name beside the file, renamed on success; inside an output set's private folder
the set itself is all-or-nothing, so the file is written under its own name there."""

from __future__ import annotations

from pathlib import Path

import pytest

from alkannot.io.atomic import COMMIT, TMP_PREFIX, atomic_path, atomic_write_text, output_set


def test_outside_an_output_set_a_temporary_name_is_renamed_on_success(tmp_path):
    target = tmp_path / "a.txt"
    with atomic_path(target) as tmp:
        assert Path(tmp) != target and Path(tmp).parent == tmp_path and Path(tmp).exists()
        Path(tmp).write_text("new")
        assert not target.exists()
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_outside_an_output_set_a_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        Path(tmp).write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_inside_an_output_set_files_are_written_in_place_and_commit_together(tmp_path):
    out = tmp_path / "out"
    seen = {}
    with output_set(out, "S") as box:
        target = box.path("S.one.txt")
        with atomic_path(target) as tmp:
            seen["tmp"] = Path(tmp)
            Path(tmp).write_text("1")
        atomic_write_text(box.path("S.two.txt"), "2")
        seen["box"] = sorted(p.name for p in box.dir.iterdir())
        assert not (out / "S.one.txt").exists()  # nothing is visible before the set commits
        box.order = ["S.two.txt", "S.one.txt"]
    assert seen["tmp"] == target  # no temporary name inside the set's folder
    assert seen["box"] == ["S.one.txt", "S.two.txt"]
    assert (out / "S.one.txt").read_text() == "1" and (out / "S.two.txt").read_text() == "2"
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX) or p.name.endswith(".tmp")]


def test_inside_an_output_set_a_failure_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "S.one.txt").write_text("old")
    with pytest.raises(RuntimeError), output_set(out, "S", remove_on_failure=["S.one.txt"]) as box:
        with atomic_path(box.path("S.one.txt")) as tmp:
            Path(tmp).write_text("half")
            raise RuntimeError("boom")
    assert list(out.iterdir()) == []  # the old set is removed, the new one never appears


def test_a_folder_that_only_looks_like_an_output_set_is_written_atomically(tmp_path):
    """In place only inside this process's open output sets, not in any folder named like one."""
    lookalike = tmp_path / f"{TMP_PREFIX}X-abc"
    lookalike.mkdir()
    target = lookalike / "a.txt"
    with atomic_path(target) as tmp:
        assert Path(tmp) != target
        Path(tmp).write_text("x")
    assert target.read_text() == "x" and not (lookalike / COMMIT).exists()
