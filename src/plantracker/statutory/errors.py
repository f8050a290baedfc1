"""Problems found in statutory returns, worded so that no child can be identified.

Every message names the file, the line and the element (XML) or column (CSV) and says what
is wrong. It never repeats a value from the file: a value may be a child's identifier or a
date of birth, and error messages end up in terminals, logs and tickets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A run of letters and digits holding several digits looks like an identifier (a local
# child id, a UPN); messages from third-party parsers are passed through this as a last
# line of defence, since their wording is not under our control.
_IDENTIFIER_LIKE = re.compile(
    r"[A-Za-z0-9]*\d[A-Za-z0-9]*\d[A-Za-z0-9]*\d[A-Za-z0-9]*\d[A-Za-z0-9]*"
)


def redact(text: str) -> str:
    """Replace identifier-like tokens (4+ digits in one alphanumeric run) with ``…``.

    Years ("2025") would match too; they carry no identity, but a message is read by a person
    who can live with ``line 12`` and ``…`` rather than risk echoing an id.
    """
    return _IDENTIFIER_LIKE.sub(lambda m: m.group(0) if len(m.group(0)) <= 4 else "…", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where (file, line, element or column) and what."""

    file: str
    message: str
    line: int | None = None
    element: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.element:
            where += f", {self.element}"
        return f"{where}: {self.message}"


class StatutoryError(Exception):
    """Raised with every problem found; ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(_line(p) for p in self.problems))


def _line(problem: Problem) -> str:
    return str(problem) if problem.file else problem.message


def display_name(path: Path) -> str:
    """How a file is named in messages: its path as the user gave it."""
    return str(path)
