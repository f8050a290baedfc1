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
from plantracker.tracker.models import EntryState, KpiValue, Role, Update
from plantracker.tracker.models.workflow import (
    KPI_CONTENT,
    UPDATE_CONTENT,
    reported_content,
)
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


def _approved_writers(model: type[Entry], revised: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Who wrote the approved content of each entry under revision (by id), as its audit
    trail recorded it when last approved: the revision's writer is not the approved words'."""
    if not revised:
        return {}
    records = (
        model.history.filter(id__in=revised, state=EntryState.APPROVED)
        .order_by("history_date", "history_id")
        .values("id", *NOBODY)
    )
    return {record.pop("id"): record for record in records}  # the latest approval wins


KIND_ORDER = {kind.value: position for position, kind in enumerate(Kind)}


# A read's columns: the entry's, the KPI value's, and its item's (who may see it as it
# stands; where it comes in the plan).
_ENTRY_COLUMNS = (
    "id",
    "status",
    "commentary",
    "state",
    "version",
    "review_comment",
    "author_id",
    "on_behalf",
    "entered_for_id",
    "approved_copy",
)
_KPI_COLUMNS = ("value", "display", "reason", "computed_from")
_ITEM_COLUMNS = (
    "item__ref",
    "item__kind",
    "item__owner_user_id",
    "item__deputy_user_id",
    "item__recommendation__position",
    "item__position",
)


def _read(
    request: HttpRequest, slug: str, period: str, model: type[KpiValue] | type[Update]
) -> list[dict[str, Any]]:
    """The period's entries of one kind that the token's user may see, in plan order.

    Thousands of rows in a big plan: read as plain rows (``values``), not model objects,
    three per entry with its item and recommendation, which cost twice the rest of the
    request. A lead or operator sees every entry as it stands; a contributor their own items'
    entries as they stand; otherwise only what is reported, as on the dashboard: approved
    content, and who wrote it."""
    record = visible_plan(request, slug)
    chosen = plan_period(record, period)
    kpis = model is KpiValue
    columns = (*_ENTRY_COLUMNS, *(_KPI_COLUMNS if kpis else ()), *_ITEM_COLUMNS)
    rows = sorted(
        model.objects.filter(item__plan=record, period=chosen).order_by().values(*columns),
        key=lambda row: (
            row["item__recommendation__position"],
            KIND_ORDER[row["item__kind"]],
            row["item__position"],
        ),
    )
    user = api_user(request)
    roles = plan_roles(user, record)
    sees_all = is_operator(user) or Role.LEAD in roles
    own = Role.CONTRIBUTOR in roles
    shown: list[tuple[dict[str, Any], bool]] = []  # each row, and whether it stands as it is
    for row in rows:
        if sees_all or (
            own and user.pk in (row["item__owner_user_id"], row["item__deputy_user_id"])
        ):
            shown.append((row, True))
        elif row["state"] == EntryState.APPROVED or row["approved_copy"]:
            shown.append((row, False))
    revised = [
        row["id"] for row, stands in shown if not stands and row["state"] != EntryState.APPROVED
    ]
    writers = _approved_writers(model, revised)
    content = KPI_CONTENT if kpis else UPDATE_CONTENT
    answered: list[tuple[dict[str, Any], bool]] = []
    for row, stands in shown:
        if not stands and row["state"] != EntryState.APPROVED:
            # What a report shows (``as_reported``), and who wrote that content.
            row = {
                **row,
                **reported_content(
                    {name: row[name] for name in content}, row["state"], row["approved_copy"]
                ),
                **writers.get(row["id"], NOBODY),
                "state": EntryState.APPROVED.value,
            }
        answered.append((row, stands))
    named = names(pk for row, _ in answered for pk in (row["author_id"], row["entered_for_id"]))
    return [
        _row(row, named, kpis) | ({} if stands else {"review_comment": None})
        for row, stands in answered
    ]


def _row(row: dict[str, Any], named: dict[int, str], kpi: bool) -> dict[str, Any]:
    """``_entry`` of a read's plain row."""
    author, behalf, entered_for = row["author_id"], row["on_behalf"], row["entered_for_id"]
    answer: dict[str, Any] = {
        "ref": row["item__ref"],
        "kind": row["item__kind"],
        "status": row["status"],
        "commentary": row["commentary"],
        "state": row["state"],
        "version": row["version"],
        "review_comment": row["review_comment"],
        "entered_by": named.get(author) if author else None,
        "on_behalf": behalf,
        "on_behalf_of": named.get(entered_for) if behalf and entered_for else None,
    }
    if kpi:
        answer |= {
            "value": json_number(row["value"]),
            "display": row["display"],
            "reason": row["reason"],
            "computed_from": row["computed_from"],
            "rating": None,
        }
    return answer


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
