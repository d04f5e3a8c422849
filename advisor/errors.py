"""Errors the advisor raises on purpose, each with the exit status it maps to.

    >>> raise InputError("answers.yaml", "deployment.mode: 'cloud' is not one of ...", line=7)
"""

from __future__ import annotations

from advisor.sanitize import clean_text

MAX_LINE = 1000     # a value quoted in a message (a 100 kB line, say) is cut to keep one line


class AdvisorError(Exception):
    """Base of every expected failure: printed as one line, never as a traceback. The
    message may quote outside text (a Hub card, a template's exception): ``str(exc)`` is
    always one line with no control, bidi or escape characters."""

    exit_status = 1

    def __str__(self) -> str:
        return clean_text(super().__str__(), newlines=False)


class InputError(AdvisorError):
    """Bad input from the user (a file, an argument, a field): exit status 2.

    The message reads ``FILE:LINE: FIELD: PROBLEM`` where the parts are known.
    """

    exit_status = 2

    def __init__(self, file: str | None, problem: str, *, line: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.problem, self.line, self.field = file, problem, line, field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        what = f"{self.field}: " if self.field else ""
        line = " ".join(clean_text(f"{where}{what}{self.problem}").splitlines())
        return line if len(line) <= MAX_LINE else line[:MAX_LINE - 3] + "..."


class OperationError(AdvisorError):
    """Something outside the user's input failed (network, model, checksum): exit status 1."""

    exit_status = 1


class RefusedError(AdvisorError):
    """A gate refused the request: the answers block the model (``pull --answers``), or a
    record would adopt a blocked or unknown model without ``--accept``: exit status 1."""

    exit_status = 1
