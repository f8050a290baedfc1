"""An import killed with SIGKILL part-way leaves the database exactly as it was
(docs/reliability.md#faults).

The import runs as a user would run it, as a subprocess, re-importing a large synthetic plan
over the example's slug. The test waits until the import is inside its write transaction
and has written rows (SQLite: its rollback journal exists and holds pages; PostgreSQL: its
session holds a transaction id), then kills it. Nothing is timed: the test watches for that
moment. If the import commits before the kill lands (a slow poll on a busy machine), the
database holds the whole new plan — atomic, but not the case under test — and the test tries
again. Every row of every table (the backup's rows) and the plan export are compared.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from tests.databases import PLANTRACKER, plantracker, postgres_url, scratch_database

from plantracker.planfile import load_plan, plan_to_yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"
ORGANISATION = "organisation: Example County Council"
ATTEMPTS = 3
POLL = 0.02  # seconds between looks at the database while the import runs
SETTLE = 0.3  # let the import write for a while after its first row, so it is part-way

pytestmark = [pytest.mark.database, pytest.mark.slow]


def writing(env: dict[str, str], folder: Path) -> bool:
    """Whether an import is inside a write transaction that has written something."""
    url = env.get("DATABASE_URL")
    if url is None:
        journal = folder / "var" / "plantracker.sqlite3-journal"
        try:
            return journal.stat().st_size > 0
        except FileNotFoundError:
            return False
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        ).fetchone()
    return bool(row and row[0])


def state(env: dict[str, str], folder: Path, name: str) -> tuple[str, list[object]]:
    """The plan export and every row of the database, as they are now."""
    exported = plantracker(env, folder, "export", SLUG, "--format", "yaml", "-o", f"{name}.yaml")
    assert exported.returncode == 0, exported.stderr
    backup = plantracker(env, folder, "backup", "-o", f"{name}.json")
    assert backup.returncode == 0, backup.stderr
    rows = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["objects"]
    return (folder / f"{name}.yaml").read_text(encoding="utf-8"), rows


def kill_part_way(env: dict[str, str], folder: Path, plan: Path) -> bool:
    """Start the import and SIGKILL it while it is writing: True if it was killed so, False
    if it finished (successfully) before it could be caught writing."""
    process = subprocess.Popen(
        [str(PLANTRACKER), "import", str(plan), "--slug", SLUG],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 600  # a hung import fails the test instead of CI
        while not writing(env, folder):
            if process.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(POLL)
        else:
            time.sleep(SETTLE)
            if process.poll() is None and writing(env, folder):
                os.kill(process.pid, signal.SIGKILL)
                return process.wait(timeout=60) == -signal.SIGKILL
        _, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_an_import_killed_part_way_changes_nothing(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as env:
        for args in (
            ("migrate", "--verbosity", "0"),
            ("import", str(EXAMPLE)),
            ("synth", "--scale", "4", "-o", "big.yaml"),
        ):
            done = plantracker(env, tmp_path, *args)
            assert done.returncode == 0, done.stderr
        # The same organisation's plan, so the import may replace the example's contents.
        big = tmp_path / "big.yaml"
        text = big.read_text(encoding="utf-8")
        big.write_text(
            text.replace("organisation: Synthetic County Council", ORGANISATION, 1),
            encoding="utf-8",
        )
        before = state(env, tmp_path, "before")
        whole_import = plan_to_yaml(load_plan(big))

        for _attempt in range(ATTEMPTS):
            killed = kill_part_way(env, tmp_path, big)
            after = state(env, tmp_path, "after")
            if killed and after[0] == before[0]:
                break
            # The import reached its commit first: then all of it is there, never a part.
            assert after[0] == whole_import
            restored = plantracker(env, tmp_path, "restore", "before.json")
            assert restored.returncode == 0, restored.stderr
        else:
            pytest.fail(f"the import finished before it could be killed, {ATTEMPTS} times")

        assert after[1] == before[1]
        if postgres_url() is None:
            with sqlite3.connect(tmp_path / "var" / "plantracker.sqlite3") as database:
                assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
