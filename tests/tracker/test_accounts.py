"""Accounts: users by email, one organisation each, roles per scope, owner links."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from tests.tracker.factories import (
    ItemFactory,
    OrganisationFactory,
    PlanRecordFactory,
    RecommendationFactory,
    RiskFactory,
    UserFactory,
)

from plantracker.tracker.models import Membership, Role, User
from plantracker.tracker.services import (
    ServiceError,
    item_owner_link,
    recommendation_lead_link,
    risk_owner_link,
    role_grant,
    role_revoke,
    user_add,
)

pytestmark = pytest.mark.django_db

STRONG = "plum-orchard-lantern-42"


def _sign_in(username: str, password: str) -> User | None:
    request = RequestFactory().post("/accounts/login/", {"username": username})
    return authenticate(request, username=username, password=password)  # type: ignore[return-value]


def test_user_add_makes_an_account_whose_username_is_the_email() -> None:
    added = user_add(email="  Jane.Smith@Example.gov.uk ", password=STRONG)
    assert added.created
    assert added.user.username == added.user.email == "jane.smith@example.gov.uk"
    assert _sign_in("JANE.SMITH@example.gov.uk", STRONG) == added.user


def test_passwords_are_hashed_with_argon2(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = user_add(email="a@example.gov.uk", password=STRONG).user
    assert user.password.startswith("argon2$")
    assert _sign_in("a@example.gov.uk", STRONG) == user


def test_a_second_add_updates_the_account_rather_than_failing() -> None:
    first = user_add(email="a@example.gov.uk", password=STRONG)
    again = user_add(email="A@example.gov.uk")
    assert not again.created and again.user.pk == first.user.pk
    assert _sign_in("a@example.gov.uk", STRONG) == first.user  # password kept
    user_add(email="a@example.gov.uk", password="another-" + STRONG)
    assert _sign_in("a@example.gov.uk", "another-" + STRONG) == first.user
    assert User.objects.count() == 1


def test_a_new_account_without_a_password_cannot_sign_in() -> None:
    user = user_add(email="nopass@example.gov.uk").user
    assert not user.has_usable_password()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.gov.uk", "a b@example.gov.uk"])
def test_an_invalid_email_is_refused(email: str) -> None:
    with pytest.raises(ServiceError) as error:
        user_add(email=email, password=STRONG)
    assert "is not a valid email address" in error.value.messages[0]
    assert User.objects.count() == 0


def test_a_weak_password_is_refused_with_each_reason() -> None:
    with pytest.raises(ServiceError) as error:
        user_add(email="a@example.gov.uk", password="12345")
    assert all(message.startswith("password: ") for message in error.value.messages)
    assert any("too short" in message for message in error.value.messages)
    assert User.objects.count() == 0


def test_sign_in_is_locked_after_five_failures() -> None:
    user_add(email="a@example.gov.uk", password=STRONG)
    for _ in range(5):
        assert _sign_in("a@example.gov.uk", "wrong") is None
    assert _sign_in("A@example.gov.uk", STRONG) is None  # locked, whatever the case


def test_role_grant_replaces_the_role_of_the_same_scope() -> None:
    plan = PlanRecordFactory()
    user = UserFactory()
    role_grant(user=user, role=Role.VIEWER, plan=plan)
    membership = role_grant(user=user, role=Role.LEAD, plan=plan)
    assert membership.organisation == plan.organisation
    assert list(Membership.objects.values_list("role", "plan")) == [("lead", plan.pk)]
    role_grant(user=user, role=Role.VIEWER, organisation=plan.organisation)
    assert Membership.objects.count() == 2
    role_revoke(membership=membership)
    assert list(Membership.objects.values_list("role", "plan")) == [("viewer", None)]


def test_admin_is_granted_organisation_wide() -> None:
    plan = PlanRecordFactory()
    membership = role_grant(user=UserFactory(), role=Role.ADMIN, plan=plan)
    assert (membership.plan, membership.organisation) == (None, plan.organisation)


def test_a_user_belongs_to_one_organisation() -> None:
    user = UserFactory()
    role_grant(user=user, role=Role.VIEWER, plan=PlanRecordFactory())
    other = OrganisationFactory(name="Elsewhere Council")
    with pytest.raises(ServiceError) as error:
        role_grant(user=user, role=Role.VIEWER, organisation=other)
    assert "a user belongs to one organisation" in str(error.value)


def test_a_plan_of_another_organisation_is_refused() -> None:
    with pytest.raises(ServiceError):
        role_grant(
            user=UserFactory(),
            role=Role.LEAD,
            organisation=OrganisationFactory(),
            plan=PlanRecordFactory(),
        )


def test_owners_are_linked_only_to_members_of_the_organisation() -> None:
    item = ItemFactory()
    plan = item.plan
    member, stranger = UserFactory(), UserFactory()
    role_grant(user=member, role=Role.CONTRIBUTOR, plan=plan)
    assert item_owner_link(item=item, user=member).owner_user == member
    assert item.version == 2
    risk = risk_owner_link(risk=RiskFactory(plan=plan), user=member)
    assert risk.owner_user == member
    recommendation = recommendation_lead_link(
        recommendation=RecommendationFactory(plan=plan), user=member
    )
    assert recommendation.lead_user == member
    with pytest.raises(ServiceError) as error:
        item_owner_link(item=item, user=stranger)
    assert "is not a member of" in str(error.value)
    assert item_owner_link(item=item, user=None).owner_user is None
    assert [h.owner_user_id for h in item.history.order_by("history_id")][-2:] == [member.pk, None]


def test_a_membership_of_another_organisations_plan_is_invalid() -> None:
    membership = Membership(
        user=UserFactory(),
        organisation=OrganisationFactory(),
        plan=PlanRecordFactory(),
        role="lead",
    )
    with pytest.raises(ValidationError, match="another organisation"):
        membership.full_clean()
