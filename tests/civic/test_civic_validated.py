"""The bundled CIViC evidence is validated here (build/test time), not in every sample process; an edited
civic.yaml and a CIViC kb_extra file are still validated at run time, once per content."""

from __future__ import annotations

import pytest
import yaml

from alkannot.errors import InputError
from alkannot.interpret import civic as C
from alkannot.interpret import kb as K


def test_bundled_civic_validates_and_its_digest_is_recorded():
    path = C.bundled_civic_path()
    C.validate_civic_doc(yaml.safe_load(path.read_text()), str(path))  # raises when it does not match its schema
    recorded = (K.kb_dir() / C.VALIDATED_FILE).read_text().split()[0]
    assert recorded == C.civic_digest(path), (
        "resources/kb/civic.yaml or civic.schema.json changed since it was last validated: "
        "run .venv/bin/python scripts/refresh_precomputed.py")


def test_bundled_civic_is_not_revalidated_per_sample(kb, monkeypatch):
    monkeypatch.setattr(C, "validate_civic_doc", lambda *a: pytest.fail("bundled CIViC file validated at run time"))
    ev = C.load_civic(C.bundled_civic_path(), kb)
    assert ev.statements


def _copy_resources(tmp_path, monkeypatch):
    res = tmp_path / "resources"
    (res / "kb").mkdir(parents=True)
    for f in (C.CIVIC_FILE, C.CIVIC_SCHEMA, C.VALIDATED_FILE):
        (res / "kb" / f).write_bytes((K.kb_dir() / f).read_bytes())
    monkeypatch.setattr(C, "kb_dir", lambda: res / "kb")
    return res / "kb"


def test_an_edited_bundled_civic_file_is_validated_again(tmp_path, kb, monkeypatch):
    d = _copy_resources(tmp_path, monkeypatch)
    data = yaml.safe_load((d / C.CIVIC_FILE).read_text())
    data["statements"][0]["effect"] = "not-an-effect"
    (d / C.CIVIC_FILE).write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="invalid CIViC evidence file"):
        C.load_civic(d / C.CIVIC_FILE, kb)


def test_a_civic_kb_extra_file_is_validated_once_per_content(tmp_path, kb, monkeypatch):
    data = yaml.safe_load(C.bundled_civic_path().read_text())
    bad = tmp_path / "bad_civic.yaml"
    broken = {**data, "summary": {**data["summary"], "rows": "many"}}
    bad.write_text(yaml.safe_dump(broken))
    for _ in range(2):  # an invalid file is never remembered as valid
        with pytest.raises(InputError, match="invalid CIViC evidence file"):
            C.load_civic(bad, kb)
    calls = []
    real = C.validate_civic_doc
    monkeypatch.setattr(C, "validate_civic_doc", lambda d, p: (calls.append(p), real(d, p)))
    good = tmp_path / "civic_extra.yaml"
    good.write_text(yaml.safe_dump(data))
    C.load_civic(good, kb)
    C.load_civic(good, kb)
    assert calls == [str(good)]
    data["version"] = "civic-2099-01-01"  # new content: validated again
    good.write_text(yaml.safe_dump(data))
    C.load_civic(good, kb)
    assert calls == [str(good), str(good)]
