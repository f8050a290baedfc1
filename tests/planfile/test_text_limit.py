"""The plan's one text limit in plan files and workbooks (docs/plan-file.md#limits): a longer
text is refused where it was written (path and line, or sheet and cell), with the limit."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from tests.builders import vary
from tests.planfile.plans import errors_of
from tests.web.plans import web_plan

from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT
from plantracker.planfile import PlanFileError, load_plan_text
from plantracker.planfile.xlsx import load_workbook_bytes
from plantracker.planfile.xlsx.write import workbook_bytes

ACTION = "recommendations[0].actions[0]"


def test_a_commentary_at_the_limit_reads_and_one_longer_is_refused_at_its_line() -> None:
    at_limit = "x" * MAX_TEXT
    plan = load_plan_text(vary(('commentary: "Poor take-up"', f"commentary: {at_limit}")))
    commentary = plan.recommendations[0].actions[0].updates["2018-19-Q2"].commentary
    assert commentary is not None and len(commentary) == MAX_TEXT

    (error,) = errors_of(vary(('commentary: "Poor take-up"', f"commentary: {at_limit}y")))
    assert str(error) == (
        f"plan.yaml: {ACTION}.updates.2018-19-Q2.commentary: expected text of at most "
        "10,000 characters, found 10,001 characters (line 21, column 49)"
    )


def test_a_display_text_over_its_limit_is_refused() -> None:
    (error,) = errors_of(vary(('display: "66 (611)"', f"display: {'6' * (MAX_DISPLAY + 1)}")))
    assert error.path.startswith("recommendations[0].kpis[0].baseline.display")
    assert "at most 200 characters, found 201" in error.message


@pytest.mark.parametrize(("column", "text"), [("Commentary", "x" * (MAX_TEXT + 1))])
def test_a_workbook_cell_over_the_limit_is_refused_at_its_cell(column: str, text: str) -> None:
    book = load_workbook(io.BytesIO(workbook_bytes(web_plan())))
    sheet = book["Updates"]
    headings = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headings.index(column) + 1)
    cell.value = text
    written = io.BytesIO()
    book.save(written)
    with pytest.raises(PlanFileError) as refused:
        load_workbook_bytes(written.getvalue(), "plan.xlsx")
    (error,) = refused.value.errors
    assert str(error).startswith(f"plan.xlsx: Updates!{cell.coordinate}")
    assert "at most 10,000 characters, found 10,001 characters" in error.message
