"""Words and colours the Office renderers (Word, PowerPoint, Excel) share.

Presentation only, from the report model: a status is always written as its word beside
its colour (docs/rules.md#statuses), an overridden KPI status also names the calculated one.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar, cast

from plantracker.domain.model import Status
from plantracker.reports import model
from plantracker.reports.model import (
    ComparatorFigures,
    DirectionView,
    ExceptionRow,
    KpiRow,
    KpiTable,
    OverviewBox,
)
from plantracker.reports.palette import INK, MUTED, STATUS_FILL, STATUS_INK, TONE_INK
from plantracker.reports.text import COMPARATOR_COLUMNS, NO_COMMENTARY

FONT = "Arial"
HEADER_FILL = "0B0C0C"  # table headings: white on near-black
HEADER_INK = "FFFFFF"

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def hex_digits(colour: str) -> str:
    """``#00703c`` → ``00703C`` (the form python-docx, python-pptx and openpyxl take)."""
    return colour.lstrip("#").upper()


def fill(status: Status) -> str:
    return hex_digits(STATUS_FILL[status])


def ink(status: Status) -> str:
    return hex_digits(STATUS_INK[status])


def tone_ink(direction: DirectionView) -> str:
    return hex_digits(TONE_INK[direction.tone])


def body_ink() -> str:
    return hex_digits(INK)


def superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPTS)


@dataclasses.dataclass(frozen=True)
class Cell:
    """A table cell in an office format: text (lines split on ``\\n``), a status fill, or a
    text colour (hex digits) for text that is not a status."""

    text: str
    status: Status | None = None
    colour: str | None = None
    bold: bool = False


def kpi_columns(table: KpiTable) -> list[str]:
    """The column keys of a KPI table as every Office format prints them, in order: the
    deep dives' full table, or the compact "All other KPIs" one."""
    keys = ["kpi"]
    if not table.compact:
        keys += ["figure"]
    keys += ["baseline"]
    if not table.compact:
        keys += ["baseline_status"]
    keys += ["target", "previous", "value", "status"]
    keys += [f"comparator{n}" for n in range(len(table.comparator_headings))]
    keys.append("direction")
    if table.show_long_direction:
        keys.append("long_direction")
    return keys


def kpi_headings(table: KpiTable) -> list[str]:
    """The headings of ``kpi_columns``, from the model's one table of words."""
    comparators = dict(
        (f"comparator{n}", heading) for n, heading in enumerate(table.comparator_headings)
    )
    return [table.headings.get(key) or comparators[key] for key in kpi_columns(table)]


def kpi_cells(row: KpiRow, table: KpiTable) -> list[Cell]:
    """One KPI row as Word and PowerPoint print it, column by column (``kpi_columns``):
    the KPI (ref, title and, in a deep dive, its commentary), figure will, baseline, its
    status, target, previous value, value, status, (England, region, statistical
    neighbours,) direction (and year on year)."""
    baseline = row.baseline + (f" ({row.baseline_label})" if row.baseline_label else "")
    target = row.target + (f" ({row.target_label})" if row.target_label else "")
    kpi = f"{row.ref} {row.title}"
    if row.commentary and not table.compact:
        kpi += f"\n{row.commentary}"
    cells = {
        "kpi": Cell(kpi),
        "figure": Cell(row.figure_will),
        "baseline": Cell(baseline),
        "baseline_status": (
            Cell(row.baseline_status.word, status=row.baseline_status)
            if row.baseline_status is not None
            else Cell("N/A")
        ),
        "target": Cell(target),
        "previous": Cell(row.previous),
        "value": Cell(row.value, bold=True),
        "status": Cell(kpi_status_text(row), status=row.status),
        "direction": Cell(row.direction.text, colour=tone_ink(row.direction)),
        "long_direction": (
            Cell(row.long_direction.text, colour=tone_ink(row.long_direction))
            if row.long_direction
            else Cell("–")
        ),
    }
    if table.comparator_headings:
        for n, cell in enumerate(comparator_cells(row.comparators)):
            cells[f"comparator{n}"] = cell
    return [cells[key] for key in kpi_columns(table)]


def comparator_cells(comparators: ComparatorFigures | None) -> list[Cell]:
    """England, region and statistical neighbours: the figures as the model writes them
    (a missing one in words, muted), or three empty cells for a KPI without comparators."""
    if comparators is None:
        return [Cell("") for _ in COMPARATOR_COLUMNS]
    muted = hex_digits(MUTED)
    note = comparators.period_note
    return [
        Cell(
            figure.text + (f"\n{note}" if note else ""),
            colour=None if figure.published else muted,
        )
        for figure in comparators.figures
    ]


def kpi_status_text(row: KpiRow) -> str:
    """``Green¹`` and, when overridden, ``(calculated Amber)`` on a second line."""
    text = row.status_word or row.status.word
    if row.footnote is not None:
        text += superscript(row.footnote.number)
    if row.calculated is not None:
        text += f"\n(calculated {row.calculated.word})"
    return text


def box_status_text(box: OverviewBox) -> str:
    """An overview box's status word, or its note when there is nothing to show."""
    if box.status is None:
        return box.note or "–"
    return box.status_word or box.status.word


def box_detail(box: OverviewBox) -> str | None:
    """The line under a box's status: its direction, and a hand-set status's calculation."""
    parts: list[str] = []
    if box.direction is not None and box.status is not None:
        parts.append(box.direction.text)
    if box.overridden and box.calculated is not None:
        parts.append(f"Set by hand (calculated {box.calculated.word})")
    return "; ".join(parts) or None


def exception_cells(row: ExceptionRow) -> list[Cell]:
    """An exception row under ``Report.exception_headings``: recommendation, item, owner,
    status, value (target), direction, and the commentary — or, for an item the deep
    dives show in full, the pointer to it."""
    return [
        Cell(row.recommendation),
        Cell(f"{row.item} {row.title}"),
        Cell(row.owner or "–"),
        Cell(row.status_word or row.status.word, status=row.status),
        Cell(row.value or "–"),
        Cell(row.direction.text, colour=tone_ink(row.direction)) if row.direction else Cell("–"),
        Cell(row.pointer or row.commentary or NO_COMMENTARY),
    ]


def footnote_text(number: int, text: str) -> str:
    return f"{superscript(number)} {text}"


T = TypeVar("T")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(value: T) -> T:
    """``value`` (the report model or any part of it) without the control characters that
    Office XML cannot hold (a plan's text may carry them: YAML writes ``"\\a"``)."""
    if type(value) is str:  # not the StrEnums (statuses, kinds), which are fine
        return cast(T, _NOT_IN_XML.sub("", cast(str, value)))
    if isinstance(value, tuple):
        return tuple(printable(item) for item in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and type(value).__module__ == model.__name__:
        changes = {f.name: printable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)  # type: ignore[type-var]
    return value
