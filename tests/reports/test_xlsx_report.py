"""The report's tables as a workbook, opened with openpyxl and checked against
``summary --json``."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from openpyxl.workbook.workbook import Workbook
from tests.builders import filled_plan
from tests.planfile.strategies import plans
from tests.reports.example_report import (
    EXAMPLE,
    PERIOD,
    WORDS,
    deep_dive_kpis,
    example_file,
    example_report,
    example_summary,
    status_text,
    word,
)

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import STATUS_ORDER, Kind, NaReason, Plan, Status
from plantracker.domain.summary import summary_dict
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.palette import STATUS_FILL, STATUS_INK
from plantracker.reports.registry import RENDERERS
from plantracker.reports.xlsx import render_xlsx

SHEETS = ["Overview", "Risks", "Recommendations", "KPIs", "Measures", "Exceptions", "Problems"]


@cache
def workbook() -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(example_file("xlsx")))


def table_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """A one-table sheet's rows up to the first empty one (a note may stand below)."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        if not any(cell is not None for cell in row):
            break
        rows.append(row)
    return rows


def records(name: str) -> list[dict[str, Any]]:
    """A one-table sheet's rows as dictionaries keyed by its headings."""
    rows = table_rows(workbook()[name])
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_report_tables_are_on_their_sheets() -> None:
    # The committee paper's sheets come first and last (docs/plan-file.md#committee-paper).
    assert workbook().sheetnames == ["Cover", *SHEETS, "Glossary"]
    assert RENDERERS["xlsx"].suffix == ".xlsx"
    for name in SHEETS[1:]:
        assert workbook()[name].freeze_panes == "A2"


def test_overview_counts_and_boxes_equal_the_summary() -> None:
    summary = example_summary()
    sheet = workbook()["Overview"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    for kind, label in zip(
        Kind, ("Actions", "KPIs", "Quality measures", "Feedback measures"), strict=True
    ):
        totals = summary["totals"][kind.value]
        row = rows[label]
        assert row[1] == word(totals["status"], totals["na_reason"])
        assert list(row[3:10]) == [totals[s.value] for s in STATUS_ORDER]
        assert row[10] == totals["count"]
    overview = example_report().overview
    overall = summary["overall"]
    assert rows[overview.current.label][1] == word(overall["status"], overall["na_reason"])
    assert rows[overview.previous.label][1] == Status(overall["previous"]).word
    assert rows["Progress"][1] == Status(summary["boxes"]["progress"]["status"]).word
    # A plan without finance updates: finance does not apply (docs/rules.md#na-reasons).
    assert rows["Finance"][1] == "Not applicable"


def test_recommendations_sheet_holds_every_count_of_every_recommendation() -> None:
    summary = example_summary()
    found = records("Recommendations")
    assert len(found) == 4 * len(summary["recommendations"])
    expected = [(rec, kind) for rec in summary["recommendations"] for kind in Kind]
    for row, (rec, kind) in zip(found, expected, strict=True):
        counts = rec[kind.value]
        assert row["Number"] == rec["number"] and row["Recommendation"] == rec["title"]
        assert row["Recommendation status"] == word(rec["status"], rec["na_reason"])
        assert row["Items"] == counts["count"]
        assert row["Kind status"] == Status(counts["status"]).word
        for status in STATUS_ORDER:
            assert row[status.word] == counts[status.value]
            assert row[f"{status.word} %"] == counts["percent"][status.value]


def test_every_kpi_of_the_plan_is_a_row_equal_to_the_summary() -> None:
    report, summary = example_report(), example_summary()
    found = records("KPIs")
    expected = summary["kpis"]  # every KPI, in plan order: not only the deep dives' 22
    assert len(found) == len(expected) == 44
    in_dives = {entry["ref"] for entry in deep_dive_kpis(summary, report)}
    for row, entry in zip(found, expected, strict=True):
        shown_in = "Deep dive" if entry["ref"] in in_dives else "All other KPIs"
        assert row["Shown in"].startswith(shown_in)
        assert row["Previous"]  # the previous period's value, or "–"
        assert (row["Ref"], row["KPI"]) == (entry["ref"], entry["title"])
        shown, calculated = status_text(entry)
        assert row["Status"] == shown
        assert row["Calculated"] == calculated
        assert row["Set by hand"] == ("yes" if entry["overridden"] else "no")
        assert row["Direction"].endswith(WORDS[entry["direction"]])
        assert row["Baseline"] and row["Target"] and row["Value"]


def test_status_cells_are_filled_with_their_colour_and_hold_their_word() -> None:
    sheet = workbook()["KPIs"]
    headings = [cell.value for cell in sheet[1]]
    column = headings.index("Status")
    for row in sheet.iter_rows(min_row=2):
        cell = row[column]
        reasons = {reason.word for reason in NaReason}
        status = (
            Status.NA if cell.value in reasons else next(s for s in Status if s.word == cell.value)
        )
        assert cell.fill.fgColor.rgb.endswith(STATUS_FILL[status][1:].upper())
        assert cell.font.color.rgb.endswith(STATUS_INK[status][1:].upper())


def test_exceptions_are_every_red_and_amber_item_of_every_kind() -> None:
    summary = example_summary()
    found = records("Exceptions")
    for status in (Status.RED, Status.AMBER):
        kinds = ("actions", "kpis", "quality", "feedback")
        assert sum(1 for row in found if row["Status"] == status.word) == sum(
            summary["totals"][k][status.value] for k in kinds
        )


def test_problems_sheet_lists_every_problem() -> None:
    p = filled_plan(recommendations=4, period_count=3)
    result = evaluate(p, p.periods[-1].id)
    problems = summary_dict(result)["problems"]
    assert problems
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(build_report(result))))
    rows = list(book["Problems"].iter_rows(min_row=2, values_only=True))
    assert rows == [(p["where"], p["message"]) for p in problems]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_gives_a_workbook_of_its_tables(p: Plan) -> None:
    result = evaluate(p, p.periods[-1].id)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(build_report(result))))
    report = build_report(result)
    paper = ["Cover"] if report.paper is not None else []
    glossary = ["Glossary"] if report.glossary else []
    assert book.sheetnames == [*paper, *SHEETS, *glossary]
    recommendations = table_rows(book["Recommendations"])[1:]
    assert len(recommendations) == 4 * len(p.recommendations)


def test_the_measures_sheet_lists_every_quality_and_feedback_measure_of_the_plan() -> None:
    # Not only the deep dives' nine: every recommendation's, in plan order.
    result = evaluate(load_plan(EXAMPLE), PERIOD)
    expected = [
        (f"{rec.number}. {rec.recommendation.title}", item.ref, item.status, item.na_reason)
        for rec in result.recommendations
        for kind in (Kind.QUALITY, Kind.FEEDBACK)
        for item in rec.items[kind]
    ]
    found = records("Measures")
    assert len(found) == len(expected) == 16 + 19
    for row, (recommendation, ref, status, na_reason) in zip(found, expected, strict=True):
        assert (row["Recommendation"], row["Ref"]) == (recommendation, ref)
        assert row["Status"] == word(status.value, na_reason.value if na_reason else None)
