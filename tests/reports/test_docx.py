"""The Word report, opened with python-docx and checked against ``summary --json``."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from tests.builders import filled_plan
from tests.planfile.strategies import plans
from tests.reports.compared_plan import compared_history, compared_report
from tests.reports.example_report import (
    WORDS,
    deep_dive_kpis,
    example_file,
    example_report,
    example_summary,
    status_text,
    word,
)

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import STATUS_ORDER, Kind, Plan, Status
from plantracker.domain.summary import summary_dict
from plantracker.reports.build import build_report
from plantracker.reports.docx import render_docx
from plantracker.reports.docx_parts import LANDSCAPE_WIDTH_MM
from plantracker.reports.palette import STATUS_FILL


@cache
def document() -> DocumentType:
    return Document(io.BytesIO(example_file("docx")))


def caption(table: Table) -> str:
    element = table._tbl.tblPr.find(qn("w:tblCaption"))
    return element.get(qn("w:val")) if element is not None else ""


def table_with(doc: DocumentType, start: str) -> list[Table]:
    return [t for t in doc.tables if caption(t).startswith(start)]


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def fill_of(cell: Any) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd"))
    return shading.get(qn("w:fill")) if shading is not None else None


def style_of(paragraph: Any) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def test_sections_are_real_headings_in_the_seeds_order() -> None:
    report = example_report()
    doc = document()
    firsts = [p.text for p in doc.paragraphs if style_of(p) == "Heading 1"]
    assert firsts == [
        report.overview.heading,
        "Overall plan",
        *(f"Recommendation {r.number}: {r.title}" for r in report.recommendations),
        "All other KPIs",
        "Deep dives",
        "Exceptions",
        "Next steps",
        "Annex: data quality",
        "Glossary",
    ]
    seconds = [p.text for p in doc.paragraphs if style_of(p) == "Heading 2"]
    assert seconds[:4] == ["Report to the committee", "Headlines", "Workstreams", "Key risks"]
    dives = [f"Deep dive: recommendation {d.number}, {d.title}" for d in report.deep_dives]
    assert [t for t in seconds if t.startswith("Deep dive")] == dives
    assert doc.core_properties.title == f"{report.cover.title}: {report.cover.period_label}"


def test_workstream_counts_and_statuses_equal_the_summary() -> None:
    summary = example_summary()
    (table,) = table_with(document(), "Items of each kind by status")
    rows = cells(table)
    # The PDF's words, not "Blue / None / N/A" ("None" would read as zero).
    assert rows[0][3:10] == [
        "Green",
        "Amber",
        "Red",
        "Blue (complete)",
        "No update required",
        "Not available",
        "Missing",
    ]
    for kind, row in zip(Kind, rows[1:], strict=True):
        totals = summary["totals"][kind.value]
        assert row[1] == word(totals["status"], totals["na_reason"])
        assert [int(n) for n in row[3:10]] == [totals[s.value] for s in STATUS_ORDER]
        assert int(row[10]) == totals["count"]


def test_every_kpi_row_of_the_deep_dives_equals_the_summary() -> None:
    report, summary = example_report(), example_summary()
    tables = table_with(document(), "Key performance indicators of recommendation")
    assert len(tables) == sum(1 for d in report.deep_dives if d.kpis is not None)
    rows = [row for table in tables for row in table.rows[1:]]
    expected = deep_dive_kpis(summary, report)
    assert len(rows) == len(expected) == 22
    for row, entry in zip(rows, expected, strict=True):
        texts = [cell.text for cell in row.cells]
        assert texts[0].split("\n")[0] == f"{entry['ref']} {entry['title']}"
        shown, calculated = status_text(entry)
        assert texts[7].split("\n")[0].rstrip("¹²³⁴⁵⁶⁷⁸⁹") == shown
        assert (f"(calculated {calculated})" in texts[7]) == (calculated is not None)
        assert fill_of(row.cells[7]) == STATUS_FILL[Status(entry["status"])].lstrip("#").upper()
        assert texts[8].endswith(WORDS[entry["direction"]])
        if entry["display"] is None and entry["value"] is not None:
            assert Decimal(texts[6].rstrip("%").replace(",", "")) == Decimal(str(entry["value"]))


def test_comparator_columns_keep_the_kpi_table_on_the_landscape_page() -> None:
    history = compared_history()
    widest = build_report(evaluate(history, history.periods[-1].id))
    for report in (compared_report(), widest):
        doc = Document(io.BytesIO(render_docx(report)))
        tables = table_with(doc, "Key performance indicators of recommendation")
        compared = [t for t in tables if any(c.startswith("England") for c in cells(t)[0])]
        assert compared
        for table in compared:
            grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert sum(grid) <= Mm(LANDSCAPE_WIDTH_MM).twips
            assert min(grid) >= Mm(15).twips  # no column squeezed to nothing
            assert grid[0] >= Mm(45).twips  # the KPI's title keeps room to be read


def test_overrides_are_explained_under_their_table() -> None:
    texts = [p.text for p in document().paragraphs]
    notes = [t for t in texts if t.startswith("¹ ")]
    assert any("9.K2: shown as Green, set by hand; the rules calculate Amber." in t for t in notes)
    assert any("10.K6: shown as Green" in t for t in notes)


def test_tables_repeat_their_header_row_and_charts_carry_alt_text() -> None:
    doc, report = document(), example_report()
    data_tables = [t for t in doc.tables if caption(t)]
    assert len(data_tables) >= 10
    for table in data_tables:
        properties = table.rows[0]._tr.trPr
        assert properties is not None and properties.find(qn("w:tblHeader")) is not None
    alts = [shape._inline.docPr.get("descr") for shape in doc.inline_shapes]
    donuts = [d.alt for d in report.overall if not d.empty] + [
        d.alt for r in report.recommendations for d in r.donuts if not d.empty
    ]
    trends = [t.alt for dive in report.deep_dives for t in dive.trends]
    assert sorted(alts) == sorted(donuts + trends)


def test_deep_dives_and_exceptions_are_landscape_and_pages_are_numbered() -> None:
    doc = document()
    orientations = [(s.page_width or 0) > (s.page_height or 0) for s in doc.sections]
    assert orientations == [False, True, False, True, False]
    headings_by_section: list[list[str]] = [[]]
    for paragraph in doc.paragraphs:
        if style_of(paragraph) == "Heading 1":
            headings_by_section[-1].append(paragraph.text)
        if paragraph._p.pPr is not None and paragraph._p.pPr.sectPr is not None:
            headings_by_section.append([])
    assert headings_by_section[1] == [example_report().overview.heading]
    landscape = headings_by_section[3]
    assert landscape[0] == "All other KPIs" and landscape[-1] == "Exceptions"
    assert landscape[1] == "Deep dives"
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_every_red_and_amber_item_of_every_kind_is_an_exception() -> None:
    summary = example_summary()
    (table,) = table_with(document(), "Every red, then every amber")
    rows = cells(table)[1:]
    for status in (Status.RED, Status.AMBER):
        expected = sum(
            summary["totals"][k][status.value] for k in ("actions", "kpis", "quality", "feedback")
        )
        assert sum(1 for row in rows if row[3] == status.word) == expected
    exceptions = example_report().exceptions
    assert len(rows) == len(exceptions)
    for row, exception in zip(rows, exceptions, strict=True):
        assert row[1].startswith(f"{exception.kind_label} {exception.ref} ")
    # Items the deep dives show in full point there rather than repeat the commentary.
    for row, exception in zip(rows, exceptions, strict=True):
        if exception.deep_dive is not None:
            assert row[-1] == f"See deep dive {exception.deep_dive}"


def test_the_data_quality_annex_lists_every_problem() -> None:
    p = filled_plan(recommendations=4, period_count=3)
    result = evaluate(p, p.periods[-1].id)
    problems = summary_dict(result)["problems"]
    assert problems
    doc = Document(io.BytesIO(render_docx(build_report(result))))
    (table,) = table_with(doc, "Data-quality problems")
    assert cells(table)[1:] == [[p["where"], p["message"]] for p in problems]


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_gives_a_document_with_its_sections(p: Plan) -> None:
    # Awkward text included (control characters, which Word's XML cannot hold).
    report = build_report(evaluate(p, p.periods[-1].id))
    doc = Document(io.BytesIO(render_docx(report)))
    firsts = [para.text for para in doc.paragraphs if style_of(para) == "Heading 1"]
    # Overview, overall plan, exceptions, next steps, data quality; and one per section.
    others = 1 if report.all_kpis is not None else 0
    others += 1 if report.deep_dives else 0
    others += 1 if report.glossary else 0
    assert len(firsts) == 5 + len(report.recommendations) + others


def _tables_by_orientation(doc: DocumentType) -> list[tuple[int, bool]]:
    """Each table's column count, and whether the section that holds it is landscape.

    A ``w:sectPr`` in a paragraph ends its section; the body's last one is the last
    section's. Read back from the file, not from the renderer's model.
    """
    body = doc.element.body
    found: list[tuple[int, list[Any]]] = []
    pending: list[int] = []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            pending.append(len(child.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")))
            continue
        ends = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if child.tag == qn("w:p") else None
        if child.tag == qn("w:sectPr"):
            ends = child
        if ends is not None:
            size = ends.find(qn("w:pgSz"))
            wide = int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
            found += [(columns, [wide]) for columns in pending]
            pending = []
    return [(columns, wide[0]) for columns, wide in found]


def test_every_wide_table_is_on_a_landscape_page() -> None:
    for doc in (document(), Document(io.BytesIO(render_docx(compared_report())))):
        tables = _tables_by_orientation(doc)
        assert len(tables) == len(doc.tables)
        wide = [(columns, landscape) for columns, landscape in tables if columns >= 8]
        assert wide  # the workstreams table (11 columns) at least
        assert all(landscape for _, landscape in wide), wide


def _keeps_with_next(paragraph: Any) -> bool:
    """Whether Word keeps ``paragraph`` on the page of the next one (its own or its style's)."""
    own = paragraph.paragraph_format.keep_with_next
    if own is not None:
        return bool(own)
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return bool(style.paragraph_format.keep_with_next)
        style = style.base_style
    return False


def test_recommendations_share_pages_each_kept_whole() -> None:
    """No page of its own for each recommendation (half of each was left empty): they
    follow on in one portrait section, with no page break between them, and each one's
    heading, status and aim keep with its row of four doughnuts."""
    doc, report = document(), example_report()
    body = list(doc.element.body.iterchildren())
    headings = [
        index
        for index, child in enumerate(body)
        if child.tag == qn("w:p")
        and Paragraph(child, doc._body).text.startswith("Recommendation ")
        and style_of(Paragraph(child, doc._body)) == "Heading 1"
    ]
    assert len(headings) == len(report.recommendations) == 10
    ends = [
        index
        for index, child in enumerate(body)
        if child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    ]
    end = min(index for index in ends if index > headings[0])
    assert end > headings[-1]  # every recommendation in one section
    size = body[end].find(f"{qn('w:pPr')}/{qn('w:sectPr')}/{qn('w:pgSz')}")
    assert int(size.get(qn("w:w"))) < int(size.get(qn("w:h")))  # portrait
    for start, stop in zip(headings, [*headings[1:], end], strict=True):
        part = body[start:stop]
        xml = "".join(child.xml if hasattr(child, "xml") else "" for child in part)
        assert "w:pageBreakBefore" not in xml and 'w:type="page"' not in xml
        paragraphs = [Paragraph(child, doc._body) for child in part if child.tag == qn("w:p")]
        assert paragraphs and all(_keeps_with_next(p) for p in paragraphs)
        (grid,) = [Table(child, doc._body) for child in part if child.tag == qn("w:tbl")]
        assert len(grid.rows) == 1 and len(grid.columns) == 4  # the four kinds side by side
        assert grid.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
