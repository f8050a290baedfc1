"""Who needs reminding: owners whose updates are missing after the
period's due date, and leads with updates awaiting review for more than two working days.

Whether an update is missing is the domain's verdict (an item or risk whose status in the
period is ``missing``), never recomputed here. An entry submitted and awaiting review is
not missing: the owner has done their part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from plantracker.domain.model import Status
from plantracker.domain.results import PeriodResult
from plantracker.tracker.models import (
    EntryState,
    Item,
    Membership,
    Period,
    PeriodState,
    PlanRecord,
    Risk,
    Role,
    User,
)
from plantracker.tracker.selectors.workflow import (
    Entry,
    entry_name,
    period_entries,
    period_result,
)

REVIEW_WORKING_DAYS = 2


def bank_holidays(start: date, today: date) -> Container[date]:
    """The bank holidays of the nation ``settings.BANK_HOLIDAYS`` names (England unless set),
    from the ``holidays`` library, which also knows one-off days such as a coronation."""
    if settings.BANK_HOLIDAYS == "none":
        return frozenset()
    years = range(start.year, today.year + 1)
    return holidays.country_holidays("GB", subdiv=settings.BANK_HOLIDAYS, years=years)


def working_days_since(start: date, today: date, closed: Container[date] = frozenset()) -> int:
    """Working days (Monday to Friday, not a day in ``closed``) after ``start`` up to and
    including ``today``.

    Submitted on a Friday, an update has waited 2 working days on Tuesday and 3 on
    Wednesday; over a bank holiday Monday, 2 on Wednesday.
    """
    days = 0
    day = start + timedelta(days=1)
    while day <= today:
        if day.weekday() < 5 and day not in closed:
            days += 1
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class MissingUpdate:
    """An item or risk with no update given (or none submitted) for the period."""

    name: str  # "Action 9.A1", "Risk 2"
    title: str
    owner: str | None  # the owner as the plan names them


@dataclass(frozen=True)
class OwnerReminder:
    user: User
    missing: tuple[MissingUpdate, ...]


@dataclass(frozen=True)
class StaleReview:
    entry: Entry
    name: str
    submitted_by: User | None
    submitted_at: datetime
    working_days: int


@dataclass(frozen=True)
class Reminders:
    plan: PlanRecord
    period: Period
    today: date
    overdue: bool  # the period's due date has passed
    owners: tuple[OwnerReminder, ...]  # linked owners with missing updates (when overdue)
    unlinked: tuple[MissingUpdate, ...]  # missing updates whose owner has no account
    reviews: tuple[StaleReview, ...]  # awaiting review for more than 2 working days
    leads: tuple[User, ...]  # who is told about the stale reviews and unlinked owners

    @property
    def empty(self) -> bool:
        return not (self.owners or self.unlinked or self.reviews)


def plan_leads(*, plan_record: PlanRecord) -> list[User]:
    """Active users with the lead role on the plan (or on every plan of its organisation)."""
    memberships = Membership.objects.filter(
        Q(plan=plan_record) | Q(plan__isnull=True, organisation_id=plan_record.organisation_id),
        role=Role.LEAD,
        user__is_active=True,
    )
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("username"))


def reminders(
    *,
    plan_record: PlanRecord,
    period: Period,
    today: date | None = None,
    result: PeriodResult | None = None,
) -> Reminders:
    """The reminders due for ``period`` of ``plan_record`` on ``today`` (``result``: what the
    period reports, when the caller already has it)."""
    today = today or timezone.localdate()
    overdue = period.state == PeriodState.OPEN and period.due is not None and today > period.due
    entries = period_entries(plan_record=plan_record, period=period)
    owners: dict[int, list[MissingUpdate]] = defaultdict(list)
    users: dict[int, User] = {}
    unlinked: list[MissingUpdate] = []
    if overdue:
        submitted_items = {
            e.item_id for e in entries if e.state == EntryState.SUBMITTED and hasattr(e, "item_id")
        }
        submitted_risks = {
            e.risk_id for e in entries if e.state == EntryState.SUBMITTED and hasattr(e, "risk_id")
        }
        if result is None:
            result = period_result(plan_record=plan_record, period_code=period.code)
        items = {
            item.ref: item
            for item in Item.objects.filter(plan=plan_record).select_related("owner_user")
        }
        risks = list(Risk.objects.filter(plan=plan_record).select_related("owner_user"))
        for outcome in result.items():
            item = items.get(outcome.ref)
            if outcome.status is not Status.MISSING or item is None:
                continue
            if item.pk in submitted_items:
                continue
            missing = MissingUpdate(
                name=f"{outcome.kind.label} {outcome.ref}", title=outcome.title, owner=item.owner
            )
            _assign(missing, item.owner_user, owners, users, unlinked)
        for position, (risk_result, risk) in enumerate(zip(result.risks, risks, strict=False)):
            if risk_result.status is not Status.MISSING or risk.pk in submitted_risks:
                continue
            missing = MissingUpdate(name=f"Risk {position + 1}", title=risk.title, owner=risk.owner)
            _assign(missing, risk.owner_user, owners, users, unlinked)

    submitted = [
        timezone.localdate(entry.submitted_at)
        for entry in entries
        if entry.state == EntryState.SUBMITTED and entry.submitted_at is not None
    ]
    closed = bank_holidays(min(submitted, default=today), today)
    reviews = tuple(
        StaleReview(
            entry=entry,
            name=entry_name(entry),
            submitted_by=entry.submitted_by,
            submitted_at=entry.submitted_at,
            working_days=days,
        )
        for entry in sorted(entries, key=lambda e: (e.submitted_at or timezone.now(), e.pk))
        if entry.state == EntryState.SUBMITTED
        and entry.submitted_at is not None
        and (days := working_days_since(timezone.localdate(entry.submitted_at), today, closed))
        > REVIEW_WORKING_DAYS
    )
    return Reminders(
        plan=plan_record,
        period=period,
        today=today,
        overdue=overdue,
        owners=tuple(
            OwnerReminder(user=users[pk], missing=tuple(found))
            for pk, found in sorted(owners.items(), key=lambda pair: users[pair[0]].username)
        ),
        unlinked=tuple(unlinked),
        reviews=reviews,
        leads=tuple(plan_leads(plan_record=plan_record)) if reviews or unlinked else (),
    )


def _assign(
    missing: MissingUpdate,
    user: User | None,
    owners: dict[int, list[MissingUpdate]],
    users: dict[int, User],
    unlinked: list[MissingUpdate],
) -> None:
    if user is None or not user.is_active:
        unlinked.append(missing)
        return
    users[user.pk] = user
    owners[user.pk].append(missing)
