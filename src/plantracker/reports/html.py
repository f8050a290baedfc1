"""The report as one self-contained HTML file (docs/rules.md#report).

Templates are Django templates rendered by a standalone ``django.template.Engine`` set up
here, with autoescaping on: no settings module, database or app registry is involved. The
stylesheet and every chart are inlined, so the file makes no network request of any kind
and can be mailed, archived or opened offline.
"""

from __future__ import annotations

import html
import itertools
import re
from functools import cache
from pathlib import Path

from django.template import Context, Engine
from django.utils.safestring import mark_safe

from plantracker.reports import text
from plantracker.reports.committee import term_pattern
from plantracker.reports.model import GlossaryEntry, Report
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
    "heat_map": text.HEAT_MAP,
    "heat_map_headings": text.HEAT_MAP_HEADINGS,
    "heat_map_caption": text.HEAT_MAP_CAPTION,
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
    return abbreviations(template.render(context), report.glossary)


_TAG = re.compile(r"(<[^>]*>)")
_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
# Text inside these is not body text (or may not hold an element): no <abbr> there.
_SKIPPED = frozenset({"head", "title", "style", "script", "svg", "abbr", "textarea"})
_VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "col", "source", "wbr"})
_GLOSSARY_START = '<section class="glossary"'


def abbreviations(document: str, glossary: tuple[GlossaryEntry, ...]) -> str:
    """``document`` with each glossary term's first use in the body's text wrapped in
    ``<abbr title="meaning">`` (docs/plan-file.md#glossary).

    Only text between tags is searched, never attributes, the head, charts or elements
    hidden from assistive technology (the running footer); the glossary section itself,
    which ends the report, is left as it is.
    """
    if not glossary:
        return document
    head, found, tail = document.partition(_GLOSSARY_START)
    pending = {entry.term: entry.meaning for entry in glossary}
    patterns = {
        term: re.compile(term_pattern(html.escape(term, quote=True)).pattern) for term in pending
    }
    parts = _TAG.split(head)
    skipping: list[str] = []  # the element being skipped, once per nested open tag
    in_body = False
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            match = _NAME.match(part)
            if match is None:
                continue  # a comment or doctype
            name = match.group(1).lower()
            closing, void = part.startswith("</"), name in _VOID or part.endswith("/>")
            if name == "body":
                in_body = not closing
            if skipping:
                if name == skipping[0] and not void:
                    if closing:
                        skipping.pop()
                    else:
                        skipping.append(name)
            elif not closing and not void and (name in _SKIPPED or 'aria-hidden="true"' in part):
                skipping.append(name)
            continue
        if not in_body or skipping or not part.strip():
            continue
        for term in list(pending):
            parts[index], done = _wrap_first(parts[index], patterns[term], pending[term])
            if done:
                del pending[term]
        if not pending:
            break
    return "".join(parts) + found + tail


def _wrap_first(text: str, pattern: re.Pattern[str], meaning: str) -> tuple[str, bool]:
    """``text`` with the first match of ``pattern`` outside an <abbr> wrapped in one."""
    pieces = re.split(r"(<abbr [^>]*>.*?</abbr>)", text)
    for index in range(0, len(pieces), 2):
        match = pattern.search(pieces[index])
        if match is not None:
            piece = pieces[index]
            title = html.escape(meaning, quote=True)
            pieces[index] = (
                f'{piece[: match.start()]}<abbr title="{title}">{match.group(0)}</abbr>'
                f"{piece[match.end() :]}"
            )
            return "".join(pieces), True
    return text, False


class HtmlRenderer:
    """``RENDERERS["html"]``: UTF-8 bytes of ``render_html``."""

    def render(self, report: Report) -> bytes:
        return render_html(report).encode("utf-8")
