"""A database of its own for a `plantracker` subprocess, on whichever engine the suite runs.

On SQLite (no DATABASE_URL) it is a file in a temporary folder; under `make test-postgres`
(DATABASE_URL names the throwaway cluster) it is a fresh database on that server, dropped
afterwards. Tests that use it carry ``@pytest.mark.database`` so they run on both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

PLANTRACKER = Path(sys.executable).with_name("plantracker")
_DROPPED = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _admin_connection(url: str) -> psycopg.Connection:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@contextmanager
def scratch_database(folder: Path) -> Iterator[dict[str, str]]:
    """The environment for subprocesses that share one new, empty database."""
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED}
    env["PLANTRACKER_VAR_DIR"] = str(folder / "var")
    url = postgres_url()
    if url is None:
        yield env
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with _admin_connection(url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with _admin_connection(url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def plantracker(
    env: dict[str, str], cwd: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the console script as a user would and capture what it says."""
    return subprocess.run(
        [str(PLANTRACKER), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
