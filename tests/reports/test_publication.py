"""The published version of a report (ADR 0081): names left out unless the plan shows
them, and the figures of ``disclosure: suppress`` KPIs that the suppression rule withholds
printed as "c" in values, previous values, baselines, trend charts and the Excel workbook,
with a note saying why — while the signed-in report is unchanged."""

from __future__ import annotations

import io

import openpyxl
from tests.builders import vary
from tests.planfile.plans import NAME

from plantracker.domain.model import Plan
from plantracker.planfile import load_plan_text
from plantracker.reports.build import report_for
from plantracker.reports.html import HtmlRenderer
from plantracker.reports.publication import published_report
from plantracker.reports.xlsx import XlsxRenderer

Q2 = "2018-19-Q2"
COUNT_KPI = """\
      - ref: 1.K2
        title: Children missing from care
        aim: decrease
        unit: count
        disclosure: suppress
        values:
          2018-19-Q1: {value: 3}
          2018-19-Q2: {value: 12}
    quality:
"""
MARKED = vary(
    ("        unit: percent\n", "        unit: percent\n        disclosure: suppress\n"),
    (
        "          2018-19-Q2: {value: 58.60, status: green, reason: Rated by hand}\n",
        '          2018-19-Q2: {value: 58.60, display: "58.6% (41 of 70)"}\n',
    ),
    ("    quality:\n", COUNT_KPI),
)
NAMES = ("Head of Early Help", "Assistant Director")


def _plan(text: str = MARKED) -> Plan:
    return load_plan_text(text, NAME)


def _html(report: object) -> str:
    return HtmlRenderer().render(report).decode("utf-8")  # type: ignore[arg-type]


def test_names_are_left_out_unless_the_plan_shows_them() -> None:
    signed_in = _html(report_for(_plan(), Q2))
    published = _html(published_report(_plan(), Q2))
    for name in NAMES:
        assert name in signed_in
        assert name not in published
    header = "  organisation: Test Council\n"
    shown = _plan(MARKED.replace(header, header + "  published_names: shown\n"))
    assert all(name in _html(published_report(shown, Q2)) for name in NAMES)


def test_small_counts_and_unsafe_shares_are_withheld_everywhere_in_the_published_report() -> None:
    report = published_report(_plan(), Q2)
    (dive,) = [d for d in report.deep_dives if d.number == 1]
    assert dive.kpis is not None
    rows = {row.ref: row for row in dive.kpis.rows}
    # The share states safe parts now; last quarter's and the baseline state none.
    assert (rows["1.K1"].value, rows["1.K1"].previous, rows["1.K1"].baseline) == (
        "58.6% (41 of 70)",
        "c",
        "c",
    )
    assert (rows["1.K2"].value, rows["1.K2"].previous) == ("12", "c")
    assert dive.kpis.disclosure_note and dive.kpis.disclosure_note.startswith("c: withheld")
    trends = {chart.ref: chart for chart in dive.trends}
    q1 = trends["1.K2"].points[0]
    assert (q1.value, q1.value_text) == (None, "c")  # not drawn, and said as "c"
    assert "2018-19-Q1 c" in trends["1.K2"].alt
    html = _html(report)
    assert "c: withheld to protect privacy" in html
    # Statuses are the rules' results on the real figures: the ratings do not change.
    signed_in = report_for(_plan(), Q2)
    (plain,) = [d for d in signed_in.deep_dives if d.number == 1]
    assert plain.kpis is not None
    assert [r.status for r in plain.kpis.rows] == [r.status for r in dive.kpis.rows]
    # The signed-in report prints every figure.
    plain_rows = {row.ref: row for row in plain.kpis.rows}
    assert (plain_rows["1.K2"].previous, plain_rows["1.K1"].baseline) == ("3", "66 (611)")
    assert plain.kpis.disclosure_note is None


def test_the_published_workbook_withholds_the_same_figures() -> None:
    data = XlsxRenderer().render(published_report(_plan(), Q2))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    found = None
    everything: list[str] = []
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        everything += [str(cell) for row in rows for cell in row if cell is not None]
        headings = next((row for row in rows if "Withheld figures" in row), None)
        if headings is not None:
            found = (headings, rows)
    assert found is not None, "no sheet has the Withheld figures column"
    headings, rows = found
    by_ref = {row[headings.index("Ref")]: row for row in rows if row[headings.index("Ref")]}
    k2 = by_ref["1.K2"]
    previous = next(i for i, h in enumerate(headings) if str(h).startswith("Previous"))
    assert k2[previous] == "c"
    assert str(k2[headings.index("Withheld figures")]).startswith("c: withheld")
    assert not any(name in cell for name in NAMES for cell in everything)
