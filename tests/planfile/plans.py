"""A small valid plan file that the planfile tests vary one line at a time."""

from __future__ import annotations

from plantracker.planfile import PlanError, PlanFileError, load_plan_text

NAME = "plan.yaml"

BASE = """\
format: 1
plan:
  title: Test plan
  organisation: Test Council
  rules: {kpi_tolerance: 10, dot_band: 2.5, rollup_green: 75, rollup_red: 25}
periods:
  - {id: 2018-19-Q1, label: "Q1 April – June 2018", start: 2018-04-01, end: 2018-06-30}
  - {id: 2018-19-Q2, label: Q2, start: 2018-07-01, end: 2018-09-30, scrutiny: 2018-12-07}
recommendations:
  - number: 1
    title: Early Help
    aim: Refer children at the right time.
    lead: Assistant Director
    actions:
      - ref: "1.10"
        title: Agree a protocol
        owner: Head of Early Help
        due: 2019-03-31
        updates:
          2018-19-Q1: {status: green}
          2018-19-Q2: {status: red, commentary: "Poor take-up"}
    kpis:
      - ref: 1.K1
        title: Assessments on time
        aim: increase
        unit: percent
        baseline: {label: March 2018, value: 58.4, display: "66 (611)", status: red}
        target: {label: March 2019, date: 2019-03-31, value: 65}
        values:
          2018-19-Q1: {value: 57.90}
          2018-19-Q2: {value: 58.60, status: green, reason: Rated by hand}
    quality:
      - ref: "1.Q1"
        title: Audits good or better
        frequency: Quarterly
        method: Audits
        expected: [2018-19-Q2]
        updates: {2018-19-Q2: {status: amber, commentary: Some good}}
    feedback: []
  - number: 9
    title: EET
    aim: Work experience for children in care.
risks:
  - title: Outcomes are not delivered
    mitigation: Monitoring
    updates: {2018-19-Q2: {status: amber}}
narrative:
  2018-19-Q2:
    headlines: [Updates complete]
    progress: amber
    progress_reason: The lead's view
    deep_dives: [1, 9]
    commentary: {1: [First paragraph], "9": [Second paragraph]}
"""


def vary(*changes: tuple[str, str], base: str = BASE) -> str:
    """``base`` with each (old, new) replacement made; each ``old`` must occur exactly once."""
    text = base
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def errors_of(text: str) -> tuple[PlanError, ...]:
    """The errors of an invalid plan text (fails the test if the text is valid)."""
    try:
        load_plan_text(text, NAME)
    except PlanFileError as exc:
        assert exc.errors, "PlanFileError without errors"
        return exc.errors
    raise AssertionError("the plan was accepted")
