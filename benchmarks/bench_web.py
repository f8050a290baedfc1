"""The pages' response times under gunicorn, at ``synth --scale 1`` and ``--scale 20``.

For the dashboard, a recommendation and an item page, beside a minimal Django view
(``/healthz``: a ``SELECT 1`` and "ok") in the same run, two figures each (ADR 0064):
**warm**, nothing changed since the last request (median and p95), and **after an
approval**, the first request after a lead approved an update, which raises the plan's data
version so that the evaluated plan and the pages' figures are computed again (median and
p95). The approvals are made in this process through the update service, as the review page
makes them: another lead submits a changed status of an action and the bench lead approves
it. Before the first approval each page is requested a few times per server process, so
that what is measured after an approval is that: not a process's first request of the plan
ever (its whole plan read and evaluated from nothing, the warm-up's cost).

Everything runs on this machine: a throw-away SQLite database in a temporary folder, filled
with the real commands (``migrate``, ``synth``, ``import``, ``user add``), and gunicorn bound
to a free port on 127.0.0.1 only. Requests are sequential, one client, bounded in number and
each with a timeout; the server is stopped at the end whatever happens.

``BENCH_WEB_SCALES=1`` measures only the scales named (comma-separated; default both).
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
SCALES = {1: 40, 20: 15}  # scale → measured warm requests of each page
AFTER_APPROVAL = {1: 20, 20: 20}  # scale → approvals, each followed by one request per page
HEALTH_REQUESTS = 200
LEAD = "bench-lead@example.org"
OWNER = "bench-owner@example.org"


@dataclass(frozen=True)
class Row:
    page: str
    detail: str
    times: list[float]  # seconds, warm
    size: int
    after: tuple[float, ...] = ()  # seconds, each the first request after an approval

    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    def p95_ms(self) -> float:
        return _p95(self.times)

    def after_p95_ms(self) -> float | None:
        return _p95(list(self.after)) if self.after else None

    def after_median_ms(self) -> float | None:
        return statistics.median(self.after) * 1000 if self.after else None


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
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

    def timed(self, path: str) -> float:
        started = time.perf_counter()
        status, _content = self.request("GET", path)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return elapsed

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


def _prepare(
    env: dict[str, str], folder: Path, scales: dict[int, int]
) -> dict[int, tuple[str, str]]:
    """The database with one synthetic plan per scale; returns scale → (slug, items line)."""
    _command(env, "migrate", "--verbosity", "0")
    plans = {}
    for scale in scales:
        plan_file = folder / f"scale-{scale}.yaml"
        written = _command(env, "synth", "--scale", str(scale), "-o", str(plan_file))
        slug = f"scale-{scale}"
        _command(env, "import", str(plan_file), "--slug", slug)
        for email, role in ((EMAIL, "viewer"), (LEAD, "lead"), (OWNER, "lead")):
            _command(
                env,
                "user",
                "add",
                email,
                "--role",
                role,
                "--plan",
                slug,
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
        found = re.search(r"(\d[\d,]*) items, (\d+) periods", written)
        plans[scale] = (slug, f"{found.group(1)} items, {found.group(2)} periods" if found else "")
    return plans


class Approver:
    """Approvals made in this process through the services, against the server's database:
    each changes the status of one action in the plan's last period (green, amber, green, ...)
    and so raises the plan's data version."""

    def __init__(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        import django

        django.setup()
        self.count = 0

    def pages(self, slug: str) -> dict[str, str]:
        """The measured pages of plan ``slug``: its dashboard, its last recommendation in the
        last period, and the KPI at the end of the plan."""
        from plantracker.tracker.models import Item, Period, PlanRecord

        record = PlanRecord.objects.get(slug=slug)
        last = Period.objects.filter(plan=record).order_by("position").last()
        assert last is not None
        kpi = Item.objects.filter(plan=record, kind="kpis").order_by("-pk").first()
        number = record.recommendations.order_by("-position").first().number
        assert kpi is not None
        return {
            "dashboard": f"/plans/{slug}/",
            "recommendation": f"/plans/{slug}/{last.code}/recommendations/{number}/",
            "item": f"/plans/{slug}/items/{kpi.ref}/",
        }

    def approve(self, slug: str) -> None:
        from plantracker.tracker.models import Period, PlanRecord, Update, User
        from plantracker.tracker.services import update_approve, update_send

        record = PlanRecord.objects.get(slug=slug)
        last = Period.objects.filter(plan=record).order_by("position").last()
        found = Update.objects.filter(item__plan=record, period=last).select_related("item")
        update = found.order_by("pk").first()
        assert update is not None, "the synthetic plan has an action update in its last period"
        self.count += 1
        entry = update_send(
            actor=User.objects.get(username=OWNER),
            subject=update.item,
            period=last,
            expected_version=None,
            submit=True,
            status="amber" if self.count % 2 else "green",
            commentary=f"Benchmark approval {self.count}",
        )
        update_approve(
            actor=User.objects.get(username=LEAD), entry=entry, expected_version=entry.version
        )


def _scales() -> dict[int, int]:
    named = os.environ.get("BENCH_WEB_SCALES", "").strip()
    if not named:
        return SCALES
    chosen = {int(part) for part in named.split(",") if part.strip()}
    unknown = chosen - set(SCALES)
    if unknown:
        raise SystemExit(
            f"BENCH_WEB_SCALES: no scale {sorted(unknown)}; choose from {list(SCALES)}"
        )
    return {scale: count for scale, count in SCALES.items() if scale in chosen}


def run() -> list[Row]:
    scales = _scales()
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
        plans = _prepare(env, folder, scales)
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
        approver = Approver(env)
        rows = []
        times, size = session.measure("/healthz", HEALTH_REQUESTS)
        rows.append(Row("/healthz (minimal Django view)", "SELECT 1", times, size))
        for scale, count in scales.items():
            slug, detail = plans[scale]
            pages = approver.pages(slug)
            for path in pages.values():  # every process has read the plan once (docstring)
                for _ in range(WARM_UP * WORKERS):
                    session.request("GET", path)
            after: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(AFTER_APPROVAL[scale]):
                approver.approve(slug)
                for name, path in pages.items():
                    after[name].append(session.timed(path))
            for name, path in pages.items():
                times, size = session.measure(path, count)
                rows.append(
                    Row(f"{name}, synth --scale {scale}", detail, times, size, tuple(after[name]))
                )
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
    print(
        f"{'page':34} {'plan':26} {'n':>4} {'median ms':>10} {'p95 ms':>8} "
        f"{'after approval: n':>17} {'median ms':>10} {'p95 ms':>8} {'kB':>6}"
    )
    for row in rows:
        after, after_median = row.after_p95_ms(), row.after_median_ms()
        print(
            f"{row.page:34} {row.detail:26} {len(row.times):>4} {row.median_ms():>10.1f} "
            f"{row.p95_ms():>8.1f} {len(row.after):>17} "
            f"{'-' if after_median is None else f'{after_median:.1f}':>10} "
            f"{'-' if after is None else f'{after:.1f}':>8} {row.size / 1024:>6.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
