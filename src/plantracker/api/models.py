"""API tokens (ADR 0050): one row per token a user made, stored as a hash.

The secret is shown once when the token is made and never stored: only its SHA-256 is. A
token is random (256 bits), so a fast hash is enough; a slow password hash would cost every
API call a few hundred milliseconds and protect nothing a guesser could reach.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ApiToken(models.Model):
    """A bearer token acting with exactly its user's permissions until revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'warehouse'.")
    # The first characters of the secret, so a person can tell their tokens apart in a list
    # without the list disclosing anything that authenticates.
    prefix = models.CharField(max_length=12)
    hashed = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # Making and revoking tokens is audited; use is recorded in last_used only (an update
    # that bypasses the history, or every API call would write a history row).
    history = HistoricalRecords(excluded_fields=["last_used"])

    class Meta:
        ordering = ["user", "-created"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_active_idx")]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
