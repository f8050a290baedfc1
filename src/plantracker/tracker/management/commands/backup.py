"""`plantracker backup -o FILE` (ADR 0060): every row of the application's
data, read in one transaction, written to FILE all at once (never a partial file).

The file restores with `plantracker restore FILE` into SQLite or PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from plantracker.tracker.services.backup import backup_write


class Command(BaseCommand):
    help = "Write a backup of the whole database (plans, updates, audit trail, accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="backup file to write (.json)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"{output}: is a folder; give the file name to write")
        if not output.parent.is_dir():
            raise CommandError(f"{output}: the folder {output.parent} does not exist")
        try:
            summary = backup_write(path=output)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write: {exc.strerror or exc}") from None
        except DatabaseError as exc:
            raise CommandError(f"cannot read the database: {exc}".strip()) from None
        self.stdout.write(
            f"{output}: backup of {summary.total:,} rows from {len(summary.rows)} tables, "
            f"{output.stat().st_size:,} bytes"
        )
