"""A period's entries: read them with their review state and version; send KPI values and
action and measure updates in bulk (``plantracker.api.writes``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from plantracker.api.access import api_user, plan_period, visible_plan
from plantracker.api.schemas import EntryOut, Error, KpiValueOut
from plantracker.api.writes import Entry, entries_write, ratings
from plantracker.domain.model import Kind
from plantracker.domain.rating import KpiRating
from plantracker.domain.summary import json_number
from plantracker.tracker.models import EntryState, KpiValue, Period, PlanRecord, Role, Update, User
from plantracker.tracker.models.workflow import as_reported
from plantracker.tracker.permissions import is_operator, plan_roles

router = Router(tags=["entries"])

READ_ERRORS: dict[int, type[Error]] = {401: Error, 404: Error}
WRITE_ERRORS: dict[int, type[Error]] = {
    400: Error,
    413: Error,  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
}
SUBMIT = Query(
    True,
    description="true: submit each entry for review (the default); false: keep them as drafts.",
)


def _entry(entry: Entry, rating: KpiRating | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ref": entry.item.ref,
        "kind": entry.item.kind,
        "status": entry.status,
        "commentary": entry.commentary,
        "state": entry.state,
        "version": entry.version,
        "review_comment": entry.review_comment,
    }
    if isinstance(entry, KpiValue):
        row |= {
            "value": json_number(entry.value),
            "display": entry.display,
            "reason": entry.reason,
            "computed_from": entry.computed_from,
            "rating": None
            if rating is None
            else {
                "status": rating.status,
                "calculated": rating.calculated,
                "overridden": rating.overridden,
            },
        }
    return row


def _visible_entries(
    user: User, plan: PlanRecord, period: Period, entries: Sequence[Entry]
) -> list[dict[str, Any]]:
    """A lead sees every entry as it stands; a contributor their own items' entries as they
    stand; otherwise only what is reported (approved content), as on the dashboard."""
    roles = plan_roles(user, plan)
    sees_all = is_operator(user) or Role.LEAD in roles
    own = Role.CONTRIBUTOR in roles
    shown = []
    for entry in entries:
        if sees_all or (own and user.pk in (entry.item.owner_user_id, entry.item.deputy_user_id)):
            shown.append(_entry(entry))
        elif entry.state == EntryState.APPROVED or entry.approved_copy:
            reported = as_reported(entry)
            shown.append(_entry(reported) | {"review_comment": None})
    return shown


KIND_ORDER = {kind.value: position for position, kind in enumerate(Kind)}


def _ordered(entries: Any) -> list[Any]:
    """In plan order: recommendation, then actions, KPIs, quality, feedback (file order)."""
    # Sorted here, not by the models' default ordering, whose joins (organisation, plan,
    # period) cost more than the sort at thousands of rows.
    return sorted(
        entries.select_related("item__recommendation").order_by(),
        key=lambda entry: (
            entry.item.recommendation.position,
            KIND_ORDER[entry.item.kind],
            entry.item.position,
        ),
    )


def _read(
    request: HttpRequest, slug: str, period: str, model: type[KpiValue] | type[Update]
) -> list[dict[str, Any]]:
    """The period's entries of one kind that the token's user may see, in plan order."""
    record = visible_plan(request, slug)
    chosen = plan_period(record, period)
    entries = _ordered(model.objects.filter(item__plan=record, period=chosen))
    return _visible_entries(api_user(request), record, chosen, entries)


def _write(
    request: HttpRequest, slug: str, period: str, payload: list[Any], *, kpis: bool, submit: bool
) -> list[dict[str, Any]]:
    """Every row through the workflow services, all or none; KPI rows come back rated."""
    record = visible_plan(request, slug)
    chosen = plan_period(record, period)
    written = entries_write(
        user=api_user(request),
        plan=record,
        period=chosen,
        raw_rows=payload,
        kpis=kpis,
        submit=submit,
    )
    rated = ratings(record, chosen, written) if kpis else {}
    return [_entry(entry, rated.get(entry.item.ref)) for entry in written]


@router.get(
    "/plans/{slug}/periods/{period}/kpi-values",
    response={200: list[KpiValueOut], **READ_ERRORS},
    summary="The period's KPI values, with their review state and version",
)
def kpi_values(request: HttpRequest, slug: str, period: str) -> list[dict[str, Any]]:
    return _read(request, slug, period, KpiValue)


@router.post(
    "/plans/{slug}/periods/{period}/kpi-values",
    response={200: list[KpiValueOut], **WRITE_ERRORS},
    summary="Send KPI values for the period: all rows or none",
)
def kpi_values_write(
    request: HttpRequest,
    slug: str,
    period: str,
    payload: list[Any],
    submit: bool = SUBMIT,
) -> list[dict[str, Any]]:
    return _write(request, slug, period, payload, kpis=True, submit=submit)


@router.get(
    "/plans/{slug}/periods/{period}/updates",
    response={200: list[EntryOut], **READ_ERRORS},
    summary="The period's action and measure updates, with their review state and version",
)
def updates(request: HttpRequest, slug: str, period: str) -> list[dict[str, Any]]:
    return _read(request, slug, period, Update)


@router.post(
    "/plans/{slug}/periods/{period}/updates",
    response={200: list[EntryOut], **WRITE_ERRORS},
    summary="Send action and measure updates for the period: all rows or none",
)
def updates_write(
    request: HttpRequest,
    slug: str,
    period: str,
    payload: list[Any],
    submit: bool = SUBMIT,
) -> list[dict[str, Any]]:
    return _write(request, slug, period, payload, kpis=False, submit=submit)
