"""Workflow emails (ADR 0077), sent through Django's SMTP backend to a real SMTP server
(aiosmtpd on 127.0.0.1) by the task worker run in the test's process: recipients, subjects,
links, the leads' hourly digest, returned and approved notices, reminders repeated and
escalated, opt-outs, deactivated people, and a refused send retried and recorded."""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings
from tests.tasks import run_worker
from tests.tracker.workflow_site import Q3, WorkflowSite, make_reminder_site

from plantracker.domain.model import Kind
from plantracker.tracker.models import EmailSend, EmailState, Item, User
from plantracker.tracker.services import update_approve, update_return, update_send

pytestmark = pytest.mark.django_db

SITE = "https://plans.example.gov.uk"
PLAN = "Children's Improvement Plan"
PERIOD = "Q3 October – December 2018"


@dataclass
class Inbox:
    """What the SMTP server received; ``refuse`` answers that many messages with 451."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.messages if address in rcpt]

    def text(self, message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def html(self, message: EmailMessage) -> str:
        part = message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


def subject(message: EmailMessage) -> str:
    """The decoded subject (an encoded header may be folded onto its own line)."""
    return str(message["Subject"]).strip()


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, int], settings: Settings) -> Inbox:
    box, port = smtp_server
    box.messages.clear()
    box.refuse = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.SITE_URL = SITE
    settings.EMAIL_RETRY_DELAYS = (0,)  # one retry, at once: no waiting in a test
    return box


Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def work(django_capture_on_commit_callbacks: Capture) -> Callable[[], None]:
    """Run the worker until no task is ready, with the callbacks each transaction of the
    test (which never commits) would run on commit."""

    def drain() -> None:
        while True:
            with django_capture_on_commit_callbacks(execute=True):
                ran = run_worker()
            if not ran:
                return

    return drain


@pytest.fixture
def site() -> WorkflowSite:
    return make_reminder_site(date(2019, 1, 14))


def submit(site: WorkflowSite, ref: str, capture: Capture) -> Any:
    item = site.item(ref)
    fields: dict[str, Any] = {"value": "5"} if item.kind == Kind.KPI else {"status": "green"}
    with capture(execute=True):
        return update_send(
            actor=site.users["contributor"],
            subject=item,
            period=site.period(Q3),
            expected_version=0,
            submit=True,
            **fields,
        )


def test_leads_get_one_digest_an_hour_listing_the_submitted_updates(
    site: WorkflowSite,
    inbox: Inbox,
    work: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    site.users["lead2"].is_active = False
    site.users["lead2"].save()
    for ref in ("1.A1", "1.K1", "1.Q1"):
        submit(site, ref, django_capture_on_commit_callbacks)
    work()

    assert inbox.to("lead2@example.org") == []  # deactivated
    assert inbox.to("contributor@example.org") == []  # the submitter is not told
    [digest] = inbox.to("lead@example.org")
    assert subject(digest) == f"{PLAN}, {PERIOD}: 3 updates submitted for your review"
    text = inbox.text(digest)
    for name in ("Action 1.A1: Agree", "KPI 1.K1: Care leavers", " 1.Q1: "):
        assert name in text
    assert f"{SITE}/plans/cip/2018-19-Q3/review/" in text
    assert '<a href="https://plans.example.gov.uk/plans/cip/2018-19-Q3/review/">' in inbox.html(
        digest
    )

    # Another submission within the hour waits for the hour to pass.
    risk = site.risk()
    with django_capture_on_commit_callbacks(execute=True):
        update_send(
            actor=site.users["contributor"],
            subject=risk,
            period=site.period(Q3),
            expected_version=0,
            submit=True,
            status="amber",
        )
    work()
    assert len(inbox.to("lead@example.org")) == 1
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + timedelta(minutes=55)

    waiting.update(run_after=timezone.now())  # the hour has passed
    work()
    _first, second = inbox.to("lead@example.org")
    assert subject(second) == f"{PLAN}, {PERIOD}: 1 update submitted for your review"
    assert "Risk 1" in inbox.text(second) and "Action 1.A1" not in inbox.text(second)


def test_returned_update_tells_owner_and_deputy_with_the_comment(
    site: WorkflowSite,
    inbox: Inbox,
    work: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    item = site.item("1.A1")
    item.deputy_user = site.users["other"]
    item.save()
    entry = submit(site, "1.A1", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        update_return(
            actor=site.users["lead"],
            entry=entry,
            expected_version=entry.version,
            comment="Say which agencies have signed the protocol.",
        )
    inbox.messages.clear()
    work()

    for person in ("contributor", "other"):
        [returned] = [
            message
            for message in inbox.to(f"{person}@example.org")
            if "returned" in subject(message)
        ]
        assert subject(returned) == f"{PLAN}, {PERIOD}: Action 1.A1 was returned to you"
        text = inbox.text(returned)
        assert "“Say which agencies have signed the protocol.”" in text
        assert f"{SITE}/plans/cip/2018-19-Q3/updates/#item-{item.pk}" in text
        assert "Say which agencies have signed the protocol." in inbox.html(returned)
    assert inbox.to("lead@example.org") == []  # the lead who returned it is not told
    assert EmailSend.objects.filter(kind="returned", state=EmailState.SENT).count() == 2


def test_approved_email_respects_the_owners_choice_on_my_notifications(
    site: WorkflowSite,
    inbox: Inbox,
    work: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    client: Client,
) -> None:
    entry = submit(site, "1.A1", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
    work()
    [approved] = inbox.to("contributor@example.org")
    assert subject(approved) == f"{PLAN}, {PERIOD}: Action 1.A1 was approved"

    # The owner turns approvals off on their page; the essential emails are listed as such.
    assert client.get("/account/notifications/").status_code == 302  # signed out: sign in
    client.force_login(site.users["contributor"])
    page = client.get("/account/notifications/").content.decode()
    assert "My updates approved" in page and "returned to you" in page
    response = client.post("/account/notifications/", {"submitted": "on"}, follow=True)
    assert "Your email choices were saved" in response.content.decode()

    inbox.messages.clear()
    entry = submit(site, "1.Q1", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
    work()
    assert inbox.to("contributor@example.org") == []
    assert EmailSend.objects.filter(kind="approved").count() == 1  # the first one only


def _days_pass(days: int) -> None:
    for send in EmailSend.objects.all():
        send.created_at -= timedelta(days=days)
        send.save(update_fields=["created_at"])


def test_reminders_repeat_every_n_working_days_and_escalate_after_m(
    site: WorkflowSite, inbox: Inbox, settings: Settings
) -> None:
    settings.REMINDER_REPEAT_DAYS = 1
    settings.REMINDER_ESCALATE_AFTER = 2
    settings.BANK_HOLIDAYS = "none"
    site.users["lead2"].is_active = False
    site.users["lead2"].save()

    def remind() -> list[str]:
        inbox.messages.clear()
        call_command("remind", "--period", Q3, stdout=io.StringIO())
        return sorted(address for rcpt, _ in inbox.messages for address in rcpt)

    assert remind() == ["contributor@example.org", "lead@example.org"]  # missing; unlinked
    [reminder] = inbox.to("contributor@example.org")
    assert subject(reminder) == f"{PLAN}: 4 updates missing for {PERIOD}"
    assert f"{SITE}/plans/cip/2018-19-Q3/updates/" in inbox.text(reminder)
    assert remind() == []  # the same day: already reminded

    _days_pass(3)
    assert remind() == ["contributor@example.org", "lead@example.org"]
    assert all("still missing" not in subject(m) for m in inbox.to("lead@example.org"))

    _days_pass(3)  # the third reminder: the owner has had two, so the leads are told
    assert remind() == ["contributor@example.org", "lead@example.org", "lead@example.org"]
    [escalation] = [m for m in inbox.to("lead@example.org") if "still missing" in subject(m)]
    assert subject(escalation) == f"{PLAN}: 1 owner still missing updates for {PERIOD}"
    text = inbox.text(escalation)
    assert "contributor@example.org, reminded 2 times:" in text
    assert "Action 1.A1: Agree the multi-agency protocol" in text
    assert "<li>Action 1.A1: Agree the multi-agency protocol</li>" in inbox.html(escalation)


def test_a_refused_send_is_retried_then_recorded_as_failed(
    site: WorkflowSite,
    inbox: Inbox,
    work: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
    admin_client: Client,
) -> None:
    caplog.set_level(logging.INFO, logger="plantracker")
    Item.objects.filter(pk=site.item("1.A1").pk).update(deputy_user=None)
    User.objects.filter(username="lead2@example.org").update(is_active=False)

    inbox.refuse = 1  # busy once: the retry delivers it
    submit(site, "1.A1", django_capture_on_commit_callbacks)
    work()
    assert len(inbox.to("lead@example.org")) == 1  # delivered by the retry
    send = EmailSend.objects.get(kind="submitted")
    assert (send.state, send.attempts) == (EmailState.SENT, 2)
    assert "451" in send.error

    inbox.refuse = 5  # refused every time: failed for good after the retries
    submit(site, "1.Q1", django_capture_on_commit_callbacks)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    work()
    failed = EmailSend.objects.get(kind="submitted", state=EmailState.FAILED)
    assert failed.attempts == 2 and "451" in failed.error
    assert len(inbox.to("lead@example.org")) == 1
    logged = [record.getMessage() for record in caplog.records]
    assert any(
        "failed for good after 2 attempts" in line and "lead@example.org" in line for line in logged
    )
    assert not any("1.Q1" in line for line in logged)  # no message body in the log

    # The operator sees it in the admin, with the error and never the body, and sends again.
    listing = admin_client.get("/admin/tracker/emailsend/?state__exact=failed").content.decode()
    assert "lead@example.org" in listing and "Failed" in listing
    detail = admin_client.get(f"/admin/tracker/emailsend/{failed.pk}/change/").content.decode()
    assert "451" in detail and "1.Q1" not in detail
    inbox.refuse = 0
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/tracker/emailsend/",
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    work()
    failed.refresh_from_db()
    assert failed.state == EmailState.SENT
    assert len(inbox.to("lead@example.org")) == 2


def test_a_reminder_the_server_refuses_is_left_to_the_worker(
    site: WorkflowSite,
    inbox: Inbox,
    work: Callable[[], None],
    settings: Settings,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.BANK_HOLIDAYS = "none"
    inbox.refuse = 1  # the owner's reminder is refused; the leads' go
    err = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", "--period", Q3, stdout=io.StringIO(), stderr=err)
    assert "1 reminder could not be sent now; the worker tries again" in err.getvalue()
    assert inbox.to("contributor@example.org") == []
    work()
    assert len(inbox.to("contributor@example.org")) == 1
    assert set(EmailSend.objects.values_list("state", flat=True)) == {EmailState.SENT}
