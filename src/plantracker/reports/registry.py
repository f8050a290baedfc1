"""Every report format, in one mapping: reports are data first (ARCHITECTURE.md).

A renderer turns the report model into the bytes of one file format; the command line, the
web application and the API look formats up here and nowhere else. To add a format, write a
module with a class satisfying ``Renderer`` and add one ``Format`` below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from plantracker.reports.model import Report


class Renderer(Protocol):
    """One output format of the quarterly report."""

    def render(self, report: Report) -> bytes:
        """The complete file, built in memory (a failed render leaves nothing behind)."""
        ...


@dataclass
class Format:
    """A registered format: its name, what a download needs, and its renderer.

    The renderer's module — and the library it draws with (WeasyPrint, python-docx,
    python-pptx, openpyxl, matplotlib) — is imported when a file is first rendered, not when
    a format is looked up: a command, a worker or a test process that renders nothing starts
    without loading them (most of a process's start-up time before).
    """

    name: str  # the format's name on the command line: ``--format html``
    media_type: str  # for HTTP responses
    suffix: str  # the file name's ending, with its dot
    renderer: str  # "module:Class" of a class satisfying ``Renderer``

    def render(self, report: Report) -> bytes:
        """The complete file, built in memory (a failed render leaves nothing behind)."""
        return _renderer(self.renderer).render(report)


@cache
def _renderer(path: str) -> Renderer:
    module, _, name = path.partition(":")
    renderer: Renderer = getattr(importlib.import_module(module), name)()
    return renderer


_OFFICE = "application/vnd.openxmlformats-officedocument"

RENDERERS: dict[str, Format] = {
    "html": Format(
        "html", "text/html; charset=utf-8", ".html", "plantracker.reports.html:HtmlRenderer"
    ),
    "pdf": Format("pdf", "application/pdf", ".pdf", "plantracker.reports.pdf:PdfRenderer"),
    "docx": Format(
        "docx",
        f"{_OFFICE}.wordprocessingml.document",
        ".docx",
        "plantracker.reports.docx:DocxRenderer",
    ),
    "pptx": Format(
        "pptx",
        f"{_OFFICE}.presentationml.presentation",
        ".pptx",
        "plantracker.reports.pptx:PptxRenderer",
    ),
    "xlsx": Format(
        "xlsx",
        f"{_OFFICE}.spreadsheetml.sheet",
        ".xlsx",
        "plantracker.reports.xlsx:XlsxRenderer",
    ),
}


def formats() -> list[str]:
    """The format names, for help texts and error messages."""
    return list(RENDERERS)
