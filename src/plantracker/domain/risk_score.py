"""A scored risk's position and derived RAG (docs/rules.md#risk-scores).

A risk update may give likelihood and impact (1–5 each); the score is their product and the
plan's bands derive the RAG from it. A given status that differs from the derived one is an
override and needs a reason, as a KPI value's does (docs/rules.md#override). An update
without a score keeps its given status, exactly as before scores existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from plantracker.domain.model import SCALE_POINTS, Risk, RiskScale, RiskUpdate, Status


@dataclass(frozen=True)
class Position:
    """Where a scored update sits on the 5×5 grid."""

    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class Placed:
    """A position on the plan's scale: its words, its score and the RAG the bands derive."""

    position: Position
    likelihood_word: str
    impact_word: str
    derived: Status


def placed(likelihood: object, impact: object, scale: RiskScale) -> Placed | None:
    """Where ``likelihood`` and ``impact`` sit on ``scale``; None unless both are whole
    numbers from 1 to 5: no score (None, or a page's empty value), or one off the grid,
    which has no words and whose score no band holds."""
    if not (_on_grid(likelihood) and _on_grid(impact)):
        return None
    where = Position(likelihood, impact)
    return Placed(
        position=where,
        likelihood_word=scale.likelihood[likelihood - 1],
        impact_word=scale.impact[impact - 1],
        derived=derived_status(likelihood, impact, scale),
    )


def _on_grid(point: object) -> TypeGuard[int]:
    return type(point) is int and 1 <= point <= SCALE_POINTS


@dataclass(frozen=True)
class Assessment:
    """A risk's scored position in one period and what its bands derive."""

    position: Position
    derived: Status
    overridden: bool  # the shown status differs from the derived one
    reason: str | None


def position(risk: Risk, period_id: str | None) -> Position | None:
    """The risk's position in ``period_id``: None without a period, update or score."""
    if period_id is None:
        return None
    update = risk.updates.get(period_id)
    if not isinstance(update, RiskUpdate) or update.likelihood is None or update.impact is None:
        return None
    return Position(update.likelihood, update.impact)


def assess(risk: Risk, period_id: str, scale: RiskScale) -> Assessment | None:
    """The scored update's derived RAG and whether its status overrides it; None when the
    period's update is not scored (its given status stands)."""
    where = position(risk, period_id)
    if where is None:
        return None
    update = risk.updates[period_id]
    assert isinstance(update, RiskUpdate)
    derived = derived_status(where.likelihood, where.impact, scale)
    overridden = Status(update.status) is not derived
    reason = update.reason.strip() if update.reason and update.reason.strip() else None
    return Assessment(where, derived, overridden, reason)


def derived_status(likelihood: int, impact: int, scale: RiskScale) -> Status:
    """The RAG ``scale`` derives from a likelihood and impact (for readers that are given a
    scored update without a status)."""
    return scale.status(Position(likelihood, impact).score)
