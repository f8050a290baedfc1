"""How the API names people: by the name on their account, else the part of their address
before the @, never by email address (ADR 0070). Addresses come only from the owners
endpoints, whose purpose is addressing accounts (ADR 0068)."""

from __future__ import annotations

from collections.abc import Iterable

from plantracker.tracker.selectors.audit import people


def names(ids: Iterable[int | None]) -> dict[int, str]:
    """Each account of ``ids`` by name; one query."""
    return {pk: person.name for pk, person in people(ids).items()}
