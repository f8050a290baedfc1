"""The report as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the report's HTML.

The same HTML as the ``html`` format, laid out by the print rules of ``report.css``: A4
landscape like the seed's slides, page numbers, a running footer with the plan, the period
and "Update for Scrutiny <date>", and table headers repeated where a table breaks across
pages. ``pdf_variant="pdf/ua-1"`` makes WeasyPrint write the structure tree, so screen
readers can follow the headings and tables and ``pdfinfo`` reports ``Tagged: yes``.

The exceptions' "see deep dive, page N" pointers are a CSS ``target-counter`` of rows that
come earlier in the report; ``_Document`` resolves each one as soon as its row's page is
known, so that the exceptions' pages are laid out once rather than three times (ADR 0088).
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree

from plantracker.planfile.yaml.read import collector_paused
from plantracker.reports.html import render_html
from plantracker.reports.model import Report

PDF_VARIANT = "pdf/ua-1"


def render_pdf(report: Report) -> bytes:
    """The whole report as PDF bytes.

    The cyclic garbage collector is paused while the PDF is made (``collector_paused``):
    WeasyPrint allocates millions of short-lived boxes, tokens and PDF objects, and the
    collector's repeated passes over them and over the process's long-lived heap took a
    seventh of the example's PDF time. The cycles a render leaves are collected once it
    is done; the price is a higher peak (about 80 MB more for the example) while it runs
    (ADR 0088).
    """
    with collector_paused():
        return _render_pdf(report)


def _render_pdf(report: Report) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which the HTML format does not need.
    from cssselect2 import ElementWrapper  # type: ignore[import-untyped]
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.urls import URLFetcher

    # The charts are data: URLs; any other fetch (file, http…) would be a bug, so it stops
    # the render instead of waiting on, or leaking to, the network or the disk.
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    html = render_html(report, charts_as_images=True)
    source = HTML(string="<!DOCTYPE html><html></html>", url_fetcher=fetcher, base_url=".")
    # Our own parse of the report's HTML in place of WeasyPrint's (a twelfth of the time).
    root = element_tree(html)
    # The report's stylesheet, the same text every time, parsed once per process: it is
    # taken out of the page's head and given to WeasyPrint, which counts it a user's
    # stylesheet. As the page has no other styles (no style attributes, no other <style>:
    # a test checks the templates), it cascades as before; one added to the page would
    # now take precedence over it whatever its selectors.
    styles = []
    if (head := root.find("head")) is not None:
        styles = head.findall("style")
        for style in styles:
            head.remove(style)
    source.wrapper_element = ElementWrapper.from_html_root(root)
    source.etree_element = source.wrapper_element.etree_element
    # WeasyPrint reports CSS it does not use at WARNING; those are expected here (the
    # stylesheet serves browsers too) and must not reach the command's stderr.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    options = {
        **DEFAULT_OPTIONS,
        "pdf_variant": PDF_VARIANT,
        "uncompressed_pdf": False,
        "stylesheets": [_stylesheet(style.text or "") for style in styles],
    }
    document = _document_class()._render(source, _font_config(), None, None, options)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    assert pdf is not None
    return pdf


_FONTS = threading.local()


def _font_config() -> Any:
    """WeasyPrint's fonts, made once per thread and kept: Pango's font map and its caches
    of faces and glyph metrics, which made afresh for every render cost a twentieth of the
    example's PDF (the PDF's bytes are the same). One per thread, as a Pango font map is not
    to be shared between threads (a web process serves on several, ADR 0090). The report's
    stylesheet declares no fonts of its own, so nothing accumulates in it from render to
    render."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_FONTS, "config"):
        _FONTS.config = FontConfiguration()
    return _FONTS.config


@lru_cache(maxsize=4)
def _stylesheet(text: str) -> Any:
    """``text`` parsed as WeasyPrint's stylesheet (a twentieth of a second each time),
    without the render's fonts and URL fetcher: ``report.css`` has no ``@font-face``,
    ``@import`` or ``url()`` (a test checks), which would need them."""
    from weasyprint import CSS

    return CSS(string=text)


def element_tree(html: str) -> ElementTree.Element:
    """The report's HTML as the element tree WeasyPrint lays out.

    WeasyPrint parses with tinyhtml5, a pure-Python HTML5 parser that took a twentieth of
    the PDF's time; libxml2 (lxml) builds the same tree from the report's markup, which our
    templates write well formed and autoescaped, in a fraction of that (a test compares the
    two trees). Comments are left out, as WeasyPrint ignores them.
    """
    import lxml.html

    def copy(node: Any) -> ElementTree.Element:
        element = ElementTree.Element(node.tag, dict(node.attrib))
        element.text, element.tail = node.text, node.tail
        element.extend(copy(child) for child in node if isinstance(child.tag, str))
        return element

    return copy(lxml.html.document_fromstring(html))


def _document_class() -> Any:
    """WeasyPrint's ``Document``, whose page-number lookups (``target-counter``) that point
    back to an earlier page are filled in before the page that holds them is laid out.

    WeasyPrint builds the boxes before it paginates, so a pointer's ``target-counter``
    starts out empty. When the page of the pointer's target has been laid out, WeasyPrint
    marks a pointer not yet laid out as pending; once the pointer's page is laid out it
    fills the number in and lays that page out again, and (as the total page count is
    then known) once more: the exceptions' pages three times in all. Every pointer of the
    report points back (the deep dives come before the exceptions), so its number is
    known, and final, before its page is first laid out: filling it in at that moment,
    as WeasyPrint itself would a page later, gives the same pages laid out once. A pointer
    whose target moves afterwards (a page before it laid out again) still takes
    WeasyPrint's own path: it is laid out by then, so it is not pending.
    """
    from weasyprint.css.targets import TargetCollector
    from weasyprint.document import Document

    class BackReferences(TargetCollector):
        def collect_missing_counters(
            self,
            parent_box: Any,
            css_token: str,
            parse_again_function: Any,
            missing_counters: list[str],
            missing_target_counters: dict[str | None, list[str]],
        ) -> None:
            # WeasyPrint files a ``target-counter(attr(href), page)`` under no anchor (None)
            # and its ``page`` as a counter of the pointer's own page, which makes every
            # page holding a pointer be laid out again. File it under the anchor its
            # ``href`` names, and keep only the counters the content itself shows.
            href = parent_box.element.get("href", "") if parent_box.element is not None else ""
            if None in missing_target_counters and href.startswith("#"):
                missing_target_counters[href[1:]] = missing_target_counters.pop(None)
                own = {
                    value[0]
                    for kind, value in parent_box.style["content"]
                    if kind in ("counter()", "counters()")
                }
                missing_counters[:] = [name for name in missing_counters if name in own]
            super().collect_missing_counters(
                parent_box,
                css_token,
                parse_again_function,
                missing_counters,
                missing_target_counters,
            )

        def cache_target_page_counters(
            self, anchor_name: str, page_counter_values: Any, page_maker_index: int, page_maker: Any
        ) -> None:
            super().cache_target_page_counters(
                anchor_name, page_counter_values, page_maker_index, page_maker
            )
            # A pointer not laid out yet to the anchor just placed: its number is known.
            for item in self.counter_lookup_items.values():
                if item.pending and anchor_name in item.missing_target_counters:
                    item.parse_again(item.cached_page_counter_values)
                    item.pending = False

    class PointersResolvedEarly(Document):
        @classmethod
        def _build_layout_context(cls, *args: Any, **kwargs: Any) -> Any:
            context = super()._build_layout_context(*args, **kwargs)
            context.target_collector.__class__ = BackReferences
            return context

    return PointersResolvedEarly


class PdfRenderer:
    """``RENDERERS["pdf"]``."""

    def render(self, report: Report) -> bytes:
        return render_pdf(report)
