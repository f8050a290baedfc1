"""Published reports: a closed period's approved report on a public page (ADR 0081).

Each time a lead publishes a period a ``Publication`` row is written: one version of the
period's public report, numbered from 1. It keeps the period's snapshot as it was at that
moment (``snapshot``, the plan file the period's report is built from), and its files once
the worker has built them from it (``files``: format → name in the ``publications``
storage). What a public reader gets never changes after that, whatever happens to the plan.

The version shown at the period's address is the latest that is neither withdrawn nor
superseded; it is "under revision" while its period is open again. Publishing again marks
the earlier version ``superseded_at`` (it stays at its own address); unpublishing marks
every version of the period ``withdrawn_at``. Every step is in the audit trail
(django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plantracker.tracker.models.plan import Period, PlanRecord


class Publication(models.Model):
    """One published version of ``period``'s report."""

    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="publications")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="publications")
    number = models.PositiveIntegerField(verbose_name="version")
    snapshot = models.TextField()
    # Format ("html", "pdf", "xlsx") → the file's name in the publications storage; empty
    # until the worker has built them, and the version is not shown until then.
    files = models.JSONField(default=dict, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "period__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="publication_version")
        ]

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.period.code} version {self.number}"

    @property
    def ready(self) -> bool:
        """The worker has stored its files: the public may read it."""
        return self.built_at is not None
