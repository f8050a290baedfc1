"""The ``PLAN`` argument of the commands (README.md#the-plantracker-command): a plan file or the
slug of a plan in the database → ``Plan``.

Every error of an invalid file becomes one line of the ``CommandError`` (so one line per
problem on stderr and exit status 1), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError

from plantracker.domain.model import Plan
from plantracker.planfile import PlanFileError, load_plan

if TYPE_CHECKING:
    from plantracker.tracker.models import PlanRecord, User

PLAN_FILE_SUFFIXES = (".yaml", ".yml", ".xlsx")


def load_plan_argument(value: str, *, period: str | None = None) -> Plan:
    """The plan named by a command's ``PLAN`` argument; ``CommandError`` if it cannot be had.

    A name ending in a plan file suffix is a file. Anything else that is not a path on disk
    is looked up as a plan's slug in the database (slugs never contain a dot). With
    ``period``, a closed period of a stored plan comes from its snapshot (docs/rules.md#snapshots).
    """
    path = Path(value)
    if path.suffix.lower() in PLAN_FILE_SUFFIXES:
        return load_plan_file(path)
    if path.exists():
        raise CommandError(
            f"{value}: expected a plan file ending {' or '.join(PLAN_FILE_SUFFIXES)}"
        )
    plan = _plan_in_database(value, period)
    if plan is None:
        raise CommandError(f"no plan file or plan slug '{value}'")
    return plan


def load_plan_file(path: Path) -> Plan:
    """The plan in the file at ``path``; ``CommandError`` with one line per error if not."""
    if path.suffix.lower() not in PLAN_FILE_SUFFIXES:
        raise CommandError(f"{path}: expected a plan file ending {' or '.join(PLAN_FILE_SUFFIXES)}")
    try:
        return load_plan(path)
    except PlanFileError as exc:
        raise CommandError("\n".join(str(error) for error in exc.errors)) from None


def _plan_in_database(slug: str, period: str | None = None) -> Plan | None:
    if _no_database_yet():
        return None
    # Imported here so that file-only commands never load the app's models.
    from plantracker.tracker.models import Period
    from plantracker.tracker.selectors import period_plan, plan_by_slug, plan_domain

    try:
        record = plan_by_slug(slug=slug)
        if record is None:
            return None
        if period is not None:
            try:
                return period_plan(plan_record=record, period_code=period)
            except Period.DoesNotExist:
                pass  # evaluate() names the plan's periods
        return plan_domain(plan_record=record)
    except DatabaseError as exc:
        raise CommandError(
            f"no plan file '{slug}', and the database cannot be read ({exc}); "
            "run `plantracker migrate` first"
        ) from None


def _no_database_yet() -> bool:
    """True when the local SQLite file does not exist: no slug can name a plan, and
    looking would create an empty database as a side effect of a typo."""
    database = settings.DATABASES["default"]
    if "sqlite" not in database["ENGINE"]:
        return False
    name = str(database["NAME"])
    return name != ":memory:" and not name.startswith("file:") and not Path(name).exists()


def stored_plan(name: str, what: str) -> PlanRecord:
    """The plan in the database a writing command names by slug (``what``: "apply writes");
    a plan file, or a slug the database lacks, is refused saying what to run."""
    # Imported here so that file-only commands never load the app's models.
    from plantracker.tracker.selectors import plan_by_slug

    if Path(name).suffix.lower() in PLAN_FILE_SUFFIXES or Path(name).exists():
        raise CommandError(
            f"{name}: {what} into a plan in the database, not a file; import it first "
            f"with `plantracker import {name}` and give the plan's slug"
        )
    if _no_database_yet():  # looking would create an empty database file
        raise CommandError(
            f"no plan with slug '{name}': there is no database yet "
            "(`plantracker migrate`, then `plantracker import FILE`)"
        )
    try:
        record = plan_by_slug(slug=name)
    except DatabaseError as exc:
        raise CommandError(
            f"the database cannot be read ({exc}); run `plantracker migrate` first"
        ) from None
    if record is None:
        raise CommandError(f"no plan with slug '{name}'; `plantracker import FILE` adds one")
    return record


def active_user(username: str, record: PlanRecord) -> User:
    """The active account a writing command acts as; refused saying how to add one."""
    from plantracker.tracker.auth import normalise_username
    from plantracker.tracker.models import User

    user = User.objects.filter(username=normalise_username(username), is_active=True).first()
    if user is None:
        raise CommandError(
            f"no active user '{username}'; add one with "
            f"`plantracker user add EMAIL --role lead --plan {record.slug}`"
        )
    return user
