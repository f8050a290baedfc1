"""The audit trail: an item's changes on a page, and every change
to a plan — or to one period or item of it — as CSV for inspectors.

Everyone who may view the plan may read its audit trail (inspectors are viewers).
"""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.tracker.models import Item, PlanRecord
from plantracker.tracker.selectors import item_by_ref, period_by_code, plan_for_user
from plantracker.tracker.selectors.audit import AuditRow, item_audit, period_audit, plan_audit
from plantracker.web.views.common import Crumb, crumbs

CSV_COLUMNS = ("when", "who", "what", "action", "field", "old", "new", "reason")
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def audit_csv(rows: list[AuditRow]) -> str:
    """One line per changed field (a row without field changes gets one line of its own)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        base = [row.when.isoformat(timespec="seconds"), row.who, row.what, row.action]
        reason = row.reason or ""
        for change in row.changes or [None]:
            fields = [change.field, change.old, change.new] if change else ["", "", ""]
            writer.writerow([_cell(value) for value in [*base, *fields, reason]])
    return buffer.getvalue()


def _item(record: PlanRecord, ref: str) -> Item:
    item = item_by_ref(plan_record=record, ref=ref)
    if item is None:
        raise Http404("This plan has no item with that reference")
    return item


@login_required
@require_safe
def item_audit_page(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    record = plan_for_user(user=request.user, slug=slug)
    item = _item(record, ref)
    trail = crumbs(record)
    trail.append(Crumb(f"{item.ref} {item.title}", _item_url(record.slug, item.ref)))
    return render(
        request,
        "web/workflow/item_audit.html",
        {
            "record": record,
            "item": item,
            "audit": item_audit(plan_record=record, item=item),
            "crumbs": trail,
            "section": "plans",
        },
    )


def _item_url(slug: str, ref: str) -> str:
    return reverse("web:item", args=[slug, ref])


@login_required
@require_safe
def plan_audit_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's audit trail as CSV; ``?period=ID`` or ``?item=REF`` narrows it."""
    record = plan_for_user(user=request.user, slug=slug)
    name = record.slug
    if code := request.GET.get("period"):
        period = period_by_code(plan_record=record, code=code)
        if period is None:
            raise Http404("This plan has no such period")
        rows = period_audit(plan_record=record, period=period)
        name = f"{record.slug}-{period.code}"
    elif ref := request.GET.get("item"):
        item = _item(record, ref)
        rows = item_audit(plan_record=record, item=item)
        name = f"{record.slug}-{item.ref}"
    else:
        rows = plan_audit(plan_record=record)
    response = HttpResponse(audit_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-audit.csv")
    response["Cache-Control"] = "private, no-store"
    return response
