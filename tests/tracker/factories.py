"""factory_boy factories for the tracker's models (tests only)."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from plantracker.tracker.models import (
    Item,
    Membership,
    Organisation,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
    Role,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.gov.uk")
    email = factory.SelfAttribute("username")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")


class PlanRecordFactory(DjangoModelFactory):
    class Meta:
        model = PlanRecord

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Improvement Plan {n}")


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = Period

    plan = factory.SubFactory(PlanRecordFactory)
    position = factory.Sequence(int)
    code = factory.Sequence(lambda n: f"P{n}")
    label = factory.LazyAttribute(lambda o: f"Period {o.code}")
    start = date(2018, 7, 1)
    end = date(2018, 9, 30)


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    plan = factory.SubFactory(PlanRecordFactory)
    position = factory.Sequence(int)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Workstream {n}")
    aim = "Improve outcomes for children"


class ItemFactory(DjangoModelFactory):
    """An action; pass ``kind="kpis", aim="increase", unit="number"`` for a KPI."""

    class Meta:
        model = Item

    recommendation = factory.SubFactory(RecommendationFactory)
    plan = factory.SelfAttribute("recommendation.plan")
    kind = "actions"
    position = factory.Sequence(int)
    ref = factory.Sequence(lambda n: f"A{n}")
    title = factory.Sequence(lambda n: f"Action {n}")


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = Risk

    plan = factory.SubFactory(PlanRecordFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Risk {n}")
    mitigation = "Monitoring"


class MembershipFactory(DjangoModelFactory):
    """A role; give ``plan`` for a plan-only role, else it covers every plan."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    plan = None
    role = Role.VIEWER
