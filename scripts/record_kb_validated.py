"""Validate the bundled knowledge base against its schema and record the digest of what was validated.

    .venv/bin/python scripts/record_kb_validated.py

alkannot then skips re-validating the bundled KB in every sample process (it checks the digest of the
KB + schema bytes against resources/kb/alk_kb.validated.sha256; any edit makes it validate again at run
time). tests/interpret/test_kb_validated.py fails until this is re-run after editing the KB or its schema.
"""

from __future__ import annotations

import sys

from alkannot.interpret import kb


def main() -> int:
    path = kb.kb_dir() / kb.KB_FILE
    kb._validate_now(kb._read(path), path)  # raises InputError naming the statement when invalid
    out = kb.kb_dir() / kb.VALIDATED_FILE
    out.write_text(f"{kb.content_digest(path)}  {kb.KB_FILE} + {kb.SCHEMA_FILE}\n")
    print(f"{path} is valid; recorded its digest in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
