"""`plantracker token create EMAIL [--name NAME]`, with
`token list [EMAIL]` and `token revoke ID`: API tokens, run as the installation's operator.

``create`` prints the token alone on its last line, so a script can take it with
``tail -n 1``; it is shown only then (the database keeps its hash).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantracker.api.models import ApiToken
from plantracker.api.tokens import token_create, token_revoke
from plantracker.tracker.auth import normalise_username
from plantracker.tracker.models import User
from plantracker.tracker.services import ServiceError

DEFAULT_NAME = "command line"


class Command(BaseCommand):
    help = "Manage API tokens: `token create EMAIL [--name NAME]`, `token list`, `token revoke`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        create = actions.add_parser(
            "create",
            help="make a token for a user and print it (on the last line)",
            description="Make an API token acting as EMAIL's account; printed once.",
        )
        create.add_argument("email", metavar="EMAIL", help="the account's email address")
        create.add_argument(
            "--name", default=DEFAULT_NAME, help=f"what the token is for (default: {DEFAULT_NAME})"
        )
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("email", metavar="EMAIL", nargs="?", help="only this account's")
        revoke = actions.add_parser("revoke", help="revoke a token by the id `token list` shows")
        revoke.add_argument("token_id", metavar="ID", type=int, help="the token's id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["email"], options["name"])
        elif action == "list":
            self._list(options["email"])
        else:
            self._revoke(options["token_id"])

    def _create(self, email: str, name: str) -> None:
        user = _user(email)
        try:
            created = token_create(user=user, name=name)
        except ServiceError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(
            f"token {created.token.pk} '{created.token.name}' for {user.username} "
            "(shown only now; send it as `Authorization: Bearer <token>`):"
        )
        self.stdout.write(created.secret)

    def _list(self, email: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "pk")
        if email is not None:
            tokens = tokens.filter(user=_user(email))
        rows = list(tokens)
        if not rows:
            self.stdout.write("no tokens")
            return
        for token in rows:
            used = token.last_used.isoformat(timespec="minutes") if token.last_used else "never"
            state = (
                f"revoked {token.revoked_at.isoformat(timespec='minutes')}"
                if token.revoked_at
                else "active"
            )
            self.stdout.write(
                f"{token.pk}\t{token.user.username}\t{token.name}\t{token.prefix}…\t"
                f"made {token.created.isoformat(timespec='minutes')}\tlast used {used}\t{state}"
            )

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"no token with id {token_id}; `plantracker token list` shows them")
        token_revoke(user=token.user, token_id=token.pk)
        self.stdout.write(f"revoked token {token.pk} '{token.name}' of {token.user.username}")


def _user(email: str) -> User:
    user = User.objects.filter(username=normalise_username(email)).first()
    if user is None:
        raise CommandError(
            f"no account '{email}'; `plantracker user add {email} --role ROLE` makes one"
        )
    return user
