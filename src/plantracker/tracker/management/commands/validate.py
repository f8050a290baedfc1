"""`plantracker validate PLAN` (docs/plan-file.md#errors).

An invalid file: every error on stderr, one per line, exit 1. A valid one: a line saying so
with its size, then the data-quality problems of the latest period (or ``--period``) as the
domain's ``evaluate`` finds them; exit 0, since problems are warnings, not errors.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind
from plantracker.domain.periods import UnknownPeriod
from plantracker.tracker.management.commands._plan_argument import load_plan_argument


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Command(BaseCommand):
    help = "Check a plan file: list every error (exit 1) or the latest period's problems."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", metavar="PLAN", help="plan file (.yaml) or a plan's slug")
        parser.add_argument(
            "--period",
            metavar="ID",
            help="the period whose problems to list (default: the plan's latest)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = load_plan_argument(options["plan"])
        items = sum(len(rec.items(kind)) for rec in plan.recommendations for kind in Kind)
        self.stdout.write(
            f"{options['plan']}: valid — {_plural(len(plan.recommendations), 'recommendation')}, "
            f"{_plural(items, 'item')}, {_plural(len(plan.periods), 'period')}"
        )
        if not plan.periods and not options["period"]:
            self.stdout.write("The plan has no periods, so there are no problems to list.")
            return
        period_id = options["period"] or plan.periods[-1].id
        try:
            result = evaluate(plan, period_id)
        except UnknownPeriod as exc:
            raise CommandError(str(exc)) from None
        period = result.period
        if not result.problems:
            self.stdout.write(f"No problems in {period.label} ({period.id}).")
            return
        self.stdout.write(
            f"{_plural(len(result.problems), 'problem')} in {period.label} ({period.id}):"
        )
        for problem in result.problems:
            self.stdout.write(f"  {problem.where}: {problem.message}")
