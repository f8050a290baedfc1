"""Django admin for the installation's operators (superusers) only.

Organisation admins manage their users in the application (issue 4); the Django admin shows
every organisation, so it is for the people who run the installation. Edits here bypass the
services, so they are for repairs; each is still audited by django-simple-history.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from plantracker.tracker.models import (
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
    list_display = ["user", "organisation", "plan", "role"]
    list_filter = ["role", "organisation"]
    raw_id_fields = ["user", "plan"]


@admin.register(PlanRecord)
class PlanRecordAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "organisation", "updated"]
    list_filter = ["organisation"]
    search_fields = ["title", "slug"]


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["code", "plan", "label", "state", "due"]
    list_filter = ["state", "plan"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "lead", "lead_user"]
    list_filter = ["plan"]
    raw_id_fields = ["lead_user"]


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ["ref", "kind", "title", "plan", "owner", "owner_user"]
    list_filter = ["kind", "plan"]
    search_fields = ["ref", "title", "owner"]
    raw_id_fields = ["recommendation", "owner_user", "from_period", "until_period"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "owner", "owner_user"]
    list_filter = ["plan"]
    raw_id_fields = ["owner_user"]


class _EntryAdmin(SimpleHistoryAdmin):
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
class KpiTargetAdmin(SimpleHistoryAdmin):
    raw_id_fields = ["item", "period"]


@admin.register(RiskUpdate)
class RiskUpdateAdmin(_EntryAdmin):
    raw_id_fields = ["risk", "period"]


@admin.register(Narrative)
class NarrativeAdmin(SimpleHistoryAdmin):
    raw_id_fields = ["period"]
