"""The report as one self-contained HTML file (docs/rules.md#report).

Templates are Django templates rendered by a standalone ``django.template.Engine`` set up
here, with autoescaping on: no settings module, database or app registry is involved. The
stylesheet and every chart are inlined, so the file makes no network request of any kind
and can be mailed, archived or opened offline.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

from django.template import Context, Engine
from django.utils.safestring import mark_safe

from plantracker.reports import text
from plantracker.reports.model import Report
from plantracker.reports.palette import css_variables
from plantracker.reports.template_library import COUNTER, IMAGES

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STYLESHEET = PACKAGE / "static" / "reports" / "report.css"
TEMPLATE = "reports/report.html"


# The words the templates print beside the model's (one table for every format: text.py).
WORDS = {
    "headlines": text.HEADLINES,
    "workstreams": text.WORKSTREAMS,
    "key_risks": text.KEY_RISKS,
    "milestones": text.MILESTONES,
    "decisions": text.DECISIONS,
    "kpi_trends": text.KPI_TRENDS,
    "no_update": text.NO_UPDATE_TEXT,
    "no_commentary": text.NO_COMMENTARY,
    "no_exceptions": text.NO_EXCEPTIONS,
    "no_problems": text.NO_PROBLEMS,
    "no_next_steps": text.NO_NEXT_STEPS,
    "exceptions_caption": text.EXCEPTIONS_CAPTION,
    "risk_headings": text.RISK_HEADINGS,
    "problem_headings": text.PROBLEM_HEADINGS,
}


@cache
def engine() -> Engine:
    """The report's template engine: autoescaping, cached templates, our tags built in."""
    return Engine(
        dirs=[str(TEMPLATES)],
        autoescape=True,
        builtins=["plantracker.reports.template_library"],
        loaders=[
            ("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])
        ],
        string_if_invalid="",
    )


@cache
def stylesheet() -> str:
    """The inline stylesheet: the palette's variables, then report.css (screen and print)."""
    return css_variables() + STYLESHEET.read_text(encoding="utf-8")


def render_html(report: Report, *, charts_as_images: bool = False) -> str:
    """The whole report as an HTML document.

    Charts are inline SVG; with ``charts_as_images`` they are ``<img>`` elements with a
    ``data:`` URL and the same text alternative, which is how the PDF renderer wants them.
    """
    template = engine().get_template(TEMPLATE)
    context = Context(
        {
            "report": report,
            "title": dict(report.sections),
            "words": WORDS,
            # The stylesheet is our own file, never user data; it must not be escaped.
            "stylesheet": mark_safe(stylesheet()),
            COUNTER: itertools.count(1),
            IMAGES: charts_as_images,
        },
        autoescape=True,
    )
    return template.render(context)


class HtmlRenderer:
    """``RENDERERS["html"]``: UTF-8 bytes of ``render_html``."""

    name = "html"
    media_type = "text/html; charset=utf-8"
    suffix = ".html"

    def render(self, report: Report) -> bytes:
        return render_html(report).encode("utf-8")
