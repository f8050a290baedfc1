"""Two app servers behind one load balancer (docs/deployment.md#several-servers).

Two gunicorn instances on two ports of 127.0.0.1, each with its own ``PLANTRACKER_VAR_DIR``,
share only what a deployment of several servers shares: the PostgreSQL database, the Redis
of the pages' fragments (``PLANTRACKER_REDIS_URL``, ADR 0064) and the folder of built report
files (``PLANTRACKER_REPORTS_DIR``). A person whose requests the balancer sends now to one,
now to the other, sees every write at once, stays signed in, is locked out after the same
five failures, and downloads a report built for the other server.

Runs only on PostgreSQL with a Redis: `make test-postgres` runs this module under
scripts/with-postgres and scripts/with-redis. The servers start once for the module.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from tests.databases import plantracker, scratch_database

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"
PERIOD = "2018-19-Q2"  # open in the example plan
HOST = "127.0.0.1"
PASSWORD = "two-servers-password-42"
SENDER = "sender@example.gov.uk"  # a lead who sends an update through the API
REVIEWER = "reviewer@example.gov.uk"  # another lead, who approves it (nobody approves their own)
VIEWER = "viewer@example.gov.uk"
LOCKED = "guesser@example.gov.uk"  # whose password is guessed until the sign-in locks

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("PLANTRACKER_REDIS_URL"),
        reason="needs Redis: make test-postgres runs it under scripts/with-redis",
    ),
]

# One process (each start of Django costs seconds): the tables, the example plan, the
# accounts and the sender's API token, through the commands and services.
SETUP = f"""
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("import", {str(EXAMPLE)!r}, verbosity=0)
from plantracker.api.tokens import token_create
from plantracker.tracker.models import PlanRecord, Role
from plantracker.tracker.services import member_add
plan = PlanRecord.objects.get(slug={SLUG!r})
for email, role in (({SENDER!r}, Role.LEAD), ({REVIEWER!r}, Role.LEAD),
                    ({VIEWER!r}, Role.VIEWER), ({LOCKED!r}, Role.VIEWER)):
    member_add(email=email, role=role, plan=plan, password={PASSWORD!r})
sender = member_add(email={SENDER!r}, role=Role.LEAD, plan=plan).user
print(token_create(user=sender, name="two servers").secret)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Browser:
    """One person's client: cookies kept, each request sent to the server the test names
    (as a load balancer without sticky sessions would)."""

    def __init__(self, token: str | None = None) -> None:
        self.cookies: dict[str, str] = {}
        self.token = token

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str | list[str]] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        headers = {"Host": f"{HOST}:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django's CSRF check wants the origin the browser would send.
            headers["Origin"] = f"http://{HOST}:{port}"
        elif body is not None:
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, content
        finally:
            connection.close()

    def get(self, port: int, path: str) -> tuple[int, str]:
        status, content = self.request(port, "GET", path)
        return status, content.decode("utf-8", "replace")

    def post(
        self, port: int, path: str, form: dict[str, str | list[str]], on: str | None = None
    ) -> tuple[int, str]:
        """Post a form to ``path`` with the CSRF token of the page it is on (``on``, by
        default ``path`` itself)."""
        status, page = self.get(port, on or path)
        assert status == 200, (on or path, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, on or path
        status, content = self.request(
            port, "POST", path, {"csrfmiddlewaretoken": token.group(1), **form}
        )
        return status, content.decode("utf-8", "replace")

    def sign_in(self, port: int, email: str, password: str = PASSWORD) -> int:
        return self.post(port, "/accounts/login/", {"username": email, "password": password})[0]


@dataclass
class Servers:
    a: int  # each a port of 127.0.0.1
    b: int
    env_a: dict[str, str]  # server A's environment, for its background worker
    folder: Path
    shared_reports: Path
    token: str  # the sender's API token

    def run_worker(self) -> None:
        """Server A's background worker, until the queue is empty."""
        worked = plantracker(
            self.env_a, self.folder, "db_worker", "--batch", "--no-reload", "--no-startup-delay"
        )
        assert worked.returncode == 0, worked.stderr


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    folder = tmp_path_factory.mktemp("two-servers")
    shared_reports = folder / "shared" / "reports"
    with scratch_database(folder) as env:
        env.update(
            {
                "DEBUG": "false",
                "ALLOWED_HOSTS": HOST,
                "LOG_LEVEL": "WARNING",
                # Every server of a deployment has the same key: sessions and CSRF tokens
                # one signs, the other checks.
                "SECRET_KEY": "two-servers-test-only-" + "k" * 40,
                "PLANTRACKER_REDIS_URL": os.environ["PLANTRACKER_REDIS_URL"],
                "PLANTRACKER_REPORTS_DIR": str(shared_reports),
            }
        )
        made = plantracker(env, folder, "shell", "--no-imports", "-c", SETUP)
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().splitlines()[-1]

        envs, started = {}, []
        try:
            for name in ("a", "b"):
                own = {**env, "PLANTRACKER_VAR_DIR": str(folder / name / "var")}
                (folder / name / "var" / "static").mkdir(parents=True)  # nothing to collect
                envs[name] = own
                port = free_port()
                started.append((port, _gunicorn(own, folder / name, port)))
            for port, server in started:
                _wait_until_up(server, port)
            yield Servers(
                a=started[0][0],
                b=started[1][0],
                env_a=envs["a"],
                folder=folder,
                shared_reports=shared_reports,
                token=token,
            )
        finally:
            for _, server in started:
                _stop(server)
    shutil.rmtree(folder, ignore_errors=True)


def _gunicorn(env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            # As a deployment runs it (threads, ADR 0090), one process each.
            sys.executable, "-m", "gunicorn", "plantracker.wsgi:application",
            "-c", "python:plantracker.gunicorn_conf",
            "--bind", f"{HOST}:{port}", "--workers", "1",
            "--log-level", "warning",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def _wait_until_up(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            assert server.stderr is not None
            pytest.fail(f"gunicorn exited with {server.returncode}: {server.stderr.read()!r}")
        try:
            if Browser().request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz within 120 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.stderr is not None
    server.stderr.close()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _page(browser: Browser, port: int, path: str) -> str:
    status, page = browser.get(port, path)
    assert status == 200, (port, path, status)
    return _CSRF.sub("", page)  # the sign-out form's token is masked anew each time


def test_a_write_through_one_server_is_seen_by_the_others_next_request(
    servers: Servers,
) -> None:
    viewer, reviewer = Browser(), Browser()
    assert viewer.sign_in(servers.a, VIEWER) == 302
    assert reviewer.sign_in(servers.b, REVIEWER) == 302
    dashboard = f"/plans/{SLUG}/{PERIOD}/"
    before = _page(viewer, servers.a, dashboard)  # server A's caches and Redis now hold it
    assert _page(viewer, servers.b, dashboard) == before

    # The sender's update goes through server A's API, submitted for review...
    api = Browser(token=servers.token)
    base = f"/api/v1/plans/{SLUG}/periods/{PERIOD}/updates"
    status, listed = api.request(servers.a, "GET", base)
    assert status == 200
    row = json.loads(listed)[0]
    status_now = row.get("status")
    new_status = "red" if status_now != "red" else "green"
    words = "Sent through server A, approved on server B"
    sent = [{"ref": row["ref"], "status": new_status, "commentary": words}]
    status, answer = api.request(servers.a, "POST", base, body=json.dumps(sent).encode())
    assert status == 200, answer

    # ...is in the other lead's review queue on server B at once, and approved there...
    review = f"/plans/{SLUG}/{PERIOD}/review/"
    queue = _page(reviewer, servers.b, review)
    assert words in queue
    entries = re.findall(r'name="entry" type="checkbox" value="([^"]+)"', queue)
    assert len(entries) == 1
    status, _ = reviewer.post(servers.b, review, {"action": "bulk", "entry": entries})
    assert status == 302

    # ...and server A's next page shows the approved figures, as server B's does.
    after = _page(viewer, servers.a, dashboard)
    assert after != before
    assert after == _page(viewer, servers.b, dashboard)
    item = _page(viewer, servers.a, f"/plans/{SLUG}/items/{row['ref']}/")
    assert words in item
    assert words not in _page(reviewer, servers.a, review)  # the queue is empty on A too


def test_sessions_and_the_sign_in_lockout_hold_across_both_servers(servers: Servers) -> None:
    person = Browser()
    assert person.sign_in(servers.a, VIEWER) == 302
    assert person.get(servers.b, "/")[0] == 200  # signed in on A, known on B
    # Signing out on B ends the session on A too.
    status, _ = person.post(servers.b, "/accounts/logout/", {}, on="/")
    assert status == 302
    status, _ = person.get(servers.a, "/")
    assert status == 302  # to the sign-in page

    # Five wrong passwords, alternating between the servers, lock the account on both:
    # even the right password is refused now, on either.
    guesser = Browser()
    for attempt in range(5):
        port = servers.a if attempt % 2 == 0 else servers.b
        status, _ = guesser.post(
            port, "/accounts/login/", {"username": LOCKED, "password": f"wrong-{attempt}"}
        )
        # The form again with its error (400); the fifth may already answer the lockout.
        assert status == 400 or (attempt == 4 and status == 429), (attempt, status)
    for port in (servers.a, servers.b):
        status, page = guesser.post(
            port, "/accounts/login/", {"username": LOCKED, "password": PASSWORD}
        )
        assert status == 429, (port, status)
        assert "Too many attempts to sign in" in page
        assert "sessionid" not in guesser.cookies


def test_a_report_built_for_one_server_is_served_by_the_other(servers: Servers) -> None:
    reader = Browser()
    assert reader.sign_in(servers.a, VIEWER) == 302
    report = f"/plans/{SLUG}/{PERIOD}/report.html"

    status, page = reader.get(servers.a, report)
    assert status == 202 and "The report is being prepared" in page
    servers.run_worker()  # server A's worker builds it into the shared folder
    status, built = reader.request(servers.a, "GET", report)
    assert status == 200 and b"<html" in built[:500].lower()

    # Server B has never built it, and answers with the same file at its first request.
    status, served = reader.request(servers.b, "GET", report)
    assert status == 200
    assert served == built
    assert any(servers.shared_reports.iterdir())
    for name in ("a", "b"):
        assert not (servers.folder / name / "var" / "cache").exists()
