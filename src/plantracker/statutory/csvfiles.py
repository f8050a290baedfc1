"""Readers of the CSV inputs: SSDA903 tables (Header, Episodes, OC3) and population.

SSDA903 layout: DfE, "Children looked after return: guide" — one CSV per table with the
department's column names (``CHILD``, ``DOB``, ``DECOM``, ...), dates as DD/MM/YYYY. The
table is recognised by its columns, not its file name. The tables no indicator uses
(AD1, OC2, Missing, Reviews, UASC, PrevPerm, PlacedAdoption, SocialWorker) are recognised
and skipped.

Kept: the pseudonymous child key, sex, month of birth, episode dates with their codes,
and the care leaver's contact, activity and accommodation codes. Not kept: UPN, postcodes,
placement URNs, the mother's child's birth date.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plantracker.statutory.batch import Batch
from plantracker.statutory.errors import Problem, StatutoryError
from plantracker.statutory.pseudonym import Pseudonymiser
from plantracker.statutory.values import (
    ACTIVITY_CODES,
    IN_TOUCH_CODES,
    count,
    month_of,
    uk_date,
)

MAX_PROBLEMS = 20

HEADER_COLUMNS = frozenset({"CHILD", "SEX", "DOB", "ETHNIC"})
EPISODES_COLUMNS = frozenset({"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC", "REC"})
OC3_COLUMNS = frozenset({"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"})
POPULATION_COLUMNS = frozenset({"LA_CODE", "YEAR", "POPULATION_0_17"})
BENCHMARK_COLUMNS = frozenset({"TIME_PERIOD", "GEOGRAPHIC_LEVEL"})
# Other SSDA903 tables, recognised by a column only they have.
SKIPPED_903 = {
    "DATE_MATCH": "AD1",
    "SDQ_SCORE": "OC2",
    "MIS_START": "Missing",
    "REVIEW_CODE": "Reviews",
    "DUC": "UASC",
    "PREV_PERM": "PrevPerm",
    "DATE_PLACED": "PlacedAdoption",
    "SW_ID": "SocialWorker",
    "DOLO_START": "DoLo",
}


@dataclass(frozen=True)
class CsvKind:
    kind: str  # ssda903_header | ssda903_episodes | ssda903_oc3 | population | skip | benchmark
    label: str


def read_header(path: Path) -> list[str]:
    """The file's column names, upper-cased; [] for an empty file."""
    with _open(path) as handle:
        row = next(csv.reader(handle), [])
    return [name.strip().upper() for name in row]


def classify(columns: list[str]) -> CsvKind | None:
    """Which table a CSV holds, from its columns; None when it is none we know."""
    names = set(columns)
    if names >= EPISODES_COLUMNS:
        return CsvKind("ssda903_episodes", "SSDA903 Episodes")
    if names >= OC3_COLUMNS:
        return CsvKind("ssda903_oc3", "SSDA903 OC3")
    if names >= HEADER_COLUMNS:
        return CsvKind("ssda903_header", "SSDA903 Header")
    if names >= POPULATION_COLUMNS:
        return CsvKind("population", "population")
    if names >= BENCHMARK_COLUMNS:
        return CsvKind("benchmark", "published comparator figures")
    if "CHILD" in names:
        for column, table in SKIPPED_903.items():
            if column in names:
                return CsvKind("skip", f"SSDA903 {table}")
    return None


def _open(path: Path) -> io.TextIOWrapper:
    """Open as UTF-8 (with or without BOM); fall back to Windows-1252, Excel's default."""
    try:
        with open(path, encoding="utf-8-sig") as probe:
            for _ in probe:
                pass
        return open(path, encoding="utf-8-sig", newline="")
    except UnicodeDecodeError:
        return open(path, encoding="cp1252", newline="")


class _Rows:
    """Iterates a CSV as dicts keyed by upper-cased column, with line numbers; collects problems."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.problems: list[Problem] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.name, message, line, column))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(self.name, f"stopped after {MAX_PROBLEMS} problems"))
            raise StatutoryError(self.problems)

    def check(self) -> None:
        if self.problems:
            raise StatutoryError(self.problems)

    def each(
        self, required: frozenset[str], handle_row: Callable[[int, dict[str, str]], None]
    ) -> int:
        rows = 0
        with _open(self.path) as handle:
            reader = csv.reader(handle)
            try:
                header = [name.strip().upper() for name in next(reader)]
            except StopIteration:
                self.add(1, "", "the file is empty")
                return 0
            missing = sorted(required - set(header))
            if missing:
                self.add(1, ", ".join(missing), "required column missing")
                self.check()
            width = len(header)
            try:
                for fields in reader:
                    line = reader.line_num
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue
                    if len(fields) != width:
                        self.add(line, "", f"{len(fields)} fields where the header has {width}")
                        continue
                    handle_row(line, {h: v.strip() for h, v in zip(header, fields, strict=True)})
                    rows += 1
            except csv.Error as exc:
                self.add(reader.line_num, "", f"not valid CSV ({exc.__class__.__name__})")
        self.check()
        return rows


def _required_date(rows: _Rows, line: int, row: dict[str, str], column: str) -> date | None:
    value = uk_date(row[column])
    if value is None:
        rows.add(line, column, "missing or not a date (DD/MM/YYYY)")
    return value


def _optional_date(rows: _Rows, line: int, row: dict[str, str], column: str) -> date | None:
    text = row.get(column, "")
    if not text:
        return None
    value = uk_date(text)
    if value is None:
        rows.add(line, column, "not a date (DD/MM/YYYY)")
    return value


def _child(
    rows: _Rows, line: int, row: dict[str, str], la: str, pseud: Pseudonymiser
) -> int | None:
    local_id = row["CHILD"]
    if not local_id:
        rows.add(line, "CHILD", "missing")
        return None
    return pseud(la, local_id)


def read_903_header(path: Path, la: str, pseud: Pseudonymiser) -> Batch:
    batch = Batch("cla_child", ("child", "sex", "birth_month"))
    rows = _Rows(path)

    def row_(line: int, row: dict[str, str]) -> None:
        key = _child(rows, line, row, la, pseud)
        born = _required_date(rows, line, row, "DOB")
        if key is None or born is None:
            return
        batch.data[0].append(key)
        # one coding across years: 1/2 up to 2023-24, M/F (U) from 2024-25
        sex = row["SEX"].upper()
        batch.data[1].append({"1": "M", "2": "F", "0": "U", "9": "U"}.get(sex, sex) or None)
        batch.data[2].append(month_of(born))

    rows.each(HEADER_COLUMNS, row_)
    return batch


def read_903_episodes(path: Path, la: str, pseud: Pseudonymiser) -> Batch:
    columns = (
        "child",
        "start_date",
        "reason_new",
        "legal_status",
        "need",
        "placement",
        "end_date",
        "reason_end",
    )
    batch = Batch("cla_episode", columns)
    rows = _Rows(path)

    def row_(line: int, row: dict[str, str]) -> None:
        key = _child(rows, line, row, la, pseud)
        start = _required_date(rows, line, row, "DECOM")
        end = _optional_date(rows, line, row, "DEC")
        if key is None or start is None:
            return
        if end is not None and end < start:
            rows.add(line, "DEC", "before DECOM")
        values = (
            key,
            start,
            row["RNE"] or None,
            row["LS"] or None,
            row["CIN"] or None,
            row["PLACE"] or None,
            end,
            row["REC"] or None,
        )
        for column, value in zip(batch.data, values, strict=True):
            column.append(value)

    rows.each(EPISODES_COLUMNS, row_)
    return batch


def read_903_oc3(path: Path, la: str, pseud: Pseudonymiser) -> Batch:
    batch = Batch("care_leaver", ("child", "birth_month", "in_touch", "activity", "accommodation"))
    rows = _Rows(path)

    def row_(line: int, row: dict[str, str]) -> None:
        key = _child(rows, line, row, la, pseud)
        born = _required_date(rows, line, row, "DOB")
        in_touch = row["IN_TOUCH"].upper()
        activity = row["ACTIV"].upper()
        if in_touch and in_touch not in IN_TOUCH_CODES:
            rows.add(line, "IN_TOUCH", "not an SSDA903 'in touch' code")
        if activity and activity not in ACTIVITY_CODES:
            rows.add(line, "ACTIV", "not an SSDA903 activity code")
        if key is None or born is None:
            return
        values = (key, month_of(born), in_touch or None, activity or None, row["ACCOM"] or None)
        for column, value in zip(batch.data, values, strict=True):
            column.append(value)

    rows.each(OC3_COLUMNS, row_)
    return batch


def read_population(path: Path) -> dict[tuple[str, int], int]:
    """Population CSV: ``la_code,year,population_0_17`` (mid-year estimate of that year)."""
    found: dict[tuple[str, int], int] = {}
    rows = _Rows(path)

    def row_(line: int, row: dict[str, str]) -> None:
        la = row["LA_CODE"]
        year_text = row["YEAR"]
        people = count(row["POPULATION_0_17"])
        if not (len(la) == 3 and la.isdigit()):
            rows.add(line, "la_code", "not a three-digit authority code")
        if not (len(year_text) == 4 and year_text.isdigit()):
            rows.add(line, "year", "not a four-digit year")
        if people is None:
            rows.add(line, "population_0_17", "not a whole number")
        if rows.problems:
            return
        assert people is not None
        if (la, int(year_text)) in found:
            rows.add(line, "la_code", "a second row for this authority and year")
        found[(la, int(year_text))] = people

    rows.each(POPULATION_COLUMNS, row_)
    return found
