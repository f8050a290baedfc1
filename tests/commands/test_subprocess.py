"""import, export and user add as a user runs them: the console script in a subprocess,
on its own SQLite database, checking exit status, output and that failures write nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from plantracker.planfile import load_plan, plan_to_yaml

PLANTRACKER = Path(sys.executable).with_name("plantracker")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a migrated database of its own (never the developer's or CI's)."""
    folder = tmp_path_factory.mktemp("commands")
    result = run(folder, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return folder


def run(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    drop = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PLANTRACKER_VAR_DIR"] = str(folder / "var")
    return subprocess.run(
        [str(PLANTRACKER), *args],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def rows(folder: Path, table: str) -> int:
    with sqlite3.connect(folder / "var" / "plantracker.sqlite3") as database:
        return int(database.execute(f"select count(*) from {table}").fetchone()[0])


def test_import_export_and_user_add(workdir: Path) -> None:
    imported = run(workdir, "import", str(EXAMPLE))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"imported plan {SLUG} (Example County Council)")

    exported = run(workdir, "export", SLUG, "--format", "yaml", "-o", "plan.yaml")
    assert exported.returncode == 0, exported.stderr
    written = (workdir / "plan.yaml").read_text(encoding="utf-8")
    assert written == plan_to_yaml(load_plan(EXAMPLE))

    added = run(
        workdir,
        "user",
        "add",
        "viewer@example.gov.uk",
        "--role",
        "viewer",
        "--plan",
        SLUG,
        "--password-stdin",
        stdin="plum-orchard-lantern-42\n",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"created viewer@example.gov.uk: viewer on plan {SLUG} of Example County Council",
        "password set from standard input",
    ]
    generated = run(workdir, "user", "add", "lead@example.gov.uk", "--role", "lead")
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout.splitlines()[1].startswith("password (shown only now): ")


@pytest.mark.parametrize(
    ("args", "message", "status"),
    [
        (["import", "missing.yaml"], "missing.yaml: no such file", 1),
        (["import", "broken.yaml"], "broken.yaml: plan.colour: unknown key 'colour'", 1),
        (["export", "nope", "--format", "yaml", "-o", "out.yaml"], "no plan file or plan slug", 1),
        (["user", "add", "not-an-email", "--role", "viewer"], "is not a valid email address", 1),
        # A usage error: argparse's exit status 2, with the usage line.
        (["import"], "the following arguments are required: FILE", 2),
    ],
)
def test_bad_input_fails_without_a_traceback_or_a_write(
    workdir: Path, args: list[str], message: str, status: int
) -> None:
    (workdir / "broken.yaml").write_text(
        "format: 1\nplan: {title: Broken, organisation: Nowhere, colour: blue}\n"
        "periods: []\nrecommendations: []\n",
        encoding="utf-8",
    )
    before = {t: rows(workdir, t) for t in ("tracker_planrecord", "tracker_user", "tracker_item")}
    result = run(workdir, *args)
    assert result.returncode == status
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert {t: rows(workdir, t) for t in before} == before
    assert not (workdir / "out.yaml").exists()


def test_a_slug_before_any_database_exists_is_unknown_and_creates_nothing(tmp_path: Path) -> None:
    result = run(tmp_path, "summary", "childrens-plan", "--period", "2018-19-Q2")
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: no plan file or plan slug 'childrens-plan'"
    assert list(tmp_path.iterdir()) == []
