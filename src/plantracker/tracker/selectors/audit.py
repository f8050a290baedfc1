"""The audit trail: every change to a plan's records — who, when,
old → new — read from django-simple-history's tables.

Each history table is read in one query; consecutive versions of a row are compared here
field by field. Identity columns (primary and parent keys), the optimistic-concurrency
``version`` and the internal ``approved_copy`` are left out: they say nothing a reader needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from plantracker.domain.model import Kind
from plantracker.tracker.models import (
    Evidence,
    Item,
    KpiTarget,
    KpiValue,
    Narrative,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
    RiskUpdate,
    Update,
    User,
)

_SKIPPED = {
    "id",
    "version",
    "approved_copy",
    "plan",
    "item",
    "risk",
    "period",
    "recommendation",
    "created",
    "updated",
    "data_version",  # not audited (ADR 0062)
    "stored_name",  # where the storage keeps an evidence file: says nothing a reader needs
}
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
_USER_FIELDS = {
    "owner_user",
    "lead_user",
    "author",
    "entered_for",
    "submitted_by",
    "reviewed_by",
    "added_by",
    "removed_by",
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    when: datetime
    who: str  # the account's username, or "plan import" / "system" when none
    what: str  # "KPI 9.K2, 2018-19-Q2", "Period 2018-19-Q2", ...
    action: str  # created, changed, deleted
    changes: tuple[Change, ...]
    reason: str | None


def _shown(value: Any, users: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (datetime,)):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (date, Decimal, int)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(
            f"{item[0]}: {' / '.join(item[1])}"
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)
            else str(item)
            for item in value
        )
    return str(value)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if field.name not in _SKIPPED]


def _rows(
    records: Iterable[Any],
    model: type[models.Model],
    name: Any,
    users: dict[int, str],
) -> list[AuditRow]:
    """Audit rows of one table's history records (any order), each against its predecessor."""
    by_object: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    fields = _fields(model)
    rows: list[AuditRow] = []
    for history in by_object.values():
        history.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in history:
            changes = []
            for field in fields:
                attname = field.attname
                new = getattr(record, attname)
                old = getattr(previous, attname) if previous is not None else None
                if record.history_type == "-":
                    new, old = None, getattr(record, attname)
                if field.name in _USER_FIELDS:
                    new = users.get(new) if new is not None else None
                    old = users.get(old) if old is not None else None
                if previous is None and record.history_type != "-" and new in (None, "", []):
                    continue
                if record.history_type == "-" and old in (None, "", []):
                    continue
                if old == new and not (isinstance(old, Decimal) and str(old) != str(new)):
                    continue
                changes.append(
                    Change(
                        field=str(field.verbose_name),
                        old=_shown(old, users),
                        new=_shown(new, users),
                    )
                )
            previous = record
            if record.history_type == "~" and not changes:
                continue
            rows.append(
                AuditRow(
                    when=record.history_date,
                    who=users.get(record.history_user_id, "") or _nobody(record),
                    what=name(record),
                    action=_ACTIONS.get(record.history_type, record.history_type),
                    changes=tuple(changes),
                    reason=record.history_change_reason,
                )
            )
    return rows


def _nobody(record: Any) -> str:
    return "plan import" if record.history_change_reason == "plan import" else "system"


def _usernames(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk is not None}
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", "username"))


def _user_ids(records: Sequence[Any]) -> list[int | None]:
    ids: list[int | None] = []
    for record in records:
        ids.append(record.history_user_id)
        for name in _USER_FIELDS:
            ids.append(getattr(record, f"{name}_id", None))
    return ids


class _Names:
    """Labels for rows of the plan, including rows deleted since (from their history)."""

    def __init__(self, plan_record: PlanRecord) -> None:
        self.items: dict[int, str] = {}
        for record in Item.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.items[record.id] = f"{Kind(record.kind).label} {record.ref}"
        self.periods: dict[int, str] = {}
        for record in Period.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.periods[record.id] = record.code
        self.risks: dict[int, str] = {}
        for record in Risk.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.risks[record.id] = f"Risk {record.position + 1}"

    def item(self, pk: int) -> str:
        return self.items.get(pk, f"Item #{pk}")

    def period(self, pk: int) -> str:
        return self.periods.get(pk, f"period #{pk}")

    def risk(self, pk: int) -> str:
        return self.risks.get(pk, f"Risk #{pk}")


def _collect(
    sources: Sequence[tuple[type[models.Model], Any, Any]],
) -> list[AuditRow]:
    """``(model, history queryset, naming function)`` → audit rows, newest first."""
    loaded = [(model, list(records), name) for model, records, name in sources]
    users = _usernames(pk for _, records, _ in loaded for pk in _user_ids(records))
    rows = [row for model, records, name in loaded for row in _rows(records, model, name, users)]
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows


def item_audit(*, plan_record: PlanRecord, item: Item) -> list[AuditRow]:
    """Every change to ``item`` and to its updates, values and targets, newest first."""
    names = _Names(plan_record)
    label = names.item(item.pk)
    return _collect(
        [
            (Item, Item.history.filter(id=item.pk), lambda r: label),
            (
                Update,
                Update.history.filter(item_id=item.pk),
                lambda r: f"{label}, {names.period(r.period_id)}",
            ),
            (
                KpiValue,
                KpiValue.history.filter(item_id=item.pk),
                lambda r: f"{label}, {names.period(r.period_id)}",
            ),
            (
                KpiTarget,
                KpiTarget.history.filter(item_id=item.pk),
                lambda r: f"{label} target, {names.period(r.period_id)}",
            ),
            (
                Evidence,
                Evidence.history.filter(item_id=item.pk),
                lambda r: f"{label} evidence, {names.period(r.period_id)}",
            ),
        ]
    )


def period_audit(*, plan_record: PlanRecord, period: Period) -> list[AuditRow]:
    """Every change to ``period``, its narrative and its entries, newest first."""
    names = _Names(plan_record)
    code = period.code
    return _collect(
        [
            (Period, Period.history.filter(id=period.pk), lambda r: f"Period {code}"),
            (
                Narrative,
                Narrative.history.filter(period_id=period.pk),
                lambda r: f"Narrative, {code}",
            ),
            (
                Update,
                Update.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)}, {code}",
            ),
            (
                KpiValue,
                KpiValue.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)}, {code}",
            ),
            (
                RiskUpdate,
                RiskUpdate.history.filter(period_id=period.pk),
                lambda r: f"{names.risk(r.risk_id)}, {code}",
            ),
            (
                Evidence,
                Evidence.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)} evidence, {code}",
            ),
        ]
    )


def plan_audit(*, plan_record: PlanRecord) -> list[AuditRow]:
    """Every change to the plan and everything in it, newest first (the inspectors' CSV)."""
    names = _Names(plan_record)
    # Subqueries rather than lists of ids: a large plan's ids exceed SQLite's parameter limit.
    item_ids = Item.history.filter(plan_id=plan_record.pk).values("id")
    risk_ids = Risk.history.filter(plan_id=plan_record.pk).values("id")
    period_ids = Period.history.filter(plan_id=plan_record.pk).values("id")

    def entry(r: Any) -> str:
        return f"{names.item(r.item_id)}, {names.period(r.period_id)}"

    return _collect(
        [
            (PlanRecord, PlanRecord.history.filter(id=plan_record.pk), lambda r: "Plan"),
            (
                Period,
                Period.history.filter(plan_id=plan_record.pk),
                lambda r: f"Period {r.code}",
            ),
            (
                Recommendation,
                Recommendation.history.filter(plan_id=plan_record.pk),
                lambda r: f"Recommendation {r.number}",
            ),
            (Item, Item.history.filter(plan_id=plan_record.pk), lambda r: names.item(r.id)),
            (Risk, Risk.history.filter(plan_id=plan_record.pk), lambda r: names.risk(r.id)),
            (
                Narrative,
                Narrative.history.filter(period_id__in=period_ids),
                lambda r: f"Narrative, {names.period(r.period_id)}",
            ),
            (Update, Update.history.filter(item_id__in=item_ids), entry),
            (KpiValue, KpiValue.history.filter(item_id__in=item_ids), entry),
            (
                KpiTarget,
                KpiTarget.history.filter(item_id__in=item_ids),
                lambda r: f"{names.item(r.item_id)} target, {names.period(r.period_id)}",
            ),
            (
                RiskUpdate,
                RiskUpdate.history.filter(risk_id__in=risk_ids),
                lambda r: f"{names.risk(r.risk_id)}, {names.period(r.period_id)}",
            ),
            (
                Evidence,
                Evidence.history.filter(item_id__in=item_ids),
                lambda r: f"{names.item(r.item_id)} evidence, {names.period(r.period_id)}",
            ),
        ]
    )
