"""`plantracker demo`: the README's run command.

Migrates the database (SQLite in ./var unless DATABASE_URL says otherwise), imports the
example plan (re-running updates it in place), creates one demo account per role with a
fresh password printed on the terminal, writes the example's reports in every format to
./out, collects the static files and serves the application with gunicorn and whitenoise on
http://127.0.0.1:8000 — loopback only — beside the background worker that builds report
files (`db_worker`, ADR 0067). The two stop together: Ctrl+C or SIGTERM stops both, and
either stopping on its own stops the other. ``--no-serve`` stops before serving (tests, CI).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plantracker.domain.model import Kind
from plantracker.domain.periods import default_period
from plantracker.files import write_atomically
from plantracker.planfile import PlanFileError, load_plan
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import Item, PlanRecord, Role, User
from plantracker.tracker.selectors import period_result, plan_by_slug, plan_domain
from plantracker.tracker.services import (
    ServiceError,
    item_owner_link,
    member_add,
    plan_import,
    slug_for_title,
)

EXAMPLE = Path("examples/childrens-improvement-plan.yaml")
HOST = "127.0.0.1"  # the demo never listens beyond this machine
DOMAIN = "example.org"
DEMO_OWNER = "Head of Service, Leaving Care"  # the example's owner the demo contributor plays


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str
    scope: str


def _demo_password(email: str) -> str:
    """A fresh random password the site's password rules accept for ``email``: now and then
    a random one resembles the address ("admin"), which the similarity rule refuses."""
    for _ in range(100):
        password = "demo-" + secrets.token_urlsafe(9)
        try:
            validate_password(password, User(username=email, email=email))
        except ValidationError:
            continue
        return password
    raise CommandError(f"could not make a password the password rules accept for {email}")


class Command(BaseCommand):
    help = (
        "Run the demonstration: example plan, one demo account per role, reports in ./out, "
        f"the web application on http://{HOST}:8000."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--plan", default=str(EXAMPLE), metavar="FILE", help=f"plan file (default: {EXAMPLE})"
        )
        parser.add_argument("--out", default="out", metavar="DIR", help="folder for the reports")
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument("--no-serve", action="store_true", help="prepare everything, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        plan_file = Path(options["plan"])
        out = Path(options["out"])
        port: int = options["port"]
        if not plan_file.is_file():
            raise CommandError(
                f"{plan_file}: no such plan file; run the demo from the project's folder "
                "or give --plan FILE"
            )
        if not 0 < port < 65536:
            raise CommandError(f"--port {port}: give a port between 1 and 65535")
        if not options["no_serve"]:
            _check_port_free(port)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out}: exists and is not a folder")

        self._step("Database")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"  {_database_name()} is up to date")

        self._step("Example plan")
        record = self._import(plan_file)

        self._step("Demo accounts")
        accounts = self._accounts(record)

        self._step("Reports")
        out.mkdir(parents=True, exist_ok=True)
        self._reports(record, out)

        self._step("Static files")
        call_command("collectstatic", interactive=False, verbosity=0)
        stylesheet = Path(__file__).resolve().parents[3] / "web" / "static" / "web" / "app.css"
        if stylesheet.is_file():
            self.stdout.write(f"  collected in {settings.STATIC_ROOT}")
        else:
            self.stdout.write(
                "  the stylesheet is not built (needs npm: run `make setup`); pages will "
                "work, unstyled"
            )

        self._sign_in_details(accounts, port, record)
        if options["no_serve"]:
            return
        self._serve(port, options["workers"])

    # --- steps ---------------------------------------------------------------------------

    def _step(self, title: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(title))

    def _import(self, plan_file: Path) -> PlanRecord:
        try:
            plan = load_plan(plan_file)
        except PlanFileError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{plan_file}: cannot read: {exc.strerror}") from None
        slug = slug_for_title(plan.title)
        existed = plan_by_slug(slug=slug) is not None
        try:
            record = plan_import(plan=plan, slug=slug)
        except ServiceError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        items = sum(len(rec.items(kind)) for rec in plan.recommendations for kind in Kind)
        verb = "updated" if existed else "imported"
        self.stdout.write(
            f"  {plan_file} {verb} as '{slug}': {len(plan.recommendations)} recommendations, "
            f"{items} items, {len(plan.periods)} periods ({record.organisation.name})"
        )
        return record

    def _accounts(self, record: PlanRecord) -> list[DemoAccount]:
        accounts = []
        for role in Role:
            # The lead and the contributor work on this plan; the admin and the viewer
            # (a councillor, say) see every plan of the organisation.
            # The inspector reads this plan for 30 days from today (ADR 0080).
            on_plan = role in (Role.LEAD, Role.CONTRIBUTOR, Role.INSPECTOR)
            ends_on = timezone.localdate() + timedelta(days=30) if role is Role.INSPECTOR else None
            scope = record.title if on_plan else f"every plan of {record.organisation.name}"
            account = DemoAccount(
                role=role,
                email=f"{role.value}@{DOMAIN}",
                password=_demo_password(f"{role.value}@{DOMAIN}"),
                scope=f"{scope} until {ends_on:%d %B %Y}" if ends_on else scope,
            )
            try:
                added = member_add(
                    email=account.email,
                    role=role,
                    plan=record if on_plan else None,
                    organisation=record.organisation,
                    password=account.password,
                    ends_on=ends_on,
                )
            except ServiceError as exc:
                raise CommandError("\n".join(exc.messages)) from None
            self.stdout.write(f"  {account.email}: {role.label}, {account.scope}")
            if role is Role.CONTRIBUTOR:
                self._link_owner(record, added.user)
            accounts.append(account)
        return accounts

    def _link_owner(self, record: PlanRecord, user: User) -> None:
        """The demo contributor owns the items of one owner, so that "My updates" and the
        quarterly cycle can be tried at once."""
        items = Item.objects.filter(plan=record, owner=DEMO_OWNER)
        for item in items:
            item_owner_link(item=item, user=user)
        self.stdout.write(f"    owns the {items.count()} items of {DEMO_OWNER}")

    def _reports(self, record: PlanRecord, out: Path) -> None:
        plan = plan_domain(plan_record=record)
        period = default_period(plan)
        if period is None:
            raise CommandError(f"{record.slug}: the plan declares no periods to report")
        # A period closed in an earlier run reports from its snapshot.
        report = build_report(period_result(plan_record=record, period_code=period.id, live=plan))
        for renderer in RENDERERS.values():
            target = out / f"{record.slug}-{period.id}{renderer.suffix}"
            content = renderer.render(report)
            write_atomically(target, content)
            self.stdout.write(f"  {target}: {renderer.name}, {len(content):,} bytes")

    def _sign_in_details(self, accounts: list[DemoAccount], port: int, record: PlanRecord) -> None:
        width = max(len(account.email) for account in accounts)
        rule = "=" * 72
        lines = [
            "",
            rule,
            f"  plantracker demo — http://{HOST}:{port}/",
            "",
            "  DEMO-ONLY accounts (new passwords on every run; never use these anywhere else):",
            "",
        ]
        for account in accounts:
            lines.append(
                f"    {account.email.ljust(width)}  {account.password}  ({account.role.label})"
            )
        lines += [
            "",
            f"  Plan: {record.title} — http://{HOST}:{port}/plans/{record.slug}/",
            rule,
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _serve(self, port: int, workers: int) -> None:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "plantracker.settings"
            ),
            "PLANTRACKER_VAR_DIR": str(settings.VAR_DIR),
            # What a user sees: the application's own error pages, not Django's debug pages.
            "DEBUG": os.environ.get("DEBUG", "false"),
            # The workflow's emails are printed here by the worker, never sent (ADR 0077),
            # with links to this server.
            "EMAIL_BACKEND": os.environ.get(
                "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
            ),
            "SITE_URL": os.environ.get("SITE_URL", f"http://{HOST}:{port}"),
        }
        server = [
            sys.executable,
            "-m",
            "gunicorn",
            "plantracker.wsgi:application",
            # The deployment's settings (threads, ADR 0090); --workers as asked.
            "-c",
            "python:plantracker.gunicorn_conf",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(max(1, workers)),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        # The background worker: report files are built here, never in a request. It runs at
        # the lowest CPU priority, so that people's pages come first (docs/deployment.md).
        worker = [
            "nice",
            "-n",
            "19",
            sys.executable,
            "-m",
            "plantracker.cli",
            "db_worker",
            "--no-reload",
        ]
        self.stdout.write(
            f"Serving on http://{HOST}:{port}/ with a background worker for report files and "
            "emails (printed here, not sent) — press Ctrl+C to stop."
        )
        self.stdout.flush()
        sys.stderr.flush()
        _run_together({"the web server": server, "the background worker": worker}, environment)


def _run_together(commands: dict[str, list[str]], environment: dict[str, str]) -> None:
    """Run the commands until one stops or this process is asked to stop; then stop all.

    Ctrl+C (SIGINT) and SIGTERM are passed on as SIGTERM, which both gunicorn and the worker
    take as "finish what you are doing and exit". Each child also gets SIGTERM if this
    process dies without passing it on (Linux's parent-death signal), so no server or worker
    is left running behind a stopped demo.
    """
    asked: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = {
        name: subprocess.Popen(command, env=environment, preexec_fn=_stop_with_parent)
        for name, command in commands.items()
    }
    stopped: list[str] = []
    try:
        while not asked and not stopped:
            stopped = [name for name, process in processes.items() if process.poll() is not None]
            time.sleep(0.2)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopped and not asked:
        code = processes[stopped[0]].returncode
        raise CommandError(f"{stopped[0]} stopped (exit status {code}); stopped the rest too")


def _stop_with_parent() -> None:
    """In the child before it starts: SIGTERM when the demo dies (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _Indented:
    """Another command's output, indented under the demo's step headings."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str, *args: Any, **kwargs: Any) -> None:
        self.stream.write("  " + text.rstrip("\n"))

    def flush(self) -> None:
        self.stream.flush()


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            raise CommandError(
                f"port {port} on {HOST} is in use; stop the other server or give --port"
            ) from None


def _database_name() -> str:
    database = settings.DATABASES["default"]
    if "sqlite" in str(database.get("ENGINE", "")):
        return f"SQLite database {database['NAME']}"
    return f"database {database.get('NAME')} on {database.get('HOST') or 'localhost'}"
