"""The committee paper's fields in the plan file and the workbook
(docs/plan-file.md#committee-paper): optional, strict like every key, and kept through
YAML → XLSX → YAML."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from tests.builders import PLAN_YAML, vary
from tests.planfile.plans import NAME, errors_of

from plantracker.domain.model import Contact
from plantracker.planfile import PlanFileError, load_plan_text, plan_to_yaml
from plantracker.planfile.xlsx import load_workbook_bytes, template_bytes, workbook_bytes

HEADER = "  organisation: Test Council\n"
PAPER = """\
  contact: {name: Alex Example, role: Performance Officer, email: improvement@example.org}
  purpose: To update the committee.
  order_note: in the order of the published report
  glossary:
    CSE: Child sexual exploitation
    "yes": A term YAML would read as true
    EET: Education, employment or training
"""
ASKED = """\
    committee_recommendations:
      - Note the report.
      - Decide whether to set up a team.
    deep_dives: [1, 9]
"""


def _with_paper(*changes: tuple[str, str]) -> str:
    text = vary((HEADER, HEADER + PAPER), ("    deep_dives: [1, 9]\n", ASKED))
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_fields_are_read_in_their_order() -> None:
    plan = load_plan_text(_with_paper(), NAME)
    assert plan.contact == Contact("Alex Example", "Performance Officer", "improvement@example.org")
    assert plan.purpose == "To update the committee."
    assert plan.order_note == "in the order of the published report"
    assert list(plan.glossary) == ["CSE", "yes", "EET"]
    assert plan.narrative["2018-19-Q2"].committee_recommendations == (
        "Note the report.",
        "Decide whether to set up a team.",
    )


def test_a_plan_without_them_has_none() -> None:
    plan = load_plan_text(PLAN_YAML, NAME)
    assert (plan.contact, plan.purpose, dict(plan.glossary), plan.order_note) == (
        None,
        None,
        {},
        None,
    )
    assert "contact" not in plan_to_yaml(plan) and "glossary" not in plan_to_yaml(plan)


def test_yaml_and_the_workbook_give_back_the_same_plan() -> None:
    plan = load_plan_text(_with_paper(), NAME)
    text = plan_to_yaml(plan)
    assert load_plan_text(text) == plan
    assert plan_to_yaml(load_workbook_bytes(workbook_bytes(plan))) == text


CASES = [
    (
        "contact without a name",
        ("{name: Alex Example, role:", "{role:"),
        "plan.contact",
        "the contact is missing the required key 'name'",
    ),
    (
        "unknown contact key",
        ("email: improvement@example.org}", "email: improvement@example.org, phone: 1}"),
        "plan.contact.phone",
        "unknown key 'phone'; the contact allows: name, role, email",
    ),
    (
        "not an email address",
        ("email: improvement@example.org", "email: improvement at example"),
        "plan.contact.email",
        "expected an email address such as improvement@example.org, found 'improvement at example'",
    ),
    (
        "contact as text",
        (
            "  contact: {name: Alex Example, role: Performance Officer, "
            "email: improvement@example.org}",
            "  contact: Alex Example",
        ),
        "plan.contact",
        "expected the contact (a mapping), found",
    ),
    (
        "empty purpose",
        ("  purpose: To update the committee.", '  purpose: ""'),
        "plan.purpose",
        "found an empty text",
    ),
    (
        "glossary as a list",
        (
            "  glossary:\n    CSE: Child sexual exploitation\n"
            '    "yes": A term YAML would read as true\n'
            "    EET: Education, employment or training\n",
            "  glossary: [CSE]\n",
        ),
        "plan.glossary",
        "expected the glossary as terms and their meanings (a mapping), found",
    ),
    (
        "a term given twice",
        ("    EET: Education, employment or training", "    CSE: Again"),
        "plan.glossary.CSE",
        "the term 'CSE' appears twice",
    ),
    (
        "a term that is not a word",
        ("    EET: Education", "    (EET): Education"),
        "plan.glossary.(EET)",
        "expected a term starting and ending with a letter or digit",
    ),
    (
        "a meaning that is a list",
        ("    EET: Education, employment or training", "    EET: [Education]"),
        "plan.glossary.EET",
        "expected the term's meaning, found a list",
    ),
    (
        "committee recommendations as text",
        (
            "    committee_recommendations:\n      - Note the report.\n"
            "      - Decide whether to set up a team.\n",
            "    committee_recommendations: Note the report.\n",
        ),
        "narrative.2018-19-Q2.committee_recommendations",
        "expected a list of texts",
    ),
    (
        "misspelt plan key",
        ("  order_note: in the order", "  order_notes: in the order"),
        "plan.order_notes",
        "unknown key 'order_notes' (did you mean 'order_note'?)",
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [pytest.param(change, path, fragment, id=case) for case, change, path, fragment in CASES],
)
def test_a_bad_field_is_refused_naming_its_path(
    change: tuple[str, str], path: str, fragment: str
) -> None:
    errors = errors_of(_with_paper(change))
    assert [error.path for error in errors] == [path], "\n".join(map(str, errors))
    assert fragment in errors[0].message
    assert re.search(r"\(line \d+, column \d+\)$", errors[0].message)


def _workbook(plan_text: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(load_plan_text(plan_text))))


def _bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_error_names_the_glossary_cell() -> None:
    book = _workbook(_with_paper())
    book["Glossary"]["B3"] = None  # the meaning of "yes"
    book["Plan"]["J2"] = "nobody"  # Contact email
    with pytest.raises(PlanFileError) as refused:
        load_workbook_bytes(_bytes(book), "plan.xlsx")
    messages = [str(error) for error in refused.value.errors]
    assert any("Plan!J2" in m and "expected an email address" in m for m in messages), messages
    assert any("Glossary" in m and "meaning" in m for m in messages), messages


def test_a_workbook_without_the_glossary_sheet_is_still_read() -> None:
    book = _workbook(PLAN_YAML)
    del book["Glossary"]
    assert load_workbook_bytes(_bytes(book)) == load_plan_text(PLAN_YAML)


def test_the_template_documents_the_new_columns_and_sheet() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert [c.value for c in book["Glossary"][1]] == ["Term", "Meaning"]
    plan_headings = [c.value for c in book["Plan"][1]]
    for heading in ("Contact name", "Contact role", "Contact email", "Purpose", "Order note"):
        assert heading in plan_headings
    readme = [str(c) for row in book["README"].iter_rows(values_only=True) for c in row if c]
    for key in ("plan.contact.name", "plan.contact.email", "plan.purpose", "plan.order_note"):
        assert key in readme
    assert any("committee_recommendations" in text for text in readme)
    assert "Glossary" in readme
