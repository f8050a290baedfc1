"""`plantracker validate PLAN` (docs/plan-file.md#errors)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.builders import PLAN_YAML, vary

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
PLANTRACKER = Path(sys.executable).with_name("plantracker")


pytestmark = pytest.mark.slow  # each test starts the `plantracker` command


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLANTRACKER), *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_the_example_plan_is_valid_with_no_problems() -> None:
    done = run("validate", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{EXAMPLE}: valid — 10 recommendations, 147 items, 2 periods",
        "No problems in Q2 July – September 2018 (2018-19-Q2).",
    ]
    assert done.stderr == ""


def test_a_valid_plan_lists_the_latest_periods_problems(tmp_path: Path) -> None:
    # An amber quality measure without commentary, and an override without a reason.
    path = tmp_path / "plan.yaml"
    path.write_text(
        vary(
            ("{status: amber, commentary: Some good}", "{status: amber}"),
            (
                "{value: 58.60, status: green, reason: Rated by hand}",
                "{value: 58.60, status: green}",
            ),
        ),
        encoding="utf-8",
    )
    done = run("validate", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"{path}: valid — 2 recommendations, 3 items, 2 periods"
    assert lines[1] == "2 problems in Q2 (2018-19-Q2):"
    assert any(line.startswith("  KPI 1.K1, 2018-19-Q2: ") for line in lines[2:])
    assert any(line.startswith("  Quality measure 1.Q1, 2018-19-Q2: ") for line in lines[2:])


def test_an_invalid_plan_prints_every_error_one_per_line_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        vary(
            ("owner: Head of Early Help", "onwer: Head of Early Help"),
            ("{value: 57.90}", "{value: .nan}"),
            ("2018-19-Q1: {status: green}", "2018-19-Q1: {status: yellow}"),
        ),
        encoding="utf-8",
    )
    done = run("validate", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = [line.removeprefix("CommandError: ") for line in done.stderr.splitlines()]
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}: recommendations[0].actions[0].onwer: unknown key")
    assert lines[1].startswith(
        f"{path}: recommendations[0].actions[0].updates.2018-19-Q1.status: expected a status"
    )
    assert lines[2].startswith(
        f"{path}: recommendations[0].kpis[0].values.2018-19-Q1.value: expected a finite number"
    )
    assert all("(line " in line for line in lines)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"format: 1\nplan:\n\ttitle: x\n", "found a tab character"),
        (b"a: &a [1]\nb: *a\n", "found the anchor &a"),
        (b"format: 1\nplan: caf\xe9\n", "expected UTF-8 text"),
        (b"", "the file is empty"),
    ],
    ids=["tab", "alias", "latin-1", "empty"],
)
def test_files_yaml_rejects_exit_1_without_a_traceback(
    tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    done = run("validate", str(path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_missing_and_unsuitable_files(tmp_path: Path) -> None:
    done = run("validate", str(tmp_path / "absent.yaml"))
    assert (done.returncode, done.stderr.strip()) == (
        1,
        f"CommandError: {tmp_path / 'absent.yaml'}: no such file",
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("format: 1\n", encoding="utf-8")
    done = run("validate", str(notes))
    assert done.returncode == 1
    assert f"{notes}: expected a plan file ending .yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_with_a_period_lists_that_periods_problems(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    done = run("validate", str(path), "--period", "2018-19-Q1")
    assert done.returncode == 0, done.stderr
    assert "in Q1 April – June 2018 (2018-19-Q1)" in done.stdout
    done = run("validate", str(path), "--period", "2020-21-Q1")
    assert done.returncode == 1
    assert "2018-19-Q1, 2018-19-Q2" in done.stderr  # the plan's periods are named
    assert "Traceback" not in done.stderr
