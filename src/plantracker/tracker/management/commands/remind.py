"""`plantracker remind [--period ID] [--dry-run]`: email owners whose updates are missing after the
period's due date, and leads with updates awaiting review for more than two working days.

Run it every working day (a cron line, docs/deployment.md#emails): the same reminder goes
again only every ``REMINDER_REPEAT_DAYS`` working days, and the leads are told of an owner
who has had ``REMINDER_ESCALATE_AFTER`` reminders (``services.reminders.reminder_round``,
ADR 0077).

Without ``--period`` every open period of every plan is looked at; with it, that period of
each plan that has one. ``--dry-run`` lists who would be emailed and why, and sends nothing.
Links in the emails start with the ``SITE_URL`` setting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from plantracker.tracker.models import Period, PeriodState, PlanRecord
from plantracker.tracker.selectors.reminders import reminders
from plantracker.tracker.services.reminders import (
    ReminderMessage,
    reminder_round,
    reminders_send,
)


def _absolute(path: str) -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/") + path


class Command(BaseCommand):
    help = (
        "Email owners whose updates are missing after the due date, and leads with updates "
        "awaiting review for more than 2 working days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", metavar="ID", help="only this period (of every plan that has it)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be emailed; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        periods = Period.objects.select_related("plan__organisation").order_by(
            "plan__slug", "position"
        )
        code = options["period"]
        if code is not None:
            periods = periods.filter(code=code)
            if not periods.exists():
                raise CommandError(f"no plan has a period '{code}'")
        else:
            periods = periods.filter(state=PeriodState.OPEN)
        today = timezone.localdate()
        messages: list[ReminderMessage] = []
        for period in periods:
            plan: PlanRecord = period.plan
            if period.state == PeriodState.CLOSED:
                self.stdout.write(f"{plan.slug} {period.code}: closed, nothing to remind")
                continue
            found = reminders(plan_record=plan, period=period, today=today)
            if period.due is None:
                self.stdout.write(f"{plan.slug} {period.code}: no due date set")
            messages.extend(
                reminder_round(
                    found,
                    updates_url=_absolute(reverse("web:my-updates", args=[plan.slug, period.code])),
                    review_url=_absolute(reverse("web:review", args=[plan.slug, period.code])),
                )
            )
        verb = "would email" if options["dry_run"] else "emailing"
        for message in messages:
            self.stdout.write(f"{verb} {message.to}: {message.subject}")
            if options["dry_run"]:
                for line in message.body.splitlines():
                    if line.startswith("  - "):
                        self.stdout.write(f"    {line.strip()[2:]}")
        if options["dry_run"]:
            self.stdout.write(
                f"{len(messages)} reminder{'s' if len(messages) != 1 else ''} (dry run: none sent)"
            )
            return
        sent = reminders_send(messages)
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent")
        if sent < len(messages):
            failed = len(messages) - sent
            self.stderr.write(
                f"{failed} reminder{'s' if failed != 1 else ''} could not be sent now; "
                "the worker tries again (see Email sends in the admin)"
            )
