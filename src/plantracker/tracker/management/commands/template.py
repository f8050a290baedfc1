"""`plantracker template -o FILE.xlsx`: an empty, documented plan workbook to start from.

Every sheet of the plan workbook with its headings, drop-down lists and formats, and the
README sheet explaining each sheet and column (docs/plan-file.md#workbook-sheets). It holds no plan
yet: loading it says what to fill in first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.files import write_atomically
from plantracker.planfile.xlsx import SUFFIX, template_bytes
from plantracker.planfile.xlsx.layout import SHEETS


class Command(BaseCommand):
    help = "Write an empty plan workbook (.xlsx) with a README sheet explaining every column."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="the .xlsx file to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() != SUFFIX:
            raise CommandError(f"{output}: expected a file name ending {SUFFIX}")
        if output.is_dir():
            raise CommandError(f"{output}: is a folder; give the workbook's file name")
        if not output.parent.is_dir():
            raise CommandError(f"{output}: the folder {output.parent} does not exist")
        content = template_bytes()
        try:
            write_atomically(output, content)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write: {exc.strerror or exc}") from None
        self.stdout.write(
            f"{output}: empty plan workbook, {len(SHEETS)} sheets and a README, "
            f"{len(content):,} bytes"
        )
