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

from plantracker.reports.model import Report
from plantracker.reports.palette import css_variables
from plantracker.reports.template_library import COUNTER, IMAGES

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STYLESHEET = PACKAGE / "static" / "reports" / "report.css"
TEMPLATE = "reports/report.html"


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
