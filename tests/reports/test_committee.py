"""The committee paper in every format (docs/plan-file.md#committee-paper, ADR 0066): the
cover sheet with its contact officer and recommendations to the committee, the order note
where the recommendations are listed, and a glossary of only the terms the report uses,
marked with <abbr> on first use in HTML."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import MappingProxyType

import openpyxl
import pytest
from docx import Document
from pptx import Presentation
from tests.builders import Q2, action, plan, recommendation
from tests.reports.consistency import pdf_text
from tests.reports.example_report import example_report

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Contact, Narrative, Status
from plantracker.reports.build import build_report
from plantracker.reports.docx import render_docx
from plantracker.reports.html import render_html
from plantracker.reports.model import Report
from plantracker.reports.pdf import render_pdf
from plantracker.reports.pptx import render_pptx
from plantracker.reports.xlsx import render_xlsx

CONTACT = "Alex Example, Performance and Improvement Officer, improvement@example.org"
ORDER_NOTE = "Order of the recommendations: in the order of the published report"
EXAMPLE_TERMS = [
    "CSE", "CLA", "EET", "NEET", "PEP", "LSCB", "MACSE", "ABE", "RAT", "CIN", "CP", "DfE",
    "NHS", "KPI", "NYA", "SMART",
]  # fmt: skip


_NOT_BODY_TEXT = r'<svg.*?</svg>|<div class="running-footer".*?</div>'


def _html() -> str:
    return render_html(example_report())


@cache
def _texts() -> dict[str, str]:
    """The example's Q2 report read back from each format, whitespace collapsed."""
    report = example_report()
    texts = {"html": " ".join(re.sub(r"<[^>]+>", " ", _html()).split())}
    document = Document(io.BytesIO(render_docx(report)))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    texts["docx"] = " ".join(" ".join(parts).split())
    deck = Presentation(io.BytesIO(render_pptx(report)))
    shapes = [s for slide in deck.slides for s in slide.shapes]
    parts = [s.text_frame.text for s in shapes if s.has_text_frame]
    parts += [c.text for s in shapes if s.has_table for r in s.table.rows for c in r.cells]
    texts["pptx"] = " ".join(" ".join(parts).split())
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    cells = [str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row if c]
    # A sheet's name is its heading.
    texts["xlsx"] = " ".join(" ".join([*workbook.sheetnames, *cells]).split())
    return texts


def _pdf_text(tmp_path: Path, report: Report) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report))
    return pdf_text(path)


@pytest.mark.parametrize("name", ["html", "docx", "pptx", "xlsx", "pdf"])
@pytest.mark.slow
def test_every_format_has_the_cover_sheet_the_order_note_and_the_glossary(
    name: str, tmp_path: Path
) -> None:
    report = example_report()
    text = _pdf_text(tmp_path, report) if name == "pdf" else _texts()[name]
    for label in ("Report author and contact officer", "Purpose of the report"):
        assert label in text
    assert "Meeting and date" in text and "Scrutiny committee, 7 December 2018" in text
    assert CONTACT in text
    assert "Recommendations to the committee" in text
    assert report.paper is not None
    for asked in report.paper.recommendations:
        assert asked in text
    assert ORDER_NOTE in text
    assert "Glossary" in text
    for entry in report.glossary:
        assert f"{entry.term} {entry.meaning}" in text


def test_the_example_glossary_lists_the_terms_its_q2_report_uses_in_the_glossarys_order() -> None:
    assert [entry.term for entry in example_report().glossary] == EXAMPLE_TERMS


def _small(glossary: dict[str, str], **changes: object) -> Report:
    first = recommendation(
        1,
        title="CSE work",
        actions=[action("1.A1", {Q2: Status.RED})],
    )
    built = plan(first)
    built = replace(built, glossary=MappingProxyType(glossary), **changes)  # type: ignore[arg-type]
    return build_report(evaluate(built, Q2))


def test_the_glossary_lists_only_whole_words_with_the_glossarys_case() -> None:
    report = _small(
        {"CSE": "Child sexual exploitation", "EET": "Education", "cse": "lower", "ABE": "absent"},
        narrative=MappingProxyType({Q2: Narrative(headlines=("Young people who are NEET",))}),
    )
    # "NEET" holds no whole-word "EET"; "cse" and "ABE" occur nowhere.
    assert [entry.term for entry in report.glossary] == ["CSE"]
    html = render_html(report)
    assert '<abbr title="Child sexual exploitation">CSE</abbr>' in html
    assert "Education" not in html


def test_html_marks_each_terms_first_use_in_the_body_only() -> None:
    html = _html()
    body = html[html.index("<body") : html.index('<section class="glossary"')]
    for term in EXAMPLE_TERMS:
        marked = re.findall(rf'<abbr title="[^"]+">{re.escape(term)}</abbr>', body)
        assert len(marked) == 1, term
        # The first whole-word use in the body's text is the marked one.
        # Charts (SVG) and the running footer (hidden from readers) are not body text.
        shown = re.sub(_NOT_BODY_TEXT, "", body, flags=re.S)
        text_only = re.sub(r"<(?!abbr|/abbr)[^>]+>", " ", shown)
        first = re.search(
            rf"(?<![\w>]){re.escape(term)}(?!\w)|<abbr [^>]*>{term}</abbr>", text_only
        )
        assert first is not None and first.group(0).startswith("<abbr"), term
    assert "<abbr" not in html[: html.index("<body")]  # not in the <title>
    assert "<abbr" not in html[html.index('<section class="glossary"') :]


def test_a_plan_without_the_fields_prints_no_empty_heading(tmp_path: Path) -> None:
    report = _small({})
    assert report.paper is None and report.order_note is None and report.glossary == ()
    html = render_html(report)
    for absent in ("Report to the committee", "Recommendations to the committee", "Glossary",
                   "Order of the recommendations", "<abbr"):  # fmt: skip
        assert absent not in html
    document = Document(io.BytesIO(render_docx(report)))
    assert not [p for p in document.paragraphs if p.text in ("Glossary", "Report to the committee")]
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert "Cover" not in workbook.sheetnames and "Glossary" not in workbook.sheetnames
    deck = Presentation(io.BytesIO(render_pptx(report)))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "Report to the committee" not in titles and "Glossary" not in titles


def test_the_cover_gives_only_the_lines_the_plan_has() -> None:
    report = _small({}, contact=Contact(name="Sam Officer"))
    assert report.paper is not None
    meeting = ["Meeting and date"] if report.cover.scrutiny is not None else []
    labels = [row.label for row in report.paper.rows]
    assert labels == ["Report title", *meeting, "Report author and contact officer"]
    assert report.paper.rows[-1].text == "Sam Officer"
    assert report.paper.recommendations == ()
    html = render_html(report)
    assert "Purpose of the report" not in html
    assert "Recommendations to the committee" not in html


def test_the_order_note_stands_where_the_recommendations_are_listed() -> None:
    html = _html()
    heading = html.index('id="recommendations-heading"')
    note = html.index(ORDER_NOTE)
    first = html.index('id="rec-')
    assert heading < note < first
    deck = Presentation(io.BytesIO(render_pptx(example_report())))
    slides = [s for s in deck.slides if s.shapes.title is not None]
    # Two recommendations to a slide: the first is on "Recommendations 1 and 2".
    first_rec = next(s for s in slides if s.shapes.title.text.startswith("Recommendations 1 "))
    assert ORDER_NOTE in [s.text_frame.text for s in first_rec.shapes if s.has_text_frame]


def test_a_long_cover_sheet_runs_onto_a_second_page_instead_of_being_clipped(
    tmp_path: Path,
) -> None:
    """pdfplumber reads only what lies on a page: text cut off the cover would be missing."""
    pdfplumber = pytest.importorskip("pdfplumber")
    asked = tuple(
        f"Item {n} asks the committee to note a long and detailed matter about the plan, its "
        "partners and its funding, over several lines of text."
        for n in range(1, 13)
    )
    report = _small({}, contact=Contact(name="Sam Officer"))
    assert report.paper is not None
    report = replace(report, paper=replace(report.paper, recommendations=asked))
    path = tmp_path / "long.pdf"
    path.write_bytes(render_pdf(report))
    with pdfplumber.open(path) as pdf:
        shown = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages[:3])
    for n in range(1, 13):
        assert f"Item {n} asks the committee" in shown, n
