"""The bundled KB is validated here (build/test time), not in every sample process; kb_extra files are
still validated at run time, once per content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alkannot.errors import InputError
from alkannot.interpret import kb

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_kb_validates_and_its_digest_is_recorded():
    path = kb.kb_dir() / kb.KB_FILE
    kb._validate_now(kb._read(path), path)  # raises when the KB does not match its schema
    recorded = (kb.kb_dir() / kb.VALIDATED_FILE).read_text().split()[0]
    assert recorded == kb.content_digest(path), (
        "resources/kb/alk_kb.yaml or kb.schema.json changed since it was last validated: "
        "run .venv/bin/python scripts/refresh_precomputed.py")


def test_bundled_kb_is_not_revalidated_per_sample(monkeypatch):
    monkeypatch.setattr(kb, "_validate_now", lambda *a: pytest.fail("bundled KB validated at run time"))
    kb.load_kb()


def test_an_edited_bundled_kb_is_validated_again(tmp_path, monkeypatch):
    res = tmp_path / "resources"
    (res / "kb").mkdir(parents=True)
    for f in (kb.KB_FILE, kb.SCHEMA_FILE, kb.VALIDATED_FILE):
        (res / "kb" / f).write_bytes((kb.kb_dir() / f).read_bytes())
    data = yaml.safe_load((res / "kb" / kb.KB_FILE).read_text())
    data["statements"][0]["effect"] = "not-an-effect"
    (res / "kb" / kb.KB_FILE).write_text(yaml.safe_dump(data))
    monkeypatch.setattr(kb, "kb_dir", lambda: res / "kb")
    with pytest.raises(InputError, match="invalid knowledge base"):
        kb.load_kb()


def test_kb_extra_is_validated_once_per_content(tmp_path, monkeypatch):
    bad = tmp_path / "extra.yaml"
    bad.write_text("version: x\nsources: {}\nstatements: [{id: 1}]\n")
    for _ in range(2):  # an invalid file is never remembered as valid
        with pytest.raises(InputError, match="invalid knowledge base"):
            kb.load_kb([bad])
    calls = []
    real = kb._validate_now
    monkeypatch.setattr(kb, "_validate_now", lambda d, p: (calls.append(p), real(d, p)))
    good = tmp_path / "good.yaml"
    good.write_text("version: '1.0.0'\nsources: {}\nstatements: []\n")
    kb.load_kb([good])
    kb.load_kb([good])
    assert calls == [good]
    good.write_text("version: '2.0.0'\nsources: {}\nstatements: []\n")  # new content: validated again
    kb.load_kb([good])
    assert calls == [good, good]
