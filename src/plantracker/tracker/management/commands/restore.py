"""`plantracker restore FILE` (ADR 0060): replace the database's data with
a backup, all or nothing.

The schema is brought up to date first (`migrate`), so an empty database works; then one
transaction empties the application's tables and loads the backup's rows. A file that is
not a backup, is cut short, or holds a row that does not fit changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.tracker.services import ServiceError
from plantracker.tracker.services.backup import backup_read, backup_restore


class Command(BaseCommand):
    help = "Replace the database's data with a backup made by `plantracker backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="backup file (from plantracker backup)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            # Refuse a file that is not a backup before touching the schema.
            document = backup_read(path=path)
            call_command("migrate", interactive=False, verbosity=0)
            summary = backup_restore(document=document, where=str(path))
        except ServiceError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(
            f"restored {summary.total:,} rows into {len(summary.rows)} tables from {path}"
        )
