"""The server comes back after being killed (docs/reliability.md#faults).

gunicorn serves the real application on a free port of 127.0.0.1, with a database of its
own (SQLite here, PostgreSQL under `make test-postgres`). While a report download is in
flight, the master and its workers are killed with SIGKILL, as the kernel's OOM killer or
a power cut would. Started again with the same port and the same (now stale) pid file, it
answers: a signed-in person's session still works, and the report downloads once the
background worker has built it (a request only queues it, ADR 0067).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from tests.databases import plantracker, scratch_database

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"
HOST = "127.0.0.1"
EMAIL = "viewer@example.gov.uk"
PASSWORD = "restart-test-password-42"
REPORT = f"/plans/{SLUG}/2018-19-Q2/report.html"

pytestmark = [pytest.mark.database, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Browser:
    """A client keeping its cookies, one connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, content
        finally:
            connection.close()

    def sign_in(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token is not None
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": EMAIL,
                "password": PASSWORD,
            },
        )
        assert status == 302 and "sessionid" in self.cookies


@contextmanager
def gunicorn(env: dict[str, str], folder: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "plantracker.wsgi:application",
            "--bind", f"{HOST}:{port}", "--workers", "2", "--timeout", "120",
            "--pid", str(folder / "gunicorn.pid"), "--log-level", "warning",
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the workers can be killed too
    )  # fmt: skip
    try:
        wait_until_up(server, port)
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        assert server.stderr is not None
        server.stderr.close()


def wait_until_up(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            assert server.stderr is not None
            pytest.fail(f"gunicorn exited with {server.returncode}: {server.stderr.read()!r}")
        try:
            if Browser(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz within 120 s")


def test_gunicorn_killed_mid_request_restarts_cleanly(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as env:
        env.update({"DEBUG": "false", "ALLOWED_HOSTS": HOST, "LOG_LEVEL": "WARNING"})
        for args in (("migrate", "--verbosity", "0"), ("import", str(EXAMPLE))):
            done = plantracker(env, tmp_path, *args)
            assert done.returncode == 0, done.stderr
        added = subprocess.run(
            [sys.executable, "-m", "plantracker.cli", "user", "add", EMAIL, "--role", "viewer",
             "--plan", SLUG, "--password-stdin"],
            input=PASSWORD + "\n", env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        port = free_port()
        browser = Browser(port)

        with gunicorn(env, tmp_path, port) as first:
            browser.sign_in()
            assert browser.request("GET", f"/plans/{SLUG}/")[0] == 200
            in_flight: list[object] = []
            download = threading.Thread(
                target=lambda: in_flight.append(_outcome(browser, REPORT)), daemon=True
            )
            download.start()
            time.sleep(0.2)  # the download has reached a worker
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=60)
            download.join(timeout=120)
            assert not download.is_alive()  # the client was cut off, not left waiting
            assert first.returncode == -signal.SIGKILL
        assert (tmp_path / "gunicorn.pid").exists()  # stale: nobody removed it

        with gunicorn(env, tmp_path, port):
            status, page = browser.request("GET", f"/plans/{SLUG}/")
            assert status == 200, page[:500]
            assert b"Children" in page
            status, report = browser.request("GET", REPORT)
            if status == 202:  # being prepared: the background worker builds it (ADR 0067)
                worked = plantracker(
                    env, tmp_path, "db_worker", "--batch", "--no-reload", "--no-startup-delay"
                )
                assert worked.returncode == 0, worked.stderr
                status, report = browser.request("GET", REPORT)
            assert status == 200
            assert b"Update for Scrutiny" in report


def _outcome(browser: Browser, path: str) -> object:
    try:
        return browser.request("GET", path)[0]
    except OSError as exc:
        return exc
