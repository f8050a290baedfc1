"""``plantracker statutory apply PLAN --period ID --user USERNAME [--la CODE]``: the command's half
of docs/statutory.md#into-the-plan (the service is services/statutory.py). Finds the plan, period,
user and authority, computes the period's values (``computed_kpi_values``) and hands them to the
``statutory_apply`` service; prints one line per KPI. Every refusal is a CommandError, one line per
problem.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError
from django.urls import reverse

from plantracker.domain.computed import DataQuality
from plantracker.statutory import compute_indicators, computed_kpi_values, statutory_kpis
from plantracker.statutory.indicators import Indicator
from plantracker.statutory.scope import choose_authority
from plantracker.statutory.validation_store import indicator_quality
from plantracker.tracker.management.commands._plan_argument import active_user, stored_plan
from plantracker.tracker.management.statutory.common import add_store_argument, la_code, store
from plantracker.tracker.models import Period, PlanRecord
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.selectors.computed import review_flag
from plantracker.tracker.selectors.workflow import period_by_code, plan_periods
from plantracker.tracker.services import ServiceError
from plantracker.tracker.services.statutory import Applied, Outcome, statutory_apply


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    apply = subparsers.add_parser(
        "apply",
        help="submit the period's computed values of a plan's statutory KPIs for review",
    )
    apply.add_argument("plan", metavar="PLAN", help="the plan's slug in the database")
    add_store_argument(apply)
    apply.add_argument("--period", required=True, metavar="ID", help="the plan's period")
    apply.add_argument(
        "--user", required=True, metavar="USERNAME", help="who submits them (a lead or owner)"
    )
    apply.add_argument(
        "--la", type=la_code, default=None, help="the plan's authority (default: the store's only)"
    )
    apply.add_argument(
        "--replace-manual",
        action="store_true",
        help="replace values entered by hand that differ from the computed ones",
    )


def _period(record: PlanRecord, code: str) -> Period:
    period = period_by_code(plan_record=record, code=code)
    if period is None:
        codes = ", ".join(plan_periods(plan_record=record).values_list("code", flat=True))
        raise CommandError(f"plan {record.slug} has no period '{code}' (periods: {codes})")
    return period


def _figures(result: Indicator) -> str:
    if result.suppressed:
        return "suppressed (a count of 1 to 5)"
    if result.numerator is None:
        return "—"
    if result.denominator is None:
        return str(result.numerator)
    return f"{result.numerator}/{result.denominator}"


def _shown(applied: Applied) -> str:
    value = applied.value
    if value.display:
        return value.display
    return "not available" if value.value is None else str(value.value)


def _outcome(applied: Applied) -> str:
    return f"{applied.outcome} ({applied.note})" if applied.note else str(applied.outcome)


def _lines(applied: list[Applied], results: Mapping[str, Indicator]) -> list[str]:
    rows = [
        (
            f"KPI {a.ref}",
            a.indicator,
            _shown(a),
            _figures(results[a.indicator]),
            _outcome(a),
        )
        for a in applied
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)), row[4]]
        )
        for row in rows
    ]
    # Why a figure is not available, or what it may miss: as `statutory indicators` says.
    lines.extend(
        f"note (KPI {a.ref}, {a.indicator}): {note}"
        for a in applied
        for note in results[a.indicator].notes
    )
    return lines


def _quality_lines(applied: list[Applied], quality: Mapping[str, DataQuality | None]) -> list[str]:
    """Each value's data quality (docs/statutory.md#data-quality), flagged above the threshold."""
    lines = []
    for a in applied:
        known = quality.get(a.indicator)
        if known is None:
            lines.append(
                f"data quality (KPI {a.ref}, {a.indicator}): not known, its returns were not "
                "validated as loaded (load them again with the DfE validators installed)"
            )
            continue
        flag = review_flag(known)
        flagged = (
            f": more than {flag.threshold.normalize():f}%, flagged on the Review page"
            if flag is not None
            else ""
        )
        lines.append(f"data quality (KPI {a.ref}, {a.indicator}): {known.words}{flagged}")
    return lines


def run(options: Mapping[str, Any]) -> list[str]:
    """The lines to print; CommandError (via StatutoryError or ServiceError) when refused."""
    returns = store(options)
    record = stored_plan(options["plan"], "apply writes")
    period = _period(record, options["period"])
    user = active_user(options["user"], record)
    la = choose_authority(returns, options["la"])
    plan = plan_domain(plan_record=record)
    if not statutory_kpis(plan):
        raise CommandError(
            f"plan {record.slug} has no KPI with `source: statutory:<indicator>`; "
            "add the source to the KPIs computed from the returns"
        )
    results = compute_indicators(returns, period.end, la)
    quality = indicator_quality(returns, period.end, la)
    values = computed_kpi_values(plan, results, period.end, quality)
    try:
        applied = statutory_apply(
            actor=user,
            plan_record=record,
            period=period,
            values=values,
            replace_manual=options["replace_manual"],
        )
    except ServiceError as exc:
        raise CommandError("\n".join([*exc.messages, "nothing was written"])) from None
    lines = [
        f"authority {la}, 12 months to {period.end.isoformat()} (period {period.code} of "
        f"{record.slug}), as {user.username}:",
        *_lines(applied, results),
        *_quality_lines(applied, quality),
    ]
    submitted = sum(1 for a in applied if a.outcome is Outcome.SUBMITTED)
    if submitted:
        review = reverse("web:review", args=[record.slug, period.code])
        lines.append(
            f"{submitted} value(s) submitted for review: a lead of the plan other than "
            f"{user.username} approves them on the Review page ({review})"
        )
    else:
        lines.append("nothing new to review")
    waiting = sum(1 for a in applied if a.with_owner)
    if waiting:
        lines.append(
            f"{waiting} value(s) are drafts (or returned) with their owners: they are reported "
            "once submitted and approved"
        )
    return lines
