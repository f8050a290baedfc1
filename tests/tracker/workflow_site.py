"""A plan with people in every role and items linked to their owner, for the workflow tests
of the services (tests/tracker) and of the pages (tests/web)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from tests.builders import Q1, Q2, Q3
from tests.web.plans import web_plan

from plantracker.tracker.models import Item, Period, PlanRecord, Risk, Role, User
from plantracker.tracker.services import (
    item_owner_link,
    member_add,
    period_open,
    plan_import,
    risk_owner_link,
)

PASSWORD = "correct-horse-battery-staple"

__all__ = [
    "PASSWORD",
    "Q1",
    "Q2",
    "Q3",
    "WorkflowSite",
    "make_reminder_site",
    "make_workflow_site",
]


@dataclass
class WorkflowSite:
    """The plan ``cip`` (periods Q1, Q2 with data; Q3 empty), another organisation's plan,
    and users: ``lead``, ``lead2``, ``contributor`` (owner of 1.A1, 1.K1, 1.Q1 and the risk),
    ``other`` (a contributor owning nothing), ``viewer``, ``admin``, and ``outsider`` (an
    admin and lead of the other organisation)."""

    plan: PlanRecord
    other_plan: PlanRecord
    users: dict[str, User]

    def period(self, code: str, plan: PlanRecord | None = None) -> Period:
        return Period.objects.get(plan=plan or self.plan, code=code)

    def item(self, ref: str, plan: PlanRecord | None = None) -> Item:
        return Item.objects.get(plan=plan or self.plan, ref=ref)

    def risk(self) -> Risk:
        return Risk.objects.get(plan=self.plan, position=0)

    def client(self, who: str | None) -> Client:
        """A client signed in as ``who`` (a key of ``users``), or anonymous for None."""
        client = Client()
        if who is not None:
            client.force_login(self.users[who])
        return client


def make_workflow_site() -> WorkflowSite:
    record = plan_import(plan=web_plan(), slug="cip")
    other = plan_import(
        plan=web_plan(title="Other Improvement Plan", organisation="Other Borough Council"),
        slug="other",
    )
    organisation = record.organisation
    roles = {
        "lead": (Role.LEAD, record),
        "lead2": (Role.LEAD, record),
        "contributor": (Role.CONTRIBUTOR, record),
        "other": (Role.CONTRIBUTOR, record),
        "viewer": (Role.VIEWER, None),
        "admin": (Role.ADMIN, None),
    }
    users = {
        name: member_add(
            email=f"{name}@example.org",
            role=role,
            plan=plan,
            organisation=organisation,
            password=PASSWORD,
        ).user
        for name, (role, plan) in roles.items()
    }
    users["outsider"] = member_add(
        email="outsider@other.example.org",
        role=Role.ADMIN,
        organisation=other.organisation,
        password=PASSWORD,
    ).user
    member_add(
        email="outsider@other.example.org",
        role=Role.LEAD,
        plan=other,
        organisation=other.organisation,
    )
    contributor = users["contributor"]
    for ref in ("1.A1", "1.K1", "1.Q1"):
        item_owner_link(item=Item.objects.get(plan=record, ref=ref), user=contributor)
    risk_owner_link(risk=Risk.objects.get(plan=record, position=0), user=contributor)
    return WorkflowSite(plan=record, other_plan=other, users=users)


def make_reminder_site(due: date) -> WorkflowSite:
    """The workflow site with Q3 opened by the lead, its updates due on ``due``."""
    site = make_workflow_site()
    period = site.period(Q3)
    period_open(actor=site.users["lead"], period=period, due=due, expected_version=1)
    return site
