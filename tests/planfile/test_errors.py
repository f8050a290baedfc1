"""Invalid plan files: every error named by file, path, line, expected and found.

docs/plan-file.md#errors lists what makes a plan file invalid; each row below breaks
one line of a valid plan and checks the one error it causes.
"""

from __future__ import annotations

import re

import pytest
from tests.builders import PLAN_YAML, vary
from tests.planfile.plans import NAME, errors_of

from plantracker.planfile import PlanFileError, load_plan_text

R0 = "recommendations[0]"
ACTION = f"{R0}.actions[0]"
KPI = f"{R0}.kpis[0]"
QUALITY = f"{R0}.quality[0]"
NARRATIVE = "narrative.2018-19-Q2"

# (case, [(old, new), ...], path, fragment of the message)
CASES: list[tuple[str, list[tuple[str, str]], str, str]] = [
    (
        "unknown key",
        [("owner: Head of Early Help", "onwer: Head of Early Help")],
        f"{ACTION}.onwer",
        "unknown key 'onwer' (did you mean 'owner'?); an action allows: ref, title, owner",
    ),
    (
        "period short label too long for a chart tick",
        [
            (
                "label: Q2, start: 2018-07-01",
                "label: Q2, short_label: Quarter 2 2018, start: 2018-07-01",
            )
        ],
        "periods[1].short_label",
        "expected a short label of at most 12 characters (a chart's tick), found 14",
    ),
    (
        "unknown top-level key",
        [("risks:\n", "risk:\n")],
        "risk",
        "unknown key 'risk' (did you mean 'risks'?)",
    ),
    (
        "wrong type: list for text",
        [("    title: Early Help", "    title: [Early, Help]")],
        f"{R0}.title",
        "expected text, found a list",
    ),
    (
        "wrong type: text for a list",
        [("    feedback: []\n", "    feedback: none\n")],
        f"{R0}.feedback",
        "expected a list of feedback, found 'none'",
    ),
    (
        "wrong type: mapping for a number",
        [("{value: 57.90}", "{value: {v: 1}}")],
        f"{KPI}.values.2018-19-Q1.value",
        "expected a number, found a mapping",
    ),
    (
        "computed_from that is not a statutory indicator",
        [("{value: 57.90}", "{value: 57.90, computed_from: by hand}")],
        f"{KPI}.values.2018-19-Q1.computed_from",
        "expected statutory:<indicator> (the statutory indicator the value was computed "
        "from), optionally followed by '; N children, M with errors' (M at most N), "
        "found 'by hand'",
    ),
    (
        "computed_from whose data quality has more children with errors than children",
        [
            (
                "{value: 57.90}",
                '{value: 57.90, computed_from: "statutory:cp_rate; 3 children, 5 with errors"}',
            )
        ],
        f"{KPI}.values.2018-19-Q1.computed_from",
        "(M at most N), found the text 'statutory:cp_rate; 3 children, 5 with errors'",
    ),
    (
        "computed_from without an indicator",
        [("{value: 57.90}", '{value: 57.90, computed_from: "statutory:"}')],
        f"{KPI}.values.2018-19-Q1.computed_from",
        "expected statutory:<indicator>",
    ),
    (
        "computed_from a list",
        [("{value: 57.90}", "{value: 57.90, computed_from: [statutory:x]}")],
        f"{KPI}.values.2018-19-Q1.computed_from",
        "expected text, found a list",
    ),
    (
        "impossible date",
        [("due: 2019-03-31", "due: 2019-02-30")],
        f"{ACTION}.due",
        "found '2019-02-30', which is not a real date",
    ),
    (
        "date in another form",
        [("due: 2019-03-31", "due: 31/03/2019")],
        f"{ACTION}.due",
        "expected a date written YYYY-MM-DD, found '31/03/2019'",
    ),
    (
        "duplicate ref",
        [('ref: "1.Q1"', 'ref: "1.10"')],
        f"{QUALITY}.ref",
        f"expected a ref unique in the plan, found '1.10' again ({ACTION} has it)",
    ),
    (
        "update for an undeclared period",
        [("2018-19-Q1: {status: green}", "2018-19-Q3: {status: green}")],
        f"{ACTION}.updates.2018-19-Q3",
        "expected a period declared under periods (2018-19-Q1, 2018-19-Q2), found '2018-19-Q3'",
    ),
    (
        "value for an undeclared period",
        [("2018-19-Q1: {value: 57.90}", "2018-19-Q0: {value: 57.90}")],
        f"{KPI}.values.2018-19-Q0",
        "found '2018-19-Q0'",
    ),
    (
        "target for an undeclared period",
        [("        unit: percent\n", "        unit: percent\n        targets: {2019-20-Q1: 62}\n")],
        f"{KPI}.targets.2019-20-Q1",
        "expected a period declared under periods",
    ),
    (
        "comparators: unknown key",
        [
            (
                "        unit: percent\n",
                "        unit: percent\n        comparators: {label: x, englnd: 1}\n",
            )
        ],
        f"{KPI}.comparators.englnd",
        "unknown key 'englnd' (did you mean 'england'?); comparators allows: label, england, "
        "region, neighbours",
    ),
    (
        "comparators: missing label",
        [
            (
                "        unit: percent\n",
                "        unit: percent\n        comparators: {england: 54}\n",
            )
        ],
        f"{KPI}.comparators",
        "comparators is missing the required key 'label'",
    ),
    (
        "comparators: a figure that is not a number",
        [
            (
                "        unit: percent\n",
                "        unit: percent\n        comparators: {label: 2023-24, region: high}\n",
            )
        ],
        f"{KPI}.comparators.region",
        "expected a decimal number such as 58.6 or -3, found 'high'",
    ),
    (
        "comparators: a figure that is not finite",
        [
            (
                "        unit: percent\n",
                "        unit: percent\n        comparators: {label: 2023-24, neighbours: .nan}\n",
            )
        ],
        f"{KPI}.comparators.neighbours",
        "expected a finite number, found '.nan'",
    ),
    (
        "comparators: a figure written as text",
        [
            (
                "        unit: percent\n",
                '        unit: percent\n        comparators: {label: 2023-24, england: "54.0"}\n',
            )
        ],
        f"{KPI}.comparators.england",
        "expected a number, found the text '54.0' (quoted, so it is text",
    ),
    (
        "comparators: a list",
        [("        unit: percent\n", "        unit: percent\n        comparators: [54, 55]\n")],
        f"{KPI}.comparators",
        "expected comparators (a mapping), found a list",
    ),
    (
        "from an undeclared period",
        [("        due: 2019-03-31\n", "        due: 2019-03-31\n        from: 2017-18-Q4\n")],
        f"{ACTION}.from",
        "found '2017-18-Q4'",
    ),
    (
        "until an undeclared period",
        [("        due: 2019-03-31\n", "        due: 2019-03-31\n        until: Q9\n")],
        f"{ACTION}.until",
        "found 'Q9'",
    ),
    (
        "expected names an undeclared period",
        [("expected: [2018-19-Q2]", "expected: [2018-19-Q2, 2018-19-Q4]")],
        f"{QUALITY}.expected[1]",
        "found '2018-19-Q4'",
    ),
    (
        "expected names a period twice",
        [("expected: [2018-19-Q2]", "expected: [2018-19-Q2, 2018-19-Q2]")],
        f"{QUALITY}.expected[1]",
        "the period '2018-19-Q2' is listed twice",
    ),
    (
        "from after until",
        [
            (
                "        due: 2019-03-31\n",
                "        due: 2019-03-31\n        from: 2018-19-Q2\n        until: 2018-19-Q1\n",
            )
        ],
        f"{ACTION}.until",
        "expected a period no earlier than from (2018-19-Q2), found '2018-19-Q1'",
    ),
    (
        "deep dive naming no recommendation",
        [("deep_dives: [1, 9]", "deep_dives: [1, 7]")],
        f"{NARRATIVE}.deep_dives[1]",
        "expected the number of a recommendation in the plan (1, 9), found 7",
    ),
    (
        "commentary keyed by an unknown recommendation",
        [('"9": [Second paragraph]', '"8": [Second paragraph]')],
        f"{NARRATIVE}.commentary.8",
        "expected the number of a recommendation in the plan (1, 9), found 8",
    ),
    (
        "commentary keyed by a word",
        [('"9": [Second paragraph]', "nine: [Second paragraph]")],
        f"{NARRATIVE}.commentary.nine",
        "expected a recommendation number, found 'nine'",
    ),
    (
        "narrative for an undeclared period",
        [("narrative:\n  2018-19-Q2:", "narrative:\n  2018-19-Q3:")],
        "narrative.2018-19-Q3",
        "expected a period declared under periods",
    ),
    (
        "non-numeric value",
        [("{value: 57.90}", "{value: lots}")],
        f"{KPI}.values.2018-19-Q1.value",
        "expected a decimal number such as 58.6 or -3, found 'lots'",
    ),
    (
        "status outside the seven",
        [("{status: red, commentary", "{status: Red, commentary")],
        f"{ACTION}.updates.2018-19-Q2.status",
        "expected a status (one of green, amber, red, blue, none, na, missing), found 'Red'",
    ),
    (
        "baseline status outside the seven",
        [("status: red}", "status: yellow}")],
        f"{KPI}.baseline.status",
        "found 'yellow'",
    ),
    (
        "update without a status",
        [("2018-19-Q1: {status: green}", "2018-19-Q1: {commentary: fine}")],
        f"{ACTION}.updates.2018-19-Q1",
        "an update is missing the required key 'status'",
    ),
    (
        "update with a null status",
        [("2018-19-Q1: {status: green}", "2018-19-Q1: {status: null}")],
        f"{ACTION}.updates.2018-19-Q1.status",
        "expected a status (one of green, amber, red, blue, none, na, missing), found null",
    ),
    (
        "aim maintain without better",
        [("        aim: increase\n", "        aim: maintain\n")],
        KPI,
        "a KPI with aim 'maintain' needs 'better' (higher, lower or closer)",
    ),
    (
        "aim outside its words",
        [("        aim: increase\n", "        aim: up\n")],
        f"{KPI}.aim",
        "expected an aim (one of increase, decrease, maintain), found 'up'",
    ),
    (
        "both tolerance and tolerance_points",
        [
            (
                "        unit: percent\n",
                "        unit: percent\n        tolerance: 10\n        tolerance_points: 5\n",
            )
        ],
        f"{KPI}.tolerance_points",
        "expected either tolerance (percent) or tolerance_points (units), found both",
    ),
    (
        "negative tolerance",
        [("        unit: percent\n", "        unit: percent\n        tolerance: -5\n")],
        f"{KPI}.tolerance",
        "expected a number of at least 0, found '-5'",
    ),
    (
        "duplicate period id",
        [
            (
                "scrutiny: 2018-12-07}\n",
                "scrutiny: 2018-12-07}\n"
                "  - {id: 2018-19-Q2, label: Q3, start: 2018-10-01, end: 2018-12-31}\n",
            )
        ],
        "periods[2].id",
        "expected a new period id, found '2018-19-Q2' again (periods[1] has it)",
    ),
    (
        "duplicate recommendation number",
        [
            (
                "    aim: Work experience for children in care.\n",
                "    aim: Work experience for children in care.\n"
                "  - {number: 9, title: Again, aim: Again}\n",
            )
        ],
        "recommendations[2].number",
        "expected a new recommendation number, found 9 again (recommendations[1] has it)",
    ),
    (
        "recommendation number that is not whole",
        [
            (
                "    aim: Work experience for children in care.\n",
                "    aim: Work experience for children in care.\n"
                "  - {number: 9.5, title: Half, aim: Half}\n",
            )
        ],
        "recommendations[2].number",
        "expected a whole number, found '9.5'",
    ),
    (
        "start after end",
        [("start: 2018-07-01, end: 2018-09-30", "start: 2018-10-01, end: 2018-09-30")],
        "periods[1].start",
        "expected a start on or before the end (2018-09-30), found 2018-10-01",
    ),
    (
        "periods not oldest first",
        [("start: 2018-07-01, end: 2018-09-30", "start: 2018-01-01, end: 2018-03-31")],
        "periods[1].start",
        "expected periods oldest first",
    ),
    (
        "missing required key",
        [("    aim: Refer children at the right time.\n", "")],
        R0,
        "a recommendation is missing the required key 'aim'",
    ),
    (
        "missing required top-level key",
        [("format: 1\n", "")],
        "",
        "a plan file is missing the required key 'format'",
    ),
    (
        "format other than 1",
        [("format: 1\n", "format: 2\n")],
        "format",
        "expected format 1 (the only version there is), found '2'",
    ),
    (
        "ref with spaces around it",
        [('ref: "1.Q1"', 'ref: "1.Q1 "')],
        f"{QUALITY}.ref",
        "expected a ref without surrounding spaces or line breaks, found '1.Q1 '",
    ),
    (
        "period id with spaces around it",
        [
            (
                "scrutiny: 2018-12-07}\n",
                "scrutiny: 2018-12-07}\n"
                '  - {id: " 2018-19-Q3", label: Q3, start: 2018-10-01, end: 2018-12-31}\n',
            )
        ],
        "periods[2].id",
        "expected a period id without surrounding spaces or line breaks, found ' 2018-19-Q3'",
    ),
    (
        "empty title",
        [("  title: Test plan\n", '  title: ""\n')],
        "plan.title",
        "expected text, found an empty text",
    ),
    (
        "duplicate mapping key",
        [
            (
                "        owner: Head of Early Help\n",
                "        owner: Head of Early Help\n        owner: Someone else\n",
            )
        ],
        f"{ACTION}.owner",
        "the key 'owner' appears twice",
    ),
    (
        "duplicate period key in updates",
        [
            (
                "          2018-19-Q1: {status: green}\n",
                "          2018-19-Q1: {status: green}\n          2018-19-Q1: {status: red}\n",
            )
        ],
        f"{ACTION}.updates.2018-19-Q1",
        "the period '2018-19-Q1' appears twice",
    ),
    (
        "roll-up threshold above 100",
        [("rollup_red: 25", "rollup_red: 120")],
        "plan.rules.rollup_red",
        "expected a percentage between 0 and 100, found 120",
    ),
    (
        "box reason without the box",
        [("    progress: amber\n", "")],
        f"{NARRATIVE}.progress_reason",
        "expected progress_reason only beside a hand-set progress status, found no progress",
    ),
    (
        "box status outside the seven",
        [("    progress: amber\n", "    progress: good\n")],
        f"{NARRATIVE}.progress",
        "found 'good'",
    ),
    (
        "YAML tag",
        [("  title: Test plan\n", "  title: !!binary VGVzdA==\n")],
        "",
        "found the YAML tag !!binary; tags are not part of the plan file format",
    ),
]


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [pytest.param(changes, path, fragment, id=case) for case, changes, path, fragment in CASES],
)
def test_each_error_names_path_line_expected_and_found(
    changes: list[tuple[str, str]], path: str, fragment: str
) -> None:
    errors = errors_of(vary(*changes))
    assert len(errors) == 1, "\n".join(map(str, errors))
    error = errors[0]
    assert error.file == NAME
    assert error.path == path
    assert fragment in error.message
    # Where it was written: "(line 14, column 7)"; the line is that of the changed text.
    assert re.search(r"\(line \d+, column \d+\)$", error.message)
    expected = ": ".join(part for part in (NAME, path, error.message) if part)
    assert str(error) == expected


def test_the_line_number_is_where_the_error_was_written() -> None:
    text = vary(("{value: 57.90}", "{value: lots}"))
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "lots" in row)
    (error,) = errors_of(text)
    assert f"(line {line}, column " in error.message


def test_all_errors_of_a_file_are_reported_at_once_in_file_order() -> None:
    text = vary(
        ("format: 1\n", "format: 2\n"),
        ("owner: Head of Early Help", "onwer: Head of Early Help"),
        ("due: 2019-03-31", "due: 2019-02-30"),
        ("2018-19-Q1: {status: green}", "2018-19-Q3: {status: green}"),
        ("{status: red, commentary", "{status: yellow, commentary"),
        ("        aim: increase\n", "        aim: maintain\n"),
        ("{value: 57.90}", "{value: .inf}"),
        ('ref: "1.Q1"', 'ref: "1.10"'),
        ("deep_dives: [1, 9]", "deep_dives: [1, 7]"),
    )
    errors = errors_of(text)
    assert [error.path for error in errors] == [
        "format",
        f"{ACTION}.onwer",
        f"{ACTION}.due",
        f"{ACTION}.updates.2018-19-Q3",
        f"{ACTION}.updates.2018-19-Q2.status",
        KPI,
        f"{KPI}.values.2018-19-Q1.value",
        f"{QUALITY}.ref",
        f"{NARRATIVE}.deep_dives[1]",
    ]


def test_an_unreadable_id_does_not_cascade_into_undeclared_references() -> None:
    # The recommendation's number is broken; the deep dive and commentary naming 9 are
    # not reported as naming no recommendation, since which number was meant is unknown.
    (error,) = errors_of(vary(("  - number: 9\n", "  - number: nine\n")))
    assert error.path == "recommendations[1].number"
    (error,) = errors_of(vary(("id: 2018-19-Q1,", "id: [2018-19-Q1],")))
    assert error.path == "periods[0].id"


def test_the_exception_message_has_one_line_per_error() -> None:
    text = vary(("{value: 57.90}", "{value: .nan}"), ("due: 2019-03-31", "due: 2019-13-01"))
    with pytest.raises(PlanFileError) as caught:
        load_plan_text(text, NAME)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{NAME}: {ACTION}.due: ")
    assert lines[1].startswith(f"{NAME}: {KPI}.values.2018-19-Q1.value: expected a finite number")


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        (".nan", "expected a finite number, found '.nan'"),
        (".NaN", "expected a finite number"),
        (".inf", "expected a finite number, found '.inf'"),
        ("-.inf", "expected a finite number, found '-.inf'"),
        ("0x1F", "expected a decimal number such as 58.6 or -3, found '0x1F'"),
        ("0o17", "found '0o17'"),
        ("1_000", "found '1_000'"),
        ("017", "expected a number without leading zeros, found '017'"),
        ('"58.6"', "expected a number, found the text '58.6' (quoted, so it is text"),
        ("'58.6'", "(quoted, so it is text; remove the quotes)"),
        ("58.6%", "found '58.6%'"),
        ("1e999", "expected a number between 1e-60 and 1e60 in size"),
        ("1.00000000000000000000000000001", "at most 28 significant digits"),
        ("true", "found 'true'"),
        ("[1]", "expected a number, found a list"),
    ],
)
def test_numbers_must_be_finite_decimals_as_written(written: str, fragment: str) -> None:
    (error,) = errors_of(vary(("{value: 57.90}", f"{{value: {written}}}")))
    assert error.path == f"{KPI}.values.2018-19-Q1.value"
    assert fragment in error.message


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("- a\n- b\n", "expected a plan file (a mapping), found a list"),
        ("just text\n", "expected a plan file (a mapping), found 'just text'"),
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
    ],
)
def test_a_document_that_is_not_a_plan(document: str, fragment: str) -> None:
    errors = errors_of(document)
    assert fragment in errors[0].message


def test_a_plan_needs_a_period() -> None:
    start = PLAN_YAML.index("  - {id: 2018-19-Q1")
    end = PLAN_YAML.index("recommendations:")
    errors = errors_of(PLAN_YAML[:start].replace("periods:\n", "periods: []\n") + PLAN_YAML[end:])
    assert any(
        error.path == "periods" and "expected at least one period" in error.message
        for error in errors
    )
