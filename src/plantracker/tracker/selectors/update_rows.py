"""Rows of the "My updates" and "Review" pages: each item or risk with its entry
for the period, the previous period's reported entry beside it, and — for a KPI — the
status the domain's rule gives the entry's content (shown after saving).

Constant queries: the owned items and risks (2), the period's entries (3), the live domain
plan (``plan_domain``), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from django.db.models import Q

from plantracker.domain import model as domain
from plantracker.domain.existence import exists_in
from plantracker.domain.model import Kind, Kpi, Plan, Status
from plantracker.domain.periods import PeriodIndex
from plantracker.domain.rating import KpiRating, kpi_rating
from plantracker.domain.risk_score import Assessment, assess, position
from plantracker.tracker.models import (
    Item,
    KpiValue,
    Period,
    PlanRecord,
    Risk,
    RiskUpdate,
    User,
)
from plantracker.tracker.models.workflow import entry_content, reported_content
from plantracker.tracker.selectors.cached import counted_plan
from plantracker.tracker.selectors.workflow import (
    Entry,
    Subject,
    entry_subject,
    kpi_draft_rating,
    period_entries,
    subject_name,
)


@dataclass(frozen=True)
class Previous:
    """The previous period's reported entry of an item or risk."""

    period_label: str
    status: Status | None  # the status shown then (a KPI's rating); None: no entry
    value: Any  # a KPI's domain value entry, else None
    commentary: str | None
    # A scored risk's position then (docs/rules.md#risk-scores); None when not scored.
    likelihood: int | None = None
    impact: int | None = None


@dataclass(frozen=True)
class UpdateRow:
    subject: Subject
    key: str  # "item-12" / "risk-3": unique on the page, used in ids and forms
    name: str  # "KPI 1.K1"
    title: str
    recommendation: str | None  # "1. Early Help"
    is_kpi: bool
    entry: Entry | None
    previous: Previous | None
    rating: KpiRating | None  # the KPI entry's content rated by the domain
    # A KPI revision's approved content, rated: the status reported until it is approved.
    approved_rating: KpiRating | None = None
    # A risk: the entry's score as the domain assesses it (None when not scored), and the
    # plan's scale, whose words the page shows (docs/rules.md#risk-scores).
    assessment: Assessment | None = None
    scale: domain.RiskScale | None = None

    @property
    def is_risk(self) -> bool:
        return isinstance(self.subject, Risk)

    @property
    def state(self) -> str:
        return self.entry.state if self.entry is not None else ""

    @property
    def version(self) -> int:
        return self.entry.version if self.entry is not None else 0


def subject_key(subject: Subject) -> str:
    return f"risk-{subject.pk}" if isinstance(subject, Risk) else f"item-{subject.pk}"


def domain_entry(entry: KpiValue) -> domain.KpiValue:
    return domain.KpiValue(
        value=entry.value,
        display=entry.display,
        status=Status(entry.status) if entry.status else None,
        reason=entry.reason,
        commentary=entry.commentary,
    )


def _domain_items(plan: Plan) -> dict[str, Any]:
    return {
        item.ref: item
        for recommendation in plan.recommendations
        for kind in Kind
        for item in recommendation.items(kind)
    }


class _Rows:
    def __init__(self, plan_record: PlanRecord, period: Period) -> None:
        self.period = period
        # The approved plan, computed once per data version (ADR 0064): the previous
        # period's figures beside each entry come from what is counted, never from drafts.
        self.plan = counted_plan(plan_record=plan_record)
        self.items = _domain_items(self.plan)
        self.periods = PeriodIndex(self.plan)
        self.index = self.periods.index(period.code)
        self.previous = self.plan.periods[self.index - 1] if self.index > 0 else None

    def previous_of(self, subject: Subject) -> Previous | None:
        before = self.previous
        if before is None:
            return None
        if isinstance(subject, Risk):
            risk = self.domain_risk(subject)
            update = risk.updates.get(before.id) if risk is not None else None
            then = position(risk, before.id) if risk is not None else None
            return Previous(
                period_label=before.label,
                status=update.status if update else None,
                value=None,
                commentary=update.commentary if update else None,
                likelihood=then.likelihood if then else None,
                impact=then.impact if then else None,
            )
        item = self.items.get(subject.ref)
        if isinstance(item, Kpi):
            value = item.values.get(before.id)
            rating = kpi_rating(item, before.id, self.plan.rules) if value else None
            return Previous(
                period_label=before.label,
                status=rating.status if rating else None,
                value=value,
                commentary=value.commentary if value else None,
            )
        updates = getattr(item, "updates", {})
        previous_update = updates.get(before.id)
        return Previous(
            period_label=before.label,
            status=previous_update.status if previous_update else None,
            value=None,
            commentary=previous_update.commentary if previous_update else None,
        )

    def domain_risk(self, subject: Risk) -> domain.Risk | None:
        risks = self.plan.risks
        return risks[subject.position] if subject.position < len(risks) else None

    def assessment_of(self, subject: Subject, entry: Entry | None) -> Assessment | None:
        """The risk entry's score and derived RAG, the domain's rule applied to the entry's
        content (docs/rules.md#risk-scores); None when it is not scored."""
        if not isinstance(entry, RiskUpdate) or not isinstance(subject, Risk) or not entry.status:
            return None
        risk = self.domain_risk(subject)
        if risk is None:
            return None
        update = domain.RiskUpdate(
            status=Status(entry.status),
            commentary=entry.commentary,
            likelihood=entry.likelihood,
            impact=entry.impact,
            reason=entry.reason,
        )
        code = self.period.code
        draft = replace(risk, updates=MappingProxyType({**risk.updates, code: update}))
        return assess(draft, code, self.plan.risk_scale)

    def rating_of(self, subject: Subject, entry: Entry | None) -> KpiRating | None:
        if not isinstance(entry, KpiValue) or not isinstance(subject, Item):
            return None
        try:
            return kpi_draft_rating(self.plan, subject.ref, self.period.code, domain_entry(entry))
        except LookupError:
            return None

    def row(self, subject: Subject, entry: Entry | None) -> UpdateRow:
        if isinstance(subject, Risk):
            recommendation = None
            is_kpi = False
        else:
            recommendation = f"{subject.recommendation.number}. {subject.recommendation.title}"
            is_kpi = subject.kind == Kind.KPI
        return UpdateRow(
            subject=subject,
            key=subject_key(subject),
            name=subject_name(subject),
            title=subject.title,
            recommendation=recommendation,
            is_kpi=is_kpi,
            entry=entry,
            previous=self.previous_of(subject),
            rating=self.rating_of(subject, entry),
            approved_rating=self.approved_rating_of(subject, entry),
            assessment=self.assessment_of(subject, entry),
            scale=self.plan.risk_scale if isinstance(subject, Risk) else None,
        )

    def approved_rating_of(self, subject: Subject, entry: Entry | None) -> KpiRating | None:
        if not isinstance(entry, KpiValue) or not entry.approved_copy:
            return None
        content = reported_content(entry_content(entry), entry.state, entry.approved_copy)
        return self.rating_of(subject, KpiValue(**content))


def _exists(rows: _Rows, item: Item) -> bool:
    found = rows.items.get(item.ref)
    if found is None:
        return False
    return exists_in(found, rows.index, rows.periods)


def _ordered_rows(
    rows: _Rows, plan_record: PlanRecord, items: Iterable[Item], risks: Iterable[Risk]
) -> list[UpdateRow]:
    """Rows of ``items`` that run in the period, in plan order, then ``risks``."""
    entries = period_entries(plan_record=plan_record, period=rows.period)
    by_item = {e.item_id: e for e in entries if not isinstance(e, RiskUpdate)}
    by_risk = {e.risk_id: e for e in entries if isinstance(e, RiskUpdate)}
    kinds = list(Kind)
    ordered = sorted(
        items, key=lambda i: (i.recommendation.position, kinds.index(Kind(i.kind)), i.position)
    )
    result = [rows.row(item, by_item.get(item.pk)) for item in ordered if _exists(rows, item)]
    result.extend(rows.row(risk, by_risk.get(risk.pk)) for risk in risks)
    return result


def my_update_rows(*, user: User, plan_record: PlanRecord, period: Period) -> list[UpdateRow]:
    """The items linked to ``user`` as owner or deputy (ADR 0068) and the risks linked to
    them, that run in ``period``, in plan order."""
    items = Item.objects.filter(
        Q(owner_user=user) | Q(deputy_user=user), plan=plan_record
    ).select_related("recommendation")
    risks = Risk.objects.filter(plan=plan_record, owner_user=user).order_by("position")
    return _ordered_rows(_Rows(plan_record, period), plan_record, items, risks)


# The Plan updates view's filters (ADR 0069): what to show, and whose.
SHOW_ALL = "all"
SHOW_MISSING = "missing"
SHOW_MINE = "mine"
NO_OWNER = "none"


def is_missing(row: UpdateRow) -> bool:
    """No update approved or awaiting review: none given, or one still with its owner
    (draft or returned) that revises nothing approved."""
    entry = row.entry
    if entry is None:
        return True
    return entry.state in ("draft", "returned") and not entry.approved_copy


def plan_update_rows(
    *,
    user: User,
    plan_record: PlanRecord,
    period: Period,
    show: str = SHOW_ALL,
    recommendation: int | None = None,
    owner: str = "",
) -> list[UpdateRow]:
    """Every item running in ``period`` and every risk, in plan order, for a lead's Plan
    updates view (ADR 0069), kept when they pass the filters: ``show`` (all, missing: see
    ``is_missing``, mine: linked to ``user``), ``recommendation`` (its number; 0: the risks)
    and ``owner`` (an account's pk, or ``none``: no account linked); constant queries."""
    items = Item.objects.filter(plan=plan_record).select_related(
        "recommendation", "owner_user", "deputy_user"
    )
    risks = Risk.objects.filter(plan=plan_record).select_related("owner_user").order_by("position")
    if show == SHOW_MINE:
        items = items.filter(Q(owner_user=user) | Q(deputy_user=user))
        risks = risks.filter(owner_user=user)
    if recommendation == 0:
        items = items.none()
    elif recommendation is not None:
        items = items.filter(recommendation__number=recommendation)
        risks = risks.none()
    if owner == NO_OWNER:
        items = items.filter(owner_user__isnull=True)
        risks = risks.filter(owner_user__isnull=True)
    elif owner.isdigit():
        items = items.filter(Q(owner_user_id=int(owner)) | Q(deputy_user_id=int(owner)))
        risks = risks.filter(owner_user_id=int(owner))
    rows = _ordered_rows(_Rows(plan_record, period), plan_record, items, risks)
    if show == SHOW_MISSING:
        rows = [row for row in rows if is_missing(row)]
    return rows


def review_rows(
    *, plan_record: PlanRecord, period: Period, states: tuple[str, ...]
) -> dict[str, list[UpdateRow]]:
    """The period's entries in each of ``states`` (e.g. submitted), oldest submission first,
    from one read of the period's entries."""
    rows = _Rows(plan_record, period)
    entries = period_entries(plan_record=plan_record, period=period, states=states)
    entries.sort(key=lambda e: (e.submitted_at is None, e.submitted_at, e.pk))
    found: dict[str, list[UpdateRow]] = {state: [] for state in states}
    for entry in entries:
        found[entry.state].append(rows.row(entry_subject(entry), entry))
    return found


def approved_content(entry: Entry) -> dict[str, Any] | None:
    """What a revision would replace: the entry's last approved content, if any."""
    copy = entry.approved_copy
    return dict(copy) if copy else None


__all__ = [
    "Previous",
    "UpdateRow",
    "approved_content",
    "entry_content",
    "is_missing",
    "my_update_rows",
    "plan_update_rows",
    "review_rows",
    "subject_key",
]
