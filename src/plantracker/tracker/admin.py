"""Django admin for the installation's operators (superusers) only.

Organisation admins manage their users in the application (ADR 0013); the Django admin shows
every organisation, so it is for the people who run the installation. Edits here bypass the
services, so they are for repairs; each is still audited by django-simple-history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from plantracker.tracker.models import (
    EmailSend,
    InspectorVisit,
    Item,
    KpiTarget,
    KpiValue,
    Membership,
    Narrative,
    Organisation,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
    RiskUpdate,
    Update,
    User,
)
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.notifications import emails_send_again


def _plan_id(row: Model) -> int:
    """The plan a row of the plan's tables belongs to."""
    if isinstance(row, PlanRecord):
        return row.pk
    for path in ("plan_id", "item.plan_id", "risk.plan_id", "period.plan_id"):
        target: Any = row
        for name in path.split("."):
            target = getattr(target, name, None)
        if isinstance(target, int):
            return target
    raise TypeError(f"{type(row).__name__} belongs to no plan")


class _PlanDataAdmin(SimpleHistoryAdmin):
    """A repair here changes what the plan counts, as a service would: the plan's data
    version goes up with it, in the same transaction (ADR 0062)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            data_version_bump(plan_ids=[_plan_id(obj)])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            plan_id = _plan_id(obj)
            super().delete_model(request, obj)
            data_version_bump(plan_ids=[plan_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            plan_ids = [_plan_id(row) for row in queryset]
            super().delete_queryset(request, queryset)
            data_version_bump(plan_ids=plan_ids)


@admin.register(User)
class PlanUserAdmin(UserAdmin):
    list_display = ["username", "is_active", "is_superuser", "last_login"]
    search_fields = ["username"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "plan", "role", "ends_on"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["user", "plan"]


@admin.register(InspectorVisit)
class InspectorVisitAdmin(admin.ModelAdmin[InspectorVisit]):
    """The record of inspectors' visits (ADR 0080), read-only: it is a record."""

    list_display = ["visited_at", "user", "plan", "method", "path", "status"]
    list_filter = ["plan"]
    date_hierarchy = "visited_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InspectorVisit | None = None
    ) -> bool:
        return False


@admin.register(PlanRecord)
class PlanRecordAdmin(_PlanDataAdmin):
    list_display = ["title", "slug", "organisation", "updated"]
    list_filter = ["organisation"]
    search_fields = ["title", "slug"]


@admin.register(Period)
class PeriodAdmin(_PlanDataAdmin):
    list_display = ["code", "plan", "label", "state", "due"]
    list_filter = ["state", "plan"]


@admin.register(Recommendation)
class RecommendationAdmin(_PlanDataAdmin):
    list_display = ["number", "title", "plan", "lead", "lead_user"]
    list_filter = ["plan"]
    raw_id_fields = ["lead_user"]


@admin.register(Item)
class ItemAdmin(_PlanDataAdmin):
    list_display = ["ref", "kind", "title", "plan", "owner", "owner_user"]
    list_filter = ["kind", "plan"]
    search_fields = ["ref", "title", "owner"]
    raw_id_fields = ["recommendation", "owner_user", "from_period", "until_period"]


@admin.register(Risk)
class RiskAdmin(_PlanDataAdmin):
    list_display = ["title", "plan", "owner", "owner_user"]
    list_filter = ["plan"]
    raw_id_fields = ["owner_user"]


class _EntryAdmin(_PlanDataAdmin):
    list_display = ["__str__", "state"]
    list_filter = ["state"]
    raw_id_fields = ["period"]


@admin.register(Update)
class UpdateAdmin(_EntryAdmin):
    raw_id_fields = ["item", "period"]


@admin.register(KpiValue)
class KpiValueAdmin(_EntryAdmin):
    raw_id_fields = ["item", "period"]


@admin.register(KpiTarget)
class KpiTargetAdmin(_PlanDataAdmin):
    raw_id_fields = ["item", "period"]


@admin.register(RiskUpdate)
class RiskUpdateAdmin(_EntryAdmin):
    raw_id_fields = ["risk", "period"]


@admin.register(Narrative)
class NarrativeAdmin(_PlanDataAdmin):
    raw_id_fields = ["period"]


@admin.register(EmailSend)
class EmailSendAdmin(admin.ModelAdmin):
    """Every email queued, sent, being retried or failed for good (ADR 0077): address,
    subject, state and error; never the body, which holds other people's words."""

    list_display = ["created_at", "kind", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject"]
    _shown = (
        "created_at",
        "kind",
        "to",
        "subject",
        "plan",
        "period_code",
        "state",
        "attempts",
        "error",
        "sent_at",
    )
    fields = _shown
    readonly_fields = _shown
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailSend]) -> None:
        count = emails_send_again(sends=queryset)
        self.message_user(request, f"{count} email{'s' if count != 1 else ''} queued again")
