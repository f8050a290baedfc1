"""The web pages' URLs; included at the site's root."""

from __future__ import annotations

from django.urls import path, register_converter

from plantracker.web.views import (
    accounts,
    audit,
    evidence,
    health,
    inspections,
    narrative,
    notifications,
    owners,
    periods,
    plans,
    published,
    publishing,
    reports,
    review,
    sign_in_settings,
    two_factor,
    updates,
    users,
)

app_name = "web"


class FormatConverter:
    """A report format's name (``pdf``); unknown names are the view's 404."""

    regex = "[a-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "format")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("account/notifications/", notifications.notifications, name="notifications"),
    # Two-factor (ADR 0075): the sign-in's second step and the person's own settings.
    path("accounts/two-factor/", two_factor.two_factor, name="two-factor"),
    path("accounts/two-factor/code/", accounts.two_factor_code, name="two-factor-code"),
    path("accounts/two-factor/set-up/", two_factor.set_up, name="two-factor-set-up"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("accounts/two-factor/off/", two_factor.turn_off, name="two-factor-off"),
    path("", plans.plan_list, name="plan-list"),
    path("plans/", plans.plans_redirect, name="plans"),
    path("plans/<slug:slug>/", plans.dashboard, name="dashboard"),
    # Items before periods: an item's URL has two parts after the plan, like a report's.
    path("plans/<slug:slug>/items/<path:ref>/", plans.item, name="item"),
    # A lead's owners pages (ADR 0068), before the period pattern takes "owners" for one.
    path("plans/<slug:slug>/owners/", owners.people, name="owners"),
    # Evidence files (ADR 0078), by number: a fixed word after the plan, like owners.
    path("plans/<slug:slug>/evidence/<int:pk>/", evidence.evidence_download, name="evidence-file"),
    path("plans/<slug:slug>/owners/<int:pk>/", owners.person, name="owner"),
    path("plans/<slug:slug>/owners/items/<path:ref>/", owners.item_owners, name="item-owners"),
    # The audit trail, before the period pattern takes "audit" for one.
    path("plans/<slug:slug>/audit/", audit.plan_audit_page, name="plan-audit"),
    # Inspectors' visits (ADR 0080), before the period pattern takes "inspections" for one.
    path(
        "plans/<slug:slug>/inspections/",
        inspections.inspector_visits_page,
        name="inspector-visits",
    ),
    path(
        "plans/<slug:slug>/<str:period>/report.<format:fmt>",
        reports.report,
        name="report",
    ),
    # A period's evidence pack (ADR 0080).
    path(
        "plans/<slug:slug>/<str:period>/evidence-pack.zip",
        reports.evidence_pack_download,
        name="evidence-pack",
    ),
    path("plans/<slug:slug>/<str:period>/", plans.dashboard, name="dashboard-period"),
    path(
        "plans/<slug:slug>/<str:period>/recommendations/<int:number>/",
        plans.recommendation,
        name="recommendation",
    ),
    path("users/", users.user_list, name="user-list"),
    path("users/add/", users.user_add, name="user-add"),
    path("users/<int:pk>/", users.user_detail, name="user-detail"),
    # The organisation's own single sign-on provider (ADR 0075).
    path("users/sign-in/", sign_in_settings.sign_in_provider, name="sign-in-provider"),
    path(
        "users/sign-in/remove/",
        sign_in_settings.sign_in_provider_remove,
        name="sign-in-provider-remove",
    ),
    path("users/<int:pk>/roles/", users.role_set, name="user-role-set"),
    path("users/<int:pk>/roles/remove/", users.role_remove, name="user-role-remove"),
    path("users/<int:pk>/active/", users.user_active, name="user-active"),
    # The quarterly workflow (ADR 0041). Every path has a fixed word after the period (or
    # after the plan), so none is taken for a period id by the dashboard's pattern above.
    path("plans/<slug:slug>/<str:period>/updates/", updates.my_updates, name="my-updates"),
    path(
        "plans/<slug:slug>/<str:period>/updates/plan/",
        updates.plan_updates,
        name="plan-updates",
    ),
    path("plans/<slug:slug>/<str:period>/review/", review.review, name="review"),
    path(
        "plans/<slug:slug>/<str:period>/evidence/<path:ref>/",
        evidence.evidence_page,
        name="evidence",
    ),
    path("plans/<slug:slug>/<str:period>/period/", periods.period_page, name="period"),
    # Publishing a closed period's report, and its public pages (ADR 0081).
    path("plans/<slug:slug>/<str:period>/publish/", publishing.publish, name="publish"),
    path("plans/<slug:slug>/<str:period>/unpublish/", publishing.unpublish, name="unpublish"),
    path("published/<slug:organisation>/", published.index, name="published-index"),
    path(
        "published/<slug:organisation>/<slug:plan>/<str:period>/",
        published.report,
        name="published-report",
    ),
    path(
        "published/<slug:organisation>/<slug:plan>/<str:period>/v<int:number>/",
        published.version,
        name="published-version",
    ),
    path(
        "published/<slug:organisation>/<slug:plan>/<str:period>/v<int:number>/report.<format:fmt>",
        published.download,
        name="published-file",
    ),
    path("plans/<slug:slug>/<str:period>/narrative/", narrative.narrative, name="narrative"),
    path(
        "plans/<slug:slug>/<str:period>/narrative/preview/",
        narrative.narrative_preview,
        name="narrative-preview",
    ),
    path(
        "plans/<slug:slug>/audit/items/<path:ref>/",
        audit.item_audit_page,
        name="item-audit",
    ),
    path("plans/<slug:slug>/audit.csv", audit.plan_audit_csv, name="plan-audit-csv"),
]
