"""The refusals of the workflow services (ADR 0041), each a ServiceError that an edge maps to
its own answer: ``NotAllowed`` → 403, ``ConflictError`` → both versions shown (409),
``StateConflict`` → a message (409), ``InvalidInput`` → the form again with its errors (422
in the API), any other ServiceError → a message. The edges map them in one place each:
``plantracker.web.views.refusals`` and ``plantracker.api.errors``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plantracker.tracker.services.errors import ServiceError


class NotAllowed(ServiceError):
    """The person may not do this (a viewer's write, self-approval, a contributor's review)."""


class InvalidInput(ServiceError):
    """Input a form should have caught: ``errors`` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__(f"{field}: {message}" for field, message in self.errors.items())


class StateConflict(ServiceError):
    """The record's state refuses the write now, whatever the input: its period is closed,
    it awaits the lead's review, or it holds another person's update in progress."""


class ConflictError(ServiceError):
    """The record changed since the person read it (optimistic concurrency).

    Carries who changed it and when (from the audit trail) and its current values, so the
    page can show both versions and keep what the person typed.
    """

    def __init__(
        self,
        *,
        what: str,
        version: int,
        changed_by: str | None,
        changed_at: datetime | None,
        current: Mapping[str, Any],
    ) -> None:
        self.what = what
        self.version = version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.current: dict[str, Any] = dict(current)
        who = changed_by or "someone"
        when = f" at {changed_at:%Y-%m-%d %H:%M}" if changed_at is not None else ""
        super().__init__(
            f"{what} was changed by {who}{when} after you opened it; "
            "check their version and save again"
        )
