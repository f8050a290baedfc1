"""Workflow emails: each person's choices, every email queued or sent, and the leads'
hourly digest of submitted updates (ADR 0077)."""

from __future__ import annotations

from django.db import models


class NotificationPreference(models.Model):
    """The emails a person has turned off. Only the non-essential ones can be: the digest
    of updates submitted for a lead's review and the news that an update was approved
    (ADR 0077). No row: every email is on."""

    user = models.OneToOneField(
        "tracker.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    submitted = models.BooleanField(
        default=True, help_text="Email me when updates are submitted for my review."
    )
    approved = models.BooleanField(default=True, help_text="Email me when my update is approved.")

    def __str__(self) -> str:
        return f"notifications of {self.user}"


class EmailKind(models.TextChoices):
    SUBMITTED = "submitted", "Updates submitted for review"
    RETURNED = "returned", "Update returned"
    APPROVED = "approved", "Updates approved"
    MISSING = "missing", "Missing updates reminder"
    REVIEW = "review", "Reviews waiting reminder"
    ESCALATION = "escalation", "Missing updates escalated"


class EmailState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent: recipient deactivated"


class EmailSend(models.Model):
    """One email to one address, from the moment it is queued: the record an operator reads
    in the admin to see what was sent, what is being retried and what failed for good.

    The body is kept only to send it again (retries); the admin and the log show the
    address, the subject and the error, never the body (ADR 0077).
    """

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    user = models.ForeignKey(
        "tracker.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True, default="")
    plan = models.ForeignKey(
        "tracker.PlanRecord", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_code = models.CharField(max_length=40, blank=True, default="")
    state = models.CharField(max_length=20, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "user", "plan", "period_code"], name="emailsend_who_idx"),
            models.Index(fields=["state"], name="emailsend_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}"


class LeadDigest(models.Model):
    """When a lead was last told of a plan's submitted updates, and whether a digest is
    already on its way: at most one email per lead and plan an hour (ADR 0077)."""

    lead = models.ForeignKey("tracker.User", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey("tracker.PlanRecord", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "plan"], name="leaddigest_one_per_lead_plan")
        ]

    def __str__(self) -> str:
        return f"digest of {self.plan_id} for {self.lead_id}"
