"""Load test: 50 simulated people against gunicorn on PostgreSQL for 60 s
(docs/reliability.md#load).

    scripts/with-postgres .venv/bin/python -m benchmarks.load [--users 50] [--duration 60]

The database is the throwaway cluster scripts/with-postgres starts (this refuses to run
without a PostgreSQL DATABASE_URL). It holds a ``synth --scale 10`` plan (1,470 items, 8
periods), a lead, viewers, and contributors who each own some actions. gunicorn serves the
application on a free port of 127.0.0.1 (5 sync workers, the usual 2 x cores + 1).

The people, each an asyncio task with its own session, pausing 1-3 s between requests:
- viewers browse: the plan dashboard, a period's dashboard, a recommendation, an item;
- contributors read their period's updates from the API and send one of theirs (a draft,
  with the version they read, so a stale one is a 409 and counted as an error);
- report readers download a closed period's report in every format;
- one person asks /healthz, the minimal view the other figures are read against.

Every report format is downloaded once before the clock starts (the cold render, reported
separately); during the run the downloads are of unchanged reports and must come from the
report cache. Bounded: the run stops after --duration seconds (at most 300) or 100,000
requests, each request times out after 120 s, and the server is stopped whatever happens.
Only 127.0.0.1 is contacted. Prints a Markdown table of p50/p95 per page and the errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
WORKERS = 5
TIMEOUT = 120.0
MAX_REQUESTS = 100_000
MAX_DURATION = 300
PASSWORD = "load-test-password-7"
SLUG = "load"
FORMATS = ("html", "pdf", "docx", "pptx", "xlsx")
PAUSE = (1.0, 3.0)  # seconds a person waits between requests (--pause to change)


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    count: int = 0

    def record(self, page: str, seconds: float, problem: str | None) -> None:
        self.count += 1
        if problem is None:
            self.times[page].append(seconds)
        else:
            self.errors[page].append(problem)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
    return ordered[index]


class Browser:
    """One person's HTTP/1.1 client on asyncio streams: cookies kept, one connection per
    request (gunicorn's sync workers close each), loopback only."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = token

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._request(method, path, body, content_type), TIMEOUT)

    async def _request(
        self, method: str, path: str, body: bytes, content_type: str
    ) -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: close"]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if self.token:
                lines.append(f"Authorization: Bearer {self.token}")
            if body or method == "POST":
                lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        head, _, content = raw.partition(b"\r\n\r\n")
        header_lines = head.decode("latin-1").split("\r\n")
        status = int(header_lines[0].split()[1])
        headers = [line.split(":", 1) for line in header_lines[1:] if ":" in line]
        if any(
            name.lower() == "transfer-encoding" and "chunked" in value for name, value in headers
        ):
            content = _unchunk(content)
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookie = value.strip().split(";", 1)[0]
                key, _, cookie_value = cookie.partition("=")
                self.cookies[key] = cookie_value
        return status, content

    async def sign_in(self, email: str) -> None:
        status, page = await self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"the sign-in page answered {status}")
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": PASSWORD,
            }
        ).encode()
        status, _ = await self.request(
            "POST", "/accounts/login/", form, "application/x-www-form-urlencoded"
        )
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered {status}")


def _unchunk(data: bytes) -> bytes:
    out, rest = bytearray(), data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


@dataclass
class Site:
    port: int
    periods: list[str]
    closed: str
    open_period: str
    recommendations: list[int]
    refs: list[str]
    viewers: list[str]
    contributors: list[tuple[str, str, list[str]]]  # email, API token, refs owned
    pause: tuple[float, float] = PAUSE


async def timed(results: Results, page: str, call: object, ok: set[int]) -> bytes | None:
    started = time.perf_counter()
    try:
        status, content = await call  # type: ignore[misc]
    except (TimeoutError, OSError, ValueError, IndexError) as exc:
        results.record(page, 0, f"{type(exc).__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - started
    results.record(page, elapsed, None if status in ok else f"HTTP {status}")
    return content if status in ok else None


async def viewer(site: Site, email: str, results: Results, stop: float, rng: random.Random) -> None:
    browser = Browser(site.port)
    await browser.sign_in(email)
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        choice = rng.random()
        if choice < 0.3:
            page, path = "plan dashboard", f"/plans/{SLUG}/"
        elif choice < 0.55:
            period = rng.choice(site.periods)
            page, path = "period dashboard", f"/plans/{SLUG}/{period}/"
        elif choice < 0.8:
            number = rng.choice(site.recommendations)
            page = "recommendation"
            path = f"/plans/{SLUG}/{site.open_period}/recommendations/{number}/"
        else:
            page, path = "item", f"/plans/{SLUG}/items/{rng.choice(site.refs)}/"
        await timed(results, page, browser.request("GET", path), {200})
        await asyncio.sleep(rng.uniform(*site.pause))


async def report_reader(
    site: Site, email: str, results: Results, stop: float, rng: random.Random
) -> None:
    browser = Browser(site.port)
    await browser.sign_in(email)
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        fmt = rng.choice(FORMATS)
        path = f"/plans/{SLUG}/{site.closed}/report.{fmt}"
        await timed(
            results, f"report download ({fmt}, cached)", browser.request("GET", path), {200}
        )
        await asyncio.sleep(rng.uniform(*site.pause))


async def contributor(
    site: Site, who: tuple[str, str, list[str]], results: Results, stop: float, rng: random.Random
) -> None:
    _, token, refs = who
    api = Browser(site.port, token)
    base = f"/api/v1/plans/{SLUG}/periods/{site.open_period}/updates"
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        listed = await timed(results, "API: read updates", api.request("GET", base), {200})
        if listed is not None:
            versions = {row["ref"]: row["version"] for row in json.loads(listed)}
            ref = rng.choice(refs)
            row = {
                "ref": ref,
                "status": rng.choice(["green", "amber", "red"]),
                "commentary": f"Load test update at {time.time():.6f}",
                "expected_version": versions.get(ref, 0),
            }
            body = json.dumps([row]).encode()
            await timed(
                results,
                "API: send an update",
                api.request("POST", base + "?submit=false", body, "application/json"),
                {200},
            )
        await asyncio.sleep(rng.uniform(*site.pause))


async def health(site: Site, results: Results, stop: float, rng: random.Random) -> None:
    browser = Browser(site.port)
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        await timed(results, "/healthz (minimal view)", browser.request("GET", "/healthz"), {200})
        await asyncio.sleep(rng.uniform(0.2, 0.6))


async def run_load(site: Site, users: int, duration: float, seed: int) -> Results:
    results = Results()
    rng = random.Random(seed)
    stop = time.monotonic() + duration
    tasks = [health(site, results, stop, random.Random(rng.random()))]
    readers = max(1, users // 10)
    contributors = min(len(site.contributors), max(1, users * 3 // 10))
    viewers = users - 1 - readers - contributors
    for index in range(viewers):
        email = site.viewers[index % len(site.viewers)]
        tasks.append(viewer(site, email, results, stop, random.Random(rng.random())))
    for index in range(readers):
        email = site.viewers[index % len(site.viewers)]
        tasks.append(report_reader(site, email, results, stop, random.Random(rng.random())))
    for index in range(contributors):
        who = site.contributors[index]
        tasks.append(contributor(site, who, results, stop, random.Random(rng.random())))
    # Bounded: every task stops at `stop`; a request in flight may take up to TIMEOUT more.
    await asyncio.wait_for(asyncio.gather(*tasks), duration + TIMEOUT + 60)
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def prepare(folder: Path, users: int) -> dict[str, object]:
    """Fill the database (in this process, through the services) and return the site."""
    import django

    django.setup()
    from django.core.management import call_command

    from plantracker.api.tokens import token_create
    from plantracker.domain.existence import exists_in
    from plantracker.domain.periods import PeriodIndex
    from plantracker.synth import synth_plan
    from plantracker.tracker.models import Item, Period, PlanRecord, Role
    from plantracker.tracker.services import (
        item_owner_link,
        member_add,
        period_close,
        plan_import,
    )

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = synth_plan(10, 1)
    record = plan_import(plan=plan, slug=SLUG)
    imported = time.perf_counter() - started
    periods = [period.id for period in plan.periods]
    # The last period takes updates; the one before is closed, as after a scrutiny meeting.
    closed, open_period = periods[-2], periods[-1]
    organisation = record.organisation
    lead = member_add(email="lead@example.org", role=Role.LEAD, plan=record, password=PASSWORD).user
    to_close = Period.objects.get(plan=record, code=closed)
    period_close(actor=lead, period=to_close, expected_version=to_close.version)
    viewers = [f"viewer{n}@example.org" for n in range(max(1, users))]
    for email in viewers:
        member_add(email=email, role=Role.VIEWER, organisation=organisation, password=PASSWORD)
    # Actions that exist in the open period (outside from/until an update is refused).
    index = PeriodIndex(plan)
    current = {
        action.ref
        for recommendation in plan.recommendations
        for action in recommendation.actions
        if exists_in(action, index.index(open_period), index)
    }
    actions = [
        (pk, ref)
        for pk, ref in Item.objects.filter(plan=record, kind="actions")
        .order_by("pk")
        .values_list("pk", "ref")
        if ref in current
    ]
    contributors = []
    count = max(1, users * 3 // 10)
    for n in range(count):
        email = f"contributor{n}@example.org"
        user = member_add(email=email, role=Role.CONTRIBUTOR, plan=record, password=PASSWORD).user
        owned = actions[n::count][:10]
        for pk, _ in owned:
            item_owner_link(item=Item.objects.get(pk=pk), user=user)
        token = token_create(user=user, name="load test").secret
        contributors.append((email, token, [ref for _, ref in owned]))
    return {
        "periods": periods,
        "closed": closed,
        "open_period": open_period,
        "recommendations": [r.number for r in plan.recommendations],
        "refs": [ref for _, ref in actions],
        "viewers": viewers,
        "contributors": contributors,
        "items": PlanRecord.objects.get(slug=SLUG).items.count(),
        "import_seconds": imported,
    }


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{int(memory) / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d')} · nproc {os.cpu_count()} · {model} · {ram} · "
        f"Python {sys.version.split()[0]} · load average before: {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50, help="simulated people (default 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pause",
        type=float,
        nargs=2,
        default=PAUSE,
        metavar=("MIN", "MAX"),
        help="seconds each person waits between requests (default 1 3)",
    )
    args = parser.parse_args(argv)
    pause = (max(0.0, args.pause[0]), max(args.pause[0], args.pause[1]))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "benchmarks.load: run it under scripts/with-postgres (needs PostgreSQL)",
            file=sys.stderr,
        )
        return 2
    users = max(3, min(args.users, 200))
    duration = max(1.0, min(args.duration, MAX_DURATION))

    folder = Path(tempfile.mkdtemp(prefix="plantracker-load-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "plantracker.settings",
            "PLANTRACKER_VAR_DIR": str(folder / "var"),
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "load-test-only-" + os.urandom(16).hex(),
        }
    )
    server: subprocess.Popen[bytes] | None = None
    try:
        print(machine())
        prepared = prepare(folder, users)
        (folder / "var" / "static").mkdir(parents=True, exist_ok=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "plantracker.wsgi:application",
             "--bind", f"{HOST}:{port}", "--workers", str(WORKERS), "--timeout", str(int(TIMEOUT)),
             "--log-level", "warning"],
            env=os.environ.copy(),
        )  # fmt: skip
        fields = {k: v for k, v in prepared.items() if k in Site.__annotations__}
        site = Site(port=port, pause=pause, **fields)  # type: ignore[arg-type]
        asyncio.run(_wait_until_up(port, server))
        cold = asyncio.run(_warm_reports(site))
        print(
            f"data: synth --scale 10, {prepared['items']} items, {len(site.periods)} periods "
            f"(imported in {prepared['import_seconds']:.1f} s); gunicorn {WORKERS} sync workers; "
            f"{users} people for {duration:.0f} s, pausing {pause[0]:g}-{pause[1]:g} s"
        )
        print("cold report renders (first download, before the run): " + ", ".join(
            f"{fmt} {seconds:.1f} s" for fmt, seconds in cold.items()
        ))  # fmt: skip
        started = time.perf_counter()
        results = asyncio.run(run_load(site, users, duration, args.seed))
        elapsed = time.perf_counter() - started
        report(results, elapsed)
        return 1 if results.errors else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)


async def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            if (await Browser(port).request("GET", "/healthz"))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 120 s")


async def _warm_reports(site: Site) -> dict[str, float]:
    browser = Browser(site.port)
    await browser.sign_in(site.viewers[0])
    cold = {}
    for fmt in FORMATS:
        started = time.perf_counter()
        status, _ = await browser.request("GET", f"/plans/{SLUG}/{site.closed}/report.{fmt}")
        if status != 200:
            raise RuntimeError(f"the {fmt} report answered {status}")
        cold[fmt] = time.perf_counter() - started
    return cold


def report(results: Results, elapsed: float) -> None:
    total = sum(len(times) for times in results.times.values())
    errors = sum(len(problems) for problems in results.errors.values())
    rate = total / elapsed
    print(f"\n{total} requests answered in {elapsed:.1f} s ({rate:.1f}/s), {errors} errors\n")
    print("| page | requests | p50 ms | p95 ms | p50 / healthz p50 |")
    print("|---|---:|---:|---:|---:|")
    base = results.times.get("/healthz (minimal view)") or [float("nan")]
    base_p50 = statistics.median(base)
    for page in sorted(results.times, key=lambda name: (not name.startswith("/healthz"), name)):
        times = results.times[page]
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        ratio = p50 / base_p50
        print(f"| {page} | {len(times)} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {ratio:.1f} |")
    for page, problems in results.errors.items():
        print(f"errors on {page}: {len(problems)}, e.g. {problems[0]}")


if __name__ == "__main__":
    sys.exit(main())
