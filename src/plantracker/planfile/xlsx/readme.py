"""The workbook's README sheet: what every sheet and column holds, from the layout itself."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from plantracker.planfile.xlsx.layout import EMPTY_LIST, EMPTY_MAPPING, SHEETS, STATUSES
from plantracker.planfile.xlsx.style import LINE_HEIGHT, print_setup, wrapped_lines

_INTRO = (
    "plantracker plan workbook",
    "This workbook holds an improvement plan: the same content as a plantracker YAML plan "
    "file (format 1). Each sheet is one list; row 1 holds the column headings, one row "
    "below it per entry. Keep the sheet names and headings as they are; columns may be "
    "moved, and optional columns left out.",
    "Load it with: plantracker validate FILE.xlsx, plantracker summary FILE.xlsx --period "
    "ID, plantracker report FILE.xlsx ..., plantracker import FILE.xlsx. A workbook with "
    "an error is refused whole, and every error names its sheet, row and column (for "
    'example KPI values!D14: expected a number, found "about 60").',
    "An empty template (plantracker template -o FILE.xlsx) has only these headings: it is "
    "not a plan until the Plan sheet has its row and Periods and Recommendations have at "
    "least one each.",
    "Statuses are written as lower-case words: " + ", ".join(STATUSES) + ". Their cells "
    "are coloured, and the colour follows the word.",
    "Dates are date cells (shown as YYYY-MM-DD); text written as 2018-09-30 is accepted "
    "too. Numbers are number cells, exact to the decimal places the cell shows (58.60 in "
    "a cell showing two places is 58.60); a number with more than 15 digits is kept as "
    "text. Percentages are plain numbers (58.6), not Excel percentages (58.6%). Formulas "
    "are accepted only where Excel has saved their result, and never where it is an error.",
    f"In Expected, {EMPTY_LIST} means 'no period'; in Baseline label and Target label, "
    f"{EMPTY_MAPPING} means a baseline or target with nothing in it. An empty cell is an "
    "absent value. A text cell cannot hold an empty text: empty is absent.",
    "Risks have no ref in the plan file; the Ref on the Risks sheet only links a risk to "
    "its rows on the Updates sheet.",
)
_HEADINGS = ("Sheet", "Column", "Plan file key", "Required", "What it holds")
_WIDTHS = (16, 20, 26, 10, 100)


def write_readme(worksheet: Worksheet) -> None:
    worksheet.cell(row=1, column=1, value=_INTRO[0]).font = Font(bold=True, size=16)
    row = 2
    for paragraph in _INTRO[1:]:
        worksheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        cell = worksheet.cell(row=row, column=1, value=paragraph)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Merged cells do not grow to fit; give each paragraph the lines it needs.
        worksheet.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(paragraph, 160)
        row += 1
    row += 1
    header = row
    for index, heading in enumerate(_HEADINGS, start=1):
        cell = worksheet.cell(row=row, column=index, value=heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B0C0C")
    for index, width in enumerate(_WIDTHS, start=1):
        worksheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    for sheet in SHEETS:
        row += 1
        worksheet.cell(row=row, column=1, value=sheet.name).font = Font(bold=True)
        worksheet.cell(row=row, column=5, value=sheet.purpose).font = Font(italic=True)
        for column in sheet.columns:
            row += 1
            worksheet.cell(row=row, column=1, value=sheet.name)
            worksheet.cell(row=row, column=2, value=column.header)
            worksheet.cell(
                row=row, column=3, value=column.yaml_key or "(links rows between sheets)"
            )
            worksheet.cell(row=row, column=4, value="yes" if column.required else "")
            help_text = column.help
            if column.choices:
                help_text += " One of: " + ", ".join(column.choices) + "."
            worksheet.cell(row=row, column=5, value=help_text).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
            lines = wrapped_lines(help_text, _WIDTHS[-1])
            if lines > 1:
                worksheet.row_dimensions[row].height = LINE_HEIGHT * lines
    worksheet.freeze_panes = worksheet.cell(row=header + 1, column=1)
    print_setup(worksheet)
    worksheet.print_title_rows = f"{header}:{header}"
