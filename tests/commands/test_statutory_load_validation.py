"""`statutory load` validates what it loads and keeps the counts; `statutory validate
--history` shows them across loads (docs/statutory.md#validation-at-load)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command
from tests.statutory.returns import write_cin
from tests.statutory.validators import need_validators

from plantracker.statutory.validation import validators_python


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("statutory", *args, stdout=out)
    return out.getvalue().splitlines()


def _synth(out: Path, *extra: str) -> None:
    args = ["--las", "1", "--years", "2", "--seed", "4", "--scale", "0.05", *extra]
    call_command("statutory", "synth", *args, "-o", str(out), stdout=io.StringIO())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """Synthetic returns with seeded faults, loaded (and so validated) once."""
    need_validators()
    base = tmp_path_factory.mktemp("load-validation")
    _synth(base / "returns", "--faults", "0.05")
    store = base / "store.duckdb"
    return base / "returns", store, _run("load", str(base / "returns"), "--store", str(store))


def _stored(store: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_load_validates_each_return_and_keeps_what_validate_reports(
    loaded: tuple[Path, Path, list[str]],
) -> None:
    returns, store, lines = loaded
    validated = [line.split(":")[0] for line in lines if line.startswith("validated ")]
    assert validated == [
        f"validated {returns}/101/cin_census_101_2024.xml",
        f"validated {returns}/101/cin_census_101_2025.xml",
        # synth writes earlier SSDA903 years too (ADR 0073); 2022-23 has a rule set of its own
        "validated SSDA903 101 2023",
        "validated SSDA903 101 2024",
        "validated SSDA903 101 2025",
    ]
    reported = json.loads("\n".join(_run("validate", str(returns), "--json")))["returns"]
    kept = _stored(
        store,
        "SELECT r.kind, r.la, r.year, r.ruleset, r.children, v.code, v.severity, v.children, "
        "v.indicators FROM validation_run r JOIN validation_rule v USING (run) ORDER BY ALL",
    )
    expected = sorted(
        (
            "cin" if r["kind"] == "cin" else "ssda903",
            "101",
            int(Path(r["files"][0]).stem[-4:]) if r["kind"] == "cin" else r["year"],
            r["ruleset"],
            r["children"],
            f["code"],
            f["severity"],
            f["children"],
            ", ".join(f["indicators"]),
        )
        for r in reported
        for f in r["findings"]
    )
    assert kept == expected
    # The seeded census faults are kept by code and count, and the history shows them.
    history = json.loads("\n".join(_run("validate", "--history", "--store", str(store), "--json")))
    census = next(h for h in history["returns"] if (h["kind"], h["year"]) == ("cin", 2025))
    [load] = census["loads"]
    assert {"4220", "8650"} <= set(load["rules"])
    assert census["rules"]["4220"]["severity"] == "error"


@pytest.mark.slow
def test_a_corrected_census_loaded_later_shows_in_the_history(
    loaded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    _, shared, _ = loaded
    store = tmp_path / "store.duckdb"
    shutil.copy(shared, store)
    shutil.copy(shared.with_name("store.duckdb.key"), tmp_path / "store.duckdb.key")
    _synth(tmp_path / "fixed")
    corrected = tmp_path / "fixed" / "101" / "cin_census_101_2025.xml"
    lines = _run("load", str(corrected), "--store", str(store))
    assert lines[0].startswith("replaced CIN census 101 2025")
    assert any(line.startswith("validated ") and ", 0 errors" in line for line in lines)
    table = "\n".join(_run("validate", "--history", "--store", str(store)))
    section = table.split("CIN census 101 2025: 2 load(s)")[1].split("SSDA903")[0]
    row = next(line for line in section.splitlines() if "4220" in line)
    cells = [cell.strip() for cell in row.split("│") if cell.strip()]
    # rule, severity, then the children flagged at each load: some, then none.
    assert cells[:2] == ["4220", "error"] and int(cells[2]) > 0 and cells[3] == "–"
    # Loading the same file again validates nothing again: it is as validated.
    again = _run("load", str(corrected), "--store", str(store))
    assert not any(line.startswith("validated") for line in again)


def test_without_the_validators_load_still_loads_and_says_why_it_did_not_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    census = write_cin(tmp_path, "201", 2025, [{"id": "SYN000000001"}])
    store = tmp_path / "store.duckdb"
    real = validators_python()
    monkeypatch.setenv("PLANTRACKER_VALIDATORS_PYTHON", str(tmp_path / "no-python"))
    lines = _run("load", str(census), "--store", str(store))
    assert lines[0].startswith("loaded   CIN census 201 2025")
    [skipped] = [line for line in lines if line.startswith("validation skipped")]
    assert skipped.startswith(f"validation skipped for {census}: the DfE validators are not")
    assert "make setup" in skipped
    history = _run("validate", "--history", "--store", str(store))
    assert history[0] == "CIN census 201 2025: 1 load(s)"
    assert history[1].split(": ", 1)[1].startswith("not validated: the DfE validators are not")
    # Told not to, load says so; once the validators run, loading again validates it.
    other = write_cin(tmp_path, "202", 2025, [{"id": "SYN000000002"}])
    lines = _run("load", str(other), "--store", str(store), "--no-validate")
    assert lines[-1] == (
        "validation skipped (--no-validate): the loaded returns carry no data quality"
    )
    if not real.exists():
        return
    monkeypatch.setenv("PLANTRACKER_VALIDATORS_PYTHON", str(real))
    lines = _run("load", str(census), "--store", str(store))
    assert lines[0].startswith("skipped") and "already loaded" in lines[0]
    assert any(line.startswith(f"validated {census}: rule set cin2024_25") for line in lines)


def test_history_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--history reads the store's validations: give no PATH"):
        _run("validate", "--history", str(tmp_path))
    with pytest.raises(CommandError, match="--store is for --history"):
        _run("validate", str(tmp_path), "--store", str(tmp_path / "s.duckdb"))
    with pytest.raises(CommandError, match="give the files or folders to validate"):
        _run("validate")
    with pytest.raises(CommandError, match="no such store"):
        _run("validate", "--history", "--store", str(tmp_path / "none.duckdb"))
