"""`plantracker user add EMAIL --role ROLE [--plan SLUG] [--password-stdin] [--owns REF,REF]`:
an account whose username is its email, with a role.

``--plan`` makes the user a member of that plan's organisation with the role on that plan;
without it the role covers every plan of the organisation (``--organisation``, needed only
when the database holds several). Without ``--password-stdin`` a strong password is
generated and printed once. Adding an existing email grants the role (replacing the role of
the same scope) instead of failing; its password changes only with ``--password-stdin``.

``--owns REF,REF`` (with ``--plan``) makes the account the owner of those items of the plan
(ADR 0068), in the same transaction as the account: an unknown ref is refused, naming it,
and nothing is written.

``--ends-on YYYY-MM-DD`` is an inspector's last day of access (ADR 0080): required with
``--role inspector``, after today, and refused with any other role.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import date
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from plantracker.tracker.auth import normalise_username
from plantracker.tracker.models import Item, Organisation, PlanRecord, Role, User
from plantracker.tracker.selectors import plan_by_slug
from plantracker.tracker.services import (
    ServiceError,
    member_add,
    owners_assign,
    user_organisation,
)
from plantracker.tracker.services.accounts import email_errors

PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 random bits


class Command(BaseCommand):
    help = (
        "Manage user accounts: "
        "`user add EMAIL --role ROLE [--plan SLUG] [--password-stdin] [--owns REF,REF]`."
    )
    # Tests pass a file as `stdin` through call_command, as Django's createsuperuser does.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        add = actions.add_parser(
            "add",
            help="add an account (or a role to an existing one)",
            description="Add an account whose username is EMAIL, with a role.",
        )
        add.add_argument("email", metavar="EMAIL", help="email address, also the username")
        add.add_argument("--role", required=True, choices=Role.values, help="the role to grant")
        add.add_argument(
            "--plan", metavar="SLUG", help="grant the role on this plan only (its organisation)"
        )
        add.add_argument(
            "--organisation",
            metavar="NAME",
            help="organisation (name or slug) for a role on all its plans; "
            "needed only when there are several",
        )
        add.add_argument(
            "--ends-on",
            metavar="YYYY-MM-DD",
            type=_day,
            help="an inspector's last day of access, after today (ADR 0080); only for inspector",
        )
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        add.add_argument(
            "--owns",
            metavar="REF,REF",
            help="make the account the owner of these items of --plan (comma-separated refs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalise_username(options["email"])
        if errors := email_errors(email):
            raise CommandError("\n".join(errors))
        role = Role(options["role"])
        plan = _plan(options["plan"]) if options["plan"] else None
        owns = _owned_items(options.get("owns"), plan)
        organisation = None if plan else _organisation(options["organisation"], email)
        generated: str | None = None
        if options["password_stdin"]:
            password: str | None = _read_password(options.get("stdin") or sys.stdin)
        elif User.objects.filter(username=email).exists():
            password = None  # an existing account keeps its password
        else:
            password = generated = secrets.token_urlsafe(PASSWORD_BYTES)
        try:
            with transaction.atomic():
                added = member_add(
                    email=email,
                    role=role,
                    plan=plan,
                    organisation=organisation,
                    password=password,
                    ends_on=options.get("ends_on"),
                )
                if owns and plan is not None:
                    owners_assign(
                        actor=None,
                        plan=plan,
                        user=added.user,
                        item_ids=[item.pk for item in owns],
                        risk_ids=[],
                        replace=False,
                    )
        except ServiceError as exc:
            raise CommandError("\n".join(exc.messages)) from None

        membership = added.membership
        scope = f"on plan {membership.plan.slug}" if membership.plan is not None else "on all plans"
        verb = "created" if added.created else "updated"
        self.stdout.write(
            f"{verb} {added.user.username}: {membership.get_role_display().lower()} "
            f"{scope} of {membership.organisation.name}"
            + (
                f", until the end of {membership.ends_on.isoformat()}"
                if membership.ends_on is not None
                else ""
            )
        )
        if owns:
            refs = ", ".join(item.ref for item in owns)
            self.stdout.write(f"owner of {len(owns)} item{'s' if len(owns) != 1 else ''}: {refs}")
        if generated is not None:
            self.stdout.write(f"password (shown only now): {generated}")
        elif password is not None:
            self.stdout.write("password set from standard input")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: give the last day as YYYY-MM-DD"
        ) from None


def _plan(slug: str) -> PlanRecord:
    plan = plan_by_slug(slug=slug)
    if plan is None:
        raise CommandError(f"no plan with slug '{slug}'; `plantracker import FILE` adds one")
    return plan


def _owned_items(given: str | None, plan: PlanRecord | None) -> list[Item]:
    """The items ``--owns`` names, in the order given; every unknown ref refused at once."""
    if not given:
        return []
    if plan is None:
        raise CommandError("--owns needs --plan SLUG: the plan whose items the account owns")
    refs = list(dict.fromkeys(ref.strip() for ref in given.split(",") if ref.strip()))
    if not refs:
        raise CommandError("--owns: give the items' refs, separated by commas (1.A1,2.K1)")
    found = {item.ref: item for item in Item.objects.filter(plan=plan, ref__in=refs)}
    unknown = [ref for ref in refs if ref not in found]
    if unknown:
        raise CommandError(
            "\n".join(f"--owns: plan {plan.slug} has no item '{ref}'" for ref in unknown)
        )
    return [found[ref] for ref in refs]


def _organisation(given: str | None, email: str) -> Organisation:
    if given:
        found = Organisation.objects.filter(name=given).first()
        found = found or Organisation.objects.filter(slug=given).first()
        if found is None:
            raise CommandError(f"no organisation named '{given}'")
        return found
    user = User.objects.filter(username=email).first()
    home = user_organisation(user) if user is not None else None
    if home is not None:
        return home
    organisations = list(Organisation.objects.all()[:2])
    if not organisations:
        raise CommandError(
            "there is no organisation yet: import a plan first (`plantracker import FILE`)"
        )
    if len(organisations) > 1:
        raise CommandError(
            "there are several organisations: give --plan SLUG or --organisation NAME"
        )
    return organisations[0]


def _read_password(stream: TextIO) -> str:
    password = stream.readline().rstrip("\r\n")
    if not password:
        raise CommandError("--password-stdin: standard input holds no password")
    return password
