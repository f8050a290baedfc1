"""The subcommands of ``plantracker statutory``, one module each, all of the same shape.

``add_parser(subparsers)`` adds the subcommand and its arguments; ``run(options)`` does it
and returns the lines to print. A refusal is a ``CommandError`` (or a ``StatutoryError``,
which the command turns into one), one line per problem; ``PartlyDone`` is a refusal after
some work was done and reported, its lines printed before the message. The command itself,
``tracker/management/commands/statutory.py``, only wires them together.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any, Protocol

from plantracker.tracker.management.statutory import (
    apply,
    benchmarks,
    compare,
    indicators,
    load,
    synth,
    validate,
)


class Subcommand(Protocol):
    def add_parser(self, subparsers: argparse._SubParsersAction[Any]) -> None: ...

    def run(self, options: Mapping[str, Any]) -> list[str]: ...


# In the order ``plantracker statutory --help`` lists them.
SUBCOMMANDS: dict[str, Subcommand] = {
    "synth": synth,
    "load": load,
    "indicators": indicators,
    "benchmarks": benchmarks,
    "apply": apply,
    "compare": compare,
    "validate": validate,
}

__all__ = ["SUBCOMMANDS", "Subcommand"]
