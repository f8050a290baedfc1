"""`plantracker demo` serving: the web server and the background worker run and stop together.

The demo runs as `make run` runs it, on a free port with a database and var folder of its
own. A report asked for on the web is built by the demo's worker (the page says it is being
prepared until then), and the README's curl walk-through, run as written, waits through the
API's 202 answers for its PDF; SIGTERM to the demo stops the web server, its workers and the
background worker, and either stopping on its own stops the other (ADR 0067).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from tests.databases import PLANTRACKER, scratch_database
from tests.web.test_server_restart import EXAMPLE, Browser, free_port

from plantracker.tracker.management.commands import demo as demo_command

pytestmark = [
    pytest.mark.slow,
    pytest.mark.engine_independent(
        reason="the demo is `make run`, on SQLite in ./var; gunicorn and the background worker "
        "on PostgreSQL are tested by test_server_restart.py and test_two_servers.py"
    ),
]

REPORT = "/plans/childrens-improvement-plan/2018-19-Q2/report.html"


def children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@contextmanager
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path, dict[str, str]]]:
    port = free_port()
    log = tmp_path / "demo.log"
    with scratch_database(tmp_path) as env, log.open("wb") as output:
        env.update({"LOG_LEVEL": "WARNING"})
        process = subprocess.Popen(
            [str(PLANTRACKER), "demo", "--plan", str(EXAMPLE), "--port", str(port),
             "--workers", "1", "--out", str(tmp_path / "out")],
            cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process, port, log, env
        finally:
            if process.poll() is None:
                for pid in children(process.pid):
                    os.kill(pid, signal.SIGKILL)
                process.kill()
                process.wait(timeout=60)


def wait_until_serving(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            if Browser(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the demo did not serve within 600 s:\n{log.read_text()}")


def sign_in(port: int, log: Path) -> Browser:
    accounts = dict(re.findall(r"^\s+(\S+@example\.org)\s+(demo-\S+)\s+\(", log.read_text(), re.M))
    browser = Browser(port)
    status, page = browser.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token is not None
    status, _ = browser.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": "viewer@example.org",
            "password": accounts["viewer@example.org"],
        },
    )
    assert status == 302
    return browser


def walk_through(document: Path) -> str:
    """The shell block of a document's curl walk-through against the demo."""
    text = document.read_text()
    token = text.index("TOKEN=$(")
    start = text.rindex("```sh\n", 0, token) + len("```sh\n")
    return text[start : text.index("```", token)]


def test_the_readme_and_the_api_guide_show_the_same_walk_through() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = walk_through(root / "README.md")
    assert readme == walk_through(root / "docs" / "api.md")
    # curl --retry does not retry a 202: the walk-through loops while the answer is 202.
    assert "= 202 ]; do sleep 5; done" in readme


def test_the_demo_builds_reports_in_its_worker_and_stops_with_it(tmp_path: Path) -> None:
    script = walk_through(Path(__file__).resolve().parents[2] / "README.md")
    with demo(tmp_path) as (process, port, log, env):
        wait_until_serving(process, port, log)
        family = children(process.pid)
        lines = {pid: command_line(pid) for pid in family}
        assert any("gunicorn" in line for line in lines.values()), lines
        assert any("db_worker" in line for line in lines.values()), lines
        browser = sign_in(port, log)

        status, page = browser.request("GET", REPORT)
        assert status == 202, page[:500]
        assert b"The report is being prepared" in page

        # The README's walk-through as written (the demo's port, this checkout's command):
        # its report loop asks while the answer is 202, until the worker has built the PDF.
        script = script.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        script = script.replace(".venv/bin/plantracker", str(PLANTRACKER))
        walked = subprocess.run(
            ["bash", "-eu", "-c", script], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=600, check=False,
        )  # fmt: skip
        assert walked.returncode == 0, walked.stderr
        assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-"), walked.stderr

        # The web page's refresh, every few seconds, finds the HTML file built by then.
        deadline = time.monotonic() + 300
        while status == 202 and time.monotonic() < deadline:
            time.sleep(1)
            status, page = browser.request("GET", REPORT)
        assert status == 200, log.read_text()
        assert b"Update for Scrutiny" in page

        family = children(process.pid)  # gunicorn's workers too
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0, log.read_text()
        assert not [pid for pid in family if alive(pid)], {p: command_line(p) for p in family}


def test_either_process_stopping_stops_the_other() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    before = children(os.getpid())

    with pytest.raises(CommandError, match=r"the worker stopped \(exit status 3\); stopped"):
        demo_command._run_together({"the server": sleeper, "the worker": failing}, dict(os.environ))

    assert children(os.getpid()) <= before  # the sleeper was stopped, not left behind
