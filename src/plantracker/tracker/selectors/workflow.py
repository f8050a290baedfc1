"""Reads of the quarterly workflow (ADR 0040, ADR 0041): the plan a period reports (its snapshot
once closed), the entries of a period, what awaits review.

``period_result`` is the one place that decides where a period's figures come from: a
closed period's from the snapshot stored when it was closed (docs/rules.md#snapshots), an open
period's from the approved data now. Every page, download and command that shows a period
asks it (or ``period_plan``), so a published report never changes under its readers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

from django.db import connection
from django.db.models import Field, Model, Q, QuerySet

from plantracker.domain import model as domain
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Box, Kind, Kpi, Plan, Status
from plantracker.domain.rating import KpiRating, kpi_rating
from plantracker.domain.results import PeriodResult
from plantracker.planfile import load_plan_text
from plantracker.tracker.models import (
    EntryState,
    Item,
    KpiValue,
    Period,
    PeriodSnapshot,
    PeriodState,
    PlanRecord,
    Recommendation,
    Risk,
    RiskUpdate,
    Role,
    Update,
    User,
)
from plantracker.tracker.selectors.plan_domain import plan_domain

Entry = Update | KpiValue | RiskUpdate
Subject = Item | Risk


# --- naming -------------------------------------------------------------------------------


def subject_name(subject: Subject) -> str:
    """``KPI 9.K2``, ``Action 9.A1``, ``Risk 2`` — as the domain's problems name them."""
    if isinstance(subject, Risk):
        return f"Risk {subject.position + 1}"
    return f"{Kind(subject.kind).label} {subject.ref}"


def entry_subject(entry: Entry) -> Subject:
    return entry.risk if isinstance(entry, RiskUpdate) else entry.item


def entry_name(entry: Entry) -> str:
    """``KPI 9.K2, 2018-19-Q2``."""
    return f"{subject_name(entry_subject(entry))}, {entry.period.code}"


def entry_model(subject: Subject) -> type[Entry]:
    if isinstance(subject, Risk):
        return RiskUpdate
    return KpiValue if subject.kind == Kind.KPI else Update


# --- snapshots ----------------------------------------------------------------------------


def latest_snapshot(*, period: Period) -> PeriodSnapshot | None:
    """The snapshot in force for ``period``: the one taken when it was last closed."""
    return period.snapshots.order_by("-taken_at", "-pk").first()


@lru_cache(maxsize=32)
def _snapshot_plan(pk: int, text: str) -> Plan:
    # Snapshots are never changed after they are written and domain Plans are immutable,
    # so a parsed snapshot can be shared between requests.
    return load_plan_text(text, name=f"snapshot {pk}")


def snapshot_plan(snapshot: PeriodSnapshot) -> Plan:
    """The plan exactly as it was evaluated when the period was closed."""
    return _snapshot_plan(snapshot.pk, snapshot.plan_yaml)


def closed_period_plans(*, plan_record: PlanRecord) -> dict[str, Plan]:
    """Each closed period's plan as it reported it: its snapshot in force. Two queries."""
    snapshots = (
        PeriodSnapshot.objects.filter(period__plan=plan_record, period__state=PeriodState.CLOSED)
        .select_related("period")
        .order_by("period__position", "-taken_at", "-pk")
    )
    latest: dict[str, PeriodSnapshot] = {}
    for snapshot in snapshots:
        latest.setdefault(snapshot.period.code, snapshot)
    return {code: snapshot_plan(snapshot) for code, snapshot in latest.items()}


def _reported_boxes(snapshot: PeriodSnapshot) -> dict[Box, Status]:
    boxes = snapshot.summary.get("boxes", {})
    return {Box(name): Status(box["status"]) for name, box in boxes.items()}


def with_previous_reported(plan: Plan, previous_code: str, boxes: dict[Box, Status]) -> Plan:
    """``plan`` with the previous period's overview statuses as that period reported them.

    The overall direction compares with the previous period's reported status, which in the
    application is the closed period's snapshot (docs/rules.md#overview-boxes). The domain takes a
    period's reported status from its narrative's hand-set boxes when present, so the snapshot's
    statuses are given to it that way (reasons untouched).
    """
    narrative = plan.narrative.get(previous_code) or domain.Narrative()
    narrative = replace(narrative, boxes=MappingProxyType({**narrative.boxes, **boxes}))
    return replace(plan, narrative=MappingProxyType({**plan.narrative, previous_code: narrative}))


def period_plan(*, plan_record: PlanRecord, period_code: str, live: Plan | None = None) -> Plan:
    """The domain Plan to evaluate for ``period_code``.

    Closed period: the plan stored in its snapshot. Open period: the approved data now
    (``live`` when the caller already loaded it), with the previous period's overview as
    its snapshot reported it when that period is closed. Raises Period.DoesNotExist for a
    period the plan does not have.
    """
    periods = {p.code: p for p in Period.objects.filter(plan=plan_record).order_by("position")}
    period = periods.get(period_code)
    if period is None:
        raise Period.DoesNotExist(f"plan {plan_record.slug} has no period {period_code}")
    if period.state == PeriodState.CLOSED:
        snapshot = latest_snapshot(period=period)
        if snapshot is not None:
            return snapshot_plan(snapshot)
    plan = live if live is not None else plan_domain(plan_record=plan_record)
    previous = next((p for p in reversed(periods.values()) if p.position < period.position), None)
    if previous is not None and previous.state == PeriodState.CLOSED:
        snapshot = latest_snapshot(period=previous)
        if snapshot is not None:
            plan = with_previous_reported(plan, previous.code, _reported_boxes(snapshot))
    return plan


def period_result(
    *, plan_record: PlanRecord, period_code: str, live: Plan | None = None
) -> PeriodResult:
    """What ``period_code`` reports: from its snapshot when closed, else evaluated now."""
    plan = period_plan(plan_record=plan_record, period_code=period_code, live=live)
    return evaluate(plan, period_code)


# --- the KPI's rating of an entry in review, from the domain ---


def _domain_kpi(plan: Plan, ref: str) -> Kpi:
    try:
        kpi = plan.item(ref)
    except KeyError:
        kpi = None
    if not isinstance(kpi, Kpi):
        raise LookupError(f"KPI {ref} is not in the plan")
    return kpi


def kpi_draft_rating(plan: Plan, ref: str, period_code: str, entry: domain.KpiValue) -> KpiRating:
    """The KPI's rating in ``period_code`` were ``entry`` its value there (docs/rules.md#kpi-rating,
    docs/rules.md#override): the domain's rule applied to the draft, nothing re-implemented."""
    kpi = _domain_kpi(plan, ref)
    values = MappingProxyType({**kpi.values, period_code: entry})
    return kpi_rating(replace(kpi, values=values), period_code, plan.rules)


# --- entries ------------------------------------------------------------------------------


def period_entries(
    *,
    plan_record: PlanRecord,
    period: Period,
    states: tuple[str, ...] | None = None,
    ordered: bool = True,
) -> list[Entry]:
    """Every entry of ``period`` (in any state, or only in ``states``) with its item or
    risk; three queries. In the models' order (updates, then values, then risk updates, each
    in plan order), or with ``ordered`` False in none, for a caller that sorts them itself:
    the models' orderings join the plan's and its organisation's tables to every query."""
    related = ("author", "entered_for", "submitted_by", "reviewed_by", "period")
    chosen = {} if states is None else {"state__in": states}
    entries: list[Entry] = []
    updates = Update.objects.filter(item__plan=plan_record, period=period, **chosen)
    values = KpiValue.objects.filter(item__plan=plan_record, period=period, **chosen)
    risks = RiskUpdate.objects.filter(risk__plan=plan_record, period=period, **chosen)
    if not ordered:
        updates, values, risks = updates.order_by(), values.order_by(), risks.order_by()
    entries.extend(updates.select_related("item__recommendation", *related))
    entries.extend(values.select_related("item__recommendation", *related))
    entries.extend(risks.select_related("risk", *related))
    return entries


def submitted_entries(*, plan_record: PlanRecord, period: Period) -> list[Entry]:
    """Entries of ``period`` awaiting the lead's review, oldest submission first."""
    entries = period_entries(
        plan_record=plan_record, period=period, states=(EntryState.SUBMITTED,), ordered=False
    )
    return sorted(entries, key=lambda e: (e.submitted_at is None, e.submitted_at, e.pk))


def awaiting_review_count(*, plan_record: PlanRecord, period: Period) -> int:
    """How many entries of ``period`` are submitted and not yet reviewed; one query.

    Every dashboard asks it, live (a submission does not change the figures), so it is one
    plain statement, written once from the models' names (``_awaiting_sql``): the ORM's
    union of three querysets took ten times as long to build as the database to answer."""
    params: list[int | str] = []
    for _ in _AWAITING_TABLES:
        params.extend([plan_record.pk, period.pk, EntryState.SUBMITTED.value])
    with connection.cursor() as cursor:
        cursor.execute(_awaiting_sql(connection.vendor), params)
        row = cursor.fetchone()
    return int(row[0])


# Each kind of entry, the field that reaches its subject, and the subject (with its plan).
_AWAITING_TABLES: tuple[tuple[type[Model], str, type[Model]], ...] = (
    (Update, "item", Item),
    (KpiValue, "item", Item),
    (RiskUpdate, "risk", Risk),
)


def _column(model: type[Model], name: str) -> str:
    """``model``'s table and the column of its field ``name``, quoted: ``"table"."column"``."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column is not None
    quote = connection.ops.quote_name
    return f"{quote(model._meta.db_table)}.{quote(field.column)}"


@lru_cache(maxsize=4)
def _awaiting_sql(vendor: str) -> str:
    """``SELECT (count of submitted updates) + (values) + (risk updates)`` of one plan and
    period, with the tables' and columns' names from the models, quoted for ``vendor``."""
    quote = connection.ops.quote_name
    counts = []
    for model, subject_field, subject in _AWAITING_TABLES:
        counts.append(
            f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)}"
            f" INNER JOIN {quote(subject._meta.db_table)}"
            f" ON {_column(model, subject_field)} = {_column(subject, 'id')}"
            f" WHERE {_column(subject, 'plan')} = %s AND {_column(model, 'period')} = %s"
            f" AND {_column(model, 'state')} = %s)"
        )
    return "SELECT " + " + ".join(counts)


def plan_periods(*, plan_record: PlanRecord) -> QuerySet[Period]:
    return Period.objects.filter(plan=plan_record).order_by("position")


def _storable(key: str) -> bool:
    # No stored code or ref holds a NUL, and PostgreSQL refuses one in a query.
    return "\x00" not in key


def period_by_code(*, plan_record: PlanRecord, code: str) -> Period | None:
    """The plan's period ``code`` (e.g. ``2018-19-Q2``), None if it has none such; one query."""
    if not _storable(code):
        return None
    try:
        period = Period.objects.get(plan=plan_record, code=code)
    except Period.DoesNotExist:
        return None
    period.plan = plan_record  # the record this request read, not another copy of it
    return period


def item_by_ref(*, plan_record: PlanRecord, ref: str) -> Item | None:
    """The plan's item ``ref`` of any kind, with its recommendation, None if it has none
    such; one query."""
    if not _storable(ref):
        return None
    return (
        Item.objects.filter(plan=plan_record, ref=ref)
        .select_related("plan", "recommendation")
        .first()
    )


@dataclass(frozen=True)
class ItemKeys:
    """What the item page's live parts need of an item's row: counted data (an import or an
    owner's link changes it and the plan's data version), so cached with the page."""

    pk: int
    kind: str
    owner_user_id: int | None
    deputy_user_id: int | None


def item_keys(*, plan_record: PlanRecord, ref: str) -> ItemKeys | None:
    """``item_by_ref``'s keys and owners, None if the plan has no item ``ref``; one query."""
    if not _storable(ref):
        return None
    row = (
        Item.objects.filter(plan=plan_record, ref=ref)
        .values_list("pk", "kind", "owner_user_id", "deputy_user_id")
        .first()
    )
    return None if row is None else ItemKeys(*row)


def plan_recommendations(*, plan_record: PlanRecord) -> list[Recommendation]:
    """The plan's recommendations in plan order; one query."""
    return list(Recommendation.objects.filter(plan=plan_record).order_by("position"))


def plan_leads(*, plan_record: PlanRecord) -> list[User]:
    """The active accounts holding a lead role on the plan (on it, or on every plan of its
    organisation); one query."""
    reach = Q(memberships__plan=plan_record) | Q(
        memberships__plan__isnull=True, memberships__organisation_id=plan_record.organisation_id
    )
    found = User.objects.filter(reach, is_active=True, memberships__role=Role.LEAD)
    return list(found.distinct().order_by("username"))


def organisation_admins(*, plan_record: PlanRecord) -> list[User]:
    """The active admins of the plan's organisation, who add and remove roles (ADR 0013);
    one query."""
    found = User.objects.filter(
        is_active=True,
        memberships__organisation_id=plan_record.organisation_id,
        memberships__plan__isnull=True,
        memberships__role=Role.ADMIN,
    )
    return list(found.distinct().order_by("username"))


def open_periods(*, plan_record: PlanRecord) -> list[Period]:
    return list(plan_periods(plan_record=plan_record).filter(state=PeriodState.OPEN))


def owned_count(*, user: User, plan_record: PlanRecord) -> int:
    """How many items and risks of the plan are linked to ``user`` as owner (or, for an item,
    deputy); one query."""
    items = (
        Item.objects.filter(Q(owner_user=user) | Q(deputy_user=user), plan=plan_record)
        .order_by()
        .values("pk")
    )
    risks = Risk.objects.filter(plan=plan_record, owner_user=user).order_by().values("pk")
    return items.union(risks, all=True).count()


def item_entries(*, item: Item | ItemKeys, open_periods: bool = False) -> list[Entry]:
    """The item's updates (a KPI's values) that its page shows, newest period first: those
    with a lead's review comment and those entered on the owner's behalf, and with
    ``open_periods`` every one of an open period too (whose state the links to update it
    need); with the period and the people who entered and reviewed them; one query. Not the
    rest: a big plan's item has an approved value in every period, which the page shows
    from the counted plan."""
    model: type[Update] | type[KpiValue] = KpiValue if item.kind == Kind.KPI else Update
    shown = Q(on_behalf=True) | Q(review_comment__gt="")
    if open_periods:
        shown |= Q(period__state=PeriodState.OPEN)
    found = (
        model.objects.filter(shown, item_id=item.pk)
        .select_related("period", "reviewed_by", "author", "entered_for")
        .order_by()  # sorted here: the model's ordering would join the item, plan, organisation
    )
    return sorted(found, key=lambda entry: entry.period.position, reverse=True)


def returned_to(*, user: User, plan_record: PlanRecord, period: Period) -> list[Entry]:
    """The updates of ``period`` returned to ``user`` (of the items and risks linked to
    them) and not yet sent back for review; three queries."""
    returned = EntryState.RETURNED
    found: list[Entry] = []
    found.extend(
        Update.objects.filter(item__owner_user=user, item__plan=plan_record, period=period)
        .filter(state=returned)
        .select_related("item", "period")
    )
    found.extend(
        KpiValue.objects.filter(item__owner_user=user, item__plan=plan_record, period=period)
        .filter(state=returned)
        .select_related("item", "period")
    )
    found.extend(
        RiskUpdate.objects.filter(risk__owner_user=user, risk__plan=plan_record, period=period)
        .filter(state=returned)
        .select_related("risk", "period")
    )
    return found
