"""Status of an action, measure or risk from its updates (docs/rules.md#item-status).

An update gives the status (an update without one is a plan-file error, so every ``Update``
here has one). With no update for the period the item is ``missing``, or ``none`` when the
period is not in its ``expected`` periods. An action whose latest earlier update is ``blue``
stays ``blue`` (complete) until an update says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plantracker.domain.model import Action, Measure, Risk, Status, Update
from plantracker.domain.periods import PeriodIndex


@dataclass(frozen=True)
class UpdateOutcome:
    """The status an item shows in a period, and the update's commentary if it had one."""

    status: Status
    commentary: str | None
    updated: bool  # an update was given for the period itself


def latest_earlier_update(
    updates: Mapping[str, Update], periods: PeriodIndex, index: int
) -> Update | None:
    """The update of the latest period before position ``index`` that has one
    (docs/rules.md#completed-actions-stay-blue, ADR 0006)."""
    for earlier in range(index - 1, -1, -1):
        update = updates.get(periods.ids[earlier])
        if update is not None:
            return update
    return None


def item_status(item: Action | Measure, periods: PeriodIndex, index: int) -> UpdateOutcome:
    """An action's or measure's status in the period at ``index`` (docs/rules.md#item-status).

    The period's update if there is one; else ``blue`` for an action whose latest earlier
    update is ``blue`` (even in a period outside ``expected``: complete outranks "no update
    required", ADR 0006); else ``none`` outside ``expected``; else ``missing``.
    """
    update = item.updates.get(periods.ids[index])
    if update is not None:
        return UpdateOutcome(Status(update.status), update.commentary, updated=True)
    if isinstance(item, Action):
        earlier = latest_earlier_update(item.updates, periods, index)
        if earlier is not None and earlier.status == Status.BLUE:
            return UpdateOutcome(Status.BLUE, None, updated=False)
    if item.expected is not None and periods.ids[index] not in item.expected:
        return UpdateOutcome(Status.NONE, None, updated=False)
    return UpdateOutcome(Status.MISSING, None, updated=False)


def risk_status(risk: Risk, period_id: str) -> UpdateOutcome:
    """A risk's status in ``period_id``: its update's, else ``missing`` (ADR 0008).

    Risks have no ``expected`` periods and no ``from`` / ``until``, so a risk without an
    update is always ``missing``; a ``none`` or ``na`` update is simply not rated.
    """
    update = risk.updates.get(period_id)
    if update is None:
        return UpdateOutcome(Status.MISSING, None, updated=False)
    return UpdateOutcome(Status(update.status), update.commentary, updated=True)
