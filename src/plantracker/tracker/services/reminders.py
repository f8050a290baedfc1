"""Reminder emails: one to each owner with missing updates, one to
each lead of a plan with updates waiting for review for more than two working days (and
the missing updates whose owner has no account, which only a lead can chase).

``reminder_messages`` composes; ``reminder_round`` keeps of them those due today — the same
reminder is sent again only every ``settings.REMINDER_REPEAT_DAYS`` working days — and adds
the escalation to the plan's leads of an owner who has had ``settings.REMINDER_ESCALATE_AFTER``
reminders and still has missing updates (ADR 0077); ``reminders_send`` records each in the
outbox (``services.notifications``) and sends it through Django's email at once (the
command is no request), leaving a failed one to the worker's retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from plantracker.tracker.models import EmailKind, EmailSend, EmailState, PlanRecord, User
from plantracker.tracker.selectors.reminders import (
    MissingUpdate,
    Reminders,
    bank_holidays,
    plan_leads,
    working_days_since,
)


@dataclass(frozen=True)
class ReminderMessage:
    to: str
    subject: str
    body: str
    kind: str  # "missing" (to an owner), "review" or "escalation" (to a lead)
    count: int  # missing updates, or updates waiting (plus unlinked missing ones)
    user: User | None = None  # who it is for
    plan: PlanRecord | None = None
    period_code: str = ""
    html: str = ""


def _lines(missing: Sequence[MissingUpdate]) -> list[str]:
    return [f"  - {update.name}: {update.title}" for update in missing]


def reminder_messages(
    reminders: Reminders, *, updates_url: str, review_url: str
) -> list[ReminderMessage]:
    """The emails ``reminders`` call for; links are absolute URLs of the pages to use."""
    plan, period = reminders.plan, reminders.period
    messages: list[ReminderMessage] = []
    due = f"{period.due.day} {period.due:%B %Y}" if period.due else ""
    for owner in reminders.owners:
        count = len(owner.missing)
        body = "\n".join(
            [
                "Hello,",
                "",
                f"The {period.label} updates for {plan.title} were due on {due}. "
                f"{count} of the items you own {'has' if count == 1 else 'have'} "
                "no update submitted yet:",
                "",
                *_lines(owner.missing),
                "",
                f"Give your updates here: {updates_url}",
                "",
                "Thank you.",
            ]
        )
        messages.append(
            ReminderMessage(
                to=owner.user.email or owner.user.username,
                subject=f"{plan.title}: {count} update{'s' if count != 1 else ''} "
                f"missing for {period.label}",
                body=body,
                kind="missing",
                count=count,
                user=owner.user,
                plan=plan,
                period_code=period.code,
            )
        )
    if not (reminders.reviews or reminders.unlinked):
        return messages
    lines: list[str] = ["Hello,", ""]
    if reminders.reviews:
        lines += [
            f"{len(reminders.reviews)} {period.label} update"
            f"{'s have' if len(reminders.reviews) != 1 else ' has'} waited for review for "
            "more than two working days:",
            "",
            *(
                f"  - {review.name}, submitted by "
                f"{review.submitted_by.username if review.submitted_by else 'someone'} "
                f"{review.working_days} working days ago"
                for review in reminders.reviews
            ),
            "",
            f"Review them here: {review_url}",
            "",
        ]
    if reminders.unlinked:
        lines += [
            "These updates are missing and their owner has no account to remind:",
            "",
            *(
                f"{line} (owner: {update.owner or 'not named'})"
                for line, update in zip(_lines(reminders.unlinked), reminders.unlinked, strict=True)
            ),
            "",
        ]
    body = "\n".join([*lines, "Thank you."])
    count = len(reminders.reviews) + len(reminders.unlinked)
    for lead in reminders.leads:
        messages.append(
            ReminderMessage(
                to=lead.email or lead.username,
                subject=f"{plan.title}: {period.label} updates need your attention",
                body=body,
                kind="review",
                count=count,
                user=lead,
                plan=plan,
                period_code=period.code,
            )
        )
    return messages


def _sent_before(message: ReminderMessage) -> list[EmailSend]:
    """The reminders of the same kind already sent to the same person for the same period
    (or on their way), newest first."""
    return list(
        EmailSend.objects.filter(
            kind=message.kind,
            user=message.user,
            plan=message.plan,
            period_code=message.period_code,
            state__in=[EmailState.SENT, EmailState.QUEUED],
        ).order_by("-created_at", "-pk")
    )


def _due(before: Sequence[EmailSend], today: date) -> bool:
    if not before:
        return True
    last = timezone.localdate(before[0].created_at)
    closed = bank_holidays(last, today)
    return working_days_since(last, today, closed) >= settings.REMINDER_REPEAT_DAYS


def reminder_round(
    reminders: Reminders, *, updates_url: str, review_url: str
) -> list[ReminderMessage]:
    """The reminders to send on ``reminders.today``: ``reminder_messages`` less those sent
    fewer than ``REMINDER_REPEAT_DAYS`` working days ago, plus one escalation to each lead
    listing the owners who have had ``REMINDER_ESCALATE_AFTER`` reminders (ADR 0077)."""
    due: list[ReminderMessage] = []
    escalated: list[tuple[ReminderMessage, int]] = []
    for message in reminder_messages(reminders, updates_url=updates_url, review_url=review_url):
        before = _sent_before(message)
        if not _due(before, reminders.today):
            continue
        due.append(message)
        if message.kind == "missing" and len(before) >= settings.REMINDER_ESCALATE_AFTER:
            escalated.append((message, len(before)))
    if not escalated:
        return due
    plan, period = reminders.plan, reminders.period
    lines = ["Hello,", "", "These owners have been reminded and their updates are still missing:"]
    owners = {owner.user.pk: owner for owner in reminders.owners}
    for message, times in escalated:
        assert message.user is not None
        lines += ["", f"{message.to}, reminded {times} times:"]
        lines += _lines(owners[message.user.pk].missing)
    lines += ["", f"See the period's updates here: {review_url}", "", "Thank you."]
    body = "\n".join(lines)
    for lead in plan_leads(plan_record=plan):
        escalation = ReminderMessage(
            to=lead.email or lead.username,
            subject=f"{plan.title}: {len(escalated)} owner{'s' if len(escalated) != 1 else ''} "
            f"still missing updates for {period.label}",
            body=body,
            kind="escalation",
            count=len(escalated),
            user=lead,
            plan=plan,
            period_code=period.code,
        )
        if _due(_sent_before(escalation), reminders.today):
            due.append(escalation)
    return due


def reminders_send(messages: Sequence[ReminderMessage]) -> int:
    """Record ``messages`` in the outbox and send each now; the number sent. A failure is
    logged and left to the worker, which tries again (``notifications.email_deliver``)."""
    from plantracker.tracker.services.notifications import email_deliver, text_html

    now = timezone.now()
    sends = [
        EmailSend.objects.create(
            kind=EmailKind(message.kind),
            user=message.user,
            to=message.to,
            subject=message.subject,
            body=message.body,
            html=message.html or text_html(message.subject, message.body),
            plan=message.plan,
            period_code=message.period_code,
            created_at=now,
        )
        for message in messages
    ]
    return sum(email_deliver(send_id=send.pk) == EmailState.SENT for send in sends)
