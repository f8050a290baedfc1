"""The quarterly update workflow's records (ADR 0041): who wrote, submitted and reviewed each
update, the last approved content while a revision is in review, and period snapshots.

``ReviewFields`` is mixed into ``Update``, ``KpiValue`` and ``RiskUpdate``. Its columns are
audited with the rest of each row by django-simple-history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

from plantracker.tracker.models.choices import EntryState
from plantracker.tracker.models.plan import Period

# The content columns of each kind of entry, as kept in ``approved_copy``. A KPI value's
# ``computed_from`` travels with its content, so that while a hand revision of a computed
# value is in review the reports show the approved value with its own mark.
UPDATE_CONTENT = ("status", "commentary")
KPI_CONTENT = ("value", "display", "status", "reason", "commentary", "computed_from")
# A risk update's content: a scored one adds its position and override reason
# (docs/rules.md#risk-scores).
RISK_CONTENT = (*UPDATE_CONTENT, "likelihood", "impact", "reason")


class ReviewFields(models.Model):
    """Who wrote the entry, who submitted and reviewed it, and the lead's return comment.

    ``approved_copy`` holds the last approved content (``{"status": ..., ...}``) while a
    revision of an approved entry is in draft or in review: summaries and reports keep
    showing what was approved until the revision is approved (ADR 0041).
    """

    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.APPROVED)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency (ADR 0041)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last changed the content.",
    )
    # A lead who wrote the content for the item's owner (ADR 0069): kept until the owner
    # (or deputy) changes it themselves, shown with the item and in the audit trail.
    on_behalf = models.BooleanField(
        default=False, help_text="The content was last written by a lead for its owner."
    )
    entered_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The owner's account a lead entered the content for, when one was linked.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(null=True, blank=True)
    approved_copy = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


def content_fields(entry: models.Model) -> tuple[str, ...]:
    """The columns that hold what an entry reports (not its review state)."""
    if hasattr(entry, "display"):
        return KPI_CONTENT
    return RISK_CONTENT if hasattr(entry, "likelihood") else UPDATE_CONTENT


def entry_content(entry: models.Model) -> dict[str, Any]:
    """An entry's content as JSON-safe values (decimals as their exact text)."""
    content: dict[str, Any] = {}
    for name in content_fields(entry):
        value = getattr(entry, name)
        content[name] = str(value) if isinstance(value, Decimal) else value
    return content


E = TypeVar("E", bound=models.Model)


def reported_content(
    content: dict[str, Any], state: str, approved_copy: dict[str, Any] | None
) -> dict[str, Any]:
    """What a report shows of an entry whose content columns are ``content``: that content
    once approved, else its last approved copy (decimals back from their text). Every
    content column comes from the copy: one kept before a column existed (a KPI's
    ``computed_from``) had none, rather than the revision's."""
    if state == "approved" or not approved_copy:
        return content
    reported = {name: approved_copy.get(name) for name in content}
    value = reported.get("value")
    if value is not None:
        reported["value"] = Decimal(value)
    return reported


def as_reported(entry: E) -> E:
    """What a report shows of ``entry``: itself once approved, else its last approved copy
    as an unsaved row (callers read only ``approved`` rows or rows with a copy)."""
    state = getattr(entry, "state", None)
    copy = getattr(entry, "approved_copy", None)
    if state == "approved" or not copy:
        return entry
    content = {name: getattr(entry, name) for name in content_fields(entry)}
    reported = type(entry)(**{f.attname: getattr(entry, f.attname) for f in entry._meta.fields})
    for name, value in reported_content(content, str(state), copy).items():
        setattr(reported, name, value)
    reported.state = "approved"  # type: ignore[attr-defined]
    return reported


class PeriodSnapshot(models.Model):
    """What a period reported when it was closed (ADR 0040).

    ``plan_yaml`` is the plan exactly as evaluated at closing, in the plan-file format, so
    the period's summary and reports re-render identically whatever changes later (rules,
    data, code that reads the database). ``summary`` is the summary JSON of that evaluation,
    kept to prove it. A period closed twice has two snapshots; the latest is in force.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_yaml = models.TextField()
    summary = models.JSONField()
    rules = models.JSONField(help_text="The plan's rules settings used, as exact text.")

    class Meta:
        ordering = ["period", "-taken_at", "-pk"]
        get_latest_by = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"Snapshot of {self.period} at {self.taken_at:%Y-%m-%d %H:%M}"
