"""A period's entries: read them with their review state and version; send KPI values and
action and measure updates in bulk (``plantracker.api.writes``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from plantracker.api.access import api_user, plan_period, visible_plan
from plantracker.api.people import names
from plantracker.api.schemas import EntryOut, Error, KpiValueOut
from plantracker.api.writes import Entry, entries_write, ratings
from plantracker.domain.model import Kind
from plantracker.domain.rating import KpiRating
from plantracker.domain.summary import json_number
from plantracker.tracker.models import EntryState, KpiValue, PlanRecord, Role, Update, User
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


def _names(entries: Sequence[Entry]) -> dict[int, str]:
    """The names of the people the entries name (``api.people``)."""
    return names(pk for entry in entries for pk in (entry.author_id, entry.entered_for_id))


def _entry(entry: Entry, named: dict[int, str], rating: KpiRating | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ref": entry.item.ref,
        "kind": entry.item.kind,
        "status": entry.status,
        "commentary": entry.commentary,
        "state": entry.state,
        "version": entry.version,
        "review_comment": entry.review_comment,
        # Who wrote it, and for whom when a lead entered it for its owner (ADR 0069).
        "entered_by": named.get(entry.author_id) if entry.author_id else None,
        "on_behalf": entry.on_behalf,
        "on_behalf_of": named.get(entry.entered_for_id)
        if entry.on_behalf and entry.entered_for_id
        else None,
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


# Who wrote an entry's content (ADR 0069); nobody's marks, for content nobody recorded.
NOBODY: dict[str, Any] = {"author_id": None, "on_behalf": False, "entered_for_id": None}


def _approved_writers(model: type[Entry], revised: Sequence[Entry]) -> dict[int, dict[str, Any]]:
    """Who wrote the approved content of each entry under revision, as its audit trail
    recorded it when last approved: the revision's writer is not the approved words'."""
    if not revised:
        return {}
    records = (
        model.history.filter(id__in=[entry.pk for entry in revised], state=EntryState.APPROVED)
        .order_by("history_date", "history_id")
        .values("id", *NOBODY)
    )
    return {record.pop("id"): record for record in records}  # the latest approval wins


def _reported(entry: Entry, writers: dict[int, dict[str, Any]]) -> Entry:
    """What a report shows of ``entry``, with who wrote that content."""
    reported = as_reported(entry)
    if entry.state != EntryState.APPROVED:
        for name, value in writers.get(entry.pk, NOBODY).items():
            setattr(reported, name, value)
    return reported


def _visible_entries(
    user: User, plan: PlanRecord, model: type[Entry], entries: Sequence[Entry]
) -> list[dict[str, Any]]:
    """A lead sees every entry as it stands; a contributor their own items' entries as they
    stand; otherwise only what is reported (approved content, and who wrote it), as on the
    dashboard."""
    roles = plan_roles(user, plan)
    sees_all = is_operator(user) or Role.LEAD in roles
    own = Role.CONTRIBUTOR in roles
    shown: list[tuple[Entry, bool]] = []  # each entry, and whether it is shown as it stands
    for entry in entries:
        if sees_all or (own and user.pk in (entry.item.owner_user_id, entry.item.deputy_user_id)):
            shown.append((entry, True))
        elif entry.state == EntryState.APPROVED or entry.approved_copy:
            shown.append((entry, False))
    revised = [
        entry for entry, stands in shown if not stands and entry.state != EntryState.APPROVED
    ]
    writers = _approved_writers(model, revised)
    rows = [(entry if stands else _reported(entry, writers), stands) for entry, stands in shown]
    named = _names([row for row, _ in rows])
    return [
        _entry(row, named) | ({} if stands else {"review_comment": None}) for row, stands in rows
    ]


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
    return _visible_entries(api_user(request), record, model, entries)


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
    named = _names(written)
    return [_entry(entry, named, rated.get(entry.item.ref)) for entry in written]


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
