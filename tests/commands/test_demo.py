"""`plantracker demo --no-serve`: what `make run` prepares before it serves."""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from whitenoise.compress import Compressor

from plantracker.reports.registry import RENDERERS
from plantracker.tracker.management.commands import demo
from plantracker.tracker.models import Membership, PlanRecord, Role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.engine_independent(
        reason="the demo is `make run`, on SQLite in ./var; the import, accounts and sign-in "
        "it goes through are tested on PostgreSQL by the tracker and web tests"
    ),
]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"


@pytest.fixture(autouse=True)
def _collected_without_compressing(monkeypatch: pytest.MonkeyPatch) -> None:
    """whitenoise's gzip and Brotli copies of every static file are most of collectstatic's
    time and nothing this test looks at; the served demo (test_demo_serve.py) makes them."""
    monkeypatch.setattr(Compressor, "should_compress", lambda self, name: False)


def run_demo(tmp_path: Path, settings: object, *args: str) -> str:
    settings.STATIC_ROOT = tmp_path / "static"  # type: ignore[attr-defined]
    settings.STORAGES = {  # type: ignore[attr-defined]  # the project's, not the tests' plain one
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "plantracker.web.storage.StaticStorage"},
    }
    out = io.StringIO()
    call_command(
        "demo",
        "--no-serve",
        "--plan",
        str(EXAMPLE),
        "--out",
        str(tmp_path / "out"),
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_demo_prepares_plan_accounts_reports_and_static_files_again_and_again(
    tmp_path: Path, settings: object
) -> None:
    output = run_demo(tmp_path, settings)
    record = PlanRecord.objects.get(slug=SLUG)
    assert "imported as 'childrens-improvement-plan': 10 recommendations, 147 items" in output
    assert "DEMO-ONLY accounts" in output
    accounts = dict(re.findall(r"^\s+(\S+@example\.org)\s+(demo-\S+)\s+\(", output, re.M))
    assert set(accounts) == {f"{role.value}@example.org" for role in Role}
    # Each printed password signs its account in, and the roles are as the guide says.
    for email, password in accounts.items():
        client = Client()
        response = client.post(reverse("web:login"), {"username": email, "password": password})
        assert response.status_code == 302, email
        assert client.get(reverse("web:dashboard", args=[SLUG])).status_code == 200
    roles = {(m.user.username, m.role, m.plan_id) for m in Membership.objects.all()}
    assert ("lead@example.org", Role.LEAD, record.pk) in roles
    assert ("viewer@example.org", Role.VIEWER, None) in roles
    reports = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert reports == sorted(f"{SLUG}-2018-19-Q2{r.suffix}" for r in RENDERERS.values())
    assert (tmp_path / "static" / "staticfiles.json").is_file()  # collected, with a manifest
    assert "http://127.0.0.1:8000/" in output

    # `make run` again: the plan is updated in place, the accounts get new passwords.
    again = run_demo(tmp_path, settings)
    assert "updated as 'childrens-improvement-plan'" in again
    assert PlanRecord.objects.count() == 1
    assert Membership.objects.count() == len(Role)
    new_passwords = dict(re.findall(r"^\s+(\S+@example\.org)\s+(demo-\S+)\s+\(", again, re.M))
    assert set(new_passwords.values()).isdisjoint(accounts.values())


def test_demo_refuses_a_missing_plan_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no-such\.yaml: no such plan file"):
        call_command("demo", "--no-serve", "--plan", str(tmp_path / "no-such.yaml"))
    assert not PlanRecord.objects.exists()


def test_demo_refuses_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} on 127.0.0.1 is in use"):
            call_command("demo", "--plan", str(EXAMPLE), "--port", str(port))
    assert not PlanRecord.objects.exists()  # refused before doing anything


def test_a_demo_password_like_the_address_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once in about 1,500 runs a random password resembled "admin@example.org" and the
    password rules stopped `make run`; the demo now draws another."""
    drawn = iter(["adminexample", "Zq8-Vt3Kw1xR"])
    monkeypatch.setattr(demo.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert demo._demo_password("admin@example.org") == "demo-Zq8-Vt3Kw1xR"
