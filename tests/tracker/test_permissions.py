"""Who sees and does what: every role, a user of another organisation, and non-users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone
from tests.tracker.factories import (
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanRecordFactory,
    RecommendationFactory,
    RiskFactory,
    UserFactory,
)

from plantracker.tracker.models import Item, PlanRecord, Risk, Role, User
from plantracker.tracker.permissions import (
    AnyUser,
    access_of,
    can_contribute,
    can_edit,
    can_import,
    can_manage_users,
    can_read_staff_emails,
    can_update_item,
    can_update_risk,
    can_view,
    plan_roles,
)
from plantracker.tracker.selectors import plan_for_user, plans_for_user
from plantracker.tracker.selectors.plans import plan_for_access
from plantracker.tracker.services import user_organisation

pytestmark = pytest.mark.django_db


@dataclass
class World:
    plan: PlanRecord  # plan "a1" of organisation A
    sibling: PlanRecord  # plan "a2" of organisation A
    foreign: PlanRecord  # plan "b1" of organisation B
    own_item: Item  # of a1, linked to the contributor
    other_item: Item  # of a1, linked to nobody
    own_risk: Risk
    users: dict[str, AnyUser]


@pytest.fixture
def world() -> World:
    org_a, org_b = OrganisationFactory(name="A Council"), OrganisationFactory(name="B Council")
    a1 = PlanRecordFactory(organisation=org_a, slug="a1")
    a2 = PlanRecordFactory(organisation=org_a, slug="a2")
    b1 = PlanRecordFactory(organisation=org_b, slug="b1")

    def member(name: str, role: Role, organisation=org_a, plan=None) -> User:  # type: ignore[no-untyped-def]
        user = UserFactory(username=f"{name}@example.gov.uk")
        MembershipFactory(user=user, organisation=organisation, plan=plan, role=role)
        return user

    contributor = member("contributor", Role.CONTRIBUTOR, plan=a1)
    inactive = member("inactive", Role.LEAD)
    inactive.is_active = False
    inactive.save()
    recommendation = RecommendationFactory(plan=a1)
    users: dict[str, AnyUser] = {
        "admin": member("admin", Role.ADMIN),
        "lead": member("lead", Role.LEAD, plan=a1),
        "contributor": contributor,
        "viewer": member("viewer", Role.VIEWER, plan=a1),
        "org_viewer": member("orgviewer", Role.VIEWER),
        "outsider": member("outsider", Role.ADMIN, organisation=org_b),
        "no_role": UserFactory(username="norole@example.gov.uk"),
        "inactive": inactive,
        "anonymous": AnonymousUser(),
        "superuser": UserFactory(username="root@example.gov.uk", is_superuser=True),
    }
    return World(
        plan=a1,
        sibling=a2,
        foreign=b1,
        own_item=ItemFactory(recommendation=recommendation, owner_user=contributor),
        other_item=ItemFactory(recommendation=recommendation),
        own_risk=RiskFactory(plan=a1, owner_user=contributor),
        users=users,
    )


# who: (view a1, edit a1, contribute a1, update own item, update other item, update own risk,
#       manage users of A, plans listed)
MATRIX = {
    "admin": (True, False, False, False, False, False, True, {"a1", "a2"}),
    "lead": (True, True, True, True, True, True, False, {"a1"}),
    "contributor": (True, False, True, True, False, True, False, {"a1"}),
    "viewer": (True, False, False, False, False, False, False, {"a1"}),
    "org_viewer": (True, False, False, False, False, False, False, {"a1", "a2"}),
    "outsider": (False, False, False, False, False, False, False, {"b1"}),
    "no_role": (False, False, False, False, False, False, False, set()),
    "inactive": (False, False, False, False, False, False, False, set()),
    "anonymous": (False, False, False, False, False, False, False, set()),
    "superuser": (True, True, True, True, True, True, True, {"a1", "a2", "b1"}),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(world: World, who: str) -> None:
    user = world.users[who]
    view, edit, contribute, own, other, risk, manage, listed = MATRIX[who]
    assert can_view(user, world.plan) is view
    assert can_edit(user, world.plan) is edit
    assert can_contribute(user, world.plan) is contribute
    assert can_update_item(user, world.own_item) is own
    assert can_update_item(user, world.other_item) is other
    assert can_update_risk(user, world.own_risk) is risk
    assert can_manage_users(user, world.plan.organisation) is manage
    assert set(plans_for_user(user=user).values_list("slug", flat=True)) == listed


@pytest.mark.parametrize("who", sorted(set(MATRIX) - {"superuser"}))
def test_nobody_but_the_operator_reaches_another_organisation(world: World, who: str) -> None:
    user = world.users[who]
    foreign = world.foreign if who != "outsider" else world.plan
    assert not can_view(user, foreign)
    assert not can_edit(user, foreign)
    with pytest.raises(Http404):
        plan_for_user(user=user, slug=foreign.slug)


def test_an_unknown_slug_is_the_same_404_as_a_forbidden_one(world: World) -> None:
    with pytest.raises(Http404) as unknown:
        plan_for_user(user=world.users["lead"], slug="no-such-plan")
    with pytest.raises(Http404) as forbidden:
        plan_for_user(user=world.users["lead"], slug=world.foreign.slug)
    assert str(unknown.value) == str(forbidden.value)


def test_a_plan_role_does_not_reach_the_organisations_other_plans(world: World) -> None:
    lead = world.users["lead"]
    assert plan_for_user(user=lead, slug="a1") == world.plan
    assert not can_view(lead, world.sibling)
    with pytest.raises(Http404):
        plan_for_user(user=lead, slug="a2")


def test_roles_on_a_plan_combine_organisation_wide_and_plan_grants(world: World) -> None:
    viewer = world.users["org_viewer"]
    MembershipFactory(
        user=viewer, organisation=world.plan.organisation, plan=world.plan, role=Role.LEAD
    )
    assert plan_roles(viewer, world.plan) == {Role.VIEWER, Role.LEAD}
    assert plan_roles(viewer, world.sibling) == {Role.VIEWER}
    assert can_edit(viewer, world.plan) and not can_edit(viewer, world.sibling)


def test_import_needs_an_admin_for_a_new_plan_and_a_lead_to_replace_one(world: World) -> None:
    organisation = world.plan.organisation
    assert can_import(world.users["admin"], organisation, None)
    assert not can_import(world.users["lead"], organisation, None)
    assert can_import(world.users["lead"], organisation, world.plan)
    assert not can_import(world.users["admin"], organisation, world.plan)
    assert not can_import(world.users["outsider"], organisation, None)


def test_plans_for_user_is_one_query(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        plans = list(plans_for_user(user=world.users["org_viewer"]))
        assert {plan.organisation.name for plan in plans} == {"A Council"}


def _inspectors(world: World) -> None:
    """An inspector of a1 until a fortnight from today, and one whose last day was yesterday."""
    today = timezone.localdate()
    for name, last in (("inspector", today + timedelta(days=14)), ("ended", today - timedelta(1))):
        user = UserFactory(username=f"{name}@example.gov.uk")
        MembershipFactory(
            user=user,
            organisation=world.plan.organisation,
            plan=world.plan,
            role=Role.INSPECTOR,
            ends_on=last,
        )
        world.users[name] = user


@pytest.mark.parametrize("who", [*MATRIX, "inspector", "ended"])
def test_one_read_of_the_access_answers_every_question_as_the_queries_do(
    world: World,
    who: str,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    """What a page asks of its reader in one query (``access_of``) is what each permission
    function and ``plans_for_user`` answer, inspectors in force and ended included."""
    _inspectors(world)
    user = world.users[who]
    signed_in = isinstance(user, User) and user.is_active
    with django_assert_num_queries(1 if signed_in else 0):
        access = access_of(user)
    listed = set(plans_for_user(user=user))
    listed_for_the_api = set(plans_for_user(user=user, inspector=False))
    for plan in (world.plan, world.sibling, world.foreign):
        assert access.may_view(plan) is (plan in listed), plan.slug
        assert access.may_view(plan, inspector=False) is (plan in listed_for_the_api), plan.slug
        assert access.roles(plan) == plan_roles(user, plan), plan.slug
        assert access.staff_emails(plan) is can_read_staff_emails(user, plan), plan.slug
        assert access.inspects(plan) is (who == "inspector" and plan == world.plan)
        assert access.manages_users(plan.organisation) is can_manage_users(user, plan.organisation)
    assert access.inspector is (who == "inspector")
    assert access.organisation == (user_organisation(user) if signed_in else None)


def test_plan_for_access_finds_a_plan_the_access_reaches_and_is_the_same_404_otherwise(
    world: World,
) -> None:
    access = access_of(world.users["lead"])
    assert plan_for_access(access=access, slug="a1") == world.plan
    with pytest.raises(Http404) as unknown:
        plan_for_access(access=access, slug="no-such-plan")
    with pytest.raises(Http404) as forbidden:
        plan_for_access(access=access, slug=world.foreign.slug)
    assert str(unknown.value) == str(forbidden.value)
    _inspectors(world)
    inspector = access_of(world.users["inspector"])
    assert plan_for_access(access=inspector, slug="a1") == world.plan
    with pytest.raises(Http404):  # the API does not serve inspectors (ADR 0080)
        plan_for_access(access=inspector, slug="a1", inspector=False)
