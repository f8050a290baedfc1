"""Every report format, in one mapping (CONVENTIONS.md "Reports are data first").

A renderer turns the report model into the bytes of one file format; the command line, the
web application and the API look formats up here and nowhere else. To add a format, write a
module with a class satisfying ``Renderer`` and add one line below.
"""

from __future__ import annotations

from typing import Protocol

from plantracker.reports.docx import DocxRenderer
from plantracker.reports.html import HtmlRenderer
from plantracker.reports.model import Report
from plantracker.reports.pdf import PdfRenderer
from plantracker.reports.pptx import PptxRenderer
from plantracker.reports.xlsx import XlsxRenderer


class Renderer(Protocol):
    """One output format of the quarterly report."""

    name: str  # the format's name on the command line: ``--format html``
    media_type: str  # for HTTP responses
    suffix: str  # the file name's ending, with its dot

    def render(self, report: Report) -> bytes:
        """The complete file, built in memory (a failed render leaves nothing behind)."""
        ...


RENDERERS: dict[str, Renderer] = {
    "html": HtmlRenderer(),
    "pdf": PdfRenderer(),
    "docx": DocxRenderer(),
    "pptx": PptxRenderer(),
    "xlsx": XlsxRenderer(),
}


def formats() -> list[str]:
    """The format names, for help texts and error messages."""
    return list(RENDERERS)
