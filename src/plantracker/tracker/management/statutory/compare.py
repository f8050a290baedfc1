"""``plantracker statutory compare``: published comparators into a stored plan's KPIs.

Thin: parses the arguments, reads the figures from the store
(``plantracker.statutory.plan_comparators``) and writes them through
``services.comparators`` as the named user. Every refusal is collected and printed one line
each before anything is written (ADR 0017).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from plantracker.statutory.plan_comparators import (
    KpiComparators,
    plan_comparators,
)
from plantracker.tracker.management.commands._plan_argument import active_user, stored_plan
from plantracker.tracker.management.statutory.common import add_store_argument, shown, store
from plantracker.tracker.services import ServiceError
from plantracker.tracker.services.comparators import (
    check_may_set,
    comparators_refusals,
    kpi_comparators_set,
)

HELP = "write published England, region and neighbours' figures into a stored plan's KPIs"


def _figure(text: str) -> tuple[str, str]:
    ref, equals, column = text.partition("=")
    if not equals or not ref.strip() or not column.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not REF=COLUMN (a KPI's ref, '=', a column of the published figures)"
        )
    return ref.strip(), column.strip()


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    compare = subparsers.add_parser("compare", help=HELP, description=HELP + ".")
    add_store_argument(compare)
    compare.add_argument("plan", metavar="PLAN", help="the slug of a plan in the database")
    compare.add_argument(
        "--published",
        required=True,
        metavar="TIME_PERIOD",
        help="the published period, as in the CSV's time_period column (e.g. 202324)",
    )
    compare.add_argument("--la", required=True, help="the authority's code (old or new)")
    compare.add_argument(
        "--neighbours",
        default="",
        help="comma-separated codes of the statistical neighbours (default: none)",
    )
    compare.add_argument(
        "--figure",
        type=_figure,
        action="append",
        required=True,
        metavar="REF=COLUMN",
        help="a KPI and the published column that holds it; repeat for each KPI",
    )
    compare.add_argument(
        "--user", required=True, metavar="USERNAME", help="who sets them: a lead of the plan"
    )


def _line(found: KpiComparators, neighbours: Sequence[str], changed: bool) -> str:
    published, plan = found.published, found.comparators
    region = published.region_name or "region"
    mean = (
        f"mean of {published.neighbours_used} of {len(neighbours)}" if neighbours else "none given"
    )
    return (
        f"{found.ref} ({published.indicator}, {plan.label}): England {shown(plan.england)}, "
        f"{region} {shown(plan.region)}, statistical neighbours {shown(plan.neighbours)} "
        f"({mean}){'' if changed else ' — unchanged'}"
    )


def run(options: Mapping[str, Any]) -> list[str]:
    """The lines to print (StatutoryError propagates to the command's handler)."""
    figures: list[tuple[str, str]] = options["figure"]
    neighbours = tuple(c.strip() for c in options["neighbours"].split(",") if c.strip())
    try:
        record = stored_plan(options["plan"], "compare writes comparators")
        user = active_user(options["user"], record)
        check_may_set(user, record)
        refs = [ref for ref, _column in figures]
        problems = [f"{ref}: given twice" for ref in dict.fromkeys(refs) if refs.count(ref) > 1]
        problems += comparators_refusals(
            plan=record, refs=list(dict.fromkeys(refs)), figures=dict(figures)
        )
    except ServiceError as exc:
        raise CommandError("\n".join(exc.messages)) from None
    except DatabaseError as exc:
        raise CommandError(
            f"the database cannot be read ({exc}); run `plantracker migrate` first"
        ) from None
    if problems:
        raise CommandError("\n".join(problems))
    published, la = options["published"], options["la"]
    found = plan_comparators(store(options), dict(figures), published, la, neighbours)
    try:
        written = kpi_comparators_set(
            actor=user,
            plan=record,
            comparators={kpi.ref: kpi.comparators for kpi in found},
            reason=f"comparators set from published {published} figures",
        )
    except ServiceError as exc:
        raise CommandError("\n".join(exc.messages)) from None
    lines = [
        _line(kpi, neighbours, result.changed) for kpi, result in zip(found, written, strict=True)
    ]
    changed = sum(1 for result in written if result.changed)
    if changed:
        lines.append(
            f"{changed} of {len(written)} KPI(s) changed in plan {record.slug} by "
            f"{user.username}, each recorded in the KPI's history"
        )
    else:
        lines.append(f"nothing changed: the KPIs of plan {record.slug} held these figures")
    return lines
