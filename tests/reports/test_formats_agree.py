"""One report, five formats: every format read back says the same words and numbers.

The example's Q2 report is rendered as HTML, PDF, Word, PowerPoint and Excel; each is read
back (HTML text, ``pdftotext``, python-docx, python-pptx, openpyxl) and compared with
``summary --json`` and the report model's one table of words (docs/rules.md#report): the
status words, column headings and section titles, every red or amber item's ref and every
KPI's ref as whole tokens (``9.A1`` is not found inside ``9.A10``), and every KPI's value as
written.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from functools import cache
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from docx import Document
from pptx import Presentation
from tests.reports.example_report import example_file, example_report, example_summary

from plantracker.domain.model import NaReason, Status
from plantracker.reports import text

FORMATS = ("html", "pdf", "docx", "pptx", "xlsx")
PDFTOTEXT = shutil.which("pdftotext")


@cache
def rendered(fmt: str) -> bytes:
    return example_file(fmt)


def _lines_of_docx(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


def _lines_of_pptx(data: bytes) -> list[str]:
    lines = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                lines += [" ".join(cell.text for cell in row.cells) for row in shape.table.rows]
    return lines


def _lines_of_xlsx(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        " ".join(str(value) for value in row if value is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def _pdf_pages(data: bytes, tmp: Path) -> list[str]:
    assert PDFTOTEXT, "pdftotext is missing (poppler-utils)"
    path = tmp / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split("\f")


@cache
def pdf_pages() -> tuple[str, ...]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return tuple(" ".join(p.split()) for p in _pdf_pages(rendered("pdf"), Path(folder)))


@cache
def read_back(fmt: str) -> str:
    """The format's whole text, whitespace collapsed; table cells separated by spaces."""
    data = rendered(fmt)
    if fmt == "html":
        document = lxml.html.fromstring(data.decode("utf-8"))
        for junk in document.xpath("//style|//svg|//script"):
            junk.getparent().remove(junk)
        return " ".join(" ".join(document.itertext()).split())
    if fmt == "pdf":
        return " ".join(pdf_pages())
    lines = {"docx": _lines_of_docx, "pptx": _lines_of_pptx, "xlsx": _lines_of_xlsx}[fmt](data)
    return " ".join(" ".join(lines).split())


def token(ref: str) -> re.Pattern[str]:
    """``ref`` as a whole token: ``9.A1`` does not match inside ``9.A10`` or ``19.A1``."""
    return re.compile(rf"(?<![\w.]){re.escape(ref)}(?![\w]|\.\d)")


def test_the_token_match_is_whole() -> None:
    assert token("9.A1").search("see 9.A1, then")
    assert not token("9.A1").search("9.A10 and 19.A1 and 9.A1.2")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_red_and_amber_item_and_every_kpi_is_in_every_format(fmt: str) -> None:
    summary, report = example_summary(), example_report()
    found = read_back(fmt)
    reds_and_ambers = [e.ref for e in report.exceptions]
    # The red KPIs outside the deep dives, which no format showed before.
    assert {"2.K2", "2.K3", "2.K5", "8.K7", "8.K6"} <= set(reds_and_ambers)
    kpis = [kpi["ref"] for kpi in summary["kpis"]]
    assert len(kpis) == 44
    missing = [ref for ref in [*reds_and_ambers, *kpis] if not token(ref).search(found)]
    assert missing == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_section_titles_and_column_headings_are_the_same_words(fmt: str) -> None:
    report = example_report()
    found = read_back(fmt)
    titles = [title for key, title in report.sections]
    if fmt == "pptx":
        # The deck has no divider slides: each deep dive's slides are titled "Deep dive: …".
        titles.remove(text.SECTION_TITLES["deep-dives"])
        assert all(dive.heading in found for dive in report.deep_dives)
    headings = [
        *report.overview.workstream_headings,
        *report.exception_headings,
        *text.MEASURE_HEADINGS.values(),
        text.KPI_HEADINGS["previous"],
        text.KPI_HEADINGS["baseline_status"],
        text.KPI_HEADINGS["direction"],
    ]
    missing = [words for words in [*titles, *headings] if words not in found]
    assert missing == []
    # Not the short words Word and PowerPoint used to head their columns with.
    assert "Red Blue None N/A Missing" not in found


@pytest.mark.parametrize("fmt", FORMATS)
def test_na_says_why_in_every_format(fmt: str) -> None:
    summary = example_summary()
    found = read_back(fmt)
    assert summary["boxes"]["finance"]["na_reason"] == "not_applicable"
    assert "Not applicable" in found  # the finance box, never "N/A Not available"
    if fmt in ("html", "pdf"):
        assert re.search(r"Finance (N/A )?Not applicable", found)
    reasons = {kpi["na_reason"] for kpi in summary["kpis"] if kpi["status"] == "na"}
    assert reasons == {"not_yet_available"}  # 9.K1, a null ("NYA") value
    for reason in reasons:
        assert NaReason(reason).word in found


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_number_agrees_with_the_summary(fmt: str) -> None:
    summary, report = example_summary(), example_report()
    found = read_back(fmt)
    # The workstream counts, in order, then the total.
    for kind, row in zip(summary["totals"], report.overview.workstreams, strict=True):
        counts = summary["totals"][kind]
        cells = " ".join(str(counts[s.value]) for s in Status) + f" {counts['count']}"
        assert [c.count for c in row.counts] == [counts[s.value] for s in Status]
        assert cells in found, (kind, cells)
    # Every KPI's value and previous value as written, equal to the summary's number.
    kpis = {kpi["ref"]: kpi for kpi in summary["kpis"]}
    tables = [dive.kpis for dive in report.deep_dives if dive.kpis] + [report.all_kpis]
    for table in tables:
        assert table is not None
        for row in table.rows:
            entry = kpis[row.ref]
            if entry["display"] is None and entry["value"] is not None:
                number = Decimal(row.value.rstrip("%").replace(",", ""))
                assert number == Decimal(str(entry["value"]))
            assert row.value in found, (row.ref, row.value)
            assert row.previous in found, (row.ref, row.previous)


def test_directions_say_what_they_compare_with() -> None:
    report = example_report()
    cse = next(rec for rec in report.recommendations if rec.number == 6)
    assert cse.direction.text == "↑ Improving — was Red"  # amber now, red before
    for fmt in FORMATS:
        assert "↑ Improving — was Red" in read_back(fmt), fmt


def test_pdf_pointers_name_the_page_of_the_deep_dive() -> None:
    report = example_report()
    pages = pdf_pages()
    pointed = [e for e in report.exceptions if e.deep_dive is not None]
    assert pointed
    for exception in pointed:
        pattern = re.compile(
            rf"{re.escape(exception.ref)} .*?See deep dive {exception.deep_dive}, page (\d+)"
        )
        match = next(filter(None, (pattern.search(page) for page in pages)), None)
        assert match, exception.ref
        page = pages[int(match[1]) - 1]
        assert token(exception.ref).search(page)  # the deep dive's row is on that page
    # The long update is shown once, in its deep dive, not again in the exceptions.
    for exception in pointed:
        if exception.commentary and len(exception.commentary) > 60:
            assert read_back("pdf").count(" ".join(exception.commentary.split())[:60]) == 1


def test_html_pointers_link_to_the_row_in_the_deep_dive() -> None:
    document = lxml.html.fromstring(rendered("html").decode("utf-8"))
    links = document.xpath("//table[@class='exceptions-table']//a[@class='see-page']")
    assert links
    for link in links:
        target = link.get("href")[1:]
        (row,) = document.xpath(f"//section[@id='deep-dives']//tr[@id='{target}']")
        assert row.get("data-ref") == target.removeprefix("item-")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_scored_risks_and_their_heat_map_say_the_same_in_every_format(fmt: str) -> None:
    # docs/rules.md#risk-scores: the example's one risk is scored (illustrative).
    summary, report = example_summary(), example_report()
    (risk,) = summary["risks"]
    assert (risk["score"], risk["previous_score"], risk["derived"]) == (9, 12, "amber")
    found = read_back(fmt)
    heat_map = report.overview.heat_map
    assert heat_map is not None
    words = [
        *text.RISK_SCORE_HEADINGS,
        text.HEAT_MAP,
        *text.HEAT_MAP_HEADINGS,
        "3 × 3",
        f"{risk['score']} ({risk['previous_score']})",
        *(place.now for place in heat_map.positions),
        *(place.previous for place in heat_map.positions),
    ]
    assert [w for w in words if w not in found] == []
    assert "Likelihood 3 Possible × Impact 3 Moderate = 9, Amber" in found
