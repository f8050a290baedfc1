"""The HTML report: one self-contained, accessible file that says what the model says."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import lxml.html
import pytest
from tests.builders import filled_plan

from plantracker.domain.evaluate import evaluate
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def html() -> str:
    p = filled_plan(recommendations=4, period_count=5)
    return render_html(build_report(evaluate(p, p.periods[-1].id)))


def test_self_contained_no_url_of_any_kind(html: str) -> None:
    document = lxml.html.fromstring(html)
    assert document.xpath("//link | //script | //img | //iframe | //object | //embed") == []
    assert (
        re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html.replace("http://www.w3.org", ""))
        == []
    )
    assert "@import" not in html and "@font-face" not in html
    assert re.findall(r"url\((?!#)", html) == []
    for href in document.xpath("//a/@href"):
        assert href.startswith("#")


def test_one_h1_and_no_skipped_heading_level(html: str) -> None:
    document = lxml.html.fromstring(html)
    levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1


def test_every_table_has_a_caption_and_scoped_headers(html: str) -> None:
    document = lxml.html.fromstring(html)
    tables = document.xpath("//table")
    assert len(tables) >= 5
    for table in tables:
        assert table.xpath("./caption")[0].text_content().strip()
        assert table.xpath("./thead/tr/th")
        for header in table.xpath(".//th"):
            assert header.get("scope") in {"col", "row"}


def test_every_status_shows_its_word_not_only_its_colour(html: str) -> None:
    document = lxml.html.fromstring(html)
    chips = document.xpath("//*[contains(concat(' ', @class, ' '), ' chip ')]")
    assert len(chips) > 50
    for chip in chips:
        if "chip-empty" in chip.get("class", ""):
            continue
        words = chip.xpath(".//*[@class='chip-word']")
        assert words and words[0].text_content().strip()


def test_user_text_is_escaped(html: str) -> None:
    assert "Improve outcome 1 &lt;for&gt; children &amp; families" in html
    assert "<for>" not in html


def test_print_stylesheet_is_inline(html: str) -> None:
    assert "@media print" in html
    assert "size: A4 landscape" in html
    assert "display: table-header-group" in html


@pytest.mark.slow
def test_renders_with_no_django_settings_configured(tmp_path: Path) -> None:
    """The renderer is a library: it must not need a settings module or a database."""
    script = textwrap.dedent(
        """
        from plantracker.domain.evaluate import evaluate
        from plantracker.reports.build import build_report
        from plantracker.reports.html import render_html
        from tests.builders import filled_plan
        p = filled_plan(recommendations=2, period_count=3)
        print(len(render_html(build_report(evaluate(p, p.periods[-1].id)))))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000


def test_same_input_gives_the_same_file() -> None:
    p = filled_plan(recommendations=3, period_count=4)
    first = render_html(build_report(evaluate(p, p.periods[-1].id)))
    second = render_html(build_report(evaluate(p, p.periods[-1].id)))
    assert first == second
