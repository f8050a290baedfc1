"""The audit trail: every change to a plan, filtered by item, period, person, kind of change
and dates (a GET form), a page at a time, and the same filtered view as CSV for inspectors.

Everyone who may view the plan may read its audit trail (inspectors are viewers); another
organisation's plan is 404. People are named; their email addresses are shown only to the
plan's leads and its organisation's admins, on the page and in the CSV alike (ADR 0070).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.files import csv_cell
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.selectors import item_by_ref, period_by_code
from plantracker.tracker.selectors.audit import (
    AuditFilter,
    AuditKind,
    AuditRow,
    AuditSearch,
    audit_choices,
    audit_search,
)
from plantracker.web.access import request_access, request_plan
from plantracker.web.forms.audit import AuditFilterForm
from plantracker.web.views.common import crumbs, form_error_links, form_status

PAGE_SIZE = 50
CSV_COLUMNS = ("when", "who", "what", "kind", "action", "field", "old", "new", "reason")


def audit_csv(rows: list[AuditRow]) -> str:
    """One line per changed field (a row without field changes gets one line of its own)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        base = [row.when.isoformat(timespec="seconds"), row.who, row.what, row.kind.value]
        base.append(row.action)
        reason = row.reason or ""
        for change in row.changes or [None]:
            fields = [change.field, change.old, change.new] if change else ["", "", ""]
            writer.writerow([csv_cell(value) for value in [*base, *fields, reason]])
    return buffer.getvalue()


@dataclass(frozen=True)
class _Filtered:
    form: AuditFilterForm
    found: AuditSearch | None  # None when the filter is not valid
    search: AuditFilter | None
    emails: bool


def _filtered(request: HttpRequest, record: PlanRecord, query: QueryDict) -> _Filtered:
    """The filter form bound to ``query`` and, when valid, the matching changes."""
    items, periods = audit_choices(plan_record=record)
    form = AuditFilterForm(query, items=items, periods=periods)
    emails = request_access(request).staff_emails(record)  # ADR 0070, no query
    if not form.is_valid():
        return _Filtered(form, None, None, emails)
    data = form.cleaned_data
    search = AuditFilter(
        item=item_by_ref(plan_record=record, ref=data["item"]) if data["item"] else None,
        period=period_by_code(plan_record=record, code=data["period"]) if data["period"] else None,
        person=data["person"],
        kind=AuditKind(data["kind"]) if data["kind"] else None,
        since=data["since"],
        until=data["until"],
    )
    found = audit_search(plan_record=record, search=search, emails=emails)
    return _Filtered(form, found, search, emails)


def _query(given: QueryDict, **changes: Any) -> str:
    """The query string ``given`` with ``changes`` (None removes a key)."""
    query: QueryDict = given.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _example(day: date) -> str:
    return f"{day.day} {day.month} {day.year}"


@dataclass(frozen=True)
class PageLink:
    """One entry of the GOV.UK pagination list: a page number, or an ellipsis (url '')."""

    number: int | str
    url: str
    current: bool = False


@login_required
@require_safe
def plan_audit_page(request: HttpRequest, slug: str) -> HttpResponse:
    record = request_plan(request, slug)
    return _audit_page(request, record, request.GET)


@login_required
@require_safe
def item_audit_page(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """An item's trail (the item page links here): the audit page filtered by the item."""
    record = request_plan(request, slug)
    if item_by_ref(plan_record=record, ref=ref) is None:
        raise Http404("This plan has no item with that reference")
    query = request.GET.copy()
    query["item"] = ref
    return _audit_page(request, record, query)


def _audit_page(request: HttpRequest, record: PlanRecord, query: QueryDict) -> HttpResponse:
    filtered = _filtered(request, record, query)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "record": record,
        "form": filtered.form,
        "errors": form_error_links(filtered.form, "audit-filter"),
        "emails": filtered.emails,
        "crumbs": crumbs(record),
        "section": "plans",
        "since_errors": filtered.form.date_errors("since"),
        "until_errors": filtered.form.date_errors("until"),
        "clear_url": reverse("web:plan-audit", args=[record.slug]),
        "since_example": _example(today.replace(day=1)),
        "until_example": _example(today),
    }
    if filtered.found is None:
        # The person list still offers everyone, so the filter can be corrected in place.
        every = audit_search(plan_record=record, search=AuditFilter(), emails=filtered.emails)
        context["people"] = [(person.pk, person.label(filtered.emails)) for person in every.people]
        return render(
            request, "web/workflow/audit.html", context, status=form_status(context["errors"])
        )
    page = Paginator(filtered.found.rows, PAGE_SIZE).get_page(query.get("page"))
    links = [
        PageLink(number, _query(query, page=number), number == page.number)
        if isinstance(number, int)
        else PageLink(str(number), "")  # the ellipsis
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    context.update(
        {
            "found": True,
            "page": page,
            "audit": page.object_list,
            "total": page.paginator.count,
            "page_links": links if page.paginator.num_pages > 1 else [],
            "previous_url": _query(query, page=page.number - 1) if page.has_previous() else "",
            "next_url": _query(query, page=page.number + 1) if page.has_next() else "",
            "people": [
                (person.pk, person.label(filtered.emails)) for person in filtered.found.people
            ],
            "csv_url": reverse("web:plan-audit-csv", args=[record.slug]) + _query(query, page=None),
            "filtered": any(
                value not in (None, "") for key, value in query.items() if key != "page"
            ),
        }
    )
    return render(request, "web/workflow/audit.html", context)


@login_required
@require_safe
def plan_audit_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The audit page's filtered view as CSV: the same filters (``?item=REF``,
    ``?period=ID``, ``person``, ``kind``, dates), every matching row, no paging."""
    record = request_plan(request, slug)
    filtered = _filtered(request, record, request.GET)
    if filtered.found is None or filtered.search is None:
        problems = [link.message for link in form_error_links(filtered.form, "")]
        return HttpResponse(
            "The filter is not valid:\n" + "\n".join(problems) + "\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    search = filtered.search
    name = "-".join(
        part
        for part in (
            record.slug,
            search.period.code if search.period else "",
            search.item.ref if search.item else "",
        )
        if part
    )
    response = HttpResponse(audit_csv(filtered.found.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-audit.csv")
    response["Cache-Control"] = "private, no-store"
    return response
