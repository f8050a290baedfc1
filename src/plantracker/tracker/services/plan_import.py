"""``plan_import``: a domain Plan into the database, all or nothing (ADR 0014)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from plantracker.domain.model import Action, Kind, Kpi, Measure, Plan
from plantracker.tracker.models import (
    EntryState,
    Item,
    KpiTarget,
    KpiValue,
    Narrative,
    Organisation,
    Period,
    PeriodState,
    PlanRecord,
    Recommendation,
    Risk,
    RiskUpdate,
    Update,
    User,
)
from plantracker.tracker.models.workflow import content_fields, reported_content
from plantracker.tracker.selectors.plan_domain import plan_domain
from plantracker.tracker.services.data_version import data_version_bump, data_version_ceiling
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.plan_checks import closed_period_changes, plan_reference_errors
from plantracker.tracker.services.plan_rows import (
    Row,
    item_row,
    kpi_value_row,
    narrative_row,
    period_row,
    plan_row,
    recommendation_row,
    risk_row,
    risk_update_row,
    update_row,
)
from plantracker.tracker.services.sync import (
    CHANGE_REASON,
    SyncResult,
    delete_rows,
    same,
    sync_rows,
)

M = TypeVar("M", bound=Model)

SLUG_MAX_LENGTH = 100
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slug_for_title(title: str) -> str:
    """The default slug of a plan: its title, slugified (``childrens-improvement-plan``)."""
    slug = slugify(title)[:SLUG_MAX_LENGTH].strip("-")
    return slug or "plan"


def slug_errors(slug: str) -> list[str]:
    if len(slug) > SLUG_MAX_LENGTH or not _SLUG.fullmatch(slug):
        return [
            f"slug '{slug}' must be at most {SLUG_MAX_LENGTH} lower-case letters, digits and "
            "single hyphens, for example childrens-improvement-plan"
        ]
    return []


def _organisation_for_name(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is not None:
        return organisation
    base = slugify(name)[:90].strip("-") or "organisation"
    slug, suffix = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return Organisation.objects.create(name=name, slug=slug)


@transaction.atomic
def plan_import(*, plan: Plan, slug: str | None = None, user: User | None = None) -> PlanRecord:
    """Store ``plan`` under ``slug`` (default: from its title); all or nothing.

    A new slug creates a plan owned by the organisation named ``plan.organisation`` (created
    if new). An existing slug is updated in place to hold exactly ``plan``: same record and
    primary keys, owner links kept while the owner's text is unchanged, and entries still in
    review kept (ADR 0014). Raises ServiceError, having written nothing, for a bad slug, a
    slug owned by another organisation, a plan with dangling references, or a file that
    would change what a closed period holds (a lead reopens it first).
    """
    slug = slug_for_title(plan.title) if slug is None else slug
    errors = slug_errors(slug) + plan_reference_errors(plan)
    if errors:
        raise ServiceError(errors)

    record = PlanRecord.objects.select_for_update(of=("self",)).filter(slug=slug).first()
    if record is not None and record.organisation.name != plan.organisation:
        raise ServiceError(
            f"plan '{slug}' belongs to {record.organisation.name}, but the file names "
            f"organisation '{plan.organisation}'; import it under another slug"
        )
    closed: dict[int, str] = {}
    if record is not None:
        # Locked: a period closed while this import runs would otherwise slip past the check.
        periods = (
            Period.objects.select_for_update(of=("self",)).filter(plan=record).order_by("position")
        )
        closed = {p.pk: p.code for p in periods if p.state == PeriodState.CLOSED}
        if closed:
            current = plan_domain(plan_record=record)
            problems = closed_period_changes(current, plan, list(closed.values()))
            if problems:
                raise ServiceError(problems)
    created = record is None
    record = _plan_record(plan, slug, record, user)
    run = _Import(plan, record, user, frozenset(closed))
    run.run()
    record.import_warnings = tuple(run.warnings)
    if not created:
        data_version_bump(plan_ids=[record.pk])
        record.refresh_from_db(fields=["data_version"])
    return record


def _plan_record(plan: Plan, slug: str, record: PlanRecord | None, user: User | None) -> PlanRecord:
    row = plan_row(plan)
    if record is None:
        record = PlanRecord(
            organisation=_organisation_for_name(plan.organisation),
            slug=slug,
            # Above every plan's: no (plan, data version) pair is ever used twice, even by a
            # plan that takes the key of one a restore removed.
            data_version=data_version_ceiling() + 1,
            **row,
        )
    else:
        changed = {
            name: value for name, value in row.items() if not same(getattr(record, name), value)
        }
        if not changed:
            return record
        for name, value in changed.items():
            setattr(record, name, value)
        record.version += 1
    record._history_user = user  # type: ignore[attr-defined]
    record._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
    record.save()
    return record


def _in_review(entry: Update | KpiValue | RiskUpdate) -> bool:
    return entry.state != EntryState.APPROVED


def _reports(entry: Update | KpiValue | RiskUpdate, row: Row | None) -> bool:
    """``entry`` is in review and already reports what the file says (its approved copy):
    the import leaves it, and the revision under review, as they are."""
    if row is None or entry.state == EntryState.APPROVED or not entry.approved_copy:
        return False
    fields = content_fields(entry)
    content = {name: getattr(entry, name) for name in fields}
    shown = reported_content(content, entry.state, entry.approved_copy)
    return all(same(shown[name], row[name]) for name in fields if name in row)


# Deletion order: children before parents, so that no deletion cascades into a kept row.
_DELETE_ORDER: tuple[type[Model], ...] = (
    Update,
    KpiValue,
    KpiTarget,
    RiskUpdate,
    Narrative,
    Item,
    Risk,
    Recommendation,
    Period,
)


class _Import:
    """One plan's sync, table by table (parents first, so children can name their keys)."""

    def __init__(
        self, plan: Plan, record: PlanRecord, user: User | None, closed: frozenset[int]
    ) -> None:
        self.plan, self.record, self.user = plan, record, user
        # Closed periods' rows are never written (``closed_period_changes`` has proved the
        # file agrees with what they report).
        self.closed = closed
        self.stale: dict[type[Model], list[Any]] = {}
        self.period_ids: dict[str, int] = {}
        self.item_ids: dict[str, int] = {}
        self.warnings: list[str] = []

    def run(self) -> None:
        self.periods()
        self.recommendations_and_items()
        self.item_entries()
        self.risks()
        self.narratives()
        self.owner_accounts()
        for model in _DELETE_ORDER:
            delete_rows(self.stale.get(model, []), self.user)

    def sync(self, model: type[M], **arguments: Any) -> SyncResult[Any, M]:
        result = sync_rows(model, user=self.user, **arguments)
        self.stale[model] = result.stale
        return result

    def sync_entries(
        self,
        model: type[M],
        *,
        existing: Iterable[M],
        key: Callable[[Any], Any],
        desired: dict[Any, Row],
        **arguments: Any,
    ) -> None:
        """``sync`` of one period's rows (entries, targets, narratives), leaving alone the
        rows of closed periods and entries in review that report what the file says."""
        left = {
            key(row)
            for row in existing
            if row.period_id in self.closed  # type: ignore[attr-defined]
            or (
                isinstance(row, Update | KpiValue | RiskUpdate)
                and _reports(row, desired.get(key(row)))
            )
        }
        self.sync(
            model,
            existing=[row for row in existing if key(row) not in left],
            key=key,
            desired={
                k: row
                for k, row in desired.items()
                if k not in left and row["period_id"] not in self.closed
            },
            **arguments,
        )

    def periods(self) -> None:
        periods = self.sync(
            Period,
            existing=Period.objects.filter(plan=self.record),
            key=lambda p: p.code,
            desired={p.id: period_row(p, i) for i, p in enumerate(self.plan.periods)},
            fixed={"plan": self.record},
        )
        self.period_ids = {code: period.pk for code, period in periods.rows.items()}

    def recommendations_and_items(self) -> None:
        recommendations = self.sync(
            Recommendation,
            existing=Recommendation.objects.filter(plan=self.record),
            key=lambda r: r.number,
            desired={
                r.number: recommendation_row(r, i) for i, r in enumerate(self.plan.recommendations)
            },
            fixed={"plan": self.record},
            links={"lead": "lead_user_id"},
        )
        desired: dict[str, Row] = {}
        for recommendation in self.plan.recommendations:
            recommendation_id = recommendations.rows[recommendation.number].pk
            for kind in Kind:
                for position, item in enumerate(recommendation.items(kind)):
                    desired[item.ref] = item_row(
                        item,
                        position=position,
                        recommendation_id=recommendation_id,
                        period_ids=self.period_ids,
                    )
        items = self.sync(
            Item,
            existing=Item.objects.filter(plan=self.record),
            key=lambda i: i.ref,
            desired=desired,
            fixed={"plan": self.record},
            links={"owner": "owner_user_id"},
        )
        self.item_ids = {ref: item.pk for ref, item in items.rows.items()}

    def item_entries(self) -> None:
        updates: dict[tuple[int, int], Row] = {}
        values: dict[tuple[int, int], Row] = {}
        targets: dict[tuple[int, int], Row] = {}
        for recommendation in self.plan.recommendations:
            for item in (i for kind in Kind for i in recommendation.items(kind)):
                item_id = self.item_ids[item.ref]

                def key(code: str, item_id: int = item_id) -> tuple[int, int]:
                    return (item_id, self.period_ids[code])

                if isinstance(item, Kpi):
                    for code, value in item.values.items():
                        values[key(code)] = _entry(key(code), kpi_value_row(value))
                    for code, target in item.targets.items():
                        targets[key(code)] = _entry(key(code), {"value": target})
                elif isinstance(item, (Action, Measure)):
                    for code, update in item.updates.items():
                        updates[key(code)] = _entry(key(code), update_row(update))
        existing = {"item__plan": self.record}
        for model, desired, keep in (
            (Update, updates, _in_review),
            (KpiValue, values, _in_review),
            (KpiTarget, targets, None),
        ):
            self.sync_entries(
                model,
                existing=list(model.objects.filter(**existing)),
                key=_item_period_key,
                desired=desired,
                fixed={},
                keep=keep,
            )

    def owner_accounts(self) -> None:
        """Link the accounts the file names by email (docs/plan-file.md#owners): each to an
        active account of the plan's organisation; an email that matches none leaves the
        link as it was and is reported as a warning, not refused (ADR 0068)."""
        named = {
            email.lower()
            for rec in self.plan.recommendations
            for kind in Kind
            for item in rec.items(kind)
            for email in (item.owner_email, item.deputy_email)
            if email
        } | {risk.owner_email.lower() for risk in self.plan.risks if risk.owner_email}
        if not named:
            return
        accounts = {
            user.username: user
            for user in User.objects.filter(
                username__in=named,
                is_active=True,
                memberships__organisation_id=self.record.organisation_id,
            ).distinct()
        }
        org = self.record.organisation.name

        def account(email: str | None, where: str) -> tuple[bool, User | None]:
            if not email:
                return False, None
            found = accounts.get(email.lower())
            if found is None:
                self.warnings.append(
                    f"{where}: no active account of {org} has the email {email}; "
                    "its linked account is unchanged"
                )
                return False, None
            return True, found

        items = {i.ref: i for i in Item.objects.filter(plan=self.record)}
        for rec in self.plan.recommendations:
            for kind in Kind:
                for item in rec.items(kind):
                    row = items[item.ref]
                    fields = []
                    for field, email, what in (
                        ("owner_user", item.owner_email, "owner_email"),
                        ("deputy_user", item.deputy_email, "deputy_email"),
                    ):
                        known, user = account(email, f"item {item.ref} {what}")
                        if known and getattr(row, f"{field}_id") != user.pk:  # type: ignore[union-attr]
                            setattr(row, field, user)
                            fields.append(field)
                    if fields:
                        self._save_link(row, fields)
        risks = {r.position: r for r in Risk.objects.filter(plan=self.record)}
        for position, risk in enumerate(self.plan.risks):
            known, user = account(risk.owner_email, f"risk {position + 1} owner_email")
            risk_row = risks[position]
            if known and risk_row.owner_user_id != user.pk:  # type: ignore[union-attr]
                risk_row.owner_user = user
                self._save_link(risk_row, ["owner_user"])

    def _save_link(self, row: Item | Risk, fields: list[str]) -> None:
        row.version += 1
        row._history_user = self.user  # type: ignore[union-attr]
        row._change_reason = CHANGE_REASON  # type: ignore[union-attr]
        row.save(update_fields=[*fields, "version"])

    def risks(self) -> None:
        risks = self.sync(
            Risk,
            existing=Risk.objects.filter(plan=self.record),
            key=lambda r: r.position,
            desired={i: risk_row(r, i) for i, r in enumerate(self.plan.risks)},
            fixed={"plan": self.record},
            links={"owner": "owner_user_id"},
        )
        desired: dict[tuple[int, int], Row] = {}
        for position, risk in enumerate(self.plan.risks):
            risk_id = risks.rows[position].pk
            for code, update in risk.updates.items():
                period_id = self.period_ids[code]
                desired[risk_id, period_id] = {
                    "risk_id": risk_id,
                    "period_id": period_id,
                    **risk_update_row(update),
                }
        self.sync_entries(
            RiskUpdate,
            existing=list(RiskUpdate.objects.filter(risk__plan=self.record)),
            key=lambda u: (u.risk_id, u.period_id),
            desired=desired,
            fixed={},
            keep=_in_review,
        )

    def narratives(self) -> None:
        self.sync_entries(
            Narrative,
            existing=list(Narrative.objects.filter(period__plan=self.record)),
            key=lambda n: n.period_id,
            desired={
                self.period_ids[code]: {
                    "period_id": self.period_ids[code],
                    **narrative_row(narrative),
                }
                for code, narrative in self.plan.narrative.items()
            },
            fixed={},
        )


def _entry(key: tuple[int, int], row: Row) -> Row:
    item_id, period_id = key
    return {"item_id": item_id, "period_id": period_id, **row}


def _item_period_key(entry: Update | KpiValue | KpiTarget) -> tuple[int, int]:
    return (entry.item_id, entry.period_id)
