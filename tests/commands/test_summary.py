"""`plantracker summary PLAN --period ID [--json]` on plan files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
PLANTRACKER = Path(sys.executable).with_name("plantracker")

SMALL = """\
format: 1
plan:
  title: Small plan
  organisation: Test Council
periods:
  - {id: 2018-19-Q1, label: "Q1 April – June 2018", start: 2018-04-01, end: 2018-06-30}
  - {id: 2018-19-Q2, label: "Q2 July – September 2018", start: 2018-07-01, end: 2018-09-30}
recommendations:
  - number: 9
    title: EET opportunities for CLA
    aim: Help children looked after into work.
    actions:
      - ref: "9.A1"
        title: Care Leaver Offer
        due: 2019-03-31
        updates:
          2018-19-Q1: {status: green}
          2018-19-Q2: {status: red, commentary: "Poor take-up"}
    kpis:
      - ref: "9.K2"
        title: Care leavers in education, employment and training
        aim: increase
        unit: percent
        target: {label: March 2019, value: 65}
        values:
          2018-19-Q1: {value: 58.4}
          2018-19-Q2: {value: 58.60, status: green}
    quality: []
    feedback: []
  - number: 3
    title: Children with Disabilities
    aim: Improve consistency.
    actions: []
    kpis: []
    quality: []
    feedback: []
risks:
  - title: Activity may not deliver the expected outcomes
    mitigation: Outcomes are monitored
    updates: {2018-19-Q1: {status: amber}, 2018-19-Q2: {status: amber}}
narrative:
  2018-19-Q2:
    progress: amber
"""


def summary(*args: str) -> str:
    out = io.StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [str(PLANTRACKER), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_json_of_a_small_plan(small: Path) -> None:
    document = json.loads(summary(str(small), "--period", "2018-19-Q2", "--json"))
    assert document["plan"] == "Small plan"
    assert document["period"] == "2018-19-Q2"
    # 1 red action and 1 green KPI (overridden): 50 % red → red; Q1 also red (58.4 < 58.5)
    assert {k: document["overall"][k] for k in ("status", "previous", "direction")} == {
        "status": "red",
        "previous": "red",
        "direction": "same",
    }
    actions = document["totals"]["actions"]
    assert (actions["count"], actions["red"], actions["status"]) == (1, 1, "red")
    empty = document["recommendations"][1]
    assert empty["number"] == 3
    assert empty["kpis"] == {
        "count": 0,
        **{s: 0 for s in ("green", "amber", "red", "blue", "none", "na", "missing")},
        "status": "na",
        "percent": {s: 0 for s in ("green", "amber", "red", "blue", "none", "na", "missing")},
        "na_reason": "not_applicable",
    }
    (k2,) = document["kpis"]
    assert {k: k2[k] for k in ("ref", "recommendation", "value", "status", "calculated")} == {
        "ref": "9.K2",
        "recommendation": 9,
        "value": 58.6,
        "status": "green",
        "calculated": "amber",
    }
    assert k2["overridden"] is True
    assert document["boxes"]["progress"]["status"] == "amber"
    assert document["boxes"]["progress"]["calculated"] == "red"
    assert document["problems"] == [
        {
            "where": "Overview box progress, 2018-19-Q2",
            "message": "status set to Amber by hand without a reason; the rules give Red",
        },
        {
            "where": "KPI 9.K2, 2018-19-Q2",
            "message": "status set to Green by hand without a reason; the rules give Amber",
        },
    ]


def test_plain_summary_is_a_readable_table_without_colour_codes(small: Path) -> None:
    text = summary(str(small), "--period", "2018-19-Q2")
    assert "\x1b[" not in text
    assert "Small plan — Q2 July – September 2018 (2018-19-Q2)" in text
    assert "Overall: red   previous: red   direction: same" in text
    assert "9. EET opportunities for CLA" in text
    assert "3. Children with Disabilities" in text
    assert "All recommendations" in text
    for heading in ("G", "A", "R", "B", "None", "N/A", "Missing"):
        assert f" {heading} " in text
    # overrides: where, shown, calculated, reason
    assert "KPI 9.K2" in text
    assert "(no reason given)" in text
    assert "Overview box progress, 2018-19-Q2" in text
    # na says why, in the report's words (docs/rules.md#na-reasons)
    finance = next(line for line in text.splitlines() if line.lstrip("│ ").startswith("Finance"))
    assert "na (Not applicable)" in finance
    assert "Recommendations of most concern: 9. EET opportunities for CLA (1 red)" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_unknown_period_names_the_plans_periods(small: Path) -> None:
    with pytest.raises(CommandError) as raised:
        summary(str(small), "--period", "2018-19-Q3")
    assert str(raised.value) == (
        "unknown period '2018-19-Q3'; the plan's periods are: 2018-19-Q1, 2018-19-Q2"
    )


def test_bad_plan_file_is_refused_with_where_and_what(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL.replace("status: red,", "status: scarlet,"), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        summary(str(path), "--period", "2018-19-Q2")
    assert "bad.yaml" in str(raised.value)
    assert "scarlet" in str(raised.value)


@pytest.mark.slow
def test_console_script_exit_codes(small: Path) -> None:
    ok = run("summary", str(small), "--period", "2018-19-Q2", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["period"] == "2018-19-Q2"
    unknown = run("summary", str(small), "--period", "2030-31-Q1")
    assert unknown.returncode == 1
    assert "2018-19-Q1, 2018-19-Q2" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert unknown.stdout == ""
    missing = run("summary", str(small.with_name("nothing.yaml")), "--period", "2018-19-Q2")
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr


# --- the example plan: the figures its header comment lists --------------------------------


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    out = io.StringIO()
    call_command("summary", str(EXAMPLE), "--period", "2018-19-Q2", "--json", stdout=out)
    return json.loads(out.getvalue())


def counts(document: dict[str, Any], kind: str) -> dict[str, int]:
    return {
        k: v
        for k, v in document["totals"][kind].items()
        if k not in {"status", "percent", "na_reason"}
    }


def only(**by_status: int) -> dict[str, int]:
    keys = ("green", "amber", "red", "blue", "none", "na", "missing")
    return {"count": sum(by_status.values()), **{key: by_status.get(key, 0) for key in keys}}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("actions", only(green=39, amber=24, red=1, blue=2, none=2)),
        ("kpis", only(green=23, amber=3, red=17, na=1)),
        ("quality", only(green=6, amber=10)),
        ("feedback", only(green=14, amber=4, red=1)),
    ],
)
def test_example_totals_are_designs(example: dict[str, Any], kind: str, expected: dict) -> None:
    assert counts(example, kind) == expected


def test_example_overall_and_overrides(example: dict[str, Any]) -> None:
    overall = example["overall"]
    assert (overall["status"], overall["previous"], overall["direction"]) == (
        "amber",
        "amber",
        "same",
    )
    overridden = {kpi["ref"]: kpi for kpi in example["kpis"] if kpi["overridden"]}
    assert sorted(overridden) == ["10.K6", "9.K2"]
    for kpi in overridden.values():
        assert (kpi["status"], kpi["calculated"]) == ("green", "amber")
        assert kpi["reason"]
    assert "Care leavers in education, employment and training" in overridden["9.K2"]["title"]
    assert overridden["9.K2"]["value"] == 58.6
    assert overridden["10.K6"]["value"] == 20.9
    assert not any(p["where"].startswith("KPI 9.K2") for p in example["problems"])


def test_example_numbers_and_kinds_per_recommendation(example: dict[str, Any]) -> None:
    numbers = [rec["number"] for rec in example["recommendations"]]
    assert numbers == [1, 2, 3, 4, 5, 7, 8, 6, 9, 10]
    by_number = {rec["number"]: rec for rec in example["recommendations"]}
    assert by_number[3]["kpis"]["count"] == 0
    assert by_number[3]["kpis"]["status"] == "na"
    assert sum(rec["actions"]["count"] for rec in example["recommendations"]) == 68
    # the seed's three recommendations of most concern hold 13 red KPIs between them
    assert sum(by_number[n]["kpis"]["red"] for n in (6, 9, 10)) == 13
