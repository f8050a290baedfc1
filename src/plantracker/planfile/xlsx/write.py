"""Domain ``Plan`` → the plan workbook (docs/plan-file.md#workbook).

Made for people as much as for the reader: a README sheet explaining every sheet and
column, frozen and filtered header rows, drop-down lists for statuses, aim, better, unit,
periods and recommendations, real date cells, widths that fit, and status cells filled with
their colour (which follows the word when someone edits it). The columns come from
``layout``, the definition the reader uses too.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from plantracker.domain.model import (
    Baseline,
    Box,
    Item,
    Kpi,
    Measure,
    Narrative,
    Plan,
    PublishedNames,
    RiskScale,
    RiskUpdate,
    Status,
    Target,
    Update,
)
from plantracker.files import write_atomically
from plantracker.planfile.build import FORMAT_VERSION
from plantracker.planfile.xlsx.layout import (
    ACTIONS,
    DATE_FORMAT,
    EMPTY_MAPPING,
    FEEDBACK,
    GLOSSARY,
    KPI_TARGETS,
    KPI_VALUES,
    KPIS,
    NARRATIVE,
    PERIODS,
    PLAN,
    QUALITY,
    README,
    RECOMMENDATIONS,
    RISKS,
    SHEETS,
    STATUS_FILL,
    STATUS_INK,
    UPDATES,
    CellKind,
    Column,
    Sheet,
)
from plantracker.planfile.xlsx.numbers import escape_text, fits_number_cell, number_format_for
from plantracker.planfile.xlsx.readme import write_readme
from plantracker.planfile.xlsx.style import LINE_HEIGHT, print_setup, wrapped_lines

Value = str | Decimal | date | int | None
Row = dict[str, Value]  # column header → value

RISK_REF = "RISK-{}"
_LAST_ROW = 5000  # drop-downs and validation reach this far below the header
_WRAP_FROM = 28  # columns at least this wide wrap their text
_HEADER_FILL = PatternFill("solid", fgColor="0B0C0C")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
# Drop-downs listing what another sheet declares, so a typo cannot creep in.
_LOOKUPS = {
    "period": ("Periods", "A"),
    "recommendation": ("Recommendations", "A"),
    "kpi": ("KPIs", "B"),
}


def plan_workbook(plan: Plan | None) -> Workbook:
    """The workbook of ``plan``; with None, the empty documented template."""
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = README
    write_readme(readme)
    rows = _rows(plan) if plan is not None else {}
    for sheet in SHEETS:
        _sheet(workbook.create_sheet(sheet.name), sheet, rows.get(sheet.name, []))
    return workbook


def workbook_bytes(plan: Plan | None) -> bytes:
    buffer = io.BytesIO()
    plan_workbook(plan).save(buffer)
    return buffer.getvalue()


def dump_workbook(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write ``plan`` as a workbook at ``path``, atomically (a temporary file, renamed)."""
    write_atomically(path, workbook_bytes(plan))


def template_bytes() -> bytes:
    """The empty workbook: every sheet with its headings, drop-downs and the README."""
    return workbook_bytes(None)


# --- plan → rows ----------------------------------------------------------------------------


def _rows(plan: Plan) -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {sheet.name: [] for sheet in SHEETS}
    rules = plan.rules
    rows[PLAN.name].append(
        {
            "Format": FORMAT_VERSION,
            "Title": plan.title,
            "Organisation": plan.organisation,
            "KPI tolerance": rules.kpi_tolerance,
            "DoT band": rules.dot_band,
            "Roll-up green": rules.rollup_green,
            "Roll-up red": rules.rollup_red,
            **_committee_paper(plan),
        }
    )
    rows[GLOSSARY.name] = [
        {"Term": term, "Meaning": meaning} for term, meaning in plan.glossary.items()
    ]
    for period in plan.periods:
        rows[PERIODS.name].append(
            {
                "Id": period.id,
                "Label": period.label,
                "Short label": period.short_label,
                "Start": period.start,
                "End": period.end,
                "Scrutiny": period.scrutiny,
                "Due": period.due,
            }
        )
    for rec in plan.recommendations:
        rows[RECOMMENDATIONS.name].append(
            {"Number": rec.number, "Title": rec.title, "Aim": rec.aim, "Lead": rec.lead}
        )
        for action in rec.actions:
            rows[ACTIONS.name].append({**_item(rec.number, action), "Due": action.due})
            rows[UPDATES.name] += _updates(action.ref, action.updates)
        for kpi in rec.kpis:
            rows[KPIS.name].append(_kpi(rec.number, kpi))
            for period_id, entry in kpi.values.items():
                rows[KPI_VALUES.name].append(
                    {
                        "KPI": kpi.ref,
                        "Period": period_id,
                        "Value": entry.value,
                        "Display": entry.display,
                        "Status": entry.status.value if entry.status is not None else None,
                        "Reason": entry.reason,
                        "Commentary": entry.commentary,
                        "Computed from": entry.computed_from,
                    }
                )
            for period_id, target in kpi.targets.items():
                rows[KPI_TARGETS.name].append(
                    {"KPI": kpi.ref, "Period": period_id, "Target": target}
                )
        for sheet, measures in ((QUALITY, rec.quality), (FEEDBACK, rec.feedback)):
            for measure in measures:
                rows[sheet.name].append(_measure(rec.number, measure))
                rows[UPDATES.name] += _updates(measure.ref, measure.updates)
    for index, risk in enumerate(plan.risks, start=1):
        ref = risk_ref(plan, index)
        rows[RISKS.name].append(
            {
                "Ref": ref,
                "Title": risk.title,
                "Mitigation": risk.mitigation,
                "Owner": risk.owner,
                "Owner email": risk.owner_email,
                "Controls": risk.controls,
                "Target score": risk.target_score,
                "Target date": risk.target_date,
            }
        )
        rows[UPDATES.name] += _updates(ref, risk.updates, plan.risk_scale)
    for period_id, narrative in plan.narrative.items():
        rows[NARRATIVE.name] += _narrative(period_id, narrative)
    return rows


def _committee_paper(plan: Plan) -> Row:
    """The Plan sheet's cover columns (docs/plan-file.md#committee-paper)."""
    contact = plan.contact
    return {
        "Contact name": contact.name if contact is not None else None,
        "Contact role": contact.role if contact is not None else None,
        "Contact email": contact.email if contact is not None else None,
        "Purpose": plan.purpose,
        "Order note": plan.order_note,
        "Published names": (
            plan.published_names.value
            if plan.published_names is not PublishedNames.HIDDEN
            else None
        ),
        **_risk_scale(plan.risk_scale),
    }


def _risk_scale(scale: RiskScale) -> Row:
    """The Plan sheet's risk-scale columns (docs/plan-file.md#risk-scale): empty for the
    default scale; labels joined by semicolons."""
    if scale == RiskScale():
        return {}
    return {
        "Likelihood labels": "; ".join(scale.likelihood),
        "Impact labels": "; ".join(scale.impact),
        **{f"{b.status.value.capitalize()} scores": f"{b.low}-{b.high}" for b in scale.bands},
    }


def risk_ref(plan: Plan, index: int) -> str:
    """``RISK-1``, …: the risk's name on the Updates sheet, different from every item ref."""
    refs = {
        item.ref
        for rec in plan.recommendations
        for kind in (rec.actions, rec.kpis, rec.quality, rec.feedback)
        for item in kind
    }
    ref = RISK_REF.format(index)
    while ref in refs:
        ref = "_" + ref
    return ref


def _item(number: int, item: Item) -> Row:
    expected: str | None = None
    if item.expected is not None:
        expected = expected_text(item.expected)
    return {
        "Recommendation": number,
        "Ref": item.ref,
        "Title": item.title,
        "Owner": item.owner,
        "Owner email": item.owner_email,
        "Deputy email": item.deputy_email,
        "From": item.from_period,
        "Until": item.until_period,
        "Expected": expected,
    }


def expected_text(ids: Sequence[str]) -> str:
    """``2018-19-Q2, 2018-19-Q4``; ``[]`` for none; a JSON list when an id would not
    survive commas and spaces (``["a, b", " c"]``)."""
    plain = all(i and i == i.strip() and "," not in i and not i.startswith("[") for i in ids)
    return ", ".join(ids) if ids and plain else json.dumps(list(ids), ensure_ascii=False)


def _kpi(number: int, kpi: Kpi) -> Row:
    row = _item(number, kpi)
    row.update(
        {
            "Aim": kpi.aim.value,
            "Better": kpi.better.value if kpi.better is not None else None,
            "Unit": kpi.unit.value,
            "Tolerance": kpi.tolerance,
            "Tolerance points": kpi.tolerance_points,
            "Source": kpi.source,
            "Disclosure": kpi.disclosure.value if kpi.disclosure is not None else None,
        }
    )
    baseline, target, comparators = kpi.baseline, kpi.target, kpi.comparators
    if comparators is not None:
        row.update(
            {
                "Comparators label": comparators.label,
                "Comparators England": comparators.england,
                "Comparators region": comparators.region,
                "Comparators neighbours": comparators.neighbours,
            }
        )
    if baseline is not None:
        row.update(
            {
                "Baseline label": EMPTY_MAPPING if baseline == Baseline() else baseline.label,
                "Baseline value": baseline.value,
                "Baseline display": baseline.display,
                "Baseline status": baseline.status.value if baseline.status else None,
            }
        )
    if target is not None:
        row.update(
            {
                "Target label": EMPTY_MAPPING if target == Target() else target.label,
                "Target date": target.date,
                "Target value": target.value,
                "Target display": target.display,
            }
        )
    return row


def _measure(number: int, measure: Measure) -> Row:
    return {**_item(number, measure), "Frequency": measure.frequency, "Method": measure.method}


def _updates(ref: str, updates: Mapping[str, Update], scale: RiskScale | None = None) -> list[Row]:
    rows: list[Row] = []
    for period_id, u in updates.items():
        row: Row = {
            "Ref": ref,
            "Period": period_id,
            "Status": u.status.value,
            "Commentary": u.commentary,
        }
        if isinstance(u, RiskUpdate):
            # A scored risk update (docs/plan-file.md#risk-updates): a status equal to the
            # derived one is left out, so the bands re-derive it.
            if u.score is not None and scale is not None and scale.status(u.score) == u.status:
                row["Status"] = None
            row.update(Likelihood=u.likelihood, Impact=u.impact, Reason=u.reason)
        rows.append(row)
    return rows


def _narrative(period_id: str, narrative: Narrative) -> list[Row]:
    if narrative == Narrative():
        return [{"Period": period_id}]  # a period whose narrative is empty, but present
    rows: list[Row] = []
    for section, texts in (
        ("headlines", narrative.headlines),
        ("decisions", narrative.decisions),
        ("milestones", narrative.milestones),
        ("next_steps", narrative.next_steps),
        ("committee_recommendations", narrative.committee_recommendations),
    ):
        rows += [{"Period": period_id, "Section": section, "Text": text} for text in texts]
    rows += [
        {"Period": period_id, "Section": "deep_dives", "Recommendation": number}
        for number in narrative.deep_dives
    ]
    for number, paragraphs in narrative.commentary.items():
        base: Row = {"Period": period_id, "Section": "commentary", "Recommendation": number}
        rows += [{**base, "Text": text} for text in paragraphs] or [base]
    for box in Box:
        status = narrative.boxes.get(box)
        reason = narrative.box_reasons.get(box)
        if status is not None or reason is not None:
            rows.append(
                {
                    "Period": period_id,
                    "Section": box.value,
                    "Status": status.value if status is not None else None,
                    "Text": reason,
                }
            )
    return rows


# --- rows → sheet ---------------------------------------------------------------------------


def _sheet(worksheet: Worksheet, sheet: Sheet, rows: Sequence[Row]) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
        letter = get_column_letter(index)
        dimension = worksheet.column_dimensions[letter]
        dimension.width = max(column.width, len(column.header) + 3)  # the heading fits
        if column.kind in (CellKind.TEXT, CellKind.CHOICE, CellKind.PERIODS):
            # Typed text stays text: Excel would otherwise turn "March 2018" into a date.
            dimension.number_format = "@"
        elif column.kind is CellKind.DATE:
            dimension.number_format = DATE_FORMAT
    worksheet.freeze_panes = "A2"
    print_setup(worksheet)
    last = get_column_letter(len(sheet.columns))
    worksheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    for row_number, row in enumerate(rows, start=2):
        lines = 1
        for index, column in enumerate(sheet.columns, start=1):
            value = row.get(column.header)
            if value is not None:
                _write(worksheet, row_number, index, column, value)
                if isinstance(value, str) and column.width >= _WRAP_FROM:
                    lines = max(lines, wrapped_lines(value, column.width))
        if lines > 1:
            # Spreadsheet programs do not grow rows to fit text on opening a file.
            worksheet.row_dimensions[row_number].height = lines * LINE_HEIGHT
    _validations(worksheet, sheet)


def _write(worksheet: Worksheet, row: int, index: int, column: Column, value: Value) -> None:
    cell = worksheet.cell(row=row, column=index)
    cell.alignment = _TOP
    if isinstance(value, Decimal):
        if fits_number_cell(value):
            cell.value = value
            cell.number_format = number_format_for(value)
        else:  # more digits than a number cell holds: the exact text instead
            cell.value = str(value)
            cell.data_type = "s"
            cell.number_format = "@"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, str):
        cell.value = escape_text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.number_format = "@"
        cell.alignment = _WRAP if column.width >= _WRAP_FROM else _TOP
    if column.choices == _STATUS_CHOICES and isinstance(value, str) and value in _STATUSES:
        status = Status(value)
        cell.fill = PatternFill("solid", fgColor=STATUS_FILL[status])
        cell.font = Font(color=STATUS_INK[status], bold=True)


_STATUS_CHOICES = tuple(status.value for status in Status)
_STATUSES = frozenset(_STATUS_CHOICES)


def _validations(worksheet: Worksheet, sheet: Sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{_LAST_ROW}"
        validation = _validation(sheet, column)
        if validation is not None:
            worksheet.add_data_validation(validation)
            validation.add(cells)
        if column.choices == _STATUS_CHOICES:
            # The fill follows the word when someone changes a status.
            for status in Status:
                colour = STATUS_FILL[status]
                worksheet.conditional_formatting.add(
                    cells,
                    CellIsRule(
                        operator="equal",
                        formula=[f'"{status.value}"'],
                        fill=PatternFill("solid", fgColor=colour, bgColor=colour),
                        font=Font(color=STATUS_INK[status], bold=True),
                    ),
                )


def _validation(sheet: Sheet, column: Column) -> DataValidation | None:
    if column.choices:
        return _list(
            f'"{",".join(column.choices)}"', column, "one of: " + ", ".join(column.choices)
        )
    lookup = _lookup(sheet, column)
    if lookup is not None:
        source, letter = _LOOKUPS[lookup]
        formula = f"{quote_sheetname(source)}!${letter}$2:${letter}${_LAST_ROW}"
        return _list(formula, column, f"a {lookup} listed on the {source} sheet")
    if column.kind is CellKind.DATE:
        validation = DataValidation(
            type="date", operator="greaterThan", formula1="1", allow_blank=True
        )
        validation.error = "Enter a date, for example 2018-09-30."
        validation.errorTitle = column.header
        validation.showErrorMessage = True
        return validation
    return None


def _lookup(sheet: Sheet, column: Column) -> str | None:
    if column.header in ("Period", "From", "Until"):
        return "period"
    if column.header == "Recommendation" and sheet is not NARRATIVE:
        return "recommendation"
    if column.header == "KPI":
        return "kpi"
    return None


def _list(formula: str, column: Column, what: str) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"{column.header}: choose {what}."
    validation.errorTitle = column.header
    validation.showErrorMessage = True
    return validation
