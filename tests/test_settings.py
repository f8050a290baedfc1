"""Settings read from the environment; each case runs in its own process, as deployed.

A value is read by a bare interpreter that imports the settings (``read_settings``), as
every process of the app does first; ``run`` starts the installed `plantracker` command
where what it does with the settings is the point (check, migrate, a configuration error's
message and exit status). A `plantracker shell` per value would load every app for nothing
(a second or two of a core each)."""

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
    return _process([str(PLANTRACKER), *args], cwd=cwd, env=env)


def read_settings(
    code: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (which reads ``django.conf.settings``) in a new interpreter."""
    return _process([sys.executable, "-c", code], cwd=cwd, env=env)


def _process(
    command: list[str], cwd: Path, env: dict[str, str] | None
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
        command,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def test_local_defaults_are_debug_on_local_hosts_and_sqlite_in_var(tmp_path: Path) -> None:
    result = read_settings(PRINT_SETTINGS, cwd=tmp_path)

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
    result = read_settings(PRINT_SETTINGS, cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == debug


def test_allowed_hosts_and_database_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "ALLOWED_HOSTS": "plans.example.org, www.plans.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/elsewhere.db",
    }
    result = read_settings(PRINT_SETTINGS, cwd=tmp_path, env=env)

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
    local = read_settings(PRINT_CACHES, cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["ObjectMemoryCache", "LocMemCache", "-"]

    url = "redis://127.0.0.1:6390/2"
    shared = read_settings(
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
    local = read_settings(PRINT_REPORTS, cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    assert local.stdout.strip() == str(tmp_path.resolve() / "var" / "cache" / "reports")

    shared = tmp_path / "shared" / "reports"
    given = read_settings(
        PRINT_REPORTS,
        cwd=tmp_path,
        env={"PLANTRACKER_REPORTS_DIR": str(shared)},
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == str(shared.resolve())


@pytest.mark.slow
def test_var_is_created_only_when_the_database_is_first_used(tmp_path: Path) -> None:
    checked = run("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert not (tmp_path / "var").exists()

    migrated = run("migrate", "--verbosity", "0", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "plantracker.sqlite3").is_file()


@pytest.mark.slow
def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run(
        "check", cwd=tmp_path, env={"DJANGO_SETTINGS_MODULE": "plantracker.settings_production"}
    )

    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "plantracker.settings_production",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2" * 10,
        "DEBUG": "true",  # production ignores it: DEBUG is always off there
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", cwd=tmp_path, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT_EMAIL = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND.rsplit('.', 1)[-1], s.REMINDER_REPEAT_DAYS, s.REMINDER_ESCALATE_AFTER)"
)


@pytest.mark.slow
def test_emails_go_by_smtp_in_production_and_by_notify_with_a_key(
    tmp_path: Path,
) -> None:
    """ADR 0077: SMTP when DEBUG is off (the console when on: the demo), GOV.UK Notify when
    its key is set; reminder intervals from the environment."""
    production = read_settings(
        PRINT_EMAIL + "; print(s.EMAIL_BACKEND)",
        cwd=tmp_path,
        env={"SECRET_KEY": "k" * 50, "REMINDER_REPEAT_DAYS": "3"},
    )
    assert production.stdout.split() == [
        "EmailBackend",
        "3",
        "2",
        "django.core.mail.backends.smtp.EmailBackend",
    ], production.stderr
    notify = read_settings(
        PRINT_EMAIL,
        cwd=tmp_path,
        env={
            "GOVUK_NOTIFY_API_KEY": "test-key",
            "GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID": "0f8d0e6a-0000-4000-8000-000000000000",
            "REMINDER_ESCALATE_AFTER": "4",
        },
    )
    assert notify.stdout.split() == ["NotifyEmailBackend", "5", "4"], notify.stderr

    refused = run("check", cwd=tmp_path, env={"GOVUK_NOTIFY_API_KEY": "test-key"})
    assert refused.returncode == 1
    assert "GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID is not" in refused.stderr
    assert "Traceback" not in refused.stderr


PRINT_OIDC = (
    "from django.conf import settings as s; "
    "app = s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]; "
    "print(app['name'], app['client_id'], app['settings']['server_url'], "
    "app['settings']['fetch_userinfo'], s.PASSWORD_SIGN_IN)"
)


@pytest.mark.slow
def test_single_sign_on_comes_from_the_environment(tmp_path: Path) -> None:
    """ADR 0075: the deployment's OpenID Connect provider; an issuer without a client id is
    refused with a message saying so."""
    env = {
        "OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0/",
        "OIDC_CLIENT_ID": "app-id",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_PROVIDER_NAME": "Example",
        "PASSWORD_SIGN_IN": "false",
    }
    result = read_settings(PRINT_OIDC, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "Example",
        "app-id",
        "https://login.microsoftonline.com/tenant-id/v2.0",
        "False",
        "False",
    ]
    half = run("check", cwd=tmp_path, env={"OIDC_ISSUER": env["OIDC_ISSUER"]})
    assert half.returncode != 0
    assert "OIDC_ISSUER is set but OIDC_CLIENT_ID is not" in half.stderr


@pytest.mark.slow
def test_the_data_quality_threshold_is_a_percentage(tmp_path: Path) -> None:
    show = "from django.conf import settings as s; print(s.STATUTORY_ERROR_THRESHOLD)"
    result = read_settings(show, cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "5"), result.stderr
    result = run("check", cwd=tmp_path, env={"STATUTORY_ERROR_THRESHOLD": "lots"})
    assert result.returncode == 1
    assert "STATUTORY_ERROR_THRESHOLD='lots' is not a percentage from 0 to 100" in result.stderr
    assert "Traceback" not in result.stderr
