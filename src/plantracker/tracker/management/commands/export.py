"""`plantracker export PLAN --format FORMAT -o FILE`.

PLAN is a plan file or the slug of a plan in the database; the plan is written in FORMAT,
all at once or not at all (each writer writes a temporary file and renames it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.domain.model import Plan
from plantracker.planfile import dump_plan
from plantracker.planfile.xlsx import dump_workbook
from plantracker.tracker.management.commands._plan_argument import load_plan_argument

# Format name → writer(plan, path). Each writer must write atomically.
WRITERS: dict[str, Callable[[Plan, str | os.PathLike[str]], None]] = {
    "yaml": dump_plan,
    "xlsx": dump_workbook,
}


class Command(BaseCommand):
    help = "Write a plan (a file or a plan in the database) as a plan file."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", metavar="PLAN", help="plan file or a plan's slug")
        parser.add_argument(
            "--format",
            required=True,
            dest="file_format",
            metavar="FORMAT",
            help="output format: " + ", ".join(WRITERS),
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        writer = WRITERS.get(options["file_format"])
        if writer is None:
            raise CommandError(
                f"unknown format {options['file_format']!r}; the formats are: {', '.join(WRITERS)}"
            )
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"{output}: is a folder; give the file name to write")
        if not output.parent.is_dir():
            raise CommandError(f"{output}: the folder {output.parent} does not exist")
        plan = load_plan_argument(options["plan"])
        try:
            writer(plan, output)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write: {exc.strerror or exc}") from None
        self.stdout.write(f"{output}: {options['file_format']} plan file, {_size(output)}")


def _size(path: Path) -> str:
    return f"{path.stat().st_size:,} bytes"
