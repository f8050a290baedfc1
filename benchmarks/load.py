"""Load test: 50 simulated people against gunicorn on PostgreSQL for 60 s
(docs/reliability.md#load).

    scripts/with-postgres .venv/bin/python -m benchmarks.load [--users 50] [--duration 60]
        [--pause MIN MAX]
    make bench-load PAUSE="5 15"          # the same, both pause settings documented there

The database is the throwaway cluster scripts/with-postgres starts (this refuses to run
without a PostgreSQL DATABASE_URL). It holds a ``synth --scale 10`` plan (1,470 items, 8
periods, the last open and the one before closed), two leads, viewers, and contributors who
each own some actions. gunicorn serves the application on a free port of 127.0.0.1 as a
deployment runs it: with ``plantracker.gunicorn_conf`` (a process per core, 4 threads each,
ADR 0090), or 5 sync workers (2 x cores + 1) in code without that file; beside it runs the
background worker (``plantracker db_worker``, ADR 0067) when the code under test has one,
at nice 19 as docs/deployment.md runs it.

The code under test is whichever ``plantracker`` the Python path finds: to measure an
older commit, check it out in a worktree and put its ``src`` first on ``PYTHONPATH``
(docs/reliability.md#load says how); the first line printed names its commit.

The people, each an asyncio task with its own session, pausing MIN-MAX s (default 1-3 s)
between requests, already at work when the clock starts (each one's first request comes as
if in the middle of a pause, not all fifty at once in its first second):
- viewers browse: the plan dashboard, a period's dashboard, a recommendation, an item;
- contributors read their period's updates from the API and send one of theirs (with the
  version they read, so a stale one is a 409 and counted as an error), half of the time
  submitted for review, never one already awaiting review;
- two leads, every 8-12 s each, open the review page and approve one submitted update
  (the first lead the oldest, the second the newest), so the plan's data version rises and
  every cache keyed by it is really missed throughout;
- report readers ask for a report in a random format of the closed or the open period: a
  file (200) or, while the worker builds it, "being prepared" (202), both counted as
  answered; the open period's data changes with every approval, so its files are new;
- one person asks /healthz, the minimal view the other figures are read against.

Before the clock starts, the closed period's five files are fetched until each is served
(built by the worker since the close, or, in code without one, rendered by the request):
the time is printed. The rate served is the requests answered (``/healthz`` aside) over the
time from the clock's start to the last answer; the rate asked is what the people would
send if every answer were instant (``asked_rate``). The CPU time the web server, the worker
and PostgreSQL used while the clock ran is printed beside it, and how often the web server
computed the plan and its periods' results again (the log of ``tracker.selectors.cached``):
figures that another job on the machine does not change. Bounded: the run stops after
--duration seconds (at most 300) or 100,000 requests, each request times out after 120 s,
and the server and worker are stopped whatever happens. Only 127.0.0.1 is contacted. Prints
a Markdown table of p50/p95 per page, the rate served against the rate the people ask for,
and the errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
WORKERS = 5  # sync workers, for code without plantracker.gunicorn_conf
GUNICORN_CONF = "plantracker.gunicorn_conf"
WORKER_NICE = 19  # the background worker's CPU priority (docs/deployment.md)
# Seconds for one request: a report rendered in the request (code before ADR 0067) can take
# minutes on a busy machine.
TIMEOUT = 300.0
MAX_REQUESTS = 100_000
MAX_DURATION = 300
PASSWORD = "load-test-password-7"
SLUG = "load"
FORMATS = ("html", "pdf", "docx", "pptx", "xlsx")
PAUSE = (1.0, 3.0)  # seconds a person waits between requests (--pause to change)
LEADS = 2  # leads approving throughout
APPROVE_EVERY = (8.0, 12.0)  # seconds between one lead's approvals
PREPARED_WITHIN = 900.0  # seconds the closed period's files may take to be built before the run
ENTRY = re.compile(rb'name="entry" type="checkbox" value="([^"]+)"')
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    count: int = 0
    elapsed: float = 0.0  # seconds from the clock's start until the last answer
    last: float = 0.0  # time.monotonic() of the last answer

    def record(self, page: str, seconds: float, problem: str | None) -> None:
        self.count += 1
        self.last = time.monotonic()
        if problem is None:
            self.times[page].append(seconds)
        else:
            self.errors[page].append(problem)


async def pause(stop: float, seconds: float) -> None:
    """Wait ``seconds``, or until the clock stops if that is sooner: nobody asks anything
    after it, so a pause running past it would only lengthen the run."""
    await asyncio.sleep(max(0.0, min(seconds, stop - time.monotonic())))


def first_pause(rng: random.Random, between: tuple[float, float]) -> float:
    """How long a person already at work waits before their first request: as at any moment
    of a long session, the rest of a pause, a pause being met in proportion to its length.
    (Started all at once, fifty people would ask at once in the first second, a burst that
    a steady quarter-end afternoon does not have.)"""
    low, high = between
    length = math.sqrt(low * low + rng.random() * (high * high - low * low))
    return rng.uniform(0.0, length)


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
    leads: list[str]
    pause: tuple[float, float] = PAUSE


async def timed(
    results: Results, page: str, call: object, ok: set[int], named: dict[int, str] | None = None
) -> bytes | None:
    """Time one request; ``named`` files an answer under another page name by its status."""
    started = time.perf_counter()
    try:
        status, content = await call  # type: ignore[misc]
    except (TimeoutError, OSError, ValueError, IndexError) as exc:
        results.record(page, 0, f"{type(exc).__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - started
    page = (named or {}).get(status, page)
    results.record(page, elapsed, None if status in ok else f"HTTP {status}")
    return content if status in ok else None


async def viewer(
    site: Site, browser: Browser, results: Results, stop: float, rng: random.Random
) -> None:
    await pause(stop, first_pause(rng, site.pause))
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
        await pause(stop, rng.uniform(*site.pause))


async def report_reader(
    site: Site, browser: Browser, results: Results, stop: float, rng: random.Random
) -> None:
    await pause(stop, first_pause(rng, site.pause))
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        fmt = rng.choice(FORMATS)
        period, which = rng.choice([(site.closed, "closed"), (site.open_period, "open")])
        path = f"/plans/{SLUG}/{period}/report.{fmt}"
        page = f"report, {which} period"
        named = {200: f"{page}: the file", 202: f"{page}: being prepared (202)"}
        await timed(results, page, browser.request("GET", path), {200, 202}, named)
        await pause(stop, rng.uniform(*site.pause))


async def lead(
    site: Site, index: int, browser: Browser, results: Results, stop: float, rng: random.Random
) -> None:
    """Every 8-12 s: the review page, then approve one submitted update (the bulk form)."""
    review = f"/plans/{SLUG}/{site.open_period}/review/"
    await pause(stop, rng.uniform(0, APPROVE_EVERY[1]))  # the two leads out of step
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        page = await timed(results, "review page (lead)", browser.request("GET", review), {200})
        entries = ENTRY.findall(page or b"")
        token = CSRF.search(page or b"")
        # Two leads never pick the same update: the first takes the oldest, the second the
        # newest, and only when there are two.
        if token is not None and len(entries) > index:
            chosen = entries[0] if index == 0 else entries[-1]
            form = urlencode(
                {"csrfmiddlewaretoken": token.group(1).decode(), "action": "bulk",
                 "entry": chosen.decode()}
            ).encode()  # fmt: skip
            await timed(
                results,
                "approve an update (lead)",
                browser.request("POST", review, form, "application/x-www-form-urlencoded"),
                {302},
            )
        await pause(stop, rng.uniform(*APPROVE_EVERY))


async def contributor(
    site: Site, who: tuple[str, str, list[str]], results: Results, stop: float, rng: random.Random
) -> None:
    _, token, refs = who
    api = Browser(site.port, token)
    base = f"/api/v1/plans/{SLUG}/periods/{site.open_period}/updates"
    await pause(stop, first_pause(rng, site.pause))
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        listed = await timed(results, "API: read updates", api.request("GET", base), {200})
        if listed is not None:
            rows = {row["ref"]: row for row in json.loads(listed)}
            # An update awaiting review is the leads' now: it is not sent again.
            free = [ref for ref in refs if rows.get(ref, {}).get("state") != "submitted"]
            if free:
                ref = rng.choice(free)
                row = {
                    "ref": ref,
                    "status": rng.choice(["green", "amber", "red"]),
                    "commentary": f"Load test update at {time.time():.6f}",
                    "expected_version": rows.get(ref, {}).get("version", 0),
                }
                body = json.dumps([row]).encode()
                submit = "true" if rng.random() < 0.5 else "false"
                await timed(
                    results,
                    "API: send an update",
                    api.request("POST", f"{base}?submit={submit}", body, "application/json"),
                    {200},
                )
        await pause(stop, rng.uniform(*site.pause))


async def health(site: Site, results: Results, stop: float, rng: random.Random) -> None:
    browser = Browser(site.port)
    while time.monotonic() < stop and results.count < MAX_REQUESTS:
        await timed(results, "/healthz (minimal view)", browser.request("GET", "/healthz"), {200})
        await pause(stop, rng.uniform(0.2, 0.6))


async def signed_in(site: Site, email: str) -> Browser:
    browser = Browser(site.port)
    await browser.sign_in(email)
    return browser


# A line of the web server's log for each value it computed (tracker.selectors.cached).
COMPUTED = re.compile(r"computed (.+?) of plan \d+ at data version (\d+) in (\d+) ms of CPU")


def tree_cpu(root: int) -> float:
    """CPU seconds (user and system) used so far by process ``root`` and every process under
    it, those that have ended included (Linux's /proc; 0 elsewhere)."""
    parents: dict[int, list[int]] = defaultdict(list)
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        pid = int(entry.name)
        parents[int(fields[1])].append(pid)
        # utime, stime, and those of its children it has waited for (ended ones).
        ticks[pid] = sum(int(value) for value in fields[11:15])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += ticks.get(pid, 0)
        stack.extend(parents.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Meter:
    """What the server did while the clock ran: the CPU seconds of each part (a process and
    those under it) and the values the web server computed (its log, from ``log_from``)."""

    roots: dict[str, int]
    log: Path
    before: dict[str, float] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)
    log_from: int = 0
    computed: Counter[str] = field(default_factory=Counter)
    computed_ms: Counter[str] = field(default_factory=Counter)
    versions: set[int] = field(default_factory=set)

    def start(self) -> None:
        self.before = {name: tree_cpu(pid) for name, pid in self.roots.items()}
        self.log_from = self.log.stat().st_size if self.log.exists() else 0

    def stop(self) -> None:
        self.used = {name: tree_cpu(pid) - self.before[name] for name, pid in self.roots.items()}
        if not self.log.exists():
            return
        with self.log.open("rb") as log:
            log.seek(self.log_from)
            lines = log.read().decode("utf-8", "replace").splitlines()
        for line in lines:
            found = COMPUTED.search(line)
            if found:
                kind = found.group(1).split(":")[0]
                self.computed[kind] += 1
                self.computed_ms[kind] += int(found.group(3))
                self.versions.add(int(found.group(2)))


async def run_load(
    site: Site, users: int, duration: float, seed: int, meter: Meter | None = None
) -> Results:
    """The people, signed in before the clock starts (at quarter end they are signed in
    already; fifty Argon2 sign-ins at once are not what is measured), then let loose."""
    results = Results()
    rng = random.Random(seed)
    readers = max(1, users // 10)
    contributors = min(len(site.contributors), max(1, users * 3 // 10))
    viewers = max(1, users - 1 - len(site.leads) - readers - contributors)
    emails = [site.viewers[index % len(site.viewers)] for index in range(viewers)]
    emails += [site.viewers[index % len(site.viewers)] for index in range(readers)]
    browsers = [await signed_in(site, email) for email in [*site.leads, *emails]]
    leads, people = browsers[: len(site.leads)], browsers[len(site.leads) :]
    if meter is not None:
        meter.start()
    started = time.monotonic()
    stop = started + duration
    tasks = [health(site, results, stop, random.Random(rng.random()))]
    for index, browser in enumerate(leads):
        tasks.append(lead(site, index, browser, results, stop, random.Random(rng.random())))
    for browser in people[:viewers]:
        tasks.append(viewer(site, browser, results, stop, random.Random(rng.random())))
    for browser in people[viewers:]:
        tasks.append(report_reader(site, browser, results, stop, random.Random(rng.random())))
    for index in range(contributors):
        who = site.contributors[index]
        tasks.append(contributor(site, who, results, stop, random.Random(rng.random())))
    # Bounded: every task stops at `stop`; a request in flight may take up to TIMEOUT more.
    await asyncio.wait_for(asyncio.gather(*tasks), duration + TIMEOUT + 60)
    results.elapsed = (results.last or time.monotonic()) - started
    if meter is not None:
        meter.stop()
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
    leads = [f"lead{n}@example.org" for n in range(LEADS)]
    added = [
        member_add(email=email, role=Role.LEAD, plan=record, password=PASSWORD).user
        for email in leads
    ]
    closer = added[0]
    to_close = Period.objects.get(plan=record, code=closed)
    # With a worker (ADR 0067) the close queues the period's five report files.
    period_close(actor=closer, period=to_close, expected_version=to_close.version)
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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:  # the server's main process: every connection's process is one of its children
        postmaster = int((Path("/proc") / str(backend) / "stat").read_text().split()[3])
    except (OSError, IndexError, ValueError):
        postmaster = 0
    return {
        "postgres_pid": postmaster,
        "periods": periods,
        "closed": closed,
        "open_period": open_period,
        "recommendations": [r.number for r in plan.recommendations],
        "refs": [ref for _, ref in actions],
        "viewers": viewers,
        "contributors": contributors,
        "leads": leads,
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
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · nproc {os.cpu_count()} · "
        f"{model} · {ram} · Python {sys.version.split()[0]} · load average before: {load}"
    )


def code_under_test() -> str:
    """Which plantracker runs: its folder and, in a git checkout, its commit."""
    import plantracker

    folder = Path(plantracker.__file__).resolve().parent
    done = subprocess.run(
        ["git", "-C", str(folder), "log", "-1", "--format=%h %cs %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    commit = done.stdout.strip() if done.returncode == 0 else "not a git checkout"
    return f"code under test: {folder} ({commit})"


def has_worker() -> bool:
    """Whether the code under test builds report files in a background worker (ADR 0067)."""
    from django.conf import settings

    return "django_tasks_db" in settings.INSTALLED_APPS


def asked_rate(site: Site, users: int) -> float:
    """Requests a second the people would send if every answer were instant (/healthz
    aside): one per pause for viewers and report readers, two (read, send) for
    contributors, two per approval round for the leads."""
    readers = max(1, users // 10)
    contributors = min(len(site.contributors), max(1, users * 3 // 10))
    viewers = max(1, users - 1 - len(site.leads) - readers - contributors)
    mean_pause = max(0.05, sum(site.pause) / 2)
    mean_round = sum(APPROVE_EVERY) / 2
    return (viewers + readers + 2 * contributors) / mean_pause + 2 * len(site.leads) / mean_round


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
    worker: subprocess.Popen[bytes] | None = None
    try:
        print(machine())
        print(code_under_test())
        prepared = prepare(folder, users)
        (folder / "var" / "static").mkdir(parents=True, exist_ok=True)
        port = free_port()
        processes, how_served = gunicorn_options()
        log = folder / "server.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "plantracker.wsgi:application",
             "--bind", f"{HOST}:{port}", *processes, "--timeout", str(int(TIMEOUT)),
             "--log-level", "warning"],
            # The web server logs each value it computes (tracker.selectors.cached), counted
            # by the Meter; its other lines are shown after the run.
            env={**os.environ, "LOG_LEVEL": "DEBUG"},
            stderr=log.open("wb"),
        )  # fmt: skip
        if has_worker():
            worker = subprocess.Popen(
                [sys.executable, "-m", "plantracker.cli", "db_worker", "--no-reload"],
                env=os.environ.copy(),
                stdout=subprocess.DEVNULL,
                # At the lowest CPU priority, as docs/deployment.md runs it: pages come first.
                preexec_fn=lambda: os.nice(WORKER_NICE),
            )
        roots = {"web server": server.pid}
        if worker is not None:
            roots["worker"] = worker.pid
        if prepared["postgres_pid"]:
            roots["PostgreSQL"] = int(prepared["postgres_pid"])  # type: ignore[call-overload]
        meter = Meter(roots, log)
        fields = {k: v for k, v in prepared.items() if k in Site.__annotations__}
        site = Site(port=port, pause=pause, **fields)  # type: ignore[arg-type]
        asyncio.run(_wait_until_up(port, server))
        ready = asyncio.run(_closed_reports(site))
        redis = "Redis" if os.environ.get("PLANTRACKER_REDIS_URL") else "local memory"
        print(
            f"data: synth --scale 10, {prepared['items']} items, {len(site.periods)} periods "
            f"(imported in {prepared['import_seconds']:.1f} s); gunicorn {how_served}"
            f"{f' and a background worker at nice {WORKER_NICE}' if worker else ''}"
            f"{'' if worker else ', no background worker'}; "
            f"page fragments in {redis}; {users} people ({len(site.leads)} leads approving "
            f"every {APPROVE_EVERY[0]:g}-{APPROVE_EVERY[1]:g} s) for {duration:.0f} s, "
            f"pausing {pause[0]:g}-{pause[1]:g} s"
        )
        how = "built by the worker since the close" if worker else "rendered by the request"
        print(f"closed period's report files before the run ({how}): " + ", ".join(
            f"{fmt} served after {seconds:.1f} s" for fmt, seconds in ready.items()
        ))  # fmt: skip
        results = asyncio.run(run_load(site, users, duration, args.seed, meter))
        report(results, results.elapsed, asked_rate(site, users))
        report_meter(meter, results)
        return 1 if results.errors else 0
    finally:
        _stop(worker)
        _stop(server)
        _replay(folder / "server.log")
        shutil.rmtree(folder, ignore_errors=True)


def gunicorn_options() -> tuple[list[str], str]:
    """How the code under test is served: with its gunicorn settings (ADR 0090), as a
    deployment runs it, or 5 sync workers in code that has none."""
    if find_spec(GUNICORN_CONF) is None:
        return ["--workers", str(WORKERS)], f"{WORKERS} sync workers"
    import importlib

    conf = importlib.import_module(GUNICORN_CONF)
    return ["-c", f"python:{GUNICORN_CONF}"], (
        f"{conf.workers} {conf.worker_class} workers x {conf.threads} threads ({GUNICORN_CONF})"
    )


def _replay(log: Path) -> None:
    """The web server's log but the lines of what it computed."""
    if log.exists():
        for line in log.read_text("utf-8", "replace").splitlines():
            if not COMPUTED.search(line):
                print(line, file=sys.stderr)


def report_meter(meter: Meter, results: Results) -> None:
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in meter.used.items())
    print(
        f"\nCPU used while the clock ran ({results.elapsed:.1f} s, "
        f"{results.elapsed * (os.cpu_count() or 1):.0f} CPU-seconds on {os.cpu_count()} cores): "
        f"{parts}"
    )
    approvals = len(results.times.get("approve an update (lead)", []))
    if meter.computed:
        done = ", ".join(
            f"{kind} {count} times ({meter.computed_ms[kind] / 1000:.1f} s of CPU, parts included)"
            for kind, count in meter.computed.most_common()
        )
        per = meter.computed["plan"] / approvals if approvals else float("nan")
        print(
            f"the web server computed: {done}; the approved plan {per:.1f} times per approval "
            f"({approvals} approvals, {len(meter.versions)} data versions)"
        )


async def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    # Five workers each import the application: minutes on a busy 2-core machine.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            if (await Browser(port).request("GET", "/healthz"))[0] == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 600 s")


async def _closed_reports(site: Site) -> dict[str, float]:
    """Ask for each of the closed period's files until it is served; seconds until each was,
    from the first ask (the worker builds them in the order they were queued at the close)."""
    browser = Browser(site.port)
    await browser.sign_in(site.viewers[0])
    started = time.perf_counter()
    ready = {}
    for fmt in FORMATS:
        path = f"/plans/{SLUG}/{site.closed}/report.{fmt}"
        while True:
            status, _ = await browser.request("GET", path)
            if status == 200:
                break
            if status != 202 or time.perf_counter() - started > PREPARED_WITHIN:
                raise RuntimeError(f"the {fmt} report answered {status}")
            await asyncio.sleep(1.0)
        ready[fmt] = time.perf_counter() - started
    return ready


def report(results: Results, elapsed: float, asked: float) -> None:
    total = sum(len(times) for times in results.times.values())
    errors = sum(len(problems) for problems in results.errors.values())
    rate = total / elapsed
    health = len(results.times.get("/healthz (minimal view)", []))
    served = (total - health) / elapsed
    print(
        f"\n{total} requests answered in {elapsed:.1f} s ({rate:.1f}/s), {errors} errors; "
        f"without /healthz {served:.1f}/s served of about {asked:.1f}/s the people ask "
        f"({served / asked:.0%})\n"
    )
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
