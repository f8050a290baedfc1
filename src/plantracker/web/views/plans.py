"""The reader's pages: plan list, dashboard, recommendation, item (ADR 0030).

Each view finds the plan through ``request_plan`` (another organisation's plan, or one the
person has no role on, is a 404 exactly like a plan that does not exist), takes the domain
Plan and what ``plantracker.web.pages`` assembles from the domain's results once per data
version (``tracker.selectors.cached``, ADR 0064) and renders it. The dashboard's figures are
rendered once per data version too (``{% cache %}`` in the ``fragments`` cache); the
workflow panel, navigation and anything else per person stay live.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from plantracker.domain import model as domain
from plantracker.domain.model import Plan
from plantracker.domain.periods import current_period
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import EntryState, PlanRecord, Role, User
from plantracker.tracker.selectors import plans_for_user
from plantracker.tracker.selectors.cached import (
    computed_already,
    counted,
    counted_closed_plans,
    counted_period_plan,
    counted_period_result,
    counted_plan,
    fragment_key,
)
from plantracker.tracker.selectors.computed import computed_values
from plantracker.tracker.selectors.evaluated import evaluate_again
from plantracker.tracker.selectors.evidence import evidence_list
from plantracker.tracker.selectors.inspections import ended_inspections
from plantracker.tracker.selectors.owners import item_accounts
from plantracker.tracker.selectors.plan_domain import (
    plan_domain,
    plan_periods,
    reported_period_codes,
)
from plantracker.tracker.selectors.workflow import (
    ItemKeys,
    item_entries,
    item_keys,
    open_periods,
    period_plan,
)
from plantracker.web import pages
from plantracker.web.access import request_access, request_plan
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
    rows = [(record, _summary(record)) for record in plans_for_user(user=request.user)]
    user = request.user
    # An inspector whose access has ended is told so here (ADR 0080); the plan is a 404.
    ended = ended_inspections(user=user) if isinstance(user, User) else []
    return render(request, "web/plan_list.html", {"rows": rows, "ended": ended, "section": "plans"})


def _summary(record: PlanRecord) -> pages.PlanSummary:
    """The plan as its current period reports it: that period's snapshot once it is closed
    (ADR 0040)."""
    period = _current(record)  # the current period: today's

    def build(fresh: PlanRecord) -> pages.PlanSummary:
        if period is None:
            return pages.plan_summary(counted_plan(plan_record=fresh))
        return pages.plan_summary(counted_period_plan(plan_record=fresh, period_code=period.id))

    return counted(record, f"summary:{period.id if period else ''}", build)


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
    record = request_plan(request, slug)
    # The page needs the whole plan: its periods are read with it.
    chosen = pages.period_or_404(counted_plan(plan_record=record), period)

    def build(fresh: PlanRecord) -> pages.DashboardPage:
        # A closed period shows what it reported when it was closed: its snapshot (ADR 0040).
        plan = counted_period_plan(plan_record=fresh, period_code=chosen.id)
        result = counted_period_result(plan_record=fresh, period_code=chosen.id)
        # The previous period as this plan holds it (``build_report``), again evaluating
        # only the recommendations that changed (ADR 0089).
        before = result.previous_period
        previous = (
            None
            if before is None
            else evaluate_again(plan, before.id, plan_pk=fresh.pk, of=chosen.id)
        )
        return pages.dashboard_page(plan, plan.period(chosen.id), result, previous)

    # Built only when a fragment of the page is not in the cache yet.
    page = SimpleLazyObject(lambda: counted(record, f"dashboard:{chosen.id}", build))
    return render(
        request,
        "web/dashboard.html",
        {
            "record": record,
            "page": page,
            "overview": SimpleLazyObject(lambda: page.report.overview),
            "fragment": fragment_key(record, f"dashboard:{chosen.id}"),
            "downloads": _downloads(record, chosen.id),
            "crumbs": [_plans_crumb()],
            "switch_url": reverse("web:dashboard", args=[slug]),
            "section": "plans",
            "workflow": dashboard_panel(request, record, chosen.id),
        },
    )


def _calendar(record: PlanRecord) -> tuple[tuple[domain.Period, ...], frozenset[str]]:
    """The plan's periods and those with anything reported, once per data version, without
    reading the whole plan (ADR 0089): with today's date, its current period
    (``_current``)."""

    def compute(fresh: PlanRecord) -> tuple[tuple[domain.Period, ...], frozenset[str]]:
        return plan_periods(plan_record=fresh), reported_period_codes(plan_record=fresh)

    return counted(record, "calendar", compute)


def _current(record: PlanRecord) -> domain.Period | None:
    """``default_period`` of the whole plan, today."""
    return current_period(*_calendar(record))


@login_required
@require_safe
def recommendation(request: HttpRequest, slug: str, period: str, number: int) -> HttpResponse:
    """One recommendation in one period: its items with status, direction and commentary."""
    if request.GET.get("period"):
        return _redirect_or_404("web:recommendation", slug, request.GET["period"], number)
    record = request_plan(request, slug)
    chosen = pages.named_period_or_404(_calendar(record)[0], period)  # without the plan

    def build(fresh: PlanRecord) -> pages.RecommendationPage:
        # The recommendation alone is evaluated (``recommendation_only``), and unless this
        # process has the whole period's plan already, only its rows are read (ADR 0089):
        # the plan with only it (all the periods, no risks); a closed period's plan is its
        # snapshot's.
        plan = computed_already(fresh, f"period-plan:{chosen.id}")
        if not isinstance(plan, Plan):
            live = plan_domain(plan_record=fresh, recommendation=number)
            plan = period_plan(plan_record=fresh, period_code=chosen.id, live=live)
        return pages.recommendation_page(plan, plan.period(chosen.id), number)

    what = f"recommendation:{chosen.id}:{number}"
    page = counted(record, what, build)
    return render(
        request,
        "web/recommendation.html",
        {
            "record": record,
            "page": page,
            # The page but its header is rendered once per data version.
            "fragment": fragment_key(record, f"{what}:{record.slug}"),
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
    record = request_plan(request, slug)
    latest = _current(record)  # the item's history runs up to today's period
    what = f"item:{latest.id if latest else ''}:{ref}"

    def build(fresh: PlanRecord) -> pages.ItemPage:
        # Unless this process has the whole plan already, only the recommendation holding
        # the item is read (ADR 0089): an item's figures depend on it, the plan's rules and
        # periods alone (``item_plan``).
        plan = computed_already(fresh, "plan")
        return pages.item_page(
            plan if isinstance(plan, Plan) else plan_domain(plan_record=fresh, holding=ref),
            ref,
            computed_values(plan_record=fresh, ref=ref),
            counted_closed_plans(plan_record=fresh),
            latest=latest,  # the period the key names
        )

    page = counted(record, what, build)
    rec = page.located.recommendation
    access = request_access(request)  # read with the plan: the page's every permission
    lead = access.operator or Role.LEAD in access.roles(record)
    # The item's row: its pk and linked accounts' ids, counted data (an import or an owner's
    # link bumps the data version), so read once per version.
    found = counted(record, f"item-keys:{ref}", lambda fresh: item_keys(plan_record=fresh, ref=ref))
    return render(
        request,
        "web/item.html",
        {
            "record": record,
            "page": page,
            # What the page shows of the counted data is rendered once per data version.
            "fragment": fragment_key(record, f"{what}:{record.slug}"),
            # Named for every reader; addresses only for leads and admins (ADR 0070).
            "accounts": (
                None
                if found is None
                else item_accounts(
                    owner_user_id=found.owner_user_id, deputy_user_id=found.deputy_user_id
                )
            ),
            "may_assign": lead,
            "crumbs": [
                _plans_crumb(),
                _plan_crumb(record),
                Crumb(
                    f"{rec.number}. {rec.title}",
                    reverse("web:recommendation", args=[slug, page.latest.id, rec.number]),
                ),
            ],
            "section": "plans",
            **(_item_workflow(request, record, found, lead=lead) if found is not None else {}),
        },
    )


def _item_workflow(
    request: HttpRequest, record: PlanRecord, found: ItemKeys, *, lead: bool
) -> dict[str, Any]:
    """The item's updates with a lead's comment (approved or returned, newest first), those
    a lead entered on its owner's behalf (ADR 0069), and for its owner, deputy and the plan's
    leads (``lead``) a link to update it in each open period where it can change."""
    user = request.user
    updatable: list[dict[str, Any]] = []
    mine = isinstance(user, User) and user.pk in (found.owner_user_id, found.deputy_user_id)
    entries = item_entries(item=found, open_periods=mine or lead)
    if mine or lead:
        by_period = {entry.period_id: entry for entry in entries}
        for period in open_periods(plan_record=record):
            entry = by_period.get(period.pk)
            if entry is None or entry.state != EntryState.SUBMITTED:
                updatable.append(
                    {
                        "period": period,
                        "returned": entry is not None and entry.state == "returned",
                        # A lead who owns nothing here updates it on the Plan updates view.
                        "view": "web:my-updates" if mine else "web:plan-updates",
                    }
                )
    return {
        "evidence": evidence_list(item=found),
        "item_pk": found.pk,
        "reviews": [entry for entry in entries if entry.review_comment],
        "on_behalf": [entry for entry in entries if entry.on_behalf],
        "updatable": updatable,
        "mine": mine,
    }
