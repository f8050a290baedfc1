"""The report as a tagged PDF (PDF/UA-1), printed by WeasyPrint from the report's HTML.

The same HTML as the ``html`` format, laid out by the print rules of ``report.css``: A4
landscape like the seed's slides, page numbers, a running footer with the plan, the period
and "Update for Scrutiny <date>", and table headers repeated where a table breaks across
pages. ``pdf_variant="pdf/ua-1"`` makes WeasyPrint write the structure tree, so screen
readers can follow the headings and tables and ``pdfinfo`` reports ``Tagged: yes``.
"""

from __future__ import annotations

import logging

from plantracker.reports.html import render_html
from plantracker.reports.model import Report

PDF_VARIANT = "pdf/ua-1"


def render_pdf(report: Report) -> bytes:
    """The whole report as PDF bytes."""
    # Imported here: WeasyPrint loads Pango on import, which the HTML format does not need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The charts are data: URLs; any other fetch (file, http…) would be a bug, so it stops
    # the render instead of waiting on, or leaking to, the network or the disk.
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    html = render_html(report, charts_as_images=True)
    document = HTML(string=html, url_fetcher=fetcher, base_url=".")
    # WeasyPrint reports CSS it does not use at WARNING; those are expected here (the
    # stylesheet serves browsers too) and must not reach the command's stderr.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    assert pdf is not None
    return pdf


class PdfRenderer:
    """``RENDERERS["pdf"]``."""

    def render(self, report: Report) -> bytes:
        return render_pdf(report)
