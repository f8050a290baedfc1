"""Fixtures for the API tests: two organisations' plans, a user and a token per role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from tests.api.plans import api_plan

from plantracker.api.tokens import token_create, token_revoke
from plantracker.tracker.models import Item, PlanRecord, Role, User
from plantracker.tracker.services import item_owner_link, member_add, plan_import

ROLES = ("admin", "lead", "contributor", "viewer")
# Who may read the plan: every role of its organisation, not another organisation's admin.
READERS = ROLES
CALLERS = (*ROLES, "outsider")
# The contributor owns these items (linked to their account); nothing else.
CONTRIBUTOR_ITEMS = ("1.A1", "1.K1")


@dataclass
class Site:
    """The plan ``cip`` with a user and a token per role, and ``other`` of another council
    whose admin (``outsider``) must not learn that ``cip`` exists."""

    plan: PlanRecord
    other_plan: PlanRecord
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None) -> Client:
        """A client sending ``who``'s token (no Authorization header for None)."""
        if who is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def revoked_client(self, who: str) -> Client:
        """A client whose token was ``who``'s until it was revoked."""
        created = token_create(user=self.users[who], name="revoked")
        token_revoke(user=self.users[who], token_id=created.token.pk)
        return Client(headers={"Authorization": f"Bearer {created.secret}"})


def make_site() -> Site:
    record = plan_import(plan=api_plan(), slug="cip")
    other = plan_import(
        plan=api_plan(title="Other Improvement Plan", organisation="Other Borough"), slug="other"
    )
    users = {
        role: member_add(
            email=f"{role}@example.org",
            role=Role(role),
            plan=record if role in ("lead", "contributor") else None,
            organisation=record.organisation,
        ).user
        for role in ROLES
    }
    users["outsider"] = member_add(
        email="admin@other.example.org", role=Role.ADMIN, organisation=other.organisation
    ).user
    for ref in CONTRIBUTOR_ITEMS:
        item_owner_link(item=Item.objects.get(plan=record, ref=ref), user=users["contributor"])
    site = Site(plan=record, other_plan=other, users=users)
    for who, user in users.items():
        site.tokens[who] = token_create(user=user, name=f"{who} test").secret
    return site


@pytest.fixture(autouse=True)
def _api_settings(settings: pytest.FixtureRequest) -> None:
    # The token page links the stylesheet under its own name, whatever ./var holds.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # the evidence storage of tests/conftest.py
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None  # type: ignore[attr-defined]


@pytest.fixture
def site(db: None) -> Site:
    return make_site()
