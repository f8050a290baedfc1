"""What ``statutory load`` keeps of each validation, and what apply and ``--history`` read.

Per validated return (a CIN census file, or one authority-year's SSDA903 tables) the store
keeps one ``validation_run`` row (when, which validator and rule set, how many children,
errors and queries, or why validation was skipped), one ``validation_rule`` row per rule
broken (code, severity, children, the indicators it affects) and one ``validation_indicator``
row per indicator with the number of children breaking an error rule that affects it.
Counts only: no child id, not even a pseudonymous one. Every load's runs are kept, so that
``statutory validate --history`` shows a return's errors across the loads of a year
(docs/statutory.md#validation-history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from plantracker.domain.computed import DataQuality
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.indicators import Window, collection_year
from plantracker.statutory.store import open_for_reading, open_unkeyed
from plantracker.statutory.validation import FileValidation, ReturnSkipped

# The store's source kinds each validated return covers.
_SOURCE_KINDS = {
    "cin": ("cin",),
    "ssda903": ("ssda903_header", "ssda903_episodes", "ssda903_oc3"),
}
# Which validated return each indicator is computed from.
_RETURN_OF_SOURCE = {"cin": "cin", "ssda903_oc3": "ssda903"}


def _kind(result: FileValidation) -> str:
    return "cin" if result.kind == "cin" else "ssda903"


def record_validations(
    store: Path, results: Sequence[FileValidation], skipped: Sequence[ReturnSkipped]
) -> None:
    """Append this load's validations (and the returns it could not validate) to the store."""
    if not results and not skipped:
        return
    con = open_unkeyed(store)
    try:
        con.begin()
        row = con.execute("SELECT coalesce(max(run), 0) FROM validation_run").fetchone()
        run = int(row[0]) if row else 0
        now = datetime.now()
        for result in results:
            run += 1
            con.execute(
                "INSERT INTO validation_run VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run,
                    _kind(result),
                    result.la,
                    result.year,
                    ", ".join(result.files),
                    now,
                    result.status,
                    result.message,
                    result.validator,
                    result.version,
                    result.ruleset,
                    result.children,
                    result.rules_run,
                    result.count("error"),
                    result.count("query"),
                    ", ".join(c.code for c in result.crashed),
                    ", ".join(s.code for s in result.skipped),
                ],
            )
            for f in result.findings:
                con.execute(
                    "INSERT INTO validation_rule VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        run,
                        f.code,
                        f.severity,
                        f.level,
                        f.children,
                        f.locations,
                        ", ".join(f.indicators),
                        f.message,
                    ],
                )
            for indicator, children in result.indicator_children:
                con.execute(
                    "INSERT INTO validation_indicator VALUES (?, ?, ?)", [run, indicator, children]
                )
        for s in skipped:
            run += 1
            con.execute(
                "INSERT INTO validation_run (run, kind, la, year, files, validated_at, status, "
                "message) VALUES (?, ?, ?, ?, ?, ?, 'skipped', ?)",
                [run, s.kind, s.la, s.year, s.name, now, s.reason],
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()


def _has_validation(con: duckdb.DuckDBPyConnection) -> bool:
    names = {
        str(row[0])
        for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    return "validation_run" in names


def needs_validation(store: Path, kind: str, la: str, year: int) -> bool:
    """Whether the return as loaded now has no successful validation (none yet, skipped, or
    one older than its latest load)."""
    if not store.is_file():
        return True
    con = open_for_reading(store)
    try:
        return _latest_ok(con, kind, la, year) is None
    finally:
        con.close()


def _latest_ok(con: duckdb.DuckDBPyConnection, kind: str, la: str, year: int) -> int | None:
    """The run that validated the return as loaded now, if its latest run succeeded."""
    if not _has_validation(con):
        return None
    latest = con.execute(
        "SELECT run, status, validated_at FROM validation_run "
        "WHERE kind = ? AND la = ? AND year = ? ORDER BY run DESC LIMIT 1",
        [kind, la, year],
    ).fetchone()
    if latest is None or latest[1] != "ok":
        return None
    marks = ", ".join("?" for _ in _SOURCE_KINDS[kind])
    loaded = con.execute(
        f"SELECT max(loaded_at) FROM sources WHERE kind IN ({marks}) AND la = ? AND year = ?",
        [*_SOURCE_KINDS[kind], la, year],
    ).fetchone()
    if loaded is None or loaded[0] is None or loaded[0] > latest[2]:
        return None
    return int(latest[0])


def indicator_quality(
    store: Path, as_of: date, la: str | None = None
) -> dict[str, DataQuality | None]:
    """Per indicator, the data quality of the returns it is computed from for the 12 months
    to ``as_of``: the children in those returns (one count per return: a child in two
    collection years counts in each) and those breaking an error rule that affects it.

    None for an indicator when any of those returns is not loaded or was not validated as
    loaded now (docs/statutory.md#data-quality).
    """
    window = Window.to(as_of)
    years = range(collection_year(window.start + timedelta(days=1)), collection_year(as_of) + 1)
    con = open_for_reading(store)
    try:
        out: dict[str, DataQuality | None] = {}
        for name, definition in DEFINITIONS.items():
            kind = _RETURN_OF_SOURCE[definition.source]
            authorities = (
                [la]
                if la is not None
                else [
                    str(r[0])
                    for r in con.execute(
                        "SELECT DISTINCT la FROM sources WHERE kind = ? ORDER BY la",
                        [definition.source],
                    ).fetchall()
                ]
            )
            children = errors = 0
            complete = bool(authorities)
            for authority in authorities:
                for year in years:
                    run = _latest_ok(con, kind, authority, year)
                    if run is None:
                        complete = False
                        break
                    row = con.execute(
                        "SELECT children FROM validation_run WHERE run = ?", [run]
                    ).fetchone()
                    hit = con.execute(
                        "SELECT children FROM validation_indicator WHERE run = ? AND indicator = ?",
                        [run, name],
                    ).fetchone()
                    children += int(row[0]) if row else 0
                    errors += int(hit[0]) if hit else 0
                if not complete:
                    break
            out[name] = DataQuality(children, min(errors, children)) if complete else None
        return out
    finally:
        con.close()


@dataclass
class LoadRun:
    """One validation of a return at one load."""

    run: int
    validated_at: datetime
    files: str
    status: str
    message: str
    ruleset: str
    children: int
    errors: int
    queries: int
    rules: dict[str, int] = field(default_factory=dict)  # code → children (0: the return)


@dataclass
class ReturnHistory:
    kind: str
    la: str
    year: int
    runs: list[LoadRun] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code → error | query
    messages: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{'CIN census' if self.kind == 'cin' else 'SSDA903'} {self.la} {self.year}"


def validation_history(store: Path) -> list[ReturnHistory]:
    """Every validation kept, by return (kind, authority, year) then load, oldest first."""
    con = open_for_reading(store)
    try:
        if not _has_validation(con):
            return []
        runs = con.execute(
            "SELECT run, kind, la, year, files, validated_at, status, coalesce(message, ''), "
            "coalesce(ruleset, ''), coalesce(children, 0), coalesce(errors, 0), "
            "coalesce(queries, 0) FROM validation_run "
            "WHERE la IS NOT NULL AND year IS NOT NULL ORDER BY kind, la, year, run"
        ).fetchall()
        rules = con.execute(
            "SELECT run, code, severity, children, indicators, message FROM validation_rule"
        ).fetchall()
    finally:
        con.close()
    by_run: dict[int, list[tuple[str, str, int, str, str]]] = {}
    for run, code, severity, children, indicators, message in rules:
        by_run.setdefault(int(run), []).append(
            (str(code), str(severity), int(children), str(indicators), str(message))
        )
    histories: dict[tuple[str, str, int], ReturnHistory] = {}
    for run, kind, la, year, files, at, status, message, ruleset, children, errs, queries in runs:
        key = (str(kind), str(la), int(year))
        history = histories.setdefault(key, ReturnHistory(*key))
        load = LoadRun(
            int(run),
            at,
            str(files),
            str(status),
            str(message),
            str(ruleset),
            int(children),
            int(errs),
            int(queries),
        )
        for code, severity, hit, indicators, text in by_run.get(int(run), []):
            load.rules[code] = hit
            history.severity[code] = severity
            history.messages[code] = text
            history.indicators[code] = indicators
        history.runs.append(load)
    return list(histories.values())


__all__ = [
    "LoadRun",
    "ReturnHistory",
    "indicator_quality",
    "needs_validation",
    "record_validations",
    "validation_history",
]
