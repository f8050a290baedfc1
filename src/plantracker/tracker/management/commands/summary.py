"""`plantracker summary PLAN --period ID [--json]`.

A thin edge: load the plan, call the domain's ``evaluate`` and print either the domain's
``summary_dict`` as JSON or a readable table of the same result. No rule is computed here.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import STATUS_ORDER, Box, Direction, Kind, NaReason, Status
from plantracker.domain.periods import UnknownPeriod
from plantracker.domain.results import Counts, PeriodResult
from plantracker.domain.summary import summary_dict
from plantracker.tracker.management.commands._plan_argument import load_plan_argument

# Colour helps on a terminal; the word is always printed too, so nothing relies on it.
_STYLE = {
    Status.GREEN: "green",
    Status.AMBER: "yellow",
    Status.RED: "bold red",
    Status.BLUE: "blue",
}
_COLUMN = {
    Status.GREEN: "G",
    Status.AMBER: "A",
    Status.RED: "R",
    Status.BLUE: "B",
    Status.NONE: "None",
    Status.NA: "N/A",
    Status.MISSING: "Missing",
}
_KIND = {
    Kind.ACTION: "Actions",
    Kind.KPI: "KPIs",
    Kind.QUALITY: "Quality",
    Kind.FEEDBACK: "Feedback",
}
_PLAIN_WIDTH = 120


class Command(BaseCommand):
    help = "Print a period's counts, statuses, directions, overrides and problems."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", metavar="PLAN", help="plan file (.yaml) or a plan's slug")
        parser.add_argument("--period", required=True, metavar="ID", help="period id")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the JSON document"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = load_plan_argument(options["plan"], period=options["period"])
        try:
            result = evaluate(plan, options["period"])
        except UnknownPeriod as exc:
            raise CommandError(str(exc)) from None
        if options["as_json"]:
            self.stdout.write(json.dumps(summary_dict(result), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(render(result, terminal=self.stdout.isatty()), ending="")


def render(result: PeriodResult, *, terminal: bool = False) -> str:
    """The summary as text: rich tables, with colour codes only on a terminal."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=terminal,
        no_color=not terminal,
        width=None if terminal else _PLAIN_WIDTH,
        highlight=False,
        emoji=False,
    )
    period = result.period
    console.print(Text(f"{result.plan.title} — {period.label} ({period.id})", style="bold"))
    overall = result.overall
    line = Text("Overall: ")
    line.append_text(_status(overall.status, overall.na_reason))
    if overall.overridden:
        line.append(f" (set by hand; calculated {overall.calculated})")
    line.append("   previous: ")
    line.append_text(_status(overall.previous))
    line.append(f"   direction: {_direction(overall.direction)}")
    console.print(line)
    for section in (
        _boxes(result),
        _workstreams(result),
        _most_concern(result),
        _overrides(result),
        _problems(result),
    ):
        console.print()
        console.print(section)
    text = buffer.getvalue()
    if terminal:
        return text
    # rich pads titles and cells to the table's width; a file or pipe gets clean lines.
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def _status(status: Status | None, reason: NaReason | None = None) -> Text:
    """A status cell; ``na`` says why (docs/rules.md#na-reasons): ``na (Not applicable)``."""
    if status is None:
        return Text("–")
    text = status.value if reason is None else f"{status.value} ({reason.word})"
    return Text(text, style=_STYLE.get(status, ""))


def _direction(direction: Direction | None) -> str:
    return direction.value if direction is not None else "–"


def _boxes(result: PeriodResult) -> Table:
    table = Table(title="Overview", title_justify="left")
    for heading in ("Box", "Status", "Calculated", "Previous", "Direction", "Reason"):
        table.add_column(heading)
    for box in Box:
        outcome = result.boxes[box]
        table.add_row(
            Text(box.value.capitalize()),
            _status(outcome.status, outcome.na_reason),
            _status(outcome.calculated),
            _status(outcome.previous),
            Text(_direction(outcome.direction)),
            Text(outcome.reason or ""),
        )
    return table


def _counts_cells(counts: Counts) -> list[Text]:
    cells = [Text(str(counts.count))]
    cells += [Text(str(counts[status]) if counts[status] else "·") for status in STATUS_ORDER]
    cells.append(_status(counts.status))
    return cells


def _workstreams(result: PeriodResult) -> Table:
    table = Table(title="Workstreams: items by status", title_justify="left")
    table.add_column("Recommendation")
    table.add_column("Overall, DoT")
    table.add_column("Kind")
    table.add_column("Items", justify="right")
    for status in STATUS_ORDER:
        table.add_column(_COLUMN[status], justify="right")
    table.add_column("Status")
    last = len(Kind) - 1
    for rec in result.recommendations:
        # The recommendation's own roll-up on its first row, its direction on the second.
        overall = [_status(rec.status), Text(_direction(rec.direction))]
        for position, kind in enumerate(Kind):
            table.add_row(
                Text(f"{rec.number}. {rec.recommendation.title}" if position == 0 else ""),
                overall[position] if position < len(overall) else Text(""),
                Text(_KIND[kind]),
                *_counts_cells(rec.kinds[kind]),
                end_section=position == last,
            )
    for position, kind in enumerate(Kind):
        first = position == 0
        table.add_row(
            Text("All recommendations" if first else "", style="bold"),
            _status(result.overall.calculated) if first else Text(""),
            Text(_KIND[kind]),
            *_counts_cells(result.totals[kind]),
        )
    return table


def _most_concern(result: PeriodResult) -> Text:
    if not result.most_concern:
        return Text("Recommendations of most concern: none has a red item.")
    by_number = {rec.number: rec for rec in result.recommendations}
    names = [
        f"{number}. {by_number[number].recommendation.title} ({by_number[number].red_items} red)"
        for number in result.most_concern
    ]
    return Text("Recommendations of most concern: " + "; ".join(names))


def _overrides(result: PeriodResult) -> Table | Text:
    rows = [
        (f"{item.kind.label} {item.ref}", item.status, item.calculated, item.reason)
        for item in result.items()
        if item.overridden
    ]
    rows += [
        (f"Overview box {box.value}", outcome.status, outcome.calculated, outcome.reason)
        for box, outcome in result.boxes.items()
        if outcome.overridden
    ]
    if not rows:
        return Text("Overrides: none.")
    table = Table(title="Overrides", title_justify="left")
    for heading in ("Item", "Shown", "Calculated", "Reason"):
        table.add_column(heading)
    for where, shown, calculated, reason in rows:
        table.add_row(
            Text(where),
            _status(shown),
            _status(calculated),
            Text(reason or "(no reason given)"),
        )
    return table


def _problems(result: PeriodResult) -> Table | Text:
    if not result.problems:
        return Text("Problems: none.")
    table = Table(title=f"Problems ({len(result.problems)})", title_justify="left")
    table.add_column("Where")
    table.add_column("Problem")
    for problem in result.problems:
        table.add_row(Text(problem.where), Text(problem.message))
    return table
