"""KPI values computed from the statutory returns (ADR 0016) are said so in the report.

The example plan with a few deep-dive KPIs' values marked ``computed_from`` (built with
``dataclasses.replace``): each KPI table with a computed value in the period gets a note
naming those KPIs in table order, in every format (read back as the comparator tests read
them); a table without one, like every table of the example, has no note and no column.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import MappingProxyType

import lxml.html
import pytest
from docx import Document
from pptx import Presentation
from tests.builders import filled_plan
from tests.reports.consistency import pdf_text
from tests.reports.example_report import EXAMPLE, PERIOD, example_report
from tests.reports.test_comparators import xlsx_rows
from tests.reports.test_pptx import _inside_the_slide, _text_fits, deck_of, kpi_slides_of

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import KpiValue, Plan
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.docx import render_docx
from plantracker.reports.html import render_html
from plantracker.reports.model import Report
from plantracker.reports.office import footnote_text
from plantracker.reports.pdf import render_pdf
from plantracker.reports.pptx import render_pptx
from plantracker.reports.text import COMPUTED_NOTE

# KPI ref → the indicator its value in PERIOD is computed from. 9.K2 also carries an
# override (its footnote stays); 6.K1 is computed in another period only.
COMPUTED = {
    "9.K5": "care_leavers_eet",
    "9.K2": "care_leavers_suitable",
    "10.K4": "re_referrals_12m",
}
OTHER_PERIOD = ("6.K1", "2018-19-Q1")
# The note of each deep dive's table: refs in table order, not in the order marked above.
NOTES = {
    9: f"{COMPUTED_NOTE}: 9.K2, 9.K5",
    10: f"{COMPUTED_NOTE}: 10.K4",
}


def with_marks(plan: Plan, marks: Mapping[tuple[str, str], str]) -> Plan:
    """``plan`` with the values named by (KPI ref, period id) marked computed from the
    indicator given."""

    def values(ref: str, kpi_values: Mapping[str, KpiValue]) -> Mapping[str, KpiValue]:
        return MappingProxyType(
            {
                period: replace(entry, computed_from=f"statutory:{marks[ref, period]}")
                if (ref, period) in marks
                else entry
                for period, entry in kpi_values.items()
            }
        )

    return replace(
        plan,
        recommendations=tuple(
            replace(
                rec,
                kpis=tuple(replace(kpi, values=values(kpi.ref, kpi.values)) for kpi in rec.kpis),
            )
            for rec in plan.recommendations
        ),
    )


@cache
def computed_report() -> Report:
    marks = {(ref, PERIOD): indicator for ref, indicator in COMPUTED.items()}
    marks[OTHER_PERIOD] = "cla_rate"
    return build_report(evaluate(with_marks(load_plan(EXAMPLE), marks), PERIOD))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_the_model_notes_each_table_whose_values_were_computed() -> None:
    tables = {d.number: d.kpis for d in computed_report().deep_dives if d.kpis is not None}
    assert {n: t.computed_note for n, t in tables.items()} == {6: None, **NOTES}
    rows = {row.ref: row for table in tables.values() for row in table.rows}
    assert {ref for ref, row in rows.items() if row.computed} == set(COMPUTED)
    assert {ref: rows[ref].computed_from for ref in COMPUTED} == COMPUTED
    assert rows["6.K1"].computed_from is None  # computed in another period only
    # The override's footnote is kept beside the note.
    assert rows["9.K2"].footnote is not None and len(tables[9].footnotes) == 1


def test_the_example_report_has_no_note() -> None:
    for dive in example_report().deep_dives:
        assert dive.kpis is not None and dive.kpis.computed_note is None
        assert not any(row.computed for row in dive.kpis.rows)


def test_html_says_it_under_the_table_and_marks_the_rows() -> None:
    document = lxml.html.fromstring(render_html(computed_report()))
    notes = [_squash(p.text_content()) for p in document.xpath("//p[@class='computed-note']")]
    assert notes == list(NOTES.values())
    marked = {
        tr.get("data-ref"): tr.get("data-computed")
        for tr in document.xpath("//table[@class='kpis']/tbody/tr[@data-computed]")
    }
    assert marked == COMPUTED
    # The note sits under its own table, before the override footnotes.
    anchors = {dive.number: dive.anchor for dive in computed_report().deep_dives}
    for number, note in NOTES.items():
        section = document.xpath(f"//section[@id='{anchors[number]}']")
        (paragraph,) = section[0].xpath(".//p[@class='computed-note']")
        assert _squash(paragraph.text_content()) == note
        following = paragraph.getnext()
        if number == 9:
            assert following is not None and "footnotes" in following.get("class")
    plain = lxml.html.fromstring(render_html(example_report()))
    assert not plain.xpath("//*[contains(@class, 'computed-note')]")
    assert not plain.xpath("//*[@data-computed]")


def _docx_paragraphs(report: Report) -> list[str]:
    document = Document(io.BytesIO(render_docx(report)))
    return [_squash(p.text) for p in document.paragraphs]


def test_word_prints_the_same_notes() -> None:
    paragraphs = _docx_paragraphs(computed_report())
    assert [p for p in paragraphs if p.startswith(COMPUTED_NOTE)] == list(NOTES.values())
    # Under recommendation 9's table, before its override footnote.
    at = paragraphs.index(NOTES[9])
    (footnote,) = [
        d.kpis.footnotes[0] for d in computed_report().deep_dives if d.number == 9 and d.kpis
    ]
    assert paragraphs[at + 1] == _squash(footnote_text(footnote.number, footnote.text))
    assert not any(p.startswith(COMPUTED_NOTE) for p in _docx_paragraphs(example_report()))


def _pptx_texts(report: Report) -> list[tuple[str, str]]:
    """(slide title, text) of every text box that is not a title."""
    deck = Presentation(io.BytesIO(render_pptx(report)))
    found = []
    for slide in deck.slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title:
                for paragraph in shape.text_frame.paragraphs:
                    found.append((title, _squash(paragraph.text)))
    return found


def test_powerpoint_prints_the_same_notes_on_the_tables_slides() -> None:
    texts = _pptx_texts(computed_report())
    notes = [(title, text) for title, text in texts if text.startswith(COMPUTED_NOTE)]
    assert [text for _, text in notes] == list(NOTES.values())
    for (title, _), number in zip(notes, NOTES, strict=True):
        assert title.startswith(f"Deep dive: recommendation {number}, ")
    assert not any(text.startswith(COMPUTED_NOTE) for _, text in _pptx_texts(example_report()))


def test_the_note_keeps_to_the_slide_even_under_a_long_table() -> None:
    assert _inside_the_slide(Presentation(io.BytesIO(render_pptx(computed_report())))) == []
    long = filled_plan(recommendations=2, period_count=5, kinds={1: {"kpis": 40}})
    last = long.periods[-1].id
    kpis = long.recommendations[0].kpis
    presentation = deck_of(with_marks(long, {(k.ref, last): "cin_rate" for k in kpis}))
    assert _inside_the_slide(presentation) == []
    assert _text_fits(presentation) == []
    slides = kpi_slides_of(presentation, "Deep dive: recommendation 1, Workstream 1")
    assert len(slides) >= 3
    notes = [
        (number, paragraph.text)
        for number, slide in enumerate(slides)
        for shape in slide.shapes
        if shape.has_text_frame and shape != slide.shapes.title
        for paragraph in shape.text_frame.paragraphs
        if paragraph.text.startswith(COMPUTED_NOTE)
    ]
    # Once, on the table's first slide, naming all 40 KPIs in order.
    assert notes == [(0, f"{COMPUTED_NOTE}: {', '.join(k.ref for k in kpis)}")]


def test_excel_names_the_indicator_in_a_computed_from_column() -> None:
    rows = xlsx_rows(computed_report())
    assert {row["Ref"]: row["Computed from"] for row in rows if row["Computed from"]} == COMPUTED
    headings = list(rows[0])
    assert headings.index("Computed from") == headings.index("Override note") + 1
    assert "Computed from" not in xlsx_rows(example_report())[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_prints_the_same_notes(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(computed_report()))
    text = pdf_text(path)
    assert text.count(COMPUTED_NOTE) == len(NOTES)
    for note in NOTES.values():
        assert note in text
    # Each note follows its own table: after its last KPI's row.
    assert text.index(NOTES[9]) > text.index("9.K5")
    assert text.index(NOTES[10]) > text.index("10.K8")
