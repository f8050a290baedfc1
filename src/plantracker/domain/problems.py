"""Data-quality problems of one period (docs/rules.md#problems).

A problem is a warning about the chosen period, never a crash: an override without a
reason, a red or amber action or measure without commentary, a missing update, an action
past its ``due`` date and not ``blue``. Each names where it is (``KPI 9.K2, 2018-19-Q2``).
"""

from __future__ import annotations

from datetime import date

from plantracker.domain.model import Action, Kind, Period, Status
from plantracker.domain.results import BoxResult, ItemResult, Problem, RiskResult

_NEEDS_COMMENTARY = frozenset({Status.RED, Status.AMBER})


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def is_past_due(action: Action, period: Period) -> bool:
    """True when the action's ``due`` date is before the period's end (ADR 0009).

    "Past its due date" is judged at the end of the period being reported, so the same
    data always gives the same problems whenever the report is produced.
    """
    return action.due is not None and action.due < period.end


def _override(result: ItemResult | BoxResult) -> str:
    """``status set to Green by hand without a reason; the rules give Amber``: the statuses
    in the report's words, never their codes (docs/rules.md#problems)."""
    return (
        f"status set to {result.status.word} by hand without a reason; "
        f"the rules give {result.calculated.word}"
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def item_problems(result: ItemResult, period: Period) -> list[Problem]:
    """Problems of one item existing in ``period`` (docs/rules.md#problems)."""
    where = f"{result.kind.label} {result.ref}, {period.id}"
    problems: list[Problem] = []
    if result.overridden and _blank(result.reason):
        problems.append(Problem(where, _override(result)))
    if result.status is Status.MISSING:
        what = "value" if result.kind is Kind.KPI else "update"
        problems.append(Problem(where, f"no {what} was given for this period"))
    if (
        result.kind is not Kind.KPI
        and result.status in _NEEDS_COMMENTARY
        and _blank(result.commentary)
    ):
        problems.append(Problem(where, f"{result.status.word} with no commentary"))
    item = result.item
    if (
        isinstance(item, Action)
        and item.due is not None
        and result.status is not Status.BLUE
        and is_past_due(item, period)
    ):
        problems.append(
            Problem(
                where,
                f"past its due date, {_long_date(item.due)}, and not marked complete "
                "at the end of the period",
            )
        )
    return problems


def box_problems(result: BoxResult, period: Period) -> list[Problem]:
    """A hand-set overview status that differs from the calculated one needs a reason
    (docs/rules.md#overview-boxes, docs/rules.md#problems)."""
    if result.overridden and _blank(result.reason):
        return [Problem(f"Overview box {result.box}, {period.id}", _override(result))]
    return []


def risk_problems(result: RiskResult, number: int, period: Period) -> list[Problem]:
    """A risk with no update for the period (ADR 0008), or whose status overrides the RAG
    its score derives without a reason (docs/rules.md#risk-scores); ``number`` is its
    place, from 1."""
    if result.overridden and result.reason is None:
        return [
            Problem(
                f"Risk {number}, {period.id}",
                f"the status {result.status.value} overrides the {result.derived} its score "
                f"{result.score} derives, without a reason ({result.risk.title})",
            )
        ]
    if result.status is Status.MISSING:
        return [
            Problem(
                f"Risk {number}, {period.id}",
                f"no update was given for this period ({result.risk.title})",
            )
        ]
    return []
