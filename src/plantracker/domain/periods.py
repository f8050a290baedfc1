"""The plan's periods, indexed once (DESIGN.md "Vocabulary": Period; "Direction of a KPI").

Rules look periods up thousands of times per evaluation, so the plan's period list is turned
into dictionaries once here instead of being scanned for every item.
"""

from __future__ import annotations

from datetime import date

from plantracker.domain.model import Period, Plan


class UnknownPeriod(LookupError):
    """A period id that the plan does not declare."""

    def __init__(self, period_id: str, known: tuple[str, ...]) -> None:
        self.period_id = period_id
        self.known = known
        super().__init__(period_id, known)

    def __str__(self) -> str:
        if not self.known:
            return f"unknown period {self.period_id!r}: the plan declares no periods"
        return f"unknown period {self.period_id!r}; the plan's periods are: " + ", ".join(
            self.known
        )


def one_year_before(day: date) -> date:
    """The same day one year earlier; 29 February becomes 28 February (ADR 0003)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class PeriodIndex:
    """Positions of a plan's periods in plan order (oldest first)."""

    def __init__(self, plan: Plan) -> None:
        self.periods: tuple[Period, ...] = plan.periods
        self.ids: tuple[str, ...] = tuple(period.id for period in plan.periods)
        self._position = {period_id: index for index, period_id in enumerate(self.ids)}
        self._by_start: dict[date, int] = {}
        for index, period in enumerate(plan.periods):
            self._by_start.setdefault(period.start, index)

    def __len__(self) -> int:
        return len(self.periods)

    def __contains__(self, period_id: object) -> bool:
        return period_id in self._position

    def index(self, period_id: str) -> int:
        """The position of ``period_id``; raises ``UnknownPeriod`` naming the plan's periods."""
        try:
            return self._position[period_id]
        except KeyError:
            raise UnknownPeriod(period_id, self.ids) from None

    def position(self, period_id: str | None) -> int | None:
        """The position of ``period_id``, or None when it is None or not declared."""
        if period_id is None:
            return None
        return self._position.get(period_id)

    def previous(self, index: int) -> int | None:
        """The period just before in the plan's order (DESIGN.md "Direction of a KPI")."""
        return index - 1 if index > 0 else None

    def year_earlier(self, index: int) -> int | None:
        """The period one year earlier: the one starting on the same day a year before.

        DESIGN.md "Direction of a KPI" asks for the long-term direction "against the period
        one year earlier when the plan has it"; ADR 0003 defines that period.
        """
        wanted = one_year_before(self.periods[index].start)
        found = self._by_start.get(wanted)
        if found is None or found >= index:
            return None
        return found
