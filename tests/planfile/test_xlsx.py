"""The plan workbook (docs/plan-file.md#workbook).

Round trips (the example, synthetic plans, any valid plan), exact numbers, the workbook's
help for people (README, frozen headings, drop-downs, dates, coloured statuses), the empty
template, and refusals that name the sheet, row and column, with nothing imported.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from openpyxl.utils import get_column_letter
from tests.builders import PLAN_YAML, exact
from tests.planfile.strategies import plans

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kpi, KpiValue, Plan, Status
from plantracker.domain.summary import summary_dict
from plantracker.planfile import PlanFileError, load_plan, load_plan_text, plan_to_yaml
from plantracker.planfile.xlsx import dump_workbook, load_workbook_bytes, template_bytes
from plantracker.planfile.xlsx.layout import (
    AIMS,
    BETTERS,
    KPIS,
    README,
    SHEET_NAMES,
    SHEETS,
    STATUS_FILL,
    STATUS_INK,
    STATUSES,
    UNITS,
)
from plantracker.planfile.xlsx.write import workbook_bytes
from plantracker.reports import palette
from plantracker.synth import synth_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
NAME = "plan.xlsx"


@cache
def example() -> Plan:
    return load_plan(EXAMPLE)


@cache
def example_workbook() -> bytes:
    return workbook_bytes(example())


def read(data: bytes) -> Plan:
    return load_workbook_bytes(data, NAME)


def errors(data: bytes) -> list[str]:
    with pytest.raises(PlanFileError) as caught:
        read(data)
    return [str(error) for error in caught.value.errors]


def edited(data: bytes, edit: dict[str, dict[str, object]]) -> bytes:
    """The workbook with cells set: ``{sheet: {"C5": value}}`` (None empties a cell)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, cells in edit.items():
        for ref, value in cells.items():
            workbook[sheet][ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(data: bytes, sheet: str, *values: str) -> int:
    """The number of the first row of ``sheet`` whose first cells are ``values``."""
    worksheet = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    for row in worksheet.iter_rows(min_row=2):
        if tuple(str(cell.value) for cell in row[: len(values)]) == values:
            return row[0].row
    raise AssertionError(f"no row {values} on {sheet}")


def with_cell_xml(data: bytes, sheet: str, ref: str, xml: str) -> bytes:
    """The workbook with one cell's XML replaced, as a spreadsheet program would save it
    (openpyxl cannot write a formula's saved result)."""
    index = (README, *SHEET_NAMES).index(sheet) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                text = content.decode()
                pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)')
                assert pattern.search(text), f"no cell {ref} in {name}"
                content = pattern.sub(xml, text, count=1).encode()
            target.writestr(item, content)
    return buffer.getvalue()


# --- round trips ----------------------------------------------------------------------------


def test_the_example_round_trips_through_a_workbook_file(tmp_path: Path) -> None:
    plan = example()
    path = tmp_path / "plan.xlsx"
    dump_workbook(plan, path)
    back = load_plan(path)  # load_plan reads .xlsx as a workbook
    assert plan_to_yaml(back) == plan_to_yaml(plan)
    assert exact(back) == exact(plan)  # digits (58.60) and order kept too
    assert summary_dict(evaluate(back, "2018-19-Q2")) == summary_dict(evaluate(plan, "2018-19-Q2"))


@pytest.mark.parametrize(("scale", "seed"), [(1, 1), (2, 7)])
def test_synthetic_plans_round_trip(scale: int, seed: int) -> None:
    plan = synth_plan(scale=scale, seed=seed)
    back = read(workbook_bytes(plan))
    assert plan_to_yaml(back) == plan_to_yaml(plan)
    assert back == plan


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_round_trips(plan: Plan) -> None:
    # Awkward text included: "=" first (never a formula), control characters, "_x0007_".
    assert plan_to_yaml(read(workbook_bytes(plan))) == plan_to_yaml(plan)


def test_empty_lists_and_empty_mappings_survive() -> None:
    text = PLAN_YAML.replace("expected: [2018-19-Q2]", "expected: []").replace(
        "target: {label: March 2019, date: 2019-03-31, value: 65}", "target: {}"
    )
    text = text.replace(
        "  2018-19-Q2:\n    headlines: [Updates complete]",
        "  2018-19-Q1: {}\n  2018-19-Q2:\n    headlines: [Updates complete]",
    )
    plan = load_plan_text(text)
    back = read(workbook_bytes(plan))
    assert back.recommendations[0].quality[0].expected == ()
    assert back.recommendations[0].kpis[0].target is not None
    assert "2018-19-Q1" in back.narrative
    assert plan_to_yaml(back) == plan_to_yaml(plan)


def kpis_column(header: str) -> str:
    """The letter of a KPIs sheet column."""
    return get_column_letter([column.header for column in KPIS.columns].index(header) + 1)


COMPARED = PLAN_YAML.replace(
    "        unit: percent\n",
    "        unit: percent\n"
    "        comparators: {label: 2023-24, england: 54.0, region: 55.10, neighbours: 52.3}\n",
)


def test_comparators_round_trip_as_four_kpi_columns() -> None:
    plan = load_plan_text(COMPARED)
    data = workbook_bytes(plan)
    row = row_of(data, "KPIs", "1", "1.K1")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["KPIs"]
    assert sheet[f"{kpis_column('Comparators label')}{row}"].value == "2023-24"
    england = sheet[f"{kpis_column('Comparators England')}{row}"]
    assert england.data_type == "n" and england.number_format == "0.0"
    region = sheet[f"{kpis_column('Comparators region')}{row}"]
    assert region.number_format == "0.00"  # shows 55.10 as written
    back = read(data)
    assert plan_to_yaml(back) == plan_to_yaml(plan)
    assert exact(back) == exact(plan)
    comparators = back.recommendations[0].kpis[0].comparators
    assert comparators is not None and str(comparators.region) == "55.10"


def test_a_label_alone_is_comparators_without_figures_and_figures_need_a_label() -> None:
    data = workbook_bytes(load_plan_text(PLAN_YAML))
    row = row_of(data, "KPIs", "1", "1.K1")
    label_only = edited(data, {"KPIs": {f"{kpis_column('Comparators label')}{row}": "2024"}})
    comparators = read(label_only).recommendations[0].kpis[0].comparators
    assert comparators is not None and comparators.label == "2024"
    assert (comparators.england, comparators.region, comparators.neighbours) == (None,) * 3
    figure_only = edited(data, {"KPIs": {f"{kpis_column('Comparators England')}{row}": 54.5}})
    assert errors(figure_only) == [
        f"{NAME}: KPIs row {row}: comparators is missing the required key 'label'"
    ]
    typed = edited(label_only, {"KPIs": {f"{kpis_column('Comparators region')}{row}": "about 55"}})
    assert errors(typed) == [
        f"{NAME}: KPIs!{kpis_column('Comparators region')}{row}: expected a decimal number "
        "such as 58.6 or -3, found 'about 55'"
    ]


def test_a_computed_value_keeps_its_mark_in_a_computed_from_column() -> None:
    plan = load_plan_text(
        PLAN_YAML.replace(
            "2018-19-Q1: {value: 57.90}",
            '2018-19-Q1: {value: 57.90, computed_from: "statutory:care_leavers_eet"}',
        )
    )
    data = workbook_bytes(plan)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["KPI values"]
    headings = [cell.value for cell in sheet[1]]
    column = get_column_letter(headings.index("Computed from") + 1)
    computed = row_of(data, "KPI values", "1.K1", "2018-19-Q1")
    typed = row_of(data, "KPI values", "1.K1", "2018-19-Q2")
    assert sheet[f"{column}{computed}"].value == "statutory:care_leavers_eet"
    assert sheet[f"{column}{typed}"].value is None
    back = read(data)
    assert plan_to_yaml(back) == plan_to_yaml(plan)
    assert back.recommendations[0].kpis[0].values["2018-19-Q1"].computed_from == (
        "statutory:care_leavers_eet"
    )
    wrong = edited(data, {"KPI values": {f"{column}{typed}": "typed"}})
    assert errors(wrong) == [
        f"{NAME}: KPI values!{column}{typed}: expected statutory:<indicator> (the statutory "
        "indicator the value was computed from), optionally followed by '; N children, M with "
        "errors' (M at most N), found the text 'typed'"
    ]


# --- exact numbers --------------------------------------------------------------------------


def test_numbers_are_number_cells_showing_the_digits_written() -> None:
    data = workbook_bytes(load_plan_text(PLAN_YAML))
    row = row_of(data, "KPI values", "1.K1", "2018-19-Q2")
    cell = openpyxl.load_workbook(io.BytesIO(data))["KPI values"][f"C{row}"]
    assert cell.data_type == "n" and cell.value == pytest.approx(58.6)
    assert cell.number_format == "0.00"  # so the cell shows 58.60, and reads back so
    kpi = read(data).recommendations[0].kpis[0]
    assert str(kpi.values["2018-19-Q2"].value) == "58.60"
    assert str(kpi.values["2018-19-Q1"].value) == "57.90"


def test_a_typed_number_is_never_rounded_to_the_places_its_cell_shows() -> None:
    data = workbook_bytes(load_plan_text(PLAN_YAML))
    row = row_of(data, "KPI values", "1.K1", "2018-19-Q2")
    data = edited(data, {"KPI values": {f"C{row}": 58.655}})  # the cell shows 58.66
    value = read(data).recommendations[0].kpis[0].values["2018-19-Q2"].value
    assert value == Decimal("58.655") and str(value) == "58.655"


def test_numbers_beyond_a_number_cells_precision_are_kept_as_exact_text() -> None:
    plan = load_plan_text(PLAN_YAML)
    kpi = plan.recommendations[0].kpis[0]
    digits = Decimal("1234567890.123456789")
    changed = Kpi(**{**kpi.__dict__, "values": {"2018-19-Q1": KpiValue(value=digits)}})
    rec = plan.recommendations[0]
    plan = Plan(
        **{
            **plan.__dict__,
            "recommendations": (
                rec.__class__(**{**rec.__dict__, "kpis": (changed,)}),
                *plan.recommendations[1:],
            ),
        }
    )
    data = workbook_bytes(plan)
    row = row_of(data, "KPI values", "1.K1", "2018-19-Q1")
    cell = openpyxl.load_workbook(io.BytesIO(data))["KPI values"][f"C{row}"]
    assert cell.data_type == "s" and cell.value == "1234567890.123456789"
    value = read(data).recommendations[0].kpis[0].values["2018-19-Q1"].value
    assert str(value) == "1234567890.123456789"


def test_a_number_typed_as_text_is_that_number() -> None:
    data = workbook_bytes(load_plan_text(PLAN_YAML))
    row = row_of(data, "KPI values", "1.K1", "2018-19-Q2")
    data = edited(data, {"KPI values": {f"C{row}": "58.600"}})
    value = read(data).recommendations[0].kpis[0].values["2018-19-Q2"].value
    assert str(value) == "58.600"


# --- made for people ------------------------------------------------------------------------


def test_every_sheet_and_column_is_explained_on_the_readme_sheet() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    assert workbook.sheetnames == [README, *SHEET_NAMES]
    documented = {
        (row[0].value, row[1].value)
        for row in workbook[README].iter_rows()
        if row[1].value is not None and row[4].value
    }
    for sheet in SHEETS:
        for column in sheet.columns:
            assert (sheet.name, column.header) in documented


def test_headings_are_frozen_and_columns_wide_enough() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        assert worksheet.freeze_panes == "A2"
        headings = [cell.value for cell in worksheet[1]]
        assert headings == [column.header for column in sheet.columns]
        assert all(cell.font.b for cell in worksheet[1])
        for index, column in enumerate(sheet.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            assert worksheet.column_dimensions[letter].width >= len(column.header)


def _lists(worksheet: object) -> dict[str, str]:
    """Each column's drop-down list formula, by the column's heading."""
    headings = {cell.column_letter: cell.value for cell in worksheet[1]}  # type: ignore[index]
    found = {}
    for validation in worksheet.data_validations.dataValidation:  # type: ignore[attr-defined]
        if validation.type != "list":
            continue
        for cell_range in validation.sqref.ranges:
            found[headings[cell_range.coord.split(":")[0].rstrip("0123456789")]] = (
                validation.formula1
            )
    return found


def test_drop_down_lists_offer_statuses_aim_better_unit_and_declared_periods() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    kpis = _lists(workbook["KPIs"])
    assert kpis["Aim"] == '"' + ",".join(AIMS) + '"'
    assert kpis["Better"] == '"' + ",".join(BETTERS) + '"'
    assert kpis["Unit"] == '"' + ",".join(UNITS) + '"'
    assert kpis["Baseline status"] == '"' + ",".join(STATUSES) + '"'
    assert kpis["Recommendation"].replace("'", "").startswith("Recommendations!$A$2")
    updates = _lists(workbook["Updates"])
    assert updates["Status"] == '"' + ",".join(STATUSES) + '"'
    assert updates["Period"].replace("'", "").startswith("Periods!$A$2")


def test_dates_are_date_cells_and_statuses_are_coloured_words() -> None:
    data = example_workbook()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    start = workbook["Periods"]["C2"]
    assert start.is_date and start.value == datetime(2018, 4, 1)
    row = row_of(data, "Updates", "9.A1", "2018-19-Q2")
    status = workbook["Updates"][f"C{row}"]
    assert status.value == "red"
    assert status.fill.fgColor.rgb.endswith(STATUS_FILL[Status.RED])
    assert status.font.color.rgb.endswith(STATUS_INK[Status.RED])
    # The fill follows the word when someone edits it: one rule per status.
    rules = [
        rule
        for cf in workbook["Updates"].conditional_formatting
        for rule in cf.rules
        if rule.operator == "equal"
    ]
    assert sorted(rule.formula[0].strip('"') for rule in rules) == sorted(STATUSES)


def test_the_workbook_status_colours_are_the_report_palette() -> None:
    for status in Status:
        assert "#" + STATUS_FILL[status].lower() == palette.STATUS_FILL[status]
        assert "#" + STATUS_INK[status].lower() == palette.STATUS_INK[status]


def test_text_starting_with_an_equals_sign_stays_text() -> None:
    plan = load_plan_text(PLAN_YAML.replace("Poor take-up", "=SUM(A1:A2)"))
    data = workbook_bytes(plan)
    row = row_of(data, "Updates", "1.10", "2018-19-Q2")
    cell = openpyxl.load_workbook(io.BytesIO(data))["Updates"][f"D{row}"]
    assert cell.data_type == "s"
    assert read(data).recommendations[0].actions[0].updates["2018-19-Q2"].commentary == (
        "=SUM(A1:A2)"
    )


# --- the template ---------------------------------------------------------------------------


def test_the_template_holds_headings_and_the_readme_and_is_not_yet_a_plan() -> None:
    data = template_bytes()
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [README, *SHEET_NAMES]
    for sheet in SHEETS:
        assert workbook[sheet.name].max_row == 1
    assert errors(data) == [
        f"{NAME}: Plan row 2: the Plan sheet needs one row under its headings, found none",
        f"{NAME}: Periods sheet: expected at least one period, found an empty list",
    ]


def test_the_template_filled_in_is_a_plan() -> None:
    data = edited(
        template_bytes(),
        {
            "Plan": {"A2": 1, "B2": "New plan", "C2": "A Council"},
            "Periods": {"A2": "2019-20-Q1", "B2": "Q1", "C2": date(2019, 4, 1), "D2": "2019-06-30"},
            "Recommendations": {"A2": 1, "B2": "Early Help", "C2": "Help early."},
        },
    )
    plan = read(data)
    assert plan.title == "New plan" and plan.periods[0].end == date(2019, 6, 30)


# --- refusals -------------------------------------------------------------------------------


def test_text_in_a_number_column_names_sheet_row_and_column() -> None:
    data = example_workbook()
    row = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    found = errors(edited(data, {"KPI values": {f"C{row}": "about 60"}}))
    assert found == [
        f"{NAME}: KPI values!C{row}: expected a decimal number such as 58.6 or -3, found 'about 60'"
    ]


def test_wrong_and_missing_sheet_names_are_refused() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    workbook["KPI values"].title = "KPI value"
    buffer = io.BytesIO()
    workbook.save(buffer)
    found = errors(buffer.getvalue())
    assert found[0].startswith(
        f"{NAME}: sheet 'KPI value': unknown sheet 'KPI value' (did you mean 'KPI values'?)"
    )
    assert found[1].startswith(
        f"{NAME}: sheet 'KPI values': the workbook has no sheet 'KPI values'"
    )


def test_unknown_and_missing_columns_are_refused() -> None:
    free = get_column_letter(len(KPIS.columns) + 1)  # the first column without a heading
    aim = get_column_letter([c.header for c in KPIS.columns].index("Aim") + 1)
    data = edited(example_workbook(), {"KPIs": {f"{free}1": "Notes", f"{aim}1": None}})
    found = errors(data)
    assert any(line.startswith(f"{NAME}: KPIs!{free}1: unknown column 'Notes'") for line in found)
    assert any(
        line.startswith(f"{NAME}: KPIs row 1: the KPIs sheet has no column 'Aim'") for line in found
    )


def test_bad_dates_are_refused_at_their_cell() -> None:
    found = errors(
        edited(
            example_workbook(),
            {"Periods": {"C2": "2018-02-31", "D3": datetime(2018, 9, 30, 10, 30), "E3": "soon"}},
        )
    )
    assert found == [
        f"{NAME}: Periods!C2: expected a date written YYYY-MM-DD, found '2018-02-31', "
        "which is not a real date",
        f"{NAME}: Periods!D3: expected a date, found a time of day (2018-09-30 10:30:00); "
        "give the date alone",
        f"{NAME}: Periods!E3: expected a date written YYYY-MM-DD, found 'soon'",
    ]


def test_formulas_are_refused_unless_their_saved_result_is_a_value() -> None:
    data = example_workbook()
    row = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    errored = with_cell_xml(
        data, "KPI values", f"C{row}", f'<c r="C{row}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    assert errors(errored) == [
        f"{NAME}: KPI values!C{row}: the formula =1/0 gives the error #DIV/0!"
    ]
    unsaved = edited(data, {"KPI values": {f"C{row}": "=50+8.6"}})
    assert errors(unsaved)[0].startswith(
        f"{NAME}: KPI values!C{row}: the formula =50+8.6 has no saved result"
    )
    saved = with_cell_xml(
        data, "KPI values", f"C{row}", f'<c r="C{row}"><f>50+8.6</f><v>58.6</v></c>'
    )
    assert read(saved).recommendations[8].kpis[1].values["2018-19-Q2"].value == Decimal("58.6")


def test_excel_percentages_and_error_values_are_refused() -> None:
    data = example_workbook()
    row = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook["KPI values"][f"C{row}"] = 0.586
    workbook["KPI values"][f"C{row}"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert errors(buffer.getvalue()) == [
        f"{NAME}: KPI values!C{row}: expected a plain number, found a percentage (the cell "
        "shows 0.586 as a percent); write 58.6 for 58.6%"
    ]
    na = with_cell_xml(data, "KPI values", f"C{row}", f'<c r="C{row}" t="e"><v>#N/A</v></c>')
    assert errors(na) == [f"{NAME}: KPI values!C{row}: the cell holds the error #N/A"]


def test_rows_that_link_to_nothing_are_refused() -> None:
    data = example_workbook()
    action = row_of(data, "Actions", "9", "9.A1")
    update = row_of(data, "Updates", "1.A1", "2018-19-Q1")
    value = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    found = errors(
        edited(
            data,
            {
                "Actions": {f"A{action}": 11},
                "Updates": {f"A{update}": "1.A99"},
                "KPI values": {f"A{value}": "9.A2"},
            },
        )
    )
    assert found == [
        f"{NAME}: Actions!A{action}: expected the number of a recommendation on the "
        "Recommendations sheet (1, 2, 3, 4, 5, 7, 8, 6, 9, 10), found '11'",
        f"{NAME}: KPI values!A{value}: expected the ref of a KPI on the KPIs sheet, found "
        "'9.A2'; 9.A2 is on the Actions sheet",
        f"{NAME}: Updates!A{update}: expected the ref of an action, a measure or a risk, "
        "found '1.A99'",
    ]


def test_every_error_of_a_workbook_is_reported_at_once() -> None:
    data = example_workbook()
    value = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    update = row_of(data, "Updates", "9.A1", "2018-19-Q2")
    found = errors(
        edited(
            data,
            {
                "Periods": {"C2": "31/03/2018"},
                "KPI values": {f"C{value}": "about 60"},
                "Updates": {f"C{update}": "Red"},
                "Recommendations": {"C3": None},
            },
        )
    )
    assert [line.split(": ")[1] for line in found] == [
        "Periods!C2",
        "Recommendations!C3",
        f"KPI values!C{value}",
        f"Updates!C{update}",
    ]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    assert errors(b"format: 1\n")[0].startswith(
        f"{NAME}: not an Excel workbook (.xlsx) that can be read"
    )


@pytest.mark.django_db
def test_nothing_is_imported_from_a_refused_workbook(tmp_path: Path) -> None:
    from plantracker.tracker.models import PlanRecord

    data = example_workbook()
    row = row_of(data, "KPI values", "9.K2", "2018-19-Q2")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(edited(data, {"KPI values": {f"C{row}": "about 60"}}))
    with pytest.raises(CommandError, match=rf"KPI values!C{row}: expected a decimal number"):
        call_command("import", str(path))
    assert PlanRecord.objects.count() == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(data)
    call_command("import", str(good), stdout=io.StringIO())
    assert PlanRecord.objects.count() == 1


# --- the commands ---------------------------------------------------------------------------


def test_export_to_xlsx_then_summary_and_export_back_to_yaml_agree(tmp_path: Path) -> None:
    workbook = tmp_path / "plan.xlsx"
    call_command(
        "export", str(EXAMPLE), "--format", "xlsx", "-o", str(workbook), stdout=io.StringIO()
    )
    summaries = []
    for source in (EXAMPLE, workbook):
        out = io.StringIO()
        call_command("summary", str(source), "--period", "2018-19-Q2", "--json", stdout=out)
        summaries.append(out.getvalue())
    assert summaries[0] == summaries[1]
    back, direct = tmp_path / "back.yaml", tmp_path / "direct.yaml"
    call_command("export", str(workbook), "--format", "yaml", "-o", str(back), stdout=io.StringIO())
    call_command(
        "export", str(EXAMPLE), "--format", "yaml", "-o", str(direct), stdout=io.StringIO()
    )
    assert back.read_text(encoding="utf-8") == direct.read_text(encoding="utf-8")
