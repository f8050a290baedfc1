"""Fixtures for the web tests: two organisations' plans and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from tests.web.plans import web_plan

from plantracker.domain.model import Plan
from plantracker.tracker.models import PlanRecord, Role, User
from plantracker.tracker.services import member_add, plan_import

PASSWORD = "correct-horse-battery-staple"
ROLES = ("admin", "lead", "contributor", "viewer")


@pytest.fixture(autouse=True)
def _web_settings(settings: pytest.FixtureRequest) -> None:
    # Link the stylesheet under its own name whatever ./var/static holds from a demo run.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # the evidence storage of tests/conftest.py
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None  # type: ignore[attr-defined]  # nothing is collected here


@dataclass
class Site:
    """Two organisations, each with a plan; users of the first in every role, and an admin
    of the second (the outsider)."""

    plan: PlanRecord
    other_plan: PlanRecord
    users: dict[str, User]
    outsider: User

    def client(self, who: str | None) -> Client:
        """A client signed in as ``who`` (a role, ``outsider``), or anonymous for None."""
        client = Client()
        if who == "outsider":
            client.force_login(self.outsider)
        elif who is not None:
            client.force_login(self.users[who])
        return client


def make_site(scale: int = 1, plan: Plan | None = None) -> Site:
    """The site's fixtures; ``plan`` replaces the first organisation's plan."""
    record = plan_import(plan=plan or web_plan(scale=scale), slug="cip")
    other = plan_import(
        plan=web_plan(title="Other Improvement Plan", organisation="Other Borough Council"),
        slug="other",
    )
    users = {
        role: member_add(
            email=f"{role}@example.org",
            role=Role(role),
            # The lead and the contributor hold their roles on the plan; admin and viewer on
            # every plan of the organisation.
            plan=record if role in ("lead", "contributor") else None,
            organisation=record.organisation,
            password=PASSWORD,
        ).user
        for role in ROLES
    }
    outsider = member_add(
        email="admin@other.example.org",
        role=Role.ADMIN,
        organisation=other.organisation,
        password=PASSWORD,
    ).user
    return Site(plan=record, other_plan=other, users=users, outsider=outsider)


@pytest.fixture
def site(db: None) -> Site:
    return make_site()
