"""One error type for everything a user can get wrong.

Every message is one line: the file, the line (where there is one), what is wrong and what to do.
The CLI turns these into that line on stderr and a non-zero exit; nothing else should ever reach the
user as a bare traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with something the user gave us (file, sheet, config)."""

    def __init__(self, what: str, *, path: str | None = None, line: int | None = None, fix: str | None = None):
        self.what = what
        self.path = path
        self.line = line
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        msg = f"{where}{self.what}"
        if self.fix:
            msg += f" ({self.fix})"
        # Input-derived text may carry newlines; the contract is one line.
        return " ".join(msg.split("\n"))
