"""`plantracker synth`: writes a synthetic plan file, refuses bad arguments without writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from plantracker.planfile import load_plan
from plantracker.synth import synth_plan

PLANTRACKER = Path(sys.executable).with_name("plantracker")


pytestmark = pytest.mark.slow  # each test starts the `plantracker` command


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANTRACKER), *args], capture_output=True, text=True, timeout=120)


def test_the_command_writes_a_valid_deterministic_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    done = run("synth", "--scale", "1", "--seed", "4", "-o", str(first))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{first}: 10 recommendations, 147 items, 8 periods")
    run("synth", "--scale", "1", "--seed", "4", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert load_plan(first) == synth_plan(1, seed=4)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--scale", "0"], "--scale: expected a whole number from 1 to 200, found 0"),
        (["-o", "{tmp}/absent/plan.yaml"], "the folder {tmp}/absent does not exist"),
        (["-o", "{tmp}"], "is a folder"),
        (["-o", "{tmp}/plan.txt"], "expected a file name ending .yaml or .yml"),
    ],
    ids=["scale", "missing folder", "folder", "suffix"],
)
def test_the_command_refuses_bad_arguments_without_writing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "plan.yaml")]
    if "--scale" not in args:
        args += ["--scale", "1"]
    done = run("synth", *args)
    assert done.returncode == 1
    assert fragment.replace("{tmp}", str(tmp_path)) in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
