"""Word document pieces python-docx has no API for: cell shading, repeating header rows,
page-number fields, image alt text, table captions, orientation changes.

Each helper writes the WordprocessingML element Word itself writes for that feature, so
Word's navigation pane, "Repeat header rows" and "Alt Text" show them as their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from plantracker.reports.office import FONT, HEADER_FILL, HEADER_INK, Cell, fill, ink

A4_SHORT = Mm(210)
A4_LONG = Mm(297)
PAGE_MARGIN = Mm(18)
PORTRAIT_WIDTH_MM = 210 - 2 * 18
LANDSCAPE_WIDTH_MM = 297 - 2 * 18


CellText = Cell  # one cell type for every office format (reports/office.py)


def shade_run(run: Run, colour: str) -> None:
    """Fill the background of ``run`` (a status word inside a sentence)."""
    properties = run._r.get_or_add_rPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def alt_text(inline_shape: object, alt: str) -> None:
    """Set a picture's alt text (``wp:docPr/@descr``), which screen readers announce."""
    properties = inline_shape._inline.docPr  # type: ignore[attr-defined]
    properties.set("descr", alt)


def page_field(paragraph: Paragraph, instruction: str, size: float) -> None:
    """A field Word fills in (``PAGE``, ``NUMPAGES``), with a placeholder until it does."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for name in ("w:sz", "w:szCs"):
        element = OxmlElement(name)
        element.set(qn("w:val"), str(round(size * 2)))
        properties.append(element)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def new_section(document: DocumentType, *, landscape: bool) -> None:
    """Start a new page in the given orientation (A4)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=landscape)


def set_page(section: object, *, landscape: bool) -> None:
    section.orientation = (  # type: ignore[attr-defined]
        WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    )
    width, height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    section.page_width, section.page_height = width, height  # type: ignore[attr-defined]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)


WIDE_TABLE = 8  # a table of this many columns or more is set on a landscape page


def is_landscape(section: object) -> bool:
    """Whether ``section``'s pages are wider than they are tall."""
    return (section.page_width or 0) > (section.page_height or 0)  # type: ignore[attr-defined]


def table(
    document: DocumentType,
    headings: Sequence[str],
    rows: Sequence[Sequence[CellText]],
    widths_mm: Sequence[float],
    *,
    caption: str,
    size: float = 9,
    cell_margin_mm: float | None = None,
) -> Table:
    """A data table: a header row repeated on each page, fixed column widths, status cells
    filled with their colour and written as words, rows never split across pages.

    Written as WordprocessingML text and parsed once: python-docx's cell-by-cell API costs
    a second for the report's few hundred cells.
    """
    if len(widths_mm) >= WIDE_TABLE and not is_landscape(document.sections[-1]):
        raise ValueError(
            f"the table {caption!r} has {len(widths_mm)} columns: a table of "
            f"{WIDE_TABLE} or more goes in a landscape section"
        )
    widths = [int(Mm(width).twips) for width in widths_mm]
    parts = [f"<w:tbl {nsdecls('w')}><w:tblPr>"]
    parts.append('<w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>')
    parts.append('<w:tblLayout w:type="fixed"/>')
    if cell_margin_mm is not None:
        margin = int(Mm(cell_margin_mm).twips)
        parts.append(
            f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/>'
            f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        )
    parts.append(
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    )
    parts.append(f'<w:tblCaption w:val="{_attribute(caption)}"/></w:tblPr><w:tblGrid>')
    parts += [f'<w:gridCol w:w="{width}"/>' for width in widths]
    parts.append("</w:tblGrid>")
    header = [CellText(h, colour=HEADER_INK, bold=True) for h in headings]
    parts.append(_row_xml(header, widths, size, header=True, fills=[HEADER_FILL] * len(widths)))
    for row in rows:
        fills = [fill(c.status) if c.status is not None else None for c in row]
        parts.append(_row_xml(row, widths, size, header=False, fills=fills))
    parts.append("</w:tbl>")
    element = parse_xml("".join(parts))
    anchor = document.add_paragraph()
    anchor._p.addprevious(element)
    anchor._p.getparent().remove(anchor._p)
    return Table(element, document._body)


def _row_xml(
    cells: Sequence[CellText],
    widths: Sequence[int],
    size: float,
    *,
    header: bool,
    fills: Sequence[str | None],
) -> str:
    properties = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
    parts = [f"<w:tr><w:trPr>{properties}</w:trPr>"]
    half_points = round(size * 2)
    for content, width, background in zip(cells, widths, fills, strict=True):
        parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>')
        if background:
            parts.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{background}"/>')
        parts.append("</w:tcPr>")
        colour = ink(content.status) if content.status is not None else content.colour
        run = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
        if content.bold:
            run += "<w:b/>"
        if colour:
            run += f'<w:color w:val="{colour}"/>'
        run += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        for line in content.text.split("\n"):
            parts.append(
                '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                f'<w:r><w:rPr>{run}</w:rPr><w:t xml:space="preserve">{_text(line)}</w:t></w:r>'
                "</w:p>"
            )
        parts.append("</w:tc>")
    parts.append("</w:tr>")
    return "".join(parts)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _attribute(text: str) -> str:
    return escape(_NOT_XML.sub("", text), {'"': "&quot;"})


def set_widths(grid: Table, widths_mm: Sequence[float]) -> None:
    """Column widths, on the grid (which LibreOffice follows) and on each cell (Word)."""
    for index, width in enumerate(widths_mm):
        grid.columns[index].width = Mm(width)
        for row in grid.rows:
            row.cells[index].width = Mm(width)


def keep_rows_whole(grid: Table) -> None:
    """Never break a row across pages (a chart and its legend stay together)."""
    for row in grid.rows:
        keep = OxmlElement("w:cantSplit")
        keep.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(keep)
