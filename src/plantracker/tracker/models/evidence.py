"""Evidence behind an item's update for a period: files and links (ADR 0078).

A row is a file kept in the evidence storage (``settings.STORAGES["evidence"]``) or a link
(http/https). It belongs to an item and a period, not to the update's row, so evidence can
be attached before the update is written and to a KPI's value as well as an action's
update. It is locked with its period: once the period is closed nothing is attached or
removed (``services/evidence.py``). A removed file is marked ``removed_at`` and kept in the
storage until its period closes, when the row goes and its file with it; every step is in
the audit trail (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from plantracker.tracker.models.plan import Item, Period


class Evidence(models.Model):
    """One file or link attached to ``item``'s update for ``period``."""

    FILE = "file"
    LINK = "link"
    KIND_CHOICES = [(FILE, "File"), (LINK, "Link")]

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=KIND_CHOICES)
    description = models.TextField()
    # A file: its normalised name as shown and downloaded, where the storage keeps it, the
    # type its contents were found to be, its size and SHA-256. A link: its address.
    filename = models.TextField(blank=True, default="")
    stored_name = models.TextField(blank=True, default="", verbose_name="stored as")
    content_type = models.TextField(blank=True, default="")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="", verbose_name="SHA-256")
    url = models.TextField(blank=True, default="", verbose_name="link")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "period__position", "added_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.item.ref} {self.period.code}: {self.filename or self.url}"

    @property
    def name(self) -> str:
        """What a reader sees: the file's name or the link's address."""
        return self.filename or self.url
