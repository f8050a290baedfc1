"""Published figures for a plan's KPIs: what ``statutory compare`` writes (ADR 0017).

Reads the comparators of each requested figure from the store's published figures
(``published.comparators``) and turns them into the plan's ``Comparators``, labelled with
the published period. Everything the user named is checked against the store first — the
column, the period, the authority and each statistical neighbour — and every problem is
reported together, so that a typo never becomes a silently missing figure. Writing them
into a plan is the tracker's job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from plantracker.domain.model import Comparators as PlanComparators
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.plan_values import SOURCE_PREFIX
from plantracker.statutory.published import LOCAL, Comparators, comparators
from plantracker.statutory.store import open_for_reading

_FINANCIAL_YEAR = re.compile(r"([0-9]{4})([0-9]{2})")
_SHOWN = 8  # names listed in a message before "…"


def time_period_label(time_period: str) -> str:
    """The label of a DfE ``time_period``: ``202324`` → ``2023-24`` (a financial or academic
    year: the second pair of digits is the year after the first four); ``2023`` and
    anything else stay as written."""
    match = _FINANCIAL_YEAR.fullmatch(time_period)
    if match is not None and (int(match[1]) + 1) % 100 == int(match[2]):
        return f"{match[1]}-{match[2]}"
    return time_period


@dataclass(frozen=True)
class KpiComparators:
    """One KPI's published comparators, and what they were read from."""

    ref: str
    published: Comparators
    comparators: PlanComparators


def _listed(values: Sequence[str]) -> str:
    shown = list(values[:_SHOWN])
    if len(values) > _SHOWN:
        shown.append(f"… ({len(values)} in all)")
    return ", ".join(shown) or "none"


def _problems(
    store: Path, columns: Sequence[str], time_period: str, la: str, neighbours: Sequence[str]
) -> list[str]:
    """What the store cannot answer: unknown columns, periods, authority or neighbours."""
    con = open_for_reading(store)
    try:
        periods: dict[str, list[str]] = {}
        for column, period in con.execute(
            "SELECT DISTINCT indicator, time_period FROM benchmark ORDER BY 1, 2"
        ).fetchall():
            periods.setdefault(str(column), []).append(str(period))
        pairs = con.execute(
            "SELECT DISTINCT old_la_code, new_la_code FROM benchmark "
            "WHERE lower(geographic_level) = ?",
            [LOCAL],
        ).fetchall()
        codes = {str(code) for pair in pairs for code in pair if code is not None}
        # The authority's old and new codes: either may name it among the neighbours.
        own = {str(code) for pair in pairs if la in pair for code in pair if code is not None}
        problems: list[str] = []
        if la not in codes:
            problems.append(f"authority {la}: no authority with this code in the published figures")
        for column in dict.fromkeys(columns):
            if column not in periods:
                problems.append(
                    f"no published figure {column!r} in the store (it has: "
                    f"{_listed(sorted(periods))}); load it with "
                    "`plantracker statutory benchmarks FILE.csv`"
                )
            elif time_period not in periods[column]:
                problems.append(
                    f"no period {time_period!r} of {column!r} in the store (it has: "
                    f"{_listed(periods[column])})"
                )
            elif la in codes:
                found = con.execute(
                    "SELECT count(*) FROM benchmark WHERE indicator = ? AND time_period = ? "
                    "AND lower(geographic_level) = ? AND (old_la_code = ? OR new_la_code = ?)",
                    [column, time_period, LOCAL, la, la],
                ).fetchone()
                if found == (0,):
                    problems.append(
                        f"authority {la}: no published figure {column!r} for {time_period!r}"
                    )
        problems += [
            f"statistical neighbour {code}: no authority with this code in the published figures"
            for code in neighbours
            if code not in codes
        ]
        problems += [
            f"statistical neighbour {code}: the authority itself"
            for code in neighbours
            if code in own or code == la
        ]
    finally:
        con.close()
    return problems


def plan_comparators(
    store: Path,
    figures: Mapping[str, str],
    time_period: str,
    la: str,
    neighbours: Sequence[str] = (),
) -> list[KpiComparators]:
    """England, region and neighbours' mean for each KPI ref → published column.

    Raises ``StatutoryError`` with one line per problem when the store does not hold a
    column, the period, the authority's row or a neighbour.
    """
    problems = _problems(store, list(figures.values()), time_period, la, neighbours)
    if problems:
        raise StatutoryError("\n".join(problems))
    label = time_period_label(time_period)
    found: list[KpiComparators] = []
    for ref, column in figures.items():
        published = comparators(store, column, time_period, la, tuple(neighbours))
        found.append(
            KpiComparators(
                ref=ref,
                published=published,
                comparators=PlanComparators(
                    label=label,
                    england=published.england,
                    region=published.region,
                    neighbours=published.neighbours,
                ),
            )
        )
    return found


def figure_mismatches(sources: Mapping[str, str | None], figures: Mapping[str, str]) -> list[str]:
    """A KPI computed from one indicator (``source: statutory:<indicator>``) paired with a
    published column that is another of the indicators: almost certainly a slip (a rate set
    beside a percentage). Published columns with other names cannot be checked."""
    problems: list[str] = []
    for ref, column in figures.items():
        source = sources.get(ref) or ""
        own = source[len(SOURCE_PREFIX) :] if source.startswith(SOURCE_PREFIX) else None
        if own is not None and column != own and column in DEFINITIONS:
            problems.append(
                f"{ref}: computed from {own} (its source), but --figure names {column}, "
                "another indicator"
            )
    return problems
