"""Reads: each selector returns what a page, command or report needs in a known number of
queries (CONVENTIONS "Writes in services, reads in selectors")."""

from plantracker.tracker.selectors.plan_domain import plan_domain
from plantracker.tracker.selectors.plans import (
    items_owned_by,
    organisation_users,
    plan_by_slug,
    plan_for_user,
    plans_for_user,
    risks_owned_by,
)
from plantracker.tracker.selectors.workflow import (
    item_by_ref,
    period_by_code,
    period_plan,
    period_result,
)

__all__ = [
    "item_by_ref",
    "items_owned_by",
    "organisation_users",
    "period_by_code",
    "period_plan",
    "period_result",
    "plan_by_slug",
    "plan_domain",
    "plan_for_user",
    "plans_for_user",
    "risks_owned_by",
]
