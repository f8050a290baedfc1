"""`plantracker import FILE [--slug SLUG]`.

The plan file goes into the database all or nothing: an invalid file, or a failure while
writing, leaves the database as it was. The plan belongs to the organisation named in
``plan.organisation`` (created if new); the slug defaults to the title, slugified; a slug
that exists is updated in place (ADR 0014).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.domain.model import Kind
from plantracker.tracker.management.commands._plan_argument import load_plan_file
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.services import ServiceError, plan_import, slug_for_title


class Command(BaseCommand):
    help = "Import a plan file into the database, all or nothing; an existing slug is updated."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="plan file (.yaml)")
        parser.add_argument(
            "--slug", help="the plan's name in URLs and commands (default: from its title)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = load_plan_file(Path(options["file"]))
        slug = options["slug"] if options["slug"] is not None else slug_for_title(plan.title)
        existed = PlanRecord.objects.filter(slug=slug).exists()
        try:
            record = plan_import(plan=plan, slug=slug)
        except ServiceError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        items = sum(len(r.items(kind)) for r in plan.recommendations for kind in Kind)
        contents = ", ".join(
            _count(number, noun)
            for number, noun in (
                (len(plan.periods), "period"),
                (len(plan.recommendations), "recommendation"),
                (items, "item"),
                (len(plan.risks), "risk"),
            )
        )
        verb = "updated" if existed else "imported"
        self.stdout.write(f"{verb} plan {record.slug} ({record.organisation.name}): {contents}")
        for warning in record.import_warnings:
            self.stdout.write(f"warning: {warning}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
