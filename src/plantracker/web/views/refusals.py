"""A service's refusal as a page answers it: the one mapping of the web's views.

``NotAllowed`` → 403 (Django's ``PermissionDenied``, raised on); any other ``ServiceError``
is caught and kept for the view to show: ``InvalidInput`` on its form's fields (the form
again, status 400), ``ConflictError`` with both versions (409), ``StateConflict`` and the
rest as messages (409); ``common.form_status`` turns that into the page's status::

    with service_refusal() as refused:
        narrative_update(...)
    if refused:
        refused.on_form(form)
    return render(..., status=form_status(form.errors, refused.status))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from plantracker.tracker.services import ConflictError, InvalidInput, NotAllowed, ServiceError


@dataclass
class Refused:
    """The refusal caught by ``service_refusal``; false when the call went through."""

    error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def conflict(self) -> ConflictError | None:
        """The record changed since the person read it: show both versions."""
        return self.error if isinstance(self.error, ConflictError) else None

    @property
    def invalid(self) -> dict[str, str]:
        """Each bad field's message when the input was at fault; empty otherwise."""
        return dict(self.error.errors) if isinstance(self.error, InvalidInput) else {}

    @property
    def messages(self) -> tuple[str, ...]:
        return () if self.error is None else self.error.messages

    @property
    def status(self) -> int:
        """400 for the form again with its errors (bad input, docs/reliability.md#bad-input);
        409 when the stored state refused it."""
        return 400 if isinstance(self.error, InvalidInput) else 409

    def on_form(
        self, form: Any, *, rename: Mapping[str, str] | None = None, field: str | None = None
    ) -> None:
        """Put the refusal on ``form``: bad input on its fields (``rename`` maps a service's
        field to the form's; ``field`` takes every message), any other refusal's messages
        as the form's own errors."""
        if not self.invalid:
            for text in self.messages:
                form.add_error(None, text)
            return
        for name, text in self.invalid.items():
            name = field or (rename or {}).get(name, name)
            form.add_error(name if name in form.fields else None, text)


@contextmanager
def service_refusal() -> Iterator[Refused]:
    """Run a service call; a ``NotAllowed`` becomes 403, any other refusal is kept."""
    refused = Refused()
    try:
        yield refused
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ServiceError as exc:
        refused.error = exc
