"""Errors that make a plan file invalid (docs/plan-file.md#errors).

Each error names the file, the path inside the plan
(``recommendations[8].kpis[1].values.2018-19-Q2.value``) and what was expected and found.
A file's errors are collected and raised together, so one run shows them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanError:
    """One reason a plan file is refused; ``str()`` is ``file: path: message``."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.file, self.path, self.message) if part)


class PlanFileError(Exception):
    """A plan file was refused whole; ``errors`` lists every reason, in file order."""

    def __init__(self, errors: Iterable[PlanError]) -> None:
        self.errors: tuple[PlanError, ...] = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
