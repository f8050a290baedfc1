"""The PDF report: tagged (PDF/UA-1), A4 landscape, footed and numbered, text that extracts."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.builders import filled_plan
from tests.reports.compared_plan import compared_history, compared_plan
from tests.reports.consistency import pdf_disagreements, pdf_text
from tests.reports.example_report import PERIOD, example_report

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan, Status, Update
from plantracker.domain.summary import summary_dict
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html
from plantracker.reports.model import Report
from plantracker.reports.pdf import render_pdf

Rendered = tuple[Report, dict[str, Any], Path]

pytestmark = pytest.mark.skipif(
    shutil.which("pdfinfo") is None, reason="needs poppler-utils (scripts/setup-system)"
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    p = filled_plan(recommendations=5, period_count=5, kinds={3: {"kpis": 0}})
    result = evaluate(p, p.periods[-1].id)
    report = build_report(result)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(report))
    return report, summary_dict(result), path


def _info(path: Path) -> dict[str, str]:
    done = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in done.stdout.splitlines())
    }


def test_tagged_a4_landscape(rendered: Rendered) -> None:
    info = _info(rendered[2])
    assert info["Tagged"] == "yes"
    assert info["Page size"].startswith("841.89 x 595.276")  # A4, landscape
    assert int(info["Pages"]) >= 8
    assert info["Title"].startswith("Test Improvement Plan")


def test_fonts_are_embedded(rendered: Rendered) -> None:
    done = subprocess.run(
        ["pdffonts", str(rendered[2])], capture_output=True, text=True, check=True, timeout=60
    )
    rows = done.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert " yes yes yes " in row or " yes yes " in row, row


def test_every_section_is_in_the_text(rendered: Rendered) -> None:
    report, _, path = rendered
    text = pdf_text(path)
    for heading in (
        report.cover.title,
        report.cover.scrutiny_text,
        report.overview.heading,
        "Headlines",
        "Workstreams: status, direction of travel and items by status",
        "Key risks",
        "Planned activity and milestones",
        "Decisions",
        "Overall plan",
        "Recommendations",
        "Deep dive: recommendation 1, Workstream 1",
        "KPI trends",
        "Exceptions",
        "Next steps",
        "Annex: data quality",
    ):
        assert heading in text, heading


def test_running_footer_and_page_numbers(rendered: Rendered) -> None:
    report, _, path = rendered
    pages = int(_info(path)["Pages"])
    text = pdf_text(path)
    # Every page but the cover carries the footer and its number.
    assert text.count(report.cover.footer) == pages - 1
    for page in range(2, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_pdf_agrees_with_the_summary(rendered: Rendered) -> None:
    report, summary, path = rendered
    assert pdf_disagreements(pdf_text(path), summary, report) == []


def _overflow(html: str) -> float:
    """How far (CSS px) the furthest box reaches past the right edge of a page's content area."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).render()
    worst = float("-inf")
    for page in document.pages:
        page_box = page._page_box  # the laid-out page: WeasyPrint's box tree
        limit = page_box.content_box_x() + page_box.width
        for child in page_box.children:
            if type(child).__name__ == "MarginBox":  # footer and page number
                continue
            for box in child.descendants():
                if getattr(box, "position_x", None) is None or box.width is None:
                    continue
                worst = max(worst, box.position_x + box.margin_width() - limit)
    return worst


def test_nothing_runs_off_the_page_even_with_an_unbreakable_word() -> None:
    long_word = "https://example.invalid/" + "x" * 300
    p = filled_plan(recommendations=2, period_count=3)
    pid = p.periods[-1].id
    rec = p.recommendations[0]
    action = rec.actions[0]
    p = replace(
        p,
        recommendations=(
            replace(
                rec,
                aim=long_word,
                actions=(
                    replace(action, updates={**action.updates, pid: Update(Status.RED, long_word)}),
                    *rec.actions[1:],
                ),
            ),
            *p.recommendations[1:],
        ),
    )
    html = render_html(build_report(evaluate(p, pid)), charts_as_images=True)
    assert long_word in html
    assert _overflow(html) <= 0.5


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [compared_plan, compared_history],
    ids=["example with comparators", "comparators and year on year"],
)
def test_comparator_columns_still_fit_the_page(make: Callable[[], Plan]) -> None:
    p = make()
    period = PERIOD if p.title == "Children's Improvement Plan" else p.periods[-1].id
    report = build_report(evaluate(p, period))
    assert any(dive.kpis and dive.kpis.comparator_headings for dive in report.deep_dives)
    assert _overflow(render_html(report, charts_as_images=True)) <= 0.5


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pdf_to_png_script_renders_every_page(
    rendered: Rendered,
    tmp_path: Path,
) -> None:
    path = rendered[2]
    script = Path(__file__).resolve().parents[2] / "scripts" / "pdf-to-png"
    done = subprocess.run(
        [str(script), str(path), str(tmp_path / "pages"), "30"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pages = int(_info(path)["Pages"])
    pngs = sorted((tmp_path / "pages").glob("page-*.png"))
    assert len(pngs) == pages
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)
    missing = subprocess.run(
        [str(script), str(tmp_path / "nope.pdf")], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_structure_tree_has_headings_tables_and_figures(rendered: Rendered) -> None:
    done = subprocess.run(
        ["pdfinfo", "-struct", str(rendered[2])],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    tags = [line.split()[0].rstrip(":") for line in done.stdout.splitlines() if line.strip()]
    assert tags.count("H1") == 1
    assert tags.count("H2") >= 7
    for tag in ("Table", "THead", "TH", "TD", "Caption", "Figure", "L", "LI"):
        assert tag in tags, tag


def test_the_pdf_lays_out_the_tree_weasyprint_would_have_parsed() -> None:
    """``render_pdf`` parses the report's HTML with lxml instead of WeasyPrint's tinyhtml5
    (ADR 0088): for the example's report both give the same elements, attributes and text,
    so the PDF is the same (whitespace between the document's top-level blocks apart, which
    lays out as nothing)."""
    import tinyhtml5  # WeasyPrint's own parser

    from plantracker.reports.pdf import element_tree

    html = render_html(example_report(), charts_as_images=True)
    ours = list(_walk(element_tree(html), None))
    theirs = list(_walk(tinyhtml5.parse(html, namespace_html_elements=False), None))
    assert len(ours) == len(theirs) > 3000
    assert ours == theirs


def _walk(element: Any, parent: str | None) -> Any:
    top = element.tag in {"html", "head", "body"} or parent == "body"
    text, tail = element.text or "", element.tail or ""
    if top:
        text, tail = text.strip(), tail.strip()
    yield element.tag, dict(element.attrib), text, tail
    for child in element:
        if isinstance(child.tag, str):
            yield from _walk(child, element.tag)


def test_reports_printed_at_once_on_two_threads_are_the_same_as_one_printed_alone(
    rendered: Rendered,
) -> None:
    # Each thread keeps its own WeasyPrint fonts (pdf._font_config): two web threads
    # printing at once get the bytes one alone gets, also from a thread's second print.
    from concurrent.futures import ThreadPoolExecutor

    report, _, path = rendered
    alone = path.read_bytes()
    with ThreadPoolExecutor(max_workers=2) as pool:
        printed = list(pool.map(lambda _: render_pdf(report), range(4)))
    assert printed == [alone] * 4


def test_the_report_stylesheet_is_the_pages_only_style_and_needs_no_fetching() -> None:
    # The PDF gives report.css to WeasyPrint parsed once per process, without the render's
    # fonts and fetcher (pdf._stylesheet): that prints as before only while the page has no
    # other style and the sheet loads nothing.
    import plantracker.reports as reports_package

    root = Path(reports_package.__file__).parent
    css = (root / "static" / "reports" / "report.css").read_text(encoding="utf-8")
    for rule in ("@font-face", "@import", "url(", "@counter-style"):
        assert rule not in css, rule
    templates = sorted((root / "templates").rglob("*.html"))
    assert templates
    styled = [t.name for t in templates if " style=" in t.read_text(encoding="utf-8")]
    assert styled == []
    sheets = [t.name for t in templates if "<style" in t.read_text(encoding="utf-8")]
    assert sheets == ["report.html"]
