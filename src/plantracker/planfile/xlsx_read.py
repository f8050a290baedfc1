"""Plan workbook cells → the neutral ``Node`` tree that ``planfile.build`` validates.

The workbook feeds the same validator as the YAML file (DESIGN.md "Plan file"): this module
only turns cells into scalars and sheets into the file's nesting, each node located at its
cell (``KPI values!D14``) or row (``KPI values row 14``). What only a workbook can get wrong
is refused here: unknown or missing sheets and columns, cells holding Excel errors, formulas
without a saved result, percentages, date-and-time values, rows that link to nothing.
"""

from __future__ import annotations

import difflib
import io
import json
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
from plantracker.planfile.workbook_layout import (
    BOXES,
    EMPTY_MAPPING,
    ITEM_SHEETS,
    KPI_TARGETS,
    KPI_VALUES,
    NARRATIVE,
    NARRATIVE_LISTS,
    PERIODS,
    PLAN,
    README,
    RECOMMENDATIONS,
    RISKS,
    SHEETS,
    UPDATES,
    CellKind,
    Column,
    Sheet,
)
from plantracker.planfile.xlsx_numbers import cell_decimal, is_percent_format, unescape_text

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


class WorkbookReader:
    """Reads one workbook; ``errors`` collects what is wrong, with their positions."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.errors: list[tuple[int, int, PlanError]] = []
        self.positions: dict[str, tuple[int, int]] = {}
        self.structural = False  # a sheet or column is wrong: the cells are not read
        self.ref_nodes: dict[str, Node] = {}  # the first Updates cell naming each ref
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

    def read(self, data: bytes) -> Node:
        """The tree of the workbook in ``data``; raises ``PlanFileError`` if its sheets or
        columns are not the plan workbook's (content errors are left to the validator)."""
        raw = self._raw_sheets(data)
        rows = {
            sheet.name: self._rows(sheet, raw[sheet.name]) if sheet.name in raw else []
            for sheet in SHEETS
        }
        if self.structural:
            self.refuse_if_errors()
        return self._tree(rows)

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
            if name not in names:
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
                        _cell(sheet.name, column, row_number), _line(order, row_number), column
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
            row = Row(sheet.name, number, _line(order, number))
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

    # -- the tree -----------------------------------------------------------------------

    def _tree(self, rows: dict[str, list[Row]]) -> Node:
        anchor = self._anchor("the workbook", 0)
        plan_rows = rows[PLAN.name]
        top: Entries = []
        if not plan_rows:
            self.error(
                f"{PLAN.name} row 2", "the Plan sheet needs one row under its headings, found none"
            )
            # The validator would add that the format and the plan are missing: the same.
            self.refused.update({(anchor.location, "format"), (anchor.location, "plan")})
        for extra in plan_rows[1:]:
            self.error(extra.location, "the Plan sheet holds one row; this is a second one")
        if plan_rows:
            header = plan_rows[0]
            plan = self._fields(header, PLAN, skip=("format",))
            if "Format" in header.cells:
                top.append((self.key("format", header.cells["Format"]), header.cells["Format"]))
            top.append((self.key("plan", self.mapping([], header)), self._nest(plan, header)))
        periods = [self._nest(self._fields(r, PERIODS), r) for r in rows[PERIODS.name]]
        at = self._anchor(f"{PERIODS.name} sheet", SHEETS.index(PERIODS))
        top.append((self.key("periods", self.mapping([], at)), self.sequence(periods, at)))
        updates = self._updates(rows)
        top.append(
            (
                self.key("recommendations", self.mapping([], anchor)),
                self._recommendations(rows, updates),
            )
        )
        risks = []
        for row in rows[RISKS.name]:
            entries = self._fields(row, RISKS)
            ref = row.text("Ref")
            if ref is not None and ref in updates:
                entries.append(self._keyed("updates", updates.pop(ref), row))
            risks.append(self._nest(entries, row))
        at = self._anchor(f"{RISKS.name} sheet", SHEETS.index(RISKS))
        top.append((self.key("risks", self.mapping([], at)), self.sequence(risks, at)))
        for ref in updates:
            self.error(
                self.ref_nodes[ref].location,
                f"expected the ref of an action, a measure or a risk, found {ref!r}",
            )
        narrative = self._narrative(rows[NARRATIVE.name])
        if narrative:
            top.append(
                (
                    self.key("narrative", self.mapping([], anchor)),
                    Node(Shape.MAPPING, entries=tuple(narrative), location=anchor.location),
                )
            )
        return Node(Shape.MAPPING, entries=tuple(top), location=anchor.location)

    def _anchor(self, name: str, order: int) -> Row:
        """A place for what concerns a whole sheet (or the whole workbook)."""
        row = Row(name, 0, _line(order, 0))
        self._place(row.location, row.position, 0)
        return row

    def _fields(self, row: Row, sheet: Sheet, skip: tuple[str, ...] = ()) -> Entries:
        """The row's cells that hold a plan-file key, as (dotted key, value) entries."""
        entries: Entries = []
        for column in sheet.columns:
            if not column.key or column.yaml_key in skip:
                continue
            node = row.get(column.header)
            if node is None:
                continue
            if column.kind is CellKind.PERIODS:
                node = self._periods(node)
            entries.append((self.key(column.yaml_key, node), node))
        return entries

    def _periods(self, node: Node) -> Node:
        """``2018-19-Q2, 2018-19-Q4`` → a list of period ids; ``[]`` → the empty list."""
        if node.null:
            return node
        text = node.text.strip()
        if text.startswith("["):
            parts = self._json_list(text, node)
            if parts is None:
                return node
        else:
            parts = [part.strip() for part in text.split(",")]
        items = [
            Node(
                Shape.SCALAR,
                text=part,
                null=not part,
                line=node.line,
                column=node.column,
                location=node.location,
            )
            for part in parts
        ]
        return Node(
            Shape.SEQUENCE,
            items=tuple(items),
            line=node.line,
            column=node.column,
            location=node.location,
        )

    def _json_list(self, text: str, node: Node) -> list[str] | None:
        """``[]``, or ids that hold a comma or spaces written as ``["a, b", " c"]``."""
        try:
            parts = json.loads(text)
        except ValueError:
            parts = None
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            self.error(
                node.location,
                'expected period ids separated by commas, or a list written ["id", "id"], '
                f"found {text!r}",
            )
            return None
        return parts

    def _nest(self, entries: Entries, row: Row) -> Node:
        """Dotted keys (``plan.rules.dot_band``, ``baseline.label``) as nested mappings."""
        root: dict[str, Any] = {}
        for key, value in entries:
            parts = key.text.split(".")
            if parts[0] == "plan":
                parts = parts[1:]
            level = root
            for part in parts[:-1]:
                level = level.setdefault(part, {})
            level[parts[-1]] = (key, value)
        return self._mapping_of(root, row)

    def _mapping_of(self, level: dict[str, Any], row: Row) -> Node:
        entries: Entries = []
        for name, content in level.items():
            if isinstance(content, dict):
                entries.append(
                    (self.key(name, self.mapping([], row)), self._part(name, content, row))
                )
            else:
                key, value = content
                entries.append((self.key(name, key), value))
        return self.mapping(entries, row)

    def _part(self, name: str, content: dict[str, Any], row: Row) -> Node:
        label = content.get("label")
        if name in ("baseline", "target") and label is not None:
            node = label[1]
            if not node.null and node.text.strip() == EMPTY_MAPPING:
                others = [k for k in content if k != "label"]
                if not others:
                    return self.mapping([], row)
                self.error(
                    node.location,
                    f"{EMPTY_MAPPING} marks an empty {name}, but the "
                    f"row also gives its {', '.join(others)}",
                )
        return self._mapping_of(content, row)

    # -- recommendations and items ---------------------------------------------------------

    def _recommendations(
        self, rows: dict[str, list[Row]], updates: dict[str, list[tuple[Node, Node]]]
    ) -> Node:
        numbers = [r.text("Number") for r in rows[RECOMMENDATIONS.name]]
        known = [n for n in numbers if n is not None]
        items: dict[str, dict[str, list[Node]]] = {n: {} for n in known}
        kpi_rows = {r.text("Ref"): r for r in rows[ITEM_SHEETS["kpis"].name]}
        values = self._per_kpi(rows[KPI_VALUES.name], "values", kpi_rows, rows)
        targets = self._per_kpi(rows[KPI_TARGETS.name], "targets", kpi_rows, rows)
        for key, sheet in ITEM_SHEETS.items():
            for row in rows[sheet.name]:
                link = row.get("Recommendation")
                if link is None:
                    continue  # refused cell, already reported
                number = None if link.null else link.text
                if number is None or number not in items:
                    found_text = "an empty cell" if number is None else repr(number)
                    self.error(
                        link.location,
                        "expected the number of a recommendation on the Recommendations "
                        f"sheet ({', '.join(known) or 'none'}), found {found_text}",
                    )
                    # Its updates and values go with it, unreported: the error is the link.
                    for table in (updates, values, targets):
                        table.pop(row.text("Ref") or "", None)
                    continue
                entries = self._fields(row, sheet)
                ref = row.text("Ref")
                if key == "kpis":
                    for name, table in (("targets", targets), ("values", values)):
                        if ref in table:
                            entries.append(self._keyed(name, table.pop(ref), row))
                elif ref is not None and ref in updates:
                    entries.append(self._keyed("updates", updates.pop(ref), row))
                items[number].setdefault(key, []).append(self._nest(entries, row))
        result = []
        used: set[str] = set()
        for row, number in zip(rows[RECOMMENDATIONS.name], numbers, strict=True):
            entries = self._fields(row, RECOMMENDATIONS)
            if number is None or number in used:
                result.append(self.mapping(entries, row))
                continue  # a repeated number: the validator refuses it; items go to the first
            used.add(number)
            for key in ITEM_SHEETS:
                found = items[number].get(key)
                if found:
                    entries.append((self.key(key, found[0]), self.sequence(found, row)))
            result.append(self.mapping(entries, row))
        return self.sequence(
            result, self._anchor(f"{RECOMMENDATIONS.name} sheet", SHEETS.index(RECOMMENDATIONS))
        )

    def _per_kpi(
        self,
        rows: list[Row],
        what: str,
        kpis: dict[str | None, Row],
        sheets: dict[str, list[Row]],
    ) -> dict[str, list[tuple[Node, Node]]]:
        """KPI values or targets by the KPI's ref: (period key, entry) pairs in row order."""
        kinds = {r.text("Ref"): name for name, s in ITEM_SHEETS.items() for r in sheets[s.name]}
        found: dict[str, list[tuple[Node, Node]]] = {}
        sheet = KPI_VALUES if what == "values" else KPI_TARGETS
        for row in rows:
            ref, period = row.text("KPI"), row.get("Period")
            link = row.get("KPI")
            if ref is None or period is None or link is None:
                continue  # the validator reports the empty required cell
            if ref not in kpis:
                kind = kinds.get(ref)
                detail = f"; {ref} is on the {ITEM_SHEETS[kind].name} sheet" if kind else ""
                self.error(
                    link.location,
                    f"expected the ref of a KPI on the KPIs sheet, found {ref!r}{detail}",
                )
                continue
            if what == "targets":
                entry = row.get("Target")
                assert entry is not None
            else:
                entry = self.mapping(self._fields(row, sheet), row)
            found.setdefault(ref, []).append((period, entry))
        return found

    def _updates(self, rows: dict[str, list[Row]]) -> dict[str, list[tuple[Node, Node]]]:
        """Updates by item or risk ref; risks' refs must differ from every item's."""
        item_refs = {r.text("Ref") for s in ITEM_SHEETS.values() for r in rows[s.name]}
        for row in rows[RISKS.name]:
            node = row.get("Ref")
            if node is not None and not node.null and node.text in item_refs:
                self.error(
                    node.location,
                    f"expected a risk ref that is not an item's ref, found {node.text!r}",
                )
        found: dict[str, list[tuple[Node, Node]]] = {}
        for row in rows[UPDATES.name]:
            ref, period = row.cell("Ref"), row.get("Period")
            if ref is None or period is None:
                continue  # the validator reports the empty required cell
            self.ref_nodes.setdefault(ref.text, ref)
            entry = self.mapping(self._fields(row, UPDATES), row)
            found.setdefault(ref.text, []).append((period, entry))
        kpi_refs = {r.text("Ref") for r in rows[ITEM_SHEETS["kpis"].name]}
        for name in list(found):
            if name in kpi_refs:
                del found[name]
                self.error(
                    self.ref_nodes[name].location,
                    f"{name} is a KPI: its values go on the KPI values sheet",
                )
        return found

    def _keyed(self, name: str, pairs: list[tuple[Node, Node]], row: Row) -> tuple[Node, Node]:
        mapping = Node(
            Shape.MAPPING, entries=tuple(pairs), line=row.position, location=row.location
        )
        return self.key(name, mapping), mapping

    # -- narrative ------------------------------------------------------------------------

    def _narrative(self, rows: list[Row]) -> Entries:
        periods: dict[str, tuple[Node, dict[str, Any]]] = {}
        for row in rows:
            period = row.get("Period")
            if period is None or period.null:
                continue
            _, sections = periods.setdefault(period.text, (period, {}))
            self._narrative_row(row, sections)
        result: Entries = []
        for _, (period, sections) in periods.items():
            entries: Entries = []
            for name, content in sections.items():
                if name == "commentary":
                    pairs = [
                        (number, self.sequence(texts, number)) for number, texts in content.values()
                    ]
                    value = Node(
                        Shape.MAPPING,
                        entries=tuple(pairs),
                        line=period.line,
                        location=period.location,
                    )
                elif isinstance(content, list):
                    value = self.sequence(content, content[0] if content else period)
                else:
                    value = content
                entries.append((self.key(name, value), value))
            result.append(
                (
                    period,
                    Node(
                        Shape.MAPPING,
                        entries=tuple(entries),
                        line=period.line,
                        location=period.location,
                    ),
                )
            )
        return result

    def _narrative_row(self, row: Row, sections: dict[str, Any]) -> None:
        section_node = row.get("Section")
        number, status, text = row.get("Recommendation"), row.get("Status"), row.get("Text")
        if section_node is None or section_node.null:
            if number is not None or status is not None or text is not None:
                self.error(
                    row.location,
                    "expected a Section for this row (headlines, "
                    "decisions, milestones, next_steps, deep_dives, commentary or an "
                    "overview box)",
                )
            return  # a period with only its id: its narrative is present and empty
        section = section_node.text
        if section in NARRATIVE_LISTS or section == "deep_dives":
            wanted = number if section == "deep_dives" else text
            for other, label in ((number, "Recommendation"), (status, "Status"), (text, "Text")):
                if other is not None and other is not wanted:
                    self.error(other.location, f"a {section} row takes no {label}")
            node = wanted or self.scalar("", row, 0, null=True)
            sections.setdefault(section, []).append(node)
        elif section == "commentary":
            if number is None:
                self.error(row.location, "a commentary row needs the recommendation's number")
                return
            if status is not None:
                self.error(status.location, "a commentary row takes no Status")
            commentary = sections.setdefault("commentary", {})
            _, texts = commentary.setdefault(number.text, (number, []))
            if text is not None:
                texts.append(text)
        elif section in BOXES:
            if section in sections or f"{section}_reason" in sections:
                self.error(section_node.location, f"a second {section} row for this period")
                return
            if number is not None:
                self.error(number.location, f"a {section} row takes no Recommendation")
            if status is not None:
                sections[section] = status
            if text is not None:
                sections[f"{section}_reason"] = text
        else:
            sections_list = ", ".join((*NARRATIVE_LISTS, "deep_dives", "commentary", *BOXES))
            self.error(
                section_node.location,
                f"expected a section (one of {sections_list}), found {section!r}",
            )


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


def _line(order: int, row: int) -> int:
    return order * 10_000_000 + row


def _by_position(entry: tuple[int, int, PlanError]) -> tuple[int, int]:
    return entry[0], entry[1]
