"""``plantracker statutory synth|load|indicators|benchmarks|apply|compare|validate``.

Thin: parses arguments, calls plantracker.statutory, prints. Every problem is a
CommandError with one line per problem; no child's identifier is ever printed. Each
subcommand is a module of ``plantracker.tracker.management.statutory``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.statutory import StatutoryError
from plantracker.tracker.management.statutory import SUBCOMMANDS
from plantracker.tracker.management.statutory.common import PartlyDone


class Command(BaseCommand):
    help = "Statutory returns (CIN census, SSDA903): synthesise, load, compute indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="action", required=True, metavar="|".join(SUBCOMMANDS)
        )
        for subcommand in SUBCOMMANDS.values():
            subcommand.add_parser(subparsers)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = SUBCOMMANDS[options["action"]].run(options)
        except PartlyDone as exc:
            self._write(exc.lines)
            raise CommandError(*exc.args) from None
        except StatutoryError as exc:
            raise CommandError(str(exc)) from None
        self._write(lines)

    def _write(self, lines: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)
