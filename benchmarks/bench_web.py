"""The dashboard's response time under gunicorn, at ``synth --scale 1`` and ``--scale 20``.

Median and p95 of the plan dashboard, measured beside a minimal Django
view (``/healthz``: a ``SELECT 1`` and "ok") in the same run, so the figures can be read
against the cost of Django, the middleware and gunicorn themselves.

Everything runs on this machine: a throw-away SQLite database in a temporary folder, filled
with the real commands (``migrate``, ``synth``, ``import``, ``user add``), and gunicorn bound
to a free port on 127.0.0.1 only. Requests are sequential, one client, bounded in number and
each with a timeout; the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
WORKERS = 2
PASSWORD = "bench-only-password-7"
EMAIL = "bench@example.org"
TIMEOUT = 60.0  # seconds for any one request
WARM_UP = 3  # requests per page before measuring (imports, caches, first connections)
SCALES = {1: 40, 20: 15}  # scale → measured requests of its dashboard
HEALTH_REQUESTS = 200


@dataclass(frozen=True)
class Row:
    page: str
    detail: str
    times: list[float]  # seconds
    size: int

    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        index = max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))
        return ordered[index] * 1000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _command(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run ``plantracker ARGS``; stop the benchmark with its message if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "plantracker.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"plantracker {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


class Session:
    """One signed-in client on one keep-alive-less connection per request (as gunicorn's
    sync workers close after each response)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
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
        if status != 200 or token is None:
            raise RuntimeError(f"the sign-in page answered {status}")
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": EMAIL,
                "password": PASSWORD,
            }
        )
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"signing in answered {status}, not a redirect")

    def measure(self, path: str, count: int) -> tuple[list[float], int]:
        size = 0
        for _ in range(WARM_UP):
            self.request("GET", path)
        times = []
        for _ in range(count):
            started = time.perf_counter()
            status, content = self.request("GET", path)
            times.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            size = len(content)
        return times, size


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            status, _ = Session(port).request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _prepare(env: dict[str, str], folder: Path) -> dict[int, tuple[str, str]]:
    """The database with one synthetic plan per scale; returns scale → (slug, items line)."""
    _command(env, "migrate", "--verbosity", "0")
    plans = {}
    for scale in SCALES:
        plan_file = folder / f"scale-{scale}.yaml"
        written = _command(env, "synth", "--scale", str(scale), "-o", str(plan_file))
        slug = f"scale-{scale}"
        _command(env, "import", str(plan_file), "--slug", slug)
        _command(
            env,
            "user",
            "add",
            EMAIL,
            "--role",
            "viewer",
            "--plan",
            slug,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        found = re.search(r"(\d[\d,]*) items, (\d+) periods", written)
        plans[scale] = (slug, f"{found.group(1)} items, {found.group(2)} periods" if found else "")
    return plans


def run() -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="plantracker-bench-web-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plantracker.settings",
        "PLANTRACKER_VAR_DIR": str(folder / "var"),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)  # always the throw-away SQLite database
    server: subprocess.Popen[bytes] | None = None
    try:
        plans = _prepare(env, folder)
        (folder / "var" / "static").mkdir(parents=True, exist_ok=True)  # nothing to collect
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "plantracker.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            env=env,
        )
        _wait_until_up(port, server)
        session = Session(port)
        session.sign_in()
        rows = []
        times, size = session.measure("/healthz", HEALTH_REQUESTS)
        rows.append(Row("/healthz (minimal Django view)", "SELECT 1", times, size))
        for scale, count in SCALES.items():
            slug, detail = plans[scale]
            times, size = session.measure(f"/plans/{slug}/", count)
            rows.append(Row(f"dashboard, synth --scale {scale}", detail, times, size))
        return rows
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    print(f"gunicorn, {WORKERS} sync workers, SQLite, DEBUG off; one client, sequential requests")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = run()
    print(f"{'page':34} {'plan':26} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'kB':>6}")
    for row in rows:
        print(
            f"{row.page:34} {row.detail:26} {len(row.times):>4} {row.median_ms():>10.1f} "
            f"{row.p95_ms():>8.1f} {row.size / 1024:>6.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
