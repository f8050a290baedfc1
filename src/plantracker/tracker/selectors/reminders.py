"""Who needs reminding: owners whose updates are missing after the
period's due date, and leads with updates awaiting review for more than two working days.

Whether an update is missing is the domain's verdict (an item or risk whose status in the
period is ``missing``), never recomputed here. An entry submitted and awaiting review is
not missing: the owner has done their part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

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
    awaiting_review_count,
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


@dataclass(frozen=True)
class Owned:
    """What the reminders need of an item's or a risk's row: its name for its owner as the
    plan gives it and its linked account. Counted data (an import, or linking an owner, bumps
    the plan's data version), so a page may read it once per version (``reminder_owners``)."""

    pk: int
    owner: str | None
    owner_user_id: int | None
    title: str  # a risk's; an item's title comes from the period's result


@dataclass(frozen=True)
class ReminderOwners:
    items: Mapping[str, Owned]  # by ref
    risks: tuple[Owned, ...]  # in plan order, as the period's result lists them


def reminder_owners(*, plan_record: PlanRecord) -> ReminderOwners:
    """The plan's items' and risks' owners; two queries."""
    items = Item.objects.filter(plan=plan_record).order_by()
    risks = Risk.objects.filter(plan=plan_record).order_by("position")
    return ReminderOwners(
        items=MappingProxyType(
            {
                ref: Owned(pk=pk, owner=owner, owner_user_id=user_id, title="")
                for ref, pk, owner, user_id in items.values_list(
                    "ref", "pk", "owner", "owner_user_id"
                )
            }
        ),
        risks=tuple(
            Owned(pk=pk, owner=owner, owner_user_id=user_id, title=title)
            for pk, owner, user_id, title in risks.values_list(
                "pk", "owner", "owner_user_id", "title"
            )
        ),
    )


def reminders(
    *,
    plan_record: PlanRecord,
    period: Period,
    today: date | None = None,
    result: PeriodResult | None = None,
    owned: ReminderOwners | None = None,
    awaiting: int | None = None,
) -> Reminders:
    """The reminders due for ``period`` of ``plan_record`` on ``today`` (``result``: what the
    period reports, ``owned``: ``reminder_owners``, and ``awaiting``:
    ``awaiting_review_count``, when the caller already has them).

    Only the period's submitted entries are read (a submitted update is not missing, and
    only those await review), and only the accounts of owners with a missing update: a
    lead's dashboard asks this on every view."""
    today = today or timezone.localdate()
    overdue = period.state == PeriodState.OPEN and period.due is not None and today > period.due
    # Most views of a dashboard find nothing submitted: counted first (one plain statement),
    # the entries are read only when there are some.
    entries = (
        period_entries(
            plan_record=plan_record, period=period, states=(EntryState.SUBMITTED,), ordered=False
        )
        if (
            awaiting
            if awaiting is not None
            else awaiting_review_count(plan_record=plan_record, period=period)
        )
        else []
    )
    owners: dict[int, list[MissingUpdate]] = defaultdict(list)
    users: dict[int, User] = {}
    unlinked: list[MissingUpdate] = []
    if overdue:
        submitted_items = {e.item_id for e in entries if hasattr(e, "item_id")}
        submitted_risks = {e.risk_id for e in entries if hasattr(e, "risk_id")}
        if result is None:
            result = period_result(plan_record=plan_record, period_code=period.code)
        if owned is None:
            owned = reminder_owners(plan_record=plan_record)
        found: list[tuple[MissingUpdate, int | None]] = []
        for outcome in result.items():
            item = owned.items.get(outcome.ref)
            if outcome.status is not Status.MISSING or item is None:
                continue
            if item.pk in submitted_items:
                continue
            missing = MissingUpdate(
                name=f"{outcome.kind.label} {outcome.ref}", title=outcome.title, owner=item.owner
            )
            found.append((missing, item.owner_user_id))
        for position, (risk_result, risk) in enumerate(
            zip(result.risks, owned.risks, strict=False)
        ):
            if risk_result.status is not Status.MISSING or risk.pk in submitted_risks:
                continue
            missing = MissingUpdate(name=f"Risk {position + 1}", title=risk.title, owner=risk.owner)
            found.append((missing, risk.owner_user_id))
        linked = {user_id for _, user_id in found if user_id is not None}
        accounts = {user.pk: user for user in User.objects.filter(pk__in=linked)} if linked else {}
        for missing, user_id in found:
            account = accounts.get(user_id) if user_id is not None else None
            _assign(missing, account, owners, users, unlinked)

    submitted = [timezone.localdate(e.submitted_at) for e in entries if e.submitted_at is not None]
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
        if entry.submitted_at is not None
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
