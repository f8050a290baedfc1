"""Writing computed statutory values into a plan's KPIs (ADR 0016).

``statutory_apply`` takes the values ``plantracker.statutory.computed_kpi_values`` gives for
one period and writes each through ``update_send`` (marked ``computed_from``, submitted):
the same permission checks, version checks, closed-period refusal and audit trail as a
person's update, so a lead approves them on the Review page like any other.

All or nothing (ADR 0016): every refusal is collected, one line per KPI, and raised together
having written nothing. A value already holding the same content is left alone; a value a
person entered by hand is replaced only when ``replace_manual`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction

from plantracker.domain import model as domain
from plantracker.domain.existence import exists_in
from plantracker.domain.model import Kind
from plantracker.domain.periods import PeriodIndex
from plantracker.statutory.plan_values import SOURCE_PREFIX, ComputedValue
from plantracker.tracker.models import (
    EntryState,
    Item,
    KpiValue,
    Period,
    PlanRecord,
    User,
)
from plantracker.tracker.selectors.plan_domain import plan_domain
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.sync import same
from plantracker.tracker.services.updates import locked_open_period, may_update, update_send
from plantracker.tracker.services.workflow_errors import NotAllowed


class Outcome(StrEnum):
    SUBMITTED = "submitted for review"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Applied:
    """What became of one KPI's computed value; ``note`` says why when it was not written."""

    ref: str
    indicator: str
    value: domain.KpiValue
    outcome: Outcome
    note: str | None = None
    # An unchanged entry that is a draft or returned: it is reported only once its owner
    # submits it and a lead approves it.
    with_owner: bool = False


def _same_figure(entry: KpiValue, value: domain.KpiValue) -> bool:
    return same(entry.value, value.value) and (entry.display or None) == value.display


def _same_content(entry: KpiValue, value: domain.KpiValue, computed_from: str) -> bool:
    """``entry`` already holds exactly what would be written."""
    return (
        _same_figure(entry, value)
        and entry.status is None
        and entry.reason is None
        and (entry.commentary or None) == value.commentary
        and entry.computed_from == computed_from
    )


def _figure(value: Decimal | None, display: str | None) -> str:
    if display:
        return display
    return "not available" if value is None else str(value)


_STATE_WORDS = {
    EntryState.DRAFT: "a draft",
    EntryState.SUBMITTED: "awaiting review",
    EntryState.RETURNED: "returned to its author",
    EntryState.APPROVED: "approved",
}


_WHO_MAY = " (a lead of the plan may, or the contributor linked to the KPI as its owner)"


class _Refused(Exception):
    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)


@dataclass(frozen=True)
class _Target:
    """One KPI to write: its records, and the computed value."""

    item: Item
    entry: KpiValue | None
    computed: ComputedValue
    where: str  # "KPI 1.K1, 2024-25-Q4"

    @property
    def mark(self) -> str:
        """``statutory:<indicator>``, with the data quality of its returns when known."""
        return self.computed.value.computed_from or f"{SOURCE_PREFIX}{self.computed.indicator}"

    def applied(self, outcome: Outcome, note: str | None = None) -> Applied:
        c = self.computed
        with_owner = self.entry is not None and self.entry.state in (
            EntryState.DRAFT,
            EntryState.RETURNED,
        )
        return Applied(c.ref, c.indicator, c.value, outcome, note, with_owner)


def _apply_one(actor: User, period: Period, target: _Target, replace_manual: bool) -> Applied:
    """Write one KPI's value, or say why not (``_Refused``)."""
    entry, value, where = target.entry, target.computed.value, target.where
    if not may_update(actor, target.item):
        # Checked first: nothing about the entry is told to someone who may not update it.
        raise _Refused([f"{where}: {actor.username} may not update it{_WHO_MAY}"])
    if entry is not None:
        state = _STATE_WORDS[EntryState(entry.state)]
        if _same_content(entry, value, target.mark):
            return target.applied(Outcome.UNCHANGED, state)
        if entry.computed_from is None and _same_figure(entry, value):
            return target.applied(
                Outcome.UNCHANGED, f"entered by hand with the same figure, {state}"
            )
        if entry.state == EntryState.SUBMITTED:
            raise _Refused(
                [
                    f"{where}: a different value awaits the lead's review; once it is approved "
                    "or returned, run apply again"
                ]
            )
        if entry.computed_from is None and not replace_manual:
            raise _Refused(
                [
                    f"{where}: holds a value entered by hand "
                    f"({_figure(entry.value, entry.display)}) that differs from the computed "
                    f"{_figure(value.value, value.display)}; give --replace-manual to replace it"
                ]
            )
    try:
        update_send(
            actor=actor,
            subject=target.item,
            period=period,
            expected_version=entry.version if entry is not None else 0,
            submit=True,
            value=value.value,
            display=value.display,
            commentary=value.commentary,
            computed_from=target.mark,
        )
    except ServiceError as exc:
        raise _Refused(_refusal_lines(actor, where, exc)) from None
    return target.applied(Outcome.SUBMITTED)


def _refusal_lines(actor: User, where: str, refusal: ServiceError) -> list[str]:
    """The service's refusal as the command's lines, each naming the KPI and period."""
    if isinstance(refusal, NotAllowed):
        return [f"{where}: {actor.username} may not update it{_WHO_MAY}"]
    return [m if m.startswith(where) else f"{where}: {m}" for m in refusal.messages]


@transaction.atomic
def statutory_apply(
    *,
    actor: User,
    plan_record: PlanRecord,
    period: Period,
    values: Sequence[ComputedValue],
    replace_manual: bool = False,
) -> list[Applied]:
    """Write ``values`` (computed for ``period``'s end) into the plan's KPIs as ``actor``.

    Per KPI: not running in the period → skipped; the same content already there (computed
    before, or entered by hand with the same figure) → unchanged; otherwise saved as a draft
    marked ``statutory:<indicator>`` and submitted for review. Refused, for the whole run:
    a closed period, an entry awaiting review, a figure entered by hand that differs (unless
    ``replace_manual``), a user who may not update the KPI, a concurrent change.
    """
    if period.plan_id != plan_record.pk:
        raise ServiceError(f"period {period.code} is not a period of plan {plan_record.slug}")
    period = locked_open_period(period)
    plan = plan_domain(plan_record=plan_record)
    periods = PeriodIndex(plan)
    index = periods.index(period.code)
    kpis = {kpi.ref: kpi for rec in plan.recommendations for kpi in rec.kpis}
    items = {
        item.ref: item
        for item in Item.objects.filter(
            plan=plan_record, kind=Kind.KPI, ref__in=[c.ref for c in values]
        )
    }
    entries = {
        entry.item_id: entry
        for entry in KpiValue.objects.filter(item__in=list(items.values()), period=period)
    }
    applied: list[Applied] = []
    problems: list[str] = []
    for computed in values:
        where = f"KPI {computed.ref}, {period.code}"
        kpi, item = kpis.get(computed.ref), items.get(computed.ref)
        if kpi is None or item is None:
            problems.append(f"{where}: no such KPI in plan {plan_record.slug}")
            continue
        target = _Target(item, entries.get(item.pk), computed, where)
        source = f"{SOURCE_PREFIX}{computed.indicator}"
        if kpi.source != source:
            problems.append(f"{where}: its source is {kpi.source or 'none'}, not {source}")
            continue
        if not exists_in(kpi, index, periods):
            applied.append(
                target.applied(Outcome.SKIPPED, f"the KPI does not run in {period.code}")
            )
            continue
        try:
            applied.append(_apply_one(actor, period, target, replace_manual))
        except _Refused as refused:
            problems.extend(refused.messages)
    if problems:
        raise ServiceError(problems)
    if any(one.outcome == Outcome.SUBMITTED for one in applied):
        # Submissions count once approved; the bump costs nothing and keeps the rule simple:
        # a run that wrote into the plan changes its data version.
        data_version_bump(plan_ids=[plan_record.pk])
    return applied
