"""Workflow emails (ADR 0077): to the leads when updates are submitted (an hourly digest), to
the owner and deputy when an update is returned or approved; the reminders of missing
updates are ``services.reminders``'s, sent through the same outbox.

Every email is first a row (``EmailSend``) written in the transaction of the change that
calls for it; once that transaction commits, a task (``tasks.email_send``) delivers it
through Django's email backend (SMTP, GOV.UK Notify, or the console: docs/deployment.md).
A request never waits for a mail server. A failed send is tried again after each of
``settings.EMAIL_RETRY_DELAYS`` seconds, then marked failed; every failure is logged with
the address and the error, never the body, and the row stays for an operator to see in the
admin.

Nobody deactivated is emailed, and nobody who turned off that kind of email on their
"My notifications" page (only the non-essential kinds can be: ``OPTIONAL``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plantracker.tracker.models import (
    EmailKind,
    EmailSend,
    EmailState,
    EntryState,
    Item,
    KpiValue,
    LeadDigest,
    NotificationPreference,
    Period,
    PlanRecord,
    Risk,
    RiskUpdate,
    Update,
    User,
)
from plantracker.tracker.selectors.reminders import plan_leads
from plantracker.tracker.selectors.update_rows import subject_key
from plantracker.tracker.selectors.workflow import Entry, entry_subject, subject_name

log = logging.getLogger(__name__)

# The kinds a person may turn off, and the preference field of each (ADR 0077).
OPTIONAL = {EmailKind.SUBMITTED: "submitted", EmailKind.APPROVED: "approved"}
DIGEST_INTERVAL = timedelta(hours=1)
# A digest scheduled this long ago and never sent died with its worker: schedule it again.
DIGEST_STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class Email:
    """One email to one person, before it is queued. ``lines`` are paragraphs; a paragraph
    that is a tuple is a list; ``link`` is (words, absolute URL)."""

    kind: EmailKind
    user: User
    subject: str
    lines: tuple[str | tuple[str, ...], ...]
    link: tuple[str, str]
    plan: PlanRecord | None = None
    period_code: str = ""


def absolute_url(path: str) -> str:
    """``path`` on the address people use (``settings.SITE_URL``)."""
    return str(settings.SITE_URL).rstrip("/") + path


def email_text(email: Email) -> str:
    parts: list[str] = ["Hello,", ""]
    for line in email.lines:
        if isinstance(line, tuple):
            parts += [f"  - {item}" for item in line]
        else:
            parts.append(line)
        parts.append("")
    words, url = email.link
    parts += [f"{words}: {url}", "", "Thank you.", "", _footer_text()]
    return "\n".join(parts)


def _footer_text() -> str:
    return (
        "You can turn off the emails you do not need on your My notifications page: "
        + absolute_url(reverse("web:notifications"))
    )


def email_html(email: Email) -> str:
    """Simple, accessible HTML: a language, a title, real paragraphs and lists, and a link
    whose words say where it goes; no images, no layout tables."""
    body: list[str] = ["<p>Hello,</p>"]
    for line in email.lines:
        if isinstance(line, tuple):
            body.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in line) + "</ul>")
        else:
            body.append(f"<p>{escape(line)}</p>")
    words, url = email.link
    body.append(f'<p><a href="{escape(url)}">{escape(words)}</a></p>')
    body.append("<p>Thank you.</p>")
    notifications = absolute_url(reverse("web:notifications"))
    body.append(
        f'<p>You can turn off the emails you do not need on your <a href="{escape(notifications)}">'
        "My notifications page</a>.</p>"
    )
    return _html_page(email.subject, body)


def text_html(subject: str, body: str) -> str:
    """The HTML of a plain-text email written as ``email_text`` writes them (paragraphs,
    "  - " list lines, a last "Words: URL" line per link): the reminders'."""
    lines: list[str | tuple[str, ...]] = []
    link_parts: list[str] = []
    for paragraph in body.split("\n\n"):
        rows = paragraph.splitlines()
        items = tuple(row.strip()[2:] for row in rows if row.startswith("  - "))
        text = " ".join(row for row in rows if not row.startswith("  - ")).strip()
        words, _, url = text.rpartition(": ")
        if url.startswith(("http://", "https://")) and " " not in url:
            link_parts.append(
                f'<p><a href="{escape(url)}">{escape(words.removesuffix(" here"))}</a></p>'
            )
            continue
        if text and text not in ("Hello,", "Thank you."):
            lines.append(text)
        if items:
            lines.append(items)
    body_html = ["<p>Hello,</p>"]
    for line in lines:
        if isinstance(line, tuple):
            body_html.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in line) + "</ul>")
        else:
            body_html.append(f"<p>{escape(line)}</p>")
    return _html_page(subject, [*body_html, *link_parts, "<p>Thank you.</p>"])


def _html_page(subject: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5">\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# --- who gets what ------------------------------------------------------------------------


def preferences_of(user: User) -> NotificationPreference:
    """``user``'s choices (every email on when they never chose)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def wants(user: User, kind: EmailKind) -> bool:
    """Whether ``user`` is emailed ``kind``: never when deactivated or without an address;
    the optional kinds only while turned on."""
    if not user.is_active or not (user.email or user.username):
        return False
    name = OPTIONAL.get(kind)
    return name is None or bool(getattr(preferences_of(user), name))


@transaction.atomic
def notification_preferences_set(*, actor: User, submitted: bool, approved: bool) -> None:
    """Turn the optional emails on or off for ``actor`` (a person sets only their own)."""
    NotificationPreference.objects.update_or_create(
        user=actor, defaults={"submitted": submitted, "approved": approved}
    )


# --- the outbox ---------------------------------------------------------------------------


def emails_queue(emails: Iterable[Email], *, deliver: bool = True) -> list[EmailSend]:
    """Write a row for each email its recipient wants and, with ``deliver``, have the worker
    send each once the caller's transaction commits. The rows queued."""
    now = timezone.now()
    queued = [
        EmailSend.objects.create(
            kind=email.kind,
            user=email.user,
            to=email.user.email or email.user.username,
            subject=email.subject,
            body=email_text(email),
            html=email_html(email),
            plan=email.plan,
            period_code=email.period_code,
            created_at=now,
        )
        for email in emails
        if wants(email.user, email.kind)
    ]
    if deliver:
        for send in queued:
            _enqueue(send.pk, run_after=None)
    return queued


def _enqueue(send_id: int, *, run_after: datetime | None) -> None:
    from plantracker.tracker.tasks import email_send

    def enqueue() -> None:
        task = email_send.using(run_after=run_after) if run_after is not None else email_send
        task.enqueue(send_id=send_id)

    # A failure to queue is logged by Django (robust) and leaves the row queued, where the
    # admin shows it and its "Send again" action queues it again.
    transaction.on_commit(enqueue, robust=True)


def email_deliver(*, send_id: int, now: datetime | None = None) -> str:
    """Send one queued email (the worker's task); its state afterwards.

    A failure is counted and, while ``settings.EMAIL_RETRY_DELAYS`` has a delay for it,
    queued again after that delay; after the last it is marked failed. The recipient's
    address and the error are logged, never the message.
    """
    send = EmailSend.objects.filter(pk=send_id).select_related("user").first()
    if send is None or send.state != EmailState.QUEUED:
        return send.state if send is not None else "gone"
    if send.user is not None and not send.user.is_active:
        send.state = EmailState.CANCELLED
        send.save(update_fields=["state"])
        return send.state
    message = EmailMultiAlternatives(
        subject=send.subject,
        body=send.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[send.to],
        connection=get_connection(),
    )
    if send.html:
        message.attach_alternative(send.html, "text/html")
    send.attempts += 1
    now = now or timezone.now()
    try:
        message.send()
    except Exception as exc:  # any backend's failure: SMTP, Notify's HTTP API, a socket
        send.error = f"{type(exc).__name__}: {exc}"[:2000]
        delays: Sequence[int] = settings.EMAIL_RETRY_DELAYS
        if send.attempts <= len(delays):
            delay = delays[send.attempts - 1]
            log.warning(
                "email %s to %s failed (attempt %d), trying again in %d s: %s",
                send.pk,
                send.to,
                send.attempts,
                delay,
                send.error,
            )
            with transaction.atomic():
                send.save(update_fields=["attempts", "error"])
                _enqueue(send.pk, run_after=now + timedelta(seconds=delay) if delay else None)
        else:
            send.state = EmailState.FAILED
            log.error(
                "email %s to %s failed for good after %d attempts: %s",
                send.pk,
                send.to,
                send.attempts,
                send.error,
            )
            send.save(update_fields=["attempts", "error", "state"])
        return send.state
    send.state = EmailState.SENT
    send.sent_at = timezone.now()
    send.save(update_fields=["attempts", "error", "state", "sent_at"])
    log.info("email %s (%s) sent to %s", send.pk, send.kind, send.to)
    return send.state


@transaction.atomic
def emails_send_again(*, sends: Iterable[EmailSend]) -> int:
    """Queue failed (or stuck) emails again from the start: the admin's action."""
    count = 0
    for send in sends:
        if send.state == EmailState.SENT:
            continue
        EmailSend.objects.filter(pk=send.pk).update(state=EmailState.QUEUED, attempts=0)
        _enqueue(send.pk, run_after=None)
        count += 1
    return count


# --- returned and approved ----------------------------------------------------------------


def _entry_people(entry: Entry, *, lead: User) -> list[User]:
    """Who hears of the lead's decision: the owner linked to the item or risk, its deputy,
    and whoever submitted it; never the lead who decided."""
    subject = entry_subject(entry)
    people = [subject.owner_user, entry.submitted_by]
    if isinstance(subject, Item):
        people.insert(1, subject.deputy_user)
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.pk != lead.pk:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def _named(entry: Entry) -> str:
    """``Action 1.A1: Agree the multi-agency protocol``."""
    subject = entry_subject(entry)
    return f"{subject_name(subject)}: {subject.title}"


def _updates_link(plan: PlanRecord, period: Period, subject: Item | Risk) -> str:
    path = reverse("web:my-updates", args=[plan.slug, period.code])
    return absolute_url(f"{path}#{subject_key(subject)}")


def returned_notice_queue(*, entry: Entry, lead: User) -> None:
    """Tell the owner (and deputy, and submitter) that ``entry`` came back, with the lead's
    comment: essential, it asks them to act."""
    subject = entry_subject(entry)
    plan, period = subject.plan, entry.period
    name = subject_name(subject)
    emails = [
        Email(
            kind=EmailKind.RETURNED,
            user=person,
            subject=f"{plan.title}, {period.label}: {name} was returned to you",
            lines=(
                f"{lead.get_full_name() or lead.username} returned the {period.label} update "
                f"of {_named(entry)} with this comment:",
                f"“{entry.review_comment}”",
                "Change the update and submit it again.",
            ),
            link=(f"Change the update of {name}", _updates_link(plan, period, subject)),
            plan=plan,
            period_code=period.code,
        )
        for person in _entry_people(entry, lead=lead)
    ]
    emails_queue(emails)


def approved_notice_queue(*, entries: Sequence[Entry], lead: User) -> None:
    """Tell each owner, deputy and submitter which of their updates the lead approved: one
    email per person and period, however many were approved at once."""
    grouped: dict[tuple[int, int], list[Entry]] = {}
    people: dict[int, User] = {}
    for entry in entries:
        for person in _entry_people(entry, lead=lead):
            people[person.pk] = person
            grouped.setdefault((person.pk, entry.period_id), []).append(entry)
    emails: list[Email] = []
    for (person_pk, _period_id), approved in grouped.items():
        first = approved[0]
        subject = entry_subject(first)
        plan, period = subject.plan, first.period
        names = tuple(
            _named(entry)
            + (f" — comment: “{entry.review_comment}”" if entry.review_comment else "")
            for entry in approved
        )
        count = len(approved)
        emails.append(
            Email(
                kind=EmailKind.APPROVED,
                user=people[person_pk],
                subject=f"{plan.title}, {period.label}: "
                + (
                    f"{subject_name(subject)} was approved"
                    if count == 1
                    else f"{count} updates were approved"
                ),
                lines=(
                    f"{lead.get_full_name() or lead.username} approved "
                    f"{'this update' if count == 1 else 'these updates'} for {period.label}; "
                    "the plan's summaries and reports now show "
                    f"{'it' if count == 1 else 'them'}:",
                    names,
                ),
                link=("See your updates", _updates_link(plan, period, subject)),
                plan=plan,
                period_code=period.code,
            )
        )
    emails_queue(emails)


# --- submitted: the leads' hourly digest --------------------------------------------------


def submitted_notice_queue(*, plan: PlanRecord, submitter: User) -> None:
    """Updates of ``plan`` were submitted: make sure each lead who wants it has a digest on
    its way, at most one an hour (the first at once, later ones an hour after the last)."""
    now = timezone.now()
    for lead in plan_leads(plan_record=plan):
        if lead.pk == submitter.pk or not wants(lead, EmailKind.SUBMITTED):
            continue
        digest, _ = LeadDigest.objects.select_for_update(of=("self",)).get_or_create(
            lead=lead, plan=plan
        )
        if digest.scheduled_for is not None and digest.scheduled_for > now - DIGEST_STALE:
            continue  # one is coming, and will list this submission too
        due = now
        if digest.last_sent_at is not None:
            due = max(now, digest.last_sent_at + DIGEST_INTERVAL)
        digest.scheduled_for = due
        digest.save(update_fields=["scheduled_for"])
        lead_id, plan_id = lead.pk, plan.pk

        def enqueue(lead_id: int = lead_id, plan_id: int = plan_id, due: datetime = due) -> None:
            from plantracker.tracker.tasks import lead_digest_send

            task = lead_digest_send.using(run_after=due) if due > now else lead_digest_send
            task.enqueue(lead_id=lead_id, plan_id=plan_id)

        transaction.on_commit(enqueue, robust=True)


def _awaiting(plan: PlanRecord, since: datetime | None, lead: User) -> list[Entry]:
    """Entries of ``plan`` awaiting review, submitted after ``since`` by someone else."""
    found: list[Entry] = []
    for model, path in ((Update, "item"), (KpiValue, "item"), (RiskUpdate, "risk")):
        rows = model.objects.filter(
            **{f"{path}__plan": plan}, state=EntryState.SUBMITTED
        ).select_related(f"{path}__plan", "period", "submitted_by")
        if since is not None:
            rows = rows.filter(submitted_at__gt=since)
        found += list(rows.filter(~Q(submitted_by=lead)))
    found.sort(key=lambda entry: (entry.period.position, entry.submitted_at, entry.pk))
    return found


@transaction.atomic
def lead_digest_send(*, lead_id: int, plan_id: int, now: datetime | None = None) -> int:
    """The digest of ``plan``'s updates submitted since the lead's last one (the worker's
    task): one email listing them, queued; the number listed."""
    now = now or timezone.now()
    digest = (
        LeadDigest.objects.select_for_update(of=("self",))
        .filter(lead_id=lead_id, plan_id=plan_id)
        .first()
    )
    if digest is None:
        return 0
    lead = User.objects.get(pk=lead_id)
    plan = PlanRecord.objects.get(pk=plan_id)
    digest.scheduled_for = None
    entries = _awaiting(plan, digest.last_sent_at, lead) if wants(lead, EmailKind.SUBMITTED) else []
    if entries:
        periods: dict[int, Period] = {}
        for entry in entries:
            periods.setdefault(entry.period_id, entry.period)
        labels = " and ".join(period.label for period in periods.values())
        first = next(iter(periods.values()))
        count = len(entries)
        lines = tuple(
            f"{_named(entry)}"
            + (f" ({entry.period.label})" if len(periods) > 1 else "")
            + ", submitted by "
            f"{entry.submitted_by.username if entry.submitted_by else 'someone'} at "
            f"{timezone.localtime(entry.submitted_at):%H:%M on %-d %B}"
            for entry in entries
        )
        email = Email(
            kind=EmailKind.SUBMITTED,
            user=lead,
            subject=f"{plan.title}, {labels}: {count} update{'s' if count != 1 else ''} "
            "submitted for your review",
            lines=(
                f"{count} update{'s were' if count != 1 else ' was'} submitted for your "
                "review since you were last told:",
                lines,
            ),
            link=(
                "Review the updates",
                absolute_url(reverse("web:review", args=[plan.slug, first.code])),
            ),
            plan=plan,
            period_code=first.code,
        )
        emails_queue([email])
        digest.last_sent_at = now
    digest.save(update_fields=["scheduled_for", "last_sent_at"])
    return len(entries)
