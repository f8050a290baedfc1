"""Published comparator figures (DfE open-data CSV) and England / region / neighbour averages.

The department's open-data files have one row per time period and geography
(``time_period``, ``geographic_level`` = National / Regional / Local authority,
``region_code``, ``old_la_code``, ``new_la_code``, ``la_name``, ...) and one column per
figure. Every column that is not a geography or time column is kept as an indicator, in
long form. Suppressed or missing cells ("c", "x", "z", "u", "low", ":") are kept as
shown, with no value.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from plantracker.statutory.batch import Batch
from plantracker.statutory.errors import Problem, StatutoryError
from plantracker.statutory.store import open_for_reading, open_unkeyed

# The time and place columns of the department's open-data files, in their usual order.
PLACE_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
GEOGRAPHY_COLUMNS = frozenset(PLACE_COLUMNS) | {"lad_code", "lad_name", "ons_code", "opendata_id"}
NATIONAL = "national"
REGIONAL = "regional"
LOCAL = "local authority"


@dataclass(frozen=True)
class PublishedLoad:
    rows: int
    indicators: tuple[str, ...]
    periods: tuple[str, ...]


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


COLUMNS = (
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "indicator",
    "value",
    "shown",
)


def _read(path: Path) -> tuple[Batch, list[str]]:
    """The file's figures in long form, and the names of its figure columns."""
    name = str(path)
    problems: list[Problem] = []
    batch = Batch("benchmark", COLUMNS)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            missing = sorted({"time_period", "geographic_level"} - set(header))
            if missing:
                raise StatutoryError(
                    Problem(name, "not a DfE open-data file: column missing", 1, ", ".join(missing))
                )
            figures = [h for h in header if h not in GEOGRAPHY_COLUMNS]
            if not figures:
                raise StatutoryError(
                    Problem(name, "no figure columns besides time and geography", 1)
                )
            for fields in reader:
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    message = f"{len(fields)} fields where the header has {len(header)}"
                    problems.append(Problem(name, message, reader.line_num))
                    if len(problems) >= 20:
                        break
                    continue
                row = dict(zip(header, (f.strip() for f in fields), strict=True))
                place = [row.get(c) or None for c in COLUMNS[:7]]
                for figure in figures:
                    shown = row[figure]
                    values = (*place, figure, _number(shown), shown)
                    for column, value in zip(batch.data, values, strict=True):
                        column.append(value)
    except OSError as exc:
        raise StatutoryError(f"{name}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise StatutoryError(f"{name}: not UTF-8 text") from None
    if problems:
        raise StatutoryError(problems)
    return batch, figures


def load_published(path: Path, store: Path) -> PublishedLoad:
    """Load one open-data CSV; rows for the same period, place and figure are replaced."""
    batch, figures = _read(path)
    con = open_unkeyed(store)
    try:
        con.begin()
        con.execute("CREATE TEMP TABLE incoming AS SELECT * FROM benchmark LIMIT 0")
        rows = batch.insert_plain(con, "incoming")
        con.execute(
            "DELETE FROM benchmark b USING incoming i WHERE b.time_period = i.time_period "
            "AND b.geographic_level = i.geographic_level AND b.indicator = i.indicator "
            "AND b.region_code IS NOT DISTINCT FROM i.region_code "
            "AND b.new_la_code IS NOT DISTINCT FROM i.new_la_code"
        )
        con.execute("INSERT INTO benchmark SELECT * FROM incoming")
        con.execute("DROP TABLE incoming")
        con.commit()
        periods = [
            str(r[0])
            for r in con.execute("SELECT DISTINCT time_period FROM benchmark ORDER BY 1").fetchall()
        ]
    finally:
        con.close()
    return PublishedLoad(rows, tuple(figures), tuple(periods))


@dataclass(frozen=True)
class Comparators:
    """Published figures beside an authority's own for one indicator and period."""

    indicator: str
    time_period: str
    authority: Decimal | None
    england: Decimal | None
    region: Decimal | None
    region_name: str | None
    neighbours: Decimal | None
    neighbours_used: int


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def comparators(
    store: Path, indicator: str, time_period: str, la: str, neighbours: tuple[str, ...] = ()
) -> Comparators:
    """England, the authority's region and its statistical neighbours' mean for a figure.

    ``la`` and ``neighbours`` may be old (3-digit) or new (E06…) codes. The neighbours'
    average is the plain mean of those with a published value (suppressed ones are left out
    and ``neighbours_used`` says how many counted), as the DfE's benchmarking tool does.
    """
    con = open_for_reading(store)
    try:
        params = [indicator, time_period]
        base = "FROM benchmark WHERE indicator = ? AND time_period = ?"
        if con.execute(f"SELECT count(*) {base}", params).fetchone() == (0,):
            raise StatutoryError(
                f"no published figure {indicator!r} for {time_period!r} in the store; "
                "load it with `plantracker statutory benchmarks FILE.csv`"
            )
        level = "lower(geographic_level)"
        own = con.execute(
            f"SELECT shown, region_code, region_name {base} AND {level} = ? "
            "AND (old_la_code = ? OR new_la_code = ?)",
            [*params, LOCAL, la, la],
        ).fetchone()
        england = con.execute(
            f"SELECT shown {base} AND {level} = ?", [*params, NATIONAL]
        ).fetchone()
        region = None
        if own is not None and own[1] is not None:
            region = con.execute(
                f"SELECT shown {base} AND {level} = ? AND region_code = ?",
                [*params, REGIONAL, own[1]],
            ).fetchone()
        peers: list[Decimal] = []
        if neighbours:
            marks = ", ".join("?" for _ in neighbours)
            peers = [
                Decimal(r[0])
                for r in con.execute(
                    f"SELECT value {base} AND {level} = ? AND value IS NOT NULL "
                    f"AND (old_la_code IN ({marks}) OR new_la_code IN ({marks}))",
                    [*params, LOCAL, *neighbours, *neighbours],
                ).fetchall()
            ]
    finally:
        con.close()
    return Comparators(
        indicator=indicator,
        time_period=time_period,
        # Figures as published (their text), not as stored to four places.
        authority=None if own is None else _number(own[0] or ""),
        england=None if england is None else _number(england[0] or ""),
        region=None if region is None else _number(region[0] or ""),
        region_name=None if own is None else own[2],
        neighbours=_rounded(sum(peers, Decimal(0)) / len(peers)) if peers else None,
        neighbours_used=len(peers),
    )
