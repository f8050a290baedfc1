"""Settings read from the environment; each case runs in its own process, as deployed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLANTRACKER = Path(sys.executable).with_name("plantracker")
PRINT_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, ','.join(s.ALLOWED_HOSTS), s.DATABASES['default']['NAME'])"
)


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    drop = {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "PLANTRACKER_VAR_DIR",
        "LOG_LEVEL",
        "PLANTRACKER_REDIS_URL",
        "PLANTRACKER_REPORTS_DIR",
    }
    base = {k: v for k, v in os.environ.items() if k not in drop}
    base["DJANGO_SETTINGS_MODULE"] = "plantracker.settings"
    return subprocess.run(
        [str(PLANTRACKER), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def test_local_defaults_are_debug_on_local_hosts_and_sqlite_in_var(tmp_path: Path) -> None:
    result = run("shell", "--no-imports", "-c", PRINT_SETTINGS, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "127.0.0.1,localhost",
        str(tmp_path.resolve() / "var" / "plantracker.sqlite3"),
    ]


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({"SECRET_KEY": "k" * 50}, "False"),
        ({"SECRET_KEY": "k" * 50, "DEBUG": "true"}, "True"),
        ({"DEBUG": "off"}, "False"),
    ],
)
def test_a_configured_secret_key_turns_debug_off_unless_debug_is_set(
    tmp_path: Path, env: dict[str, str], debug: str
) -> None:
    result = run("shell", "--no-imports", "-c", PRINT_SETTINGS, cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == debug


def test_allowed_hosts_and_database_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "ALLOWED_HOSTS": "plans.example.org, www.plans.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/elsewhere.db",
    }
    result = run("shell", "--no-imports", "-c", PRINT_SETTINGS, cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:] == [
        "plans.example.org,www.plans.example.org",
        f"{tmp_path}/elsewhere.db",
    ]


PRINT_CACHES = (
    "from django.core.cache import caches; "
    "print(type(caches['plans']).__name__, type(caches['fragments']).__name__, "
    "caches['fragments']._servers if hasattr(caches['fragments'], '_servers') else '-')"
)


def test_page_fragments_go_to_redis_when_an_address_is_given(tmp_path: Path) -> None:
    """ADR 0064: local memory by default; Django's Redis backend for PLANTRACKER_REDIS_URL,
    while the evaluated plans stay in each process's memory."""
    local = run("shell", "--no-imports", "-c", PRINT_CACHES, cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["ObjectMemoryCache", "LocMemCache", "-"]

    url = "redis://127.0.0.1:6390/2"
    shared = run(
        "shell",
        "--no-imports",
        "-c",
        PRINT_CACHES,
        cwd=tmp_path,
        env={"PLANTRACKER_REDIS_URL": url},
    )
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.split() == ["ObjectMemoryCache", "RedisCache", f"['{url}']"]


PRINT_REPORTS = "from django.conf import settings as s; print(s.CACHES['reports']['LOCATION'])"


def test_report_files_go_to_the_shared_folder_when_one_is_given(tmp_path: Path) -> None:
    """Built report files live under the var folder unless PLANTRACKER_REPORTS_DIR names a
    folder several servers share (docs/deployment.md#several-servers)."""
    local = run("shell", "--no-imports", "-c", PRINT_REPORTS, cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip() == str(tmp_path.resolve() / "var" / "cache" / "reports")

    shared = tmp_path / "shared" / "reports"
    given = run(
        "shell",
        "--no-imports",
        "-c",
        PRINT_REPORTS,
        cwd=tmp_path,
        env={"PLANTRACKER_REPORTS_DIR": str(shared)},
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == str(shared.resolve())


def test_var_is_created_only_when_the_database_is_first_used(tmp_path: Path) -> None:
    checked = run("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert not (tmp_path / "var").exists()

    migrated = run("migrate", "--verbosity", "0", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "plantracker.sqlite3").is_file()


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run(
        "check", cwd=tmp_path, env={"DJANGO_SETTINGS_MODULE": "plantracker.settings_production"}
    )

    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "plantracker.settings_production",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2" * 10,
        "DEBUG": "true",  # production ignores it: DEBUG is always off there
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
