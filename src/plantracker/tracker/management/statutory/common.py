"""What the ``statutory`` subcommands share: argument types, the store, output, refusals."""

from __future__ import annotations

import argparse
import io
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from rich.console import Console


class PartlyDone(CommandError):
    """A refusal after part of the work was done: ``lines`` report it, printed first."""

    def __init__(self, message: str, lines: list[str]) -> None:
        super().__init__(message)
        self.lines = lines


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def la_code(text: str) -> str:
    if not (len(text) == 3 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a three-digit authority code")
    return text


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="the DuckDB store (default: VAR_DIR/statutory.duckdb)",
    )


def store(options: Mapping[str, Any]) -> Path:
    """The ``--store`` given, or the default one in VAR_DIR."""
    given: Path | None = options["store"]
    return given or Path(settings.VAR_DIR) / "statutory.duckdb"


def rendered(*renderables: Any) -> list[str]:
    """Rendered with rich (100 columns, no colour) into the lines of text to print."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, highlight=False, soft_wrap=False)
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue().split("\n")[:-1]


def shown(value: Decimal | None) -> str:
    """A published figure as the commands print it."""
    return "not published" if value is None else str(value)
