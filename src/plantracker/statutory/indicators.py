"""Computing the statutory indicators for the 12 months to a date (``compute_indicators``).

A pure function of the store's contents: the later ``statutory apply`` step calls it to
fill KPIs whose ``source`` is ``statutory:<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from plantracker.statutory import definitions as sql
from plantracker.statutory.definitions import DEFINITIONS, Definition
from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.store import open_for_reading
from plantracker.statutory.suppression import (
    SUPPRESSED,
    is_small,
    suppress_count,
    suppress_rate,
    suppress_share,
)

ONE_PLACE = Decimal("0.1")
RATE_BASE = 10_000


@dataclass(frozen=True)
class Indicator:
    """One indicator's result. When ``suppressed``, numbers are None and ``display`` is "c"."""

    name: str
    title: str
    unit: str
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    suppressed: bool = False
    notes: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The value as a published table shows it: "c" when suppressed, "" when none."""
        if self.suppressed:
            return SUPPRESSED
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Window:
    """The 12 months to ``as_of``: after ``start`` up to and including ``as_of``."""

    start: date
    as_of: date

    @classmethod
    def to(cls, as_of: date) -> Window:
        try:
            start = as_of.replace(year=as_of.year - 1)
        except ValueError:  # 29 February: a year earlier is the 28th
            start = as_of.replace(year=as_of.year - 1, day=28)
        return cls(start, as_of)


def collection_year(day: date) -> int:
    """The collection year (the 31 March it ends on) that ``day`` falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def _share(numerator: int, denominator: int, scale: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(
        ONE_PLACE, rounding=ROUND_HALF_UP
    )


class _Context:
    def __init__(
        self, con: duckdb.DuckDBPyConnection, window: Window, la: str | None, raw: bool
    ) -> None:
        self.con = con
        self.window = window
        self.la = la
        self.raw = raw
        self.params = {"start": window.start, "as_of": window.as_of, "la": la}
        returns = con.execute("SELECT kind, la, year FROM sources").fetchall()
        self.years: dict[tuple[str, str], set[int]] = {}
        for kind, source_la, year in returns:
            self.years.setdefault((str(kind), str(source_la)), set()).add(int(year))

    def one(self, query: str) -> tuple[int, ...]:
        if self.raw:
            query = sql.from_raw(query)
        # DuckDB refuses parameters a query does not use.
        params = {k: v for k, v in self.params.items() if f"${k}" in query}
        row = self.con.execute(query, params).fetchone()
        assert row is not None
        return tuple(int(v) for v in row)

    def authorities(self, kind: str) -> list[str]:
        return sorted({la for (k, la) in self.years if k == kind and (self.la in (None, la))})

    def missing_years(self, kind: str, first: date, last: date) -> list[str]:
        """'LA YEAR' for every return of ``kind`` needed to cover first..last and not loaded."""
        needed = range(collection_year(first), collection_year(last) + 1)
        return [
            f"{la} {year}"
            for la in self.authorities(kind)
            for year in needed
            if year not in self.years.get((kind, la), set())
        ]


def _result(
    d: Definition,
    numerator: int,
    denominator: int,
    value: Decimal | None,
    notes: list[str],
    suppressed: bool,
    suppress: bool,
) -> Indicator:
    if suppress and suppressed:
        return Indicator(d.name, d.title, d.unit, None, None, None, True, tuple(notes))
    return Indicator(d.name, d.title, d.unit, numerator, denominator, value, False, tuple(notes))


def _absent(d: Definition, note: str) -> Indicator:
    return Indicator(d.name, d.title, d.unit, None, None, None, False, (note,))


def _population(ctx: _Context, las: list[str]) -> tuple[int | None, str | None]:
    """Children aged 0-17: the latest mid-year estimate (30 June) on or before the as-of date."""
    latest_year = (
        ctx.window.as_of.year
        if ctx.window.as_of >= date(ctx.window.as_of.year, 6, 30)
        else ctx.window.as_of.year - 1
    )
    rows = ctx.con.execute(
        "SELECT la, arg_max(population, year), max(year) FROM population "
        "WHERE year <= ? GROUP BY la",
        [latest_year],
    ).fetchall()
    found = {str(la): (int(people), int(year)) for la, people, year in rows}
    missing = [la for la in las if la not in found]
    if missing:
        return None, (
            f"no population estimate for mid-{latest_year} or earlier for authority "
            f"{', '.join(missing)}: load a population CSV"
        )
    return sum(found[la][0] for la in las), None


def _cin(ctx: _Context, suppress: bool) -> dict[str, Indicator]:
    w = ctx.window
    d = DEFINITIONS
    las = ctx.authorities("cin")
    cin_names = [n for n, x in d.items() if x.source == "cin"]
    if not las:
        where = f"for authority {ctx.la}" if ctx.la else "in the store"
        return {n: _absent(d[n], f"no CIN census {where}") for n in cin_names}
    gaps = ctx.missing_years("cin", w.start + timedelta(days=1), w.as_of)
    if gaps:
        note = f"CIN census not loaded for {', '.join(gaps)}: the period is not covered"
        return {n: _absent(d[n], note) for n in cin_names}
    out: dict[str, Indicator] = {}

    lookback = ctx.missing_years("cin", Window.to(w.start).start, w.start)
    history_note = (
        [
            f"earlier CIN census not loaded ({', '.join(lookback)}): cases from before the "
            "period may be missed"
        ]
        if lookback
        else []
    )

    re_num, re_den = ctx.one(sql.RE_REFERRALS)
    out["re_referrals_12m"] = _result(
        d["re_referrals_12m"],
        re_num,
        re_den,
        _share(re_num, re_den, 100),
        history_note,
        suppress_share(re_num, re_den),
        suppress,
    )

    ever, within_2y, started, long_plans, ended, inferred, on_plan = ctx.one(sql.PLAN_FIGURES)
    two_back = ctx.missing_years("cin", Window.to(Window.to(w.start).start).start, w.start)
    two_note = (
        [
            f"earlier CIN census not loaded ({', '.join(two_back)}): plans ended more than a "
            "year before the period may be missed"
        ]
        if two_back
        else []
    )
    out["repeat_cp_plans"] = _result(
        d["repeat_cp_plans"],
        ever,
        started,
        _share(ever, started, 100),
        [],
        suppress_share(ever, started),
        suppress,
    )
    out["repeat_cp_plans_2y"] = _result(
        d["repeat_cp_plans_2y"],
        within_2y,
        started,
        _share(within_2y, started, 100),
        two_note,
        suppress_share(within_2y, started),
        suppress,
    )

    ended_notes: list[str] = []
    if inferred:
        how_many = "1 to 5" if suppress and is_small(inferred) else str(inferred)
        ended_notes.append(
            f"{how_many} plan(s) dropped from a later return without an end date are not "
            "counted: their end was never reported"
        )
    out["cp_plans_2y_plus"] = _result(
        d["cp_plans_2y_plus"],
        long_plans,
        ended,
        _share(long_plans, ended, 100),
        ended_notes,
        suppress_share(long_plans, ended),
        suppress,
    )

    number = d["cp_number"]
    out["cp_number"] = (
        Indicator(number.name, number.title, number.unit, None, None, None, True)
        if suppress and suppress_count(on_plan)
        else Indicator(number.name, number.title, number.unit, on_plan, None, Decimal(on_plan))
    )
    population, missing = _population(ctx, las)
    if population is None:
        out["cp_rate"] = _absent(d["cp_rate"], missing or "no population")
    else:
        out["cp_rate"] = _result(
            d["cp_rate"],
            on_plan,
            population,
            _share(on_plan, population, RATE_BASE),
            [],
            suppress_rate(on_plan),
            suppress,
        )
    return out


def _care_leavers(ctx: _Context, suppress: bool) -> dict[str, Indicator]:
    w = ctx.window
    d = DEFINITIONS
    names = [n for n, x in d.items() if x.source == "ssda903_oc3"]
    if not ctx.authorities("ssda903_oc3"):
        where = f"for authority {ctx.la}" if ctx.la else "in the store"
        note = f"no SSDA903 OC3 (care leavers) table {where}"
        return {n: _absent(d[n], note) for n in names}
    # Birthdays are known to the month: the first month counted is the one after the
    # window's start day (its first day is the first inside the window).
    first_month = (w.start.replace(day=1) + timedelta(days=32)).replace(day=1)
    gaps = ctx.missing_years("ssda903_oc3", first_month, w.as_of)
    if gaps:
        note = f"SSDA903 OC3 not loaded for {', '.join(gaps)}: the period is not covered"
        return {n: _absent(d[n], note) for n in names}
    eet, higher, leavers = ctx.one(sql.CARE_LEAVERS)
    return {
        "care_leavers_eet": _result(
            d["care_leavers_eet"],
            eet,
            leavers,
            _share(eet, leavers, 100),
            [],
            suppress_share(eet, leavers),
            suppress,
        ),
        "care_leavers_he": _result(
            d["care_leavers_he"],
            higher,
            leavers,
            _share(higher, leavers, 100),
            [],
            suppress_share(higher, leavers),
            suppress,
        ),
    }


def indicators_from(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    la: str | None = None,
    *,
    suppress: bool = True,
    from_raw: bool = False,
) -> dict[str, Indicator]:
    """The indicators over an open store connection (see ``compute_indicators``).

    ``from_raw`` computes the derived tables on the fly from the loaded rows instead of
    reading them: the same figures, slower; it checks and benchmarks the derived tables.
    """
    ctx = _Context(con, Window.to(as_of), la, from_raw)
    if la is not None:
        known = {source_la for (_, source_la) in ctx.years}
        if la not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise StatutoryError(f"authority {la} is not in the store (authorities: {listed})")
    results = {**_cin(ctx, suppress), **_care_leavers(ctx, suppress)}
    return {name: results[name] for name in DEFINITIONS}


def compute_indicators(
    store: Path, as_of: date, la: str | None = None, *, suppress: bool = True
) -> dict[str, Indicator]:
    """Every statutory indicator for the 12 months to ``as_of``, for one authority or all.

    With ``la`` None the authorities in the store are taken together (numerators and
    denominators summed), as for a regional group. ``suppress`` (the default, for anything
    published) withholds values built on counts of 1 to 5.
    """
    con = open_for_reading(store)
    try:
        return indicators_from(con, as_of, la, suppress=suppress)
    finally:
        con.close()
