"""Refresh what is computed once at build time instead of in every sample process:

    .venv/bin/python scripts/refresh_precomputed.py

1. validates the bundled knowledge base against its schema and records the digest of what was validated
   (resources/kb/alk_kb.validated.sha256): a sample run skips re-validating a KB whose bytes match;
2. validates the bundled CIViC evidence (resources/kb/civic.yaml) against civic.schema.json and records
   its digest the same way (resources/kb/civic.validated.sha256);
3. generates the compiled output-JSON validator (src/alkannot/schemas/_validator.py, fastjsonschema code
   for alkannot.schema.json, with the schema's digest): used when the schema still has that digest.

Any of them going stale only costs time (the run validates / compiles itself); the test suite
(tests/interpret/test_kb_validated.py, tests/civic/test_civic_validated.py,
tests/report/test_output_validator.py) fails until this is re-run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alkannot.interpret import civic, kb
from alkannot.report import outputs


def main() -> int:
    path = kb.kb_dir() / kb.KB_FILE
    kb._validate_now(kb._read(path), path)  # raises InputError naming the statement when invalid
    out = kb.kb_dir() / kb.VALIDATED_FILE
    out.write_text(f"{kb.content_digest(path)}  {kb.KB_FILE} + {kb.SCHEMA_FILE}\n")
    print(f"{path} is valid; recorded its digest in {out}", file=sys.stderr)
    cpath = civic.bundled_civic_path()
    civic.validate_civic_doc(civic.load_yaml(cpath.read_text()), str(cpath))  # raises InputError when invalid
    cout = kb.kb_dir() / civic.VALIDATED_FILE
    cout.write_text(f"{civic.civic_digest(cpath)}  {civic.CIVIC_FILE} + {civic.CIVIC_SCHEMA}\n")
    print(f"{cpath} is valid; recorded its digest in {cout}", file=sys.stderr)
    gen = Path(outputs.__file__).resolve().parents[1] / "schemas" / "_validator.py"
    gen.write_text(outputs.generated_validator_source())
    print(f"wrote {gen}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
