"""Plan workbook cells → rows of scalar nodes, within limits that keep a hostile file harmless.

``CellReader`` opens the workbook, refusing one larger than ``MAX_BYTES`` or unpacking to more
than ``MAX_INFLATED`` (a zip bomb); checks each sheet's headings against the layout; and reads
every cell as its column's kind, each node located at its cell (``KPI values!D14``). Excel
errors, formulas without a saved result, percentages and times of day are refused here;
numbers are read exactly (``numbers.cell_decimal``), and the plan file's number limits
(``plantracker.domain.exact``) are applied by the validator. ``parse.WorkbookReader`` nests
the rows into the plan file's tree.
"""

from __future__ import annotations

import difflib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.tree import Node, Shape
from plantracker.planfile.xlsx.layout import (
    OPTIONAL_SHEETS,
    README,
    SHEETS,
    CellKind,
    Column,
    Sheet,
)
from plantracker.planfile.xlsx.numbers import cell_decimal, is_percent_format, unescape_text

MAX_BYTES = 64 * 1024 * 1024
"""Larger workbooks are refused unread (a scale-100 synthetic plan is a few MB)."""

Entries = list[tuple[Node, Node]]


@dataclass
class _Raw:
    """A non-empty cell as openpyxl read it."""

    value: Any
    data_type: str
    number_format: str


@dataclass
class Row:
    """One data row: its number and its cells as nodes, by column header."""

    sheet: str
    number: int
    position: int
    cells: dict[str, Node] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return f"{self.sheet} row {self.number}" if self.number else self.sheet

    def get(self, header: str) -> Node | None:
        return self.cells.get(header)

    def text(self, header: str) -> str | None:
        node = self.cells.get(header)
        return None if node is None or node.null else node.text

    def cell(self, header: str) -> Node | None:
        """The cell's node when it holds something (not an empty required cell)."""
        node = self.cells.get(header)
        return None if node is None or node.null else node


class CellReader:
    """Reads one workbook; ``errors`` collects what is wrong, with their positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[tuple[int, int, PlanError]] = []
        self.positions: dict[str, tuple[int, int]] = {}
        self.structural = False  # a sheet or column is wrong: the cells are not read
        # (row, plan-file key) of required cells refused here: the validator's "missing
        # the required key" for them would say the same thing twice.
        self.refused: set[tuple[str, str]] = set()

    # -- reporting ------------------------------------------------------------------------

    def error(self, location: str, message: str) -> None:
        line, column = self.positions.get(location, (0, 0))
        self.errors.append((line, column, PlanError(self.name, location, message)))

    def refuse_if_errors(self) -> None:
        if self.errors:
            raise PlanFileError(error for *_, error in sorted(self.errors, key=_by_position))

    # -- nodes ----------------------------------------------------------------------------

    def _place(self, location: str, line: int, column: int) -> None:
        self.positions.setdefault(location, (line, column))

    def scalar(
        self, text: str, row: Row, column: int, *, null: bool = False, quoted: bool = False
    ) -> Node:
        location = _cell(row.sheet, column, row.number)
        self._place(location, row.position, column)
        return Node(
            Shape.SCALAR,
            text=text,
            null=null,
            quoted=quoted,
            line=row.position,
            column=column,
            location=location,
        )

    def key(self, text: str, anchor: Node) -> Node:
        return Node(
            Shape.SCALAR,
            text=text,
            line=anchor.line,
            column=anchor.column,
            location=anchor.location,
        )

    def mapping(self, entries: Entries, row: Row) -> Node:
        return Node(
            Shape.MAPPING,
            entries=tuple(entries),
            line=row.position,
            column=0,
            location=row.location,
        )

    def sequence(self, items: list[Node], anchor: Node | Row) -> Node:
        location = anchor.location
        line = anchor.line if isinstance(anchor, Node) else anchor.position
        return Node(Shape.SEQUENCE, items=tuple(items), line=line, location=location)

    # -- the workbook ---------------------------------------------------------------------

    def read_rows(self, data: bytes) -> dict[str, list[Row]]:
        """The data rows of every plan sheet in the workbook ``data``, by sheet name; a sheet
        or column that is not the plan workbook's sets ``structural``."""
        raw = self._raw_sheets(data)
        return {
            sheet.name: self._rows(sheet, raw[sheet.name]) if sheet.name in raw else []
            for sheet in SHEETS
        }

    def _raw_sheets(self, data: bytes) -> dict[str, dict[int, dict[int, _Raw]]]:
        workbook = _open(data, self.name, data_only=False)
        names = list(workbook.sheetnames)
        expected = [sheet.name for sheet in SHEETS]
        for name in names:
            if name not in expected and name != README:
                close = difflib.get_close_matches(name, expected, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.structural = True
                self.error(
                    f"sheet {name!r}",
                    f"unknown sheet {name!r}{hint}; a plan workbook has the sheets "
                    f"{', '.join(expected)} (and README)",
                )
        for name in expected:
            if name not in names and name not in OPTIONAL_SHEETS:
                self.structural = True
                self.error(
                    f"sheet {name!r}",
                    f"the workbook has no sheet {name!r} (its sheets: {', '.join(names)})",
                )
        raw: dict[str, dict[int, dict[int, _Raw]]] = {}
        formulas: dict[str, list[tuple[int, int]]] = {}
        for order, sheet in enumerate(SHEETS):
            if sheet.name not in names:
                continue
            cells: dict[int, dict[int, _Raw]] = {}
            try:
                for row_number, column, cell in _cells(workbook[sheet.name]):
                    cells.setdefault(row_number, {})[column] = cell
                    if cell.data_type == "f":
                        formulas.setdefault(sheet.name, []).append((row_number, column))
                    self._place(
                        _cell(sheet.name, column, row_number), line_of(order, row_number), column
                    )
            except (zlib.error, zipfile.BadZipFile, EOFError, ElementTree.ParseError) as exc:
                # The sheet's data is damaged: said at the sheet, not as a traceback.
                raise PlanFileError(
                    [PlanError(self.name, f"sheet {sheet.name!r}", f"cannot be read: {exc}")]
                ) from None
            raw[sheet.name] = cells
        workbook.close()
        if formulas:
            self._saved_results(data, raw, formulas)
        return raw

    def _saved_results(
        self,
        data: bytes,
        raw: dict[str, dict[int, dict[int, _Raw]]],
        formulas: dict[str, list[tuple[int, int]]],
    ) -> None:
        """Replace formula cells by the result Excel saved with them, or refuse them."""
        workbook = _open(data, self.name, data_only=True)
        for name, wanted in formulas.items():
            saved = {
                (row, column): cell
                for row, column, cell in _cells(workbook[name])
                if (row, column) in set(wanted)
            }
            for row, column in wanted:
                formula = raw[name][row][column].value
                location = _cell(name, column, row)
                result = saved.get((row, column))
                raw[name][row][column] = _Raw(formula, _REFUSED, "")
                if result is None or result.value is None:
                    self.error(
                        location,
                        f"the formula {formula} has no saved result (the file was not saved "
                        "by a spreadsheet program that calculates); type the value instead",
                    )
                elif result.data_type == "e":
                    self.error(location, f"the formula {formula} gives the error {result.value}")
                else:
                    raw[name][row][column] = _Raw(
                        result.value, result.data_type, raw[name][row][column].number_format
                    )
        workbook.close()

    # -- rows ----------------------------------------------------------------------------

    def _rows(self, sheet: Sheet, cells: dict[int, dict[int, _Raw]]) -> list[Row]:
        order = SHEETS.index(sheet)
        columns = self._headers(sheet, cells.get(1, {}))
        if columns is None:
            return []
        columns_by = {column.header: column for column in columns.values()}
        rows: list[Row] = []
        for number in sorted(n for n in cells if n > 1):
            found = cells[number]
            if all(_blank(raw) for raw in found.values()):
                continue
            row = Row(sheet.name, number, line_of(order, number))
            self._place(row.location, row.position, 0)
            refused: set[str] = set()
            for index, raw in found.items():
                if _blank(raw):
                    continue
                column = columns.get(index)
                if column is None:
                    self.error(
                        _cell(sheet.name, index, number),
                        "a value in a column without a heading (row 1 names every column)",
                    )
                    continue
                node = self._node(raw, column, row, index)
                if node is None:
                    refused.add(column.header)
                else:
                    row.cells[column.header] = node
            self.refused.update((row.location, columns_by[h].yaml_key) for h in refused)
            for index, column in columns.items():
                if column.required and column.header not in row.cells.keys() | refused:
                    row.cells[column.header] = self.scalar("", row, index, null=True)
            rows.append(row)
        return rows

    def _headers(self, sheet: Sheet, cells: dict[int, _Raw]) -> dict[int, Column] | None:
        errors = len(self.errors)
        by_header = {column.header.casefold(): column for column in sheet.columns}
        columns: dict[int, Column] = {}
        seen: dict[str, str] = {}
        for index, raw in sorted(cells.items()):
            if _blank(raw):
                continue
            location = _cell(sheet.name, index, 1)
            heading = str(raw.value).strip()
            column = by_header.get(heading.casefold())
            if column is None:
                names = [c.header for c in sheet.columns]
                close = difflib.get_close_matches(heading, names, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(
                    location,
                    f"unknown column {heading!r}{hint}; the {sheet.name} sheet's columns are: "
                    f"{', '.join(names)}",
                )
            elif column.header in seen:
                self.error(
                    location,
                    f"the column {column.header!r} appears twice (also {seen[column.header]})",
                )
            else:
                seen[column.header] = location
                columns[index] = column
        for column in sheet.columns:
            if column.required and column.header not in seen:
                self.error(
                    f"{sheet.name} row 1",
                    f"the {sheet.name} sheet has no column {column.header!r} (row 1 holds "
                    "the headings)",
                )
        self.structural |= len(self.errors) > errors
        return columns

    def _node(self, raw: _Raw, column: Column, row: Row, index: int) -> Node | None:
        """The cell as a scalar node, read as its column's kind; None after an error."""
        location = _cell(row.sheet, index, row.number)
        value, kind = raw.value, column.kind
        if raw.data_type == _REFUSED:
            return None
        if raw.data_type == "e":
            self.error(location, f"the cell holds the error {value}")
            return None
        if isinstance(value, bool):
            return self.scalar("TRUE" if value else "FALSE", row, index)
        if isinstance(value, (datetime, date, time)):
            return self._date_node(value, column, row, index, location)
        if isinstance(value, (int, float)):
            if is_percent_format(raw.number_format):
                self.error(
                    location,
                    f"expected a plain number, found a percentage (the cell shows "
                    f"{value:.6g} as a percent); write 58.6 for 58.6%",
                )
                return None
            return self.scalar(str(cell_decimal(value, raw.number_format)), row, index)
        written = unescape_text(str(value))
        if kind is CellKind.TEXT:
            return self.scalar(written, row, index, quoted=True)
        return self.scalar(written.strip(), row, index)

    def _date_node(
        self, value: datetime | date | time, column: Column, row: Row, index: int, location: str
    ) -> Node | None:
        if isinstance(value, time) or (isinstance(value, datetime) and value.time() != time(0, 0)):
            self.error(
                location, f"expected a date, found a time of day ({value}); give the date alone"
            )
            return None
        day = value.date() if isinstance(value, datetime) else value
        if column.kind is not CellKind.DATE:
            self.error(
                location,
                f"expected {column.kind.value}, found the date {day.isoformat()} (if it is "
                "text, format the cell as Text and type it again)",
            )
            return None
        return self.scalar(day.isoformat(), row, index)


_REFUSED = "refused"  # a formula cell already reported: read as nothing


MAX_INFLATED = 256 * 1024 * 1024
"""A workbook whose parts unpack to more is refused unread (a zip bomb)."""


def _check_inflated_size(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # load_workbook says what is wrong with it
    if inflated > MAX_INFLATED:
        raise PlanFileError(
            [
                PlanError(
                    name,
                    "",
                    f"the workbook unpacks to {inflated // 2**20} MB, more than "
                    f"{MAX_INFLATED // 2**20} MB; it is not a plan workbook",
                )
            ]
        )


def _open(data: bytes, name: str, *, data_only: bool) -> Any:
    _check_inflated_size(data, name)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        ElementTree.ParseError,
    ) as exc:
        detail = str(exc) or type(exc).__name__
        raise PlanFileError(
            [PlanError(name, "", f"not an Excel workbook (.xlsx) that can be read: {detail}")]
        ) from None


def _cells(worksheet: Any) -> Iterator[tuple[int, int, _Raw]]:
    """Every non-empty cell: (row, column, raw), rows and columns from 1."""
    worksheet.reset_dimensions()
    for row_number, row in enumerate(worksheet.iter_rows(), start=1):
        for column, cell in enumerate(row, start=1):
            if cell.value is None and getattr(cell, "data_type", "n") != "e":
                continue
            number = getattr(cell, "row", None) or row_number
            where = getattr(cell, "column", None) or column
            yield number, where, _Raw(cell.value, cell.data_type, cell.number_format or "")


def _blank(raw: _Raw) -> bool:
    return raw.value is None or (isinstance(raw.value, str) and raw.value == "")


def _cell(sheet: str, column: int, row: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}" if column else f"{sheet} row {row}"


def line_of(order: int, row: int) -> int:
    return order * 10_000_000 + row


def _by_position(entry: tuple[int, int, PlanError]) -> tuple[int, int]:
    return entry[0], entry[1]
