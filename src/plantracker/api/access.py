"""What every endpoint asks first: who is calling, which plan and which period."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from plantracker.tracker.models import Period, PlanRecord, User
from plantracker.tracker.selectors import period_by_code, plan_for_user
from plantracker.tracker.selectors.workflow import plan_periods


def api_user(request: HttpRequest) -> User:
    """The token's user (the auth class has run: an endpoint is never reached without)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise Http404("not found")  # unreachable behind BearerToken; never a 500 if it were
    return user


def _storable(text: str) -> bool:
    # A NUL cannot be in any stored plan slug, and PostgreSQL refuses it in a query.
    return "\x00" not in text


def visible_plan(request: HttpRequest, slug: str) -> PlanRecord:
    """The plan if the user may see it; otherwise 404 exactly as for an unknown slug. An
    inspector's role does not reach the API (ADR 0080): their every read is recorded, and
    the pages do that."""
    user = api_user(request)
    if not _storable(slug):
        raise Http404("No such plan")
    return plan_for_user(user=user, slug=slug, inspector=False)


def plan_period(plan: PlanRecord, code: str) -> Period:
    """The plan's period ``code``; 404 naming the plan's periods otherwise."""
    period = period_by_code(plan_record=plan, code=code)
    if period is None:
        codes = list(plan_periods(plan_record=plan).values_list("code", flat=True))
        listed = ", ".join(codes) if codes else "none"
        raise Http404(f"plan '{plan.slug}' has no period '{code}'; its periods: {listed}")
    return period
