"""Reminder emails: one to each owner with missing updates, one to
each lead of a plan with updates waiting for review for more than two working days (and
the missing updates whose owner has no account, which only a lead can chase).

``reminder_messages`` composes, ``reminders_send`` sends through Django's email (the console
backend on a developer's machine, SMTP in production: settings ``EMAIL_*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from plantracker.tracker.selectors.reminders import MissingUpdate, Reminders


@dataclass(frozen=True)
class ReminderMessage:
    to: str
    subject: str
    body: str
    kind: str  # "missing" (to an owner) or "review" (to a lead)
    count: int  # missing updates, or updates waiting (plus unlinked missing ones)


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
            )
        )
    return messages


def reminders_send(messages: Sequence[ReminderMessage]) -> int:
    """Send ``messages`` over one connection; the number sent."""
    if not messages:
        return 0
    connection = get_connection()
    emails = [
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            connection=connection,
        )
        for message in messages
    ]
    return int(connection.send_messages(emails) or 0)
