"""Outputs before/after a change that only adds JSON keys: run the demo samples, their cohort report and the
accepted bad-input cases in one process, then save the outputs or compare them with a saved run
(benchmarks/compare_outputs.py compares whole trees byte for byte; this one leaves named new keys out).

    python benchmarks/compare_new_keys.py --save /tmp/before        # on the old code
    python benchmarks/compare_new_keys.py --against /tmp/before     # on the new code: exit 1 on any difference

JSON is compared after dropping the keys named by --ignore-key (new additive keys, default ``protein_edit``);
``.gz`` outputs are compared decompressed; everything else byte by byte. Runs in one process.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _run(argv: list[str], cwd: Path) -> int:
    from alkannot.cli import main

    old = Path.cwd()
    os.chdir(cwd)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            try:
                return main(argv)
            except SystemExit as e:
                return int(e.code or 0)
    finally:
        os.chdir(old)


def produce(out: Path) -> None:
    # one resources folder for both runs, so the resource paths recorded in the JSON agree
    os.environ.setdefault("ALKANNOT_RESOURCES", str(REPO / "resources"))
    demo = out / "demo"
    _run(["annotate-batch", "--sheet", str(REPO / "config/samples.tsv"), "--outdir", str(demo)], REPO)
    jsons = sorted(str(p) for p in demo.glob("*/*.alkannot.json"))
    _run(["cohort-report", "--outdir", str(out / "cohort"), *jsons], REPO)
    for case in sorted((REPO / "tests/bad_inputs/accepted").iterdir()):
        spec = yaml.safe_load((case / "case.yaml").read_text())
        dest = out / "accepted" / case.name
        rc = _run(["annotate", *[str(a) for a in spec["args"]], "--out", str(dest)], case)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "exit_code").write_text(f"{rc}\n")


def _drop(obj, keys: set[str]):
    if isinstance(obj, dict):
        return {k: _drop(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(obj, list):
        return [_drop(v, keys) for v in obj]
    return obj


def _content(path: Path, ignore: set[str]) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if path.suffix == ".json" and ignore:
        data = json.dumps(_drop(json.loads(data), ignore), sort_keys=True, indent=1).encode()
    return data


def compare(before: Path, after: Path, ignore: set[str]) -> list[str]:
    names = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    names |= {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    diffs = []
    for rel in sorted(names):
        a, b = before / rel, after / rel
        if rel.suffix in (".tbi", ".csi"):
            continue  # an index follows its compressed file
        if not a.exists() or not b.exists():
            diffs.append(f"{rel}: only in {'after' if b.exists() else 'before'}")
        elif _content(a, ignore) != _content(b, ignore):
            diffs.append(f"{rel}: differs")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path, help="write this run's outputs here")
    g.add_argument("--against", type=Path, help="compare this run's outputs with a saved run")
    ap.add_argument("--ignore-key", action="append", default=None,
                    help="JSON key left out of the comparison (repeatable; default protein_edit)")
    a = ap.parse_args()
    if a.save:
        if a.save.exists():
            shutil.rmtree(a.save)
        produce(a.save)
        print(f"saved {sum(1 for p in a.save.rglob('*') if p.is_file())} files to {a.save}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        produce(Path(tmp))
        diffs = compare(a.against, Path(tmp), set(a.ignore_key or ["protein_edit"]))
        n = sum(1 for p in Path(tmp).rglob("*") if p.is_file())
    print("\n".join(diffs) if diffs else f"identical: {n} files (ignoring {a.ignore_key or ['protein_edit']})")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
