"""`plantracker report PLAN --period ID --format FORMAT -o FILE`.

A thin edge: load the plan, evaluate the period, build the report model once, render it in
memory with the format's renderer from ``reports.registry.RENDERERS``, and only then write
the file — to a temporary file in the target folder, moved into place with ``os.replace``,
so a failure at any step leaves no partial report behind (and never clobbers an earlier
good one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.domain.evaluate import evaluate
from plantracker.domain.periods import UnknownPeriod
from plantracker.files import write_atomically
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.management.commands._plan_argument import load_plan_argument


class Command(BaseCommand):
    help = "Write the quarterly update report of a period as HTML or PDF."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", metavar="PLAN", help="plan file (.yaml) or a plan's slug")
        parser.add_argument("--period", required=True, metavar="ID", help="period id")
        parser.add_argument(
            "--format",
            required=True,
            dest="report_format",
            metavar="FORMAT",
            help="output format: " + ", ".join(RENDERERS),
        )
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="the file to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        renderer = RENDERERS.get(options["report_format"])
        if renderer is None:
            raise CommandError(
                f"unknown format {options['report_format']!r}; "
                f"the formats are: {', '.join(RENDERERS)}"
            )
        output = Path(options["output"])
        _check_target(output)
        plan = load_plan_argument(options["plan"], period=options["period"])
        try:
            result = evaluate(plan, options["period"])
        except UnknownPeriod as exc:
            raise CommandError(str(exc)) from None
        try:
            content = renderer.render(build_report(result))
        except Exception as exc:  # a renderer bug must not look like a crash to the user
            raise CommandError(
                f"could not render the {renderer.name} report: {exc} "
                "(run with --traceback for details)"
            ) from exc
        try:
            write_atomically(output, content)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CommandError(f"{output}: cannot write the report: {reason}") from None
        self.stdout.write(f"{output}: {renderer.name} report, {len(content):,} bytes")


def _check_target(output: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    if output.is_dir():
        raise CommandError(f"{output}: is a folder; give the report's file name")
    folder = output.parent
    if not folder.is_dir():
        raise CommandError(f"{output}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(f"{output}: the folder {folder} is not writable")
