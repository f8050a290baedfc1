"""Which authority a plan's figures are for: the ones a store holds, and choosing one."""

from __future__ import annotations

from pathlib import Path

from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.store import open_for_reading


def store_authorities(store: Path) -> list[str]:
    """The authorities whose returns ``store`` holds (population estimates aside), sorted."""
    con = open_for_reading(store)
    try:
        rows = con.execute(
            "SELECT DISTINCT la FROM sources WHERE kind <> 'population' ORDER BY la"
        ).fetchall()
    finally:
        con.close()
    return [str(la) for (la,) in rows]


def choose_authority(store: Path, la: str | None) -> str:
    """``la`` when the store holds it; without one, the store's only authority.

    A plan is one council's, so its values are never the sum of several authorities: with
    several in the store the caller must name one.
    """
    found = store_authorities(store)
    listed = ", ".join(found) or "none"
    if la is not None:
        if la not in found:
            raise StatutoryError(f"authority {la} is not in the store (authorities: {listed})")
        return la
    if not found:
        raise StatutoryError(
            f"{store}: holds no returns yet; load them with `plantracker statutory load`"
        )
    if len(found) > 1:
        raise StatutoryError(
            f"the store holds several authorities ({listed}): choose the plan's with --la"
        )
    return found[0]
