"""The reader's pages: plan list, dashboard, recommendation, item (ADR 0030).

Each view finds the plan through ``plan_for_user`` (another organisation's plan, or one the
person has no role on, is a 404 exactly like a plan that does not exist), builds the domain
Plan with ``plan_domain`` (a fixed number of queries at any plan size) and renders what
``plantracker.web.pages`` assembles from the domain's results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from plantracker.domain.model import Plan
from plantracker.domain.periods import default_period
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import EntryState, PlanRecord, User
from plantracker.tracker.selectors import period_plan, plan_domain, plan_for_user, plans_for_user
from plantracker.tracker.selectors.computed import computed_values
from plantracker.tracker.selectors.workflow import (
    closed_period_plans,
    item_by_ref,
    item_entries,
    open_periods,
)
from plantracker.web import pages
from plantracker.web.views.common import Crumb, dashboard_panel


@dataclass(frozen=True)
class Download:
    name: str
    label: str
    url: str


_FORMAT_LABELS = {
    "html": "Web page (HTML)",
    "pdf": "PDF",
    "docx": "Word",
    "pptx": "PowerPoint",
    "xlsx": "Excel",
}


def _load(request: HttpRequest, slug: str) -> tuple[PlanRecord, Plan]:
    record = plan_for_user(user=request.user, slug=slug)
    return record, plan_domain(plan_record=record)


def _plans_crumb() -> Crumb:
    return Crumb("Plans", reverse("web:plan-list"))


def _plan_crumb(record: PlanRecord) -> Crumb:
    return Crumb(record.title, reverse("web:dashboard", args=[record.slug]))


def _downloads(record: PlanRecord, period_id: str) -> list[Download]:
    return [
        Download(
            name=name,
            label=_FORMAT_LABELS.get(name, name.upper()),
            url=reverse("web:report", args=[record.slug, period_id, name]),
        )
        for name in RENDERERS
    ]


@login_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan the person may see, with its current overall status and direction."""
    rows = [
        (record, pages.plan_summary(_current_plan(record)))
        for record in plans_for_user(user=request.user)
    ]
    return render(request, "web/plan_list.html", {"rows": rows, "section": "plans"})


def _current_plan(record: PlanRecord) -> Plan:
    """The plan as its current period reports it: that period's snapshot once it is closed
    (ADR 0040)."""
    plan = plan_domain(plan_record=record)
    period = default_period(plan)
    if period is None:
        return plan
    return period_plan(plan_record=record, period_code=period.id, live=plan)


def _redirect_or_404(name: str, *args: object) -> HttpResponse:
    """A redirect to a period's page; a period id no URL can hold is no period at all."""
    try:
        return redirect(reverse(name, args=args))
    except NoReverseMatch:
        raise Http404("This plan has no such period") from None


@require_safe
def plans_redirect(request: HttpRequest) -> HttpResponse:
    """``/plans/`` is the plan list, which lives at the site's root."""
    return redirect("web:plan-list", permanent=True)


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str, period: str | None = None) -> HttpResponse:
    """The quarter overview of one period (the plan's current period when none is named)."""
    if period is None and request.GET.get("period"):
        # The period switcher is a plain form (no JavaScript): send it to the period's URL.
        return _redirect_or_404("web:dashboard-period", slug, request.GET["period"])
    record, live = _load(request, slug)
    chosen = pages.period_or_404(live, period)
    # A closed period shows what it reported when it was closed: its snapshot (ADR 0040).
    plan = period_plan(plan_record=record, period_code=chosen.id, live=live)
    page = pages.dashboard_page(plan, plan.period(chosen.id))
    return render(
        request,
        "web/dashboard.html",
        {
            "record": record,
            "page": page,
            "overview": page.report.overview,
            "downloads": _downloads(record, chosen.id),
            "crumbs": [_plans_crumb()],
            "switch_url": reverse("web:dashboard", args=[slug]),
            "section": "plans",
            "workflow": dashboard_panel(request, record, chosen.id, live),
        },
    )


@login_required
@require_safe
def recommendation(request: HttpRequest, slug: str, period: str, number: int) -> HttpResponse:
    """One recommendation in one period: its items with status, direction and commentary."""
    if request.GET.get("period"):
        return _redirect_or_404("web:recommendation", slug, request.GET["period"], number)
    record, plan = _load(request, slug)
    chosen = pages.period_or_404(plan, period)
    plan = period_plan(plan_record=record, period_code=chosen.id, live=plan)
    page = pages.recommendation_page(plan, plan.period(chosen.id), number)
    return render(
        request,
        "web/recommendation.html",
        {
            "record": record,
            "page": page,
            "period": chosen,
            "crumbs": [
                _plans_crumb(),
                _plan_crumb(record),
                Crumb(chosen.label, reverse("web:dashboard-period", args=[slug, chosen.id])),
            ],
            "switch_url": reverse("web:recommendation", args=[slug, chosen.id, number]),
            "section": "plans",
        },
    )


@login_required
@require_safe
def item(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """One item's history: value, status, direction and commentary by period; KPI trend."""
    record, plan = _load(request, slug)
    page = pages.item_page(
        plan,
        ref,
        computed_values(plan_record=record, ref=ref),
        closed_period_plans(plan_record=record),
    )
    rec = page.located.recommendation
    return render(
        request,
        "web/item.html",
        {
            "record": record,
            "page": page,
            "crumbs": [
                _plans_crumb(),
                _plan_crumb(record),
                Crumb(
                    f"{rec.number}. {rec.title}",
                    reverse("web:recommendation", args=[slug, page.latest.id, rec.number]),
                ),
            ],
            "section": "plans",
            **_item_workflow(request, record, ref),
        },
    )


def _item_workflow(request: HttpRequest, record: PlanRecord, ref: str) -> dict[str, Any]:
    """The item's updates with a lead's comment (approved or returned, newest first), and
    for its owner a link to update it in each open period where it can change."""
    found = item_by_ref(plan_record=record, ref=ref)
    if found is None:
        return {}
    entries = item_entries(item=found)
    user = request.user
    updatable: list[dict[str, Any]] = []
    if isinstance(user, User) and found.owner_user_id == user.pk:
        by_period = {entry.period_id: entry for entry in entries}
        for period in open_periods(plan_record=record):
            entry = by_period.get(period.pk)
            if entry is None or entry.state != EntryState.SUBMITTED:
                updatable.append(
                    {"period": period, "returned": entry is not None and entry.state == "returned"}
                )
    return {
        "item_pk": found.pk,
        "reviews": [entry for entry in entries if entry.review_comment],
        "updatable": updatable,
    }
