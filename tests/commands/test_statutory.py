"""The `plantracker statutory` command end to end: synth → load → indicators."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plantracker.statutory.definitions import DEFINITIONS


@pytest.mark.slow
def test_synth_load_indicators_end_to_end(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "statutory",
        "synth",
        "--las",
        "2",
        "--years",
        "3",
        "-o",
        str(tmp_path / "returns"),
        stdout=out,
    )
    assert "2 authorities, collection years 2023–2025" in out.getvalue()
    out = io.StringIO()
    store = tmp_path / "store.duckdb"
    # Validation at load has tests of its own, at a smaller size.
    load = ["statutory", "load", str(tmp_path / "returns"), "--store", str(store), "--no-validate"]
    call_command(*load, stdout=out)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("loaded   CIN census") for line in lines) == 6
    # SSDA903: the three years and the six before them, which the rules compare with
    assert sum(line.startswith("loaded   SSDA903 OC3") for line in lines) == 2 * (3 + 6)
    assert sum(line.startswith("skipped  SSDA903 Reviews") for line in lines) == 2 * (3 + 6)
    assert lines[-2].startswith("61 file(s) loaded into")
    assert lines[-1].startswith("validation skipped (--no-validate)")
    out = io.StringIO()
    call_command(
        "statutory",
        "indicators",
        "--store",
        str(store),
        "--as-of",
        "2025-03-31",
        "--la",
        "101",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2025-03-31" and data["la"] == "101"
    assert data["period"] == {"after": "2024-03-31", "to": "2025-03-31"}
    assert list(data["indicators"]) == list(DEFINITIONS)
    for name, figure in data["indicators"].items():
        assert isinstance(figure["value"], int | float), name
        assert figure["suppressed"] is False
    cp = data["indicators"]["cp_rate"]
    assert round(cp["numerator"] * 10_000 / cp["denominator"], 1) == cp["value"]
    # Loading the same folder again changes nothing.
    out = io.StringIO()
    call_command(*load, stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("0 file(s) loaded")


@pytest.mark.slow
def test_problems_are_one_line_each_and_never_a_traceback(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    run = subprocess.run(
        [
            str(bin_dir / "plantracker"),
            "statutory",
            "indicators",
            "--store",
            str(tmp_path / "missing.duckdb"),
            "--as-of",
            "2025-03-31",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip() == (
        f"CommandError: {tmp_path / 'missing.duckdb'}: no such store; create it with "
        "`plantracker statutory load`"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "{tmp}/nowhere", "--store", "{tmp}/s.duckdb"], "no such file or folder"),
        (["synth", "--las", "0", "--years", "1", "-o", "{tmp}/x"], "--las must be between"),
        (["benchmarks", "{tmp}/none.csv", "--store", "{tmp}/s.duckdb"], "none.csv: no such file"),
        (
            ["benchmarks", "{tmp}/none.csv", "--store", "{tmp}/s.duckdb", "--la", "201"],
            "none.csv: no such file",
        ),
    ],
)
def test_bad_input_is_a_command_error(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("statutory", *[a.format(tmp=tmp_path) for a in args])
