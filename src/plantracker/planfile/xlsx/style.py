"""How the plan workbook's sheets look on screen and on paper (row heights, printing)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

LINE_HEIGHT = 15.0
"""Points per line of 11-point text, Excel's default row height."""


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping column ``width`` characters wide (an estimate on
    the generous side: a line holds about as many characters as the column's width)."""
    per_line = max(int(width) - 1, 1)
    return sum(max(1, -(-len(paragraph) // per_line)) for paragraph in text.split("\n"))


def print_setup(worksheet: Worksheet) -> None:
    """Printed, a sheet is landscape, one page wide, with its headings on every page."""
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = "1:1"
