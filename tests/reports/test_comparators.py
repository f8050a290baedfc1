"""Published comparators (England, region, statistical neighbours) in the KPI tables (ADR 0017).

Every format is read back with the tool the other report tests use (lxml for the HTML,
python-docx, python-pptx, openpyxl, pdftotext) and must show the same figures for the same
KPI, written like the KPI's own value, with the same words for a figure not published; a
table none of whose KPIs has comparators, like every table of the example, has no such
columns in any format.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from decimal import Decimal
from functools import cache
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation
from tests.reports.compared_plan import (
    COMPARATORS,
    compared_plan,
    compared_report,
    with_comparators,
)
from tests.reports.consistency import pdf_text
from tests.reports.example_report import PERIOD, example_report

from plantracker.reports.docx import render_docx
from plantracker.reports.html import render_html
from plantracker.reports.model import Report
from plantracker.reports.pdf import render_pdf
from plantracker.reports.pptx import render_pptx
from plantracker.reports.text import NOT_PUBLISHED
from plantracker.reports.xlsx import render_xlsx

NAMES = ("England", "Region", "Statistical neighbours")
# What each compared KPI's three cells show (the KPI's unit: 10.K4 is a rate, the others
# percentages), and the published period the cells name when the headings do not.
FIGURES: dict[str, tuple[str, str, str]] = {
    "10.K4": ("41.6", "44.3", "47.9"),
    "10.K6": ("22.0%", "Not published", "21.4%"),
    "9.K2": ("54.0%", "55.1%", "52.3%"),
    "9.K5": ("Not published", "Not published", "Not published"),
}
PERIODS = {"10.K4": "2023-24", "10.K6": "2023-24", "9.K2": "2022-23", "9.K5": "2023-24"}
# Recommendation 10's compared KPIs share 2023-24, which its headings then carry;
# recommendation 9's differ, so each of its cells names its own.
HEADINGS = {
    10: tuple(f"{name} (2023-24)" for name in NAMES),
    9: NAMES,
}
COMPARED_DIVES = (9, 10)

Cells = dict[str, tuple[str, ...]]  # KPI ref → its three comparator cells, as read back


def _squash(text: str) -> str:
    return " ".join(text.split())


def expected_cells(report: Report) -> Cells:
    """Every row of the compared tables: the figures, with the period when the headings
    lack it; empty for a KPI without comparators."""
    cells: Cells = {}
    for dive in report.deep_dives:
        if dive.number not in COMPARED_DIVES or dive.kpis is None:
            continue
        for row in dive.kpis.rows:
            figures = FIGURES.get(row.ref)
            if figures is None:
                cells[row.ref] = ("", "", "")
            elif dive.number == 9:
                cells[row.ref] = tuple(f"{f} ({PERIODS[row.ref]})" for f in figures)
            else:
                cells[row.ref] = figures
    return cells


@cache
def html_document() -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_html(compared_report()))


def _visible(element: lxml.html.HtmlElement) -> str:
    """An element's text as a sighted reader sees it (screen-reader-only text left out)."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for hidden in copy.xpath(".//*[contains(@class, 'visually-hidden')]"):
        hidden.drop_tree()
    return _squash(copy.text_content())


def html_cells() -> Cells:
    cells: Cells = {}
    for row in html_document().xpath("//table[@class='kpis']/tbody/tr"):
        found = row.xpath("./td[contains(@class, 'comparator')]")
        if found:
            cells[row.get("data-ref")] = tuple(_visible(td) for td in found)
    return cells


def html_headings() -> dict[int, tuple[str, ...]]:
    headings = {}
    for dive in compared_report().deep_dives:
        table = html_document().xpath(f"//section[@id='{dive.anchor}']//table[@class='kpis']")[0]
        headings[dive.number] = tuple(
            _squash(th.text_content()) for th in table.xpath(".//th[@class='col-comparator']")
        )
    return headings


def _office_cells(report: Report, tables: list[list[list[str]]]) -> Cells:
    """The comparator cells of the office KPI tables (header row first, rows in the report's
    order; a table may continue over several slides, each repeating its header)."""
    refs = iter(
        row.ref for dive in report.deep_dives if dive.kpis is not None for row in dive.kpis.rows
    )
    cells: Cells = {}
    for table in tables:
        header = [_squash(text) for text in table[0]]
        columns = [i for i, text in enumerate(header) if text.startswith(NAMES)]
        for row in table[1:]:
            ref = next(refs)
            if columns:
                cells[ref] = tuple(_squash(row[i]) for i in columns)
    return cells


def _office_headings(tables: list[list[list[str]]]) -> list[tuple[str, ...]]:
    return [tuple(_squash(t) for t in table[0] if _squash(t).startswith(NAMES)) for table in tables]


def docx_tables(report: Report) -> list[list[list[str]]]:
    document = Document(io.BytesIO(render_docx(report)))
    found = []
    for table in document.tables:
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        if caption is not None and caption.get(qn("w:val")).startswith("Key performance"):
            found.append([[cell.text for cell in row.cells] for row in table.rows])
    return found


def pptx_tables(report: Report) -> list[list[list[str]]]:
    deck = Presentation(io.BytesIO(render_pptx(report)))
    found = []
    for slide in deck.slides:
        # A deep dive's KPI tables: on its slides, the tables headed "KPI".
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        if not title.startswith("Deep dive: "):
            continue
        for shape in slide.shapes:
            if shape.has_table and shape.table.rows[0].cells[0].text == "KPI":
                found.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return found


def xlsx_rows(report: Report) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    rows = list(book["KPIs"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- the report model -----------------------------------------------------------------------


def test_the_model_writes_comparators_as_the_value_is_written() -> None:
    dives = {dive.number: dive for dive in compared_report().deep_dives}
    assert dives[6].kpis is not None and dives[6].kpis.comparator_headings == ()
    for number in COMPARED_DIVES:
        table = dives[number].kpis
        assert table is not None
        assert table.comparator_headings == HEADINGS[number]
        for row in table.rows:
            if row.ref not in FIGURES:
                assert row.comparators is None
                continue
            assert row.comparators is not None
            assert tuple(f.text for f in row.comparators.figures) == FIGURES[row.ref]
            assert [f.published for f in row.comparators.figures] == [
                text != NOT_PUBLISHED for text in FIGURES[row.ref]
            ]
            assert row.comparators.period == PERIODS[row.ref]
            assert row.comparators.period_in_cells == (number == 9)
    # The value and its comparators share one way of writing numbers: 54.0% keeps its zero.
    (k2,) = [row for row in dives[9].kpis.rows if row.ref == "9.K2"]  # type: ignore[union-attr]
    assert k2.value == "58.6%" and k2.comparators is not None
    assert k2.comparators.figures[0].text == "54.0%"


def test_the_example_has_no_comparator_columns_in_its_model() -> None:
    for dive in example_report().deep_dives:
        assert dive.kpis is not None
        assert dive.kpis.comparator_headings == ()
        assert all(row.comparators is None for row in dive.kpis.rows)


# --- every format shows the same figures ----------------------------------------------------


def test_html_shows_every_comparator_with_headed_columns() -> None:
    assert html_cells() == expected_cells(compared_report())
    assert html_headings() == {6: (), **HEADINGS}
    for th in html_document().xpath("//th[@class='col-comparator']"):
        assert th.get("scope") == "col"


def test_html_empty_comparator_cells_still_speak_to_a_screen_reader() -> None:
    row = html_document().xpath("//tr[@data-ref='10.K7']")[0]
    cells = row.xpath("./td[contains(@class, 'comparator')]")
    assert [td.get("data-field") for td in cells] == ["england", "region", "neighbours"]
    for td in cells:
        assert _visible(td) == ""
        assert _squash(td.text_content()) == "No published comparators"


def test_word_shows_the_same_figures() -> None:
    report = compared_report()
    tables = docx_tables(report)
    assert _office_cells(report, tables) == expected_cells(report)
    assert _office_headings(tables) == [(), HEADINGS[9], HEADINGS[10]]


def test_powerpoint_shows_the_same_figures() -> None:
    report = compared_report()
    tables = pptx_tables(report)
    assert _office_cells(report, tables) == expected_cells(report)
    # A table continued on the next slide repeats its header, comparator columns included.
    assert list(dict.fromkeys(_office_headings(tables))) == [(), HEADINGS[9], HEADINGS[10]]


def test_excel_shows_the_same_figures_with_their_period() -> None:
    rows = {row["Ref"]: row for row in xlsx_rows(compared_report())}
    for ref, row in rows.items():
        shown = (row["England"], row["Region"], row["Statistical neighbours"])
        if ref in FIGURES:
            assert shown == FIGURES[ref]
            assert row["Comparators period"] == PERIODS[ref]
        else:
            assert shown == (None, None, None) and row["Comparators period"] is None
    assert set(FIGURES) <= set(rows)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_shows_the_same_figures(tmp_path: Path) -> None:
    report = compared_report()
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report))
    text = pdf_text(path)
    for heading in HEADINGS[10]:
        assert heading in text
    rows = {row.ref: row for dive in report.deep_dives if dive.kpis for row in dive.kpis.rows}
    for ref, cells in expected_cells(report).items():
        row = rows[ref]
        start = text.index(f"{ref} {row.title}")
        # The row reads: … value, status (and override note), the three comparators, and
        # then its direction.
        end = text.index(row.direction.word, start)
        if ref in FIGURES:
            assert f"{' '.join(cells)} {row.direction.arrow}" in text[start : end + 1], ref
        else:
            assert NOT_PUBLISHED not in text[start:end], ref
    assert text.count(NOT_PUBLISHED) == sum(
        cells.count(NOT_PUBLISHED) for cells in FIGURES.values()
    )


def test_a_figure_not_published_reads_the_same_in_every_format() -> None:
    report = compared_report()
    region = 1
    assert html_cells()["10.K6"][region] == NOT_PUBLISHED
    assert _office_cells(report, docx_tables(report))["10.K6"][region] == NOT_PUBLISHED
    assert _office_cells(report, pptx_tables(report))["10.K6"][region] == NOT_PUBLISHED
    rows = {row["Ref"]: row for row in xlsx_rows(report)}
    assert rows["10.K6"]["Region"] == NOT_PUBLISHED
    assert NOT_PUBLISHED == "Not published"


# --- without comparators nothing changes ----------------------------------------------------


def test_the_example_report_has_no_comparator_columns_in_any_format() -> None:
    report = example_report()
    document = lxml.html.fromstring(render_html(report))
    tables = document.xpath("//table[@class='kpis']")
    assert len(tables) == 3
    for table in tables:
        assert table.get("data-comparators") is None
        assert not table.xpath(".//*[contains(@class, 'comparator')]")
        headings = [_squash(th.text_content()) for th in table.xpath("./thead//th")]
        assert len(headings) == 9 and not any(h.startswith(NAMES) for h in headings)
    for tables in (docx_tables(report), pptx_tables(report)):
        assert tables and _office_headings(tables) == [()] * len(tables)
        # KPI, Figure will, baseline, its status, target, previous, value, status, direction.
        assert {len(table[0]) for table in tables} == {9}
    assert "England" not in xlsx_rows(report)[0]


def test_the_report_cache_key_follows_the_comparators() -> None:
    """A changed published figure must not serve the report cached before it changed."""
    from plantracker.tracker.reports_cache import report_key

    plan = compared_plan()
    changed = with_comparators(
        plan, {"10.K4": replace(COMPARATORS["10.K4"], england=Decimal("41.7"))}
    )
    relabelled = with_comparators(plan, {"10.K4": replace(COMPARATORS["10.K4"], label="2024-25")})
    keys = {report_key(p, PERIOD, "pdf") for p in (plan, changed, relabelled)}
    assert len(keys) == 3
    assert report_key(compared_plan(), PERIOD, "pdf") == report_key(plan, PERIOD, "pdf")
