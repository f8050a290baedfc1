"""The HTML report in a real browser: Debian's Chromium, with axe-core's accessibility rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.builders import filled_plan
from tests.reports.compared_plan import compared_history, compared_plan

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/setup-system)"
    ),
]


# ``browser`` is tests/conftest.py's Chromium (the same ARGS), one module at a time:
# Playwright's synchronous API allows one per thread.


def _open(browser: Any, html_file: Path) -> tuple[Any, list[str]]:
    """Open ``html_file``, recording every request that leaves the file itself."""
    page = browser.new_page()
    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url)
            if not request.url.startswith(("file://", "data:", "about:"))
            else None
        ),
    )
    page.goto(html_file.as_uri())
    page.wait_for_load_state("load")
    return page, requests


def _violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return list(results.response["violations"])


def _describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [node["target"] for node in v["nodes"][:5]],
            }
            for v in violations
        ],
        indent=1,
    )


def _example() -> Plan:
    return load_plan(EXAMPLE)


@pytest.mark.parametrize(
    "make",
    [
        _example,
        lambda: filled_plan(recommendations=4, period_count=5),
        lambda: filled_plan(recommendations=2, period_count=1, narrative=False),
        lambda: filled_plan(recommendations=2, kinds={1: {"kpis": 0, "quality": 0}}),
        compared_plan,
        compared_history,
    ],
    ids=[
        "example",
        "history",
        "single period without narrative",
        "missing kinds",
        "example with comparators",
        "comparators and year on year",
    ],
)
def test_no_axe_violations_and_no_network(
    browser: Any, tmp_path: Path, make: Callable[[], Plan]
) -> None:
    p = make()
    period = "2018-19-Q2" if p.title == "Children's Improvement Plan" else p.periods[-1].id
    html_file = tmp_path / "report.html"
    html_file.write_text(render_html(build_report(evaluate(p, period))), "utf-8")
    page, requests = _open(browser, html_file)
    violations = _violations(page)
    assert violations == [], _describe(violations)
    assert requests == []
    if p.title != "Children's Improvement Plan":  # the print rules once, on a smaller page
        page.emulate_media(media="print")
        violations = _violations(page)
        assert violations == [], _describe(violations)
    page.close()
