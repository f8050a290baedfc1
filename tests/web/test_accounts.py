"""Signing in and out, lockout, CSRF, and an admin managing the organisation's users."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.web.conftest import PASSWORD, Site
from tests.web.test_pages import text

from plantracker.tracker.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, **extra: str) -> Any:
    return client.post(reverse("web:login"), {"username": username, "password": password, **extra})


def test_sign_in_with_email_in_any_case_then_sign_out(site: Site) -> None:
    client = Client()
    response = sign_in(client, "Viewer@Example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:plan-list")
    assert "Children's Improvement Plan" in text(client.get(reverse("web:plan-list")))
    out = client.post(reverse("web:logout"))
    assert out.status_code == 302
    after = client.get(reverse("web:plan-list"))
    assert after.status_code == 302  # back to the sign-in page


def test_sign_in_returns_to_the_page_asked_for(site: Site) -> None:
    client = Client()
    wanted = reverse("web:dashboard", args=["cip"])
    first = client.get(wanted)
    assert first["Location"] == f"{reverse('web:login')}?next={wanted}"
    response = sign_in(client, "lead@example.org", PASSWORD, next=wanted)
    assert response["Location"] == wanted


def test_sign_in_never_sends_a_person_to_another_site(site: Site) -> None:
    response = sign_in(Client(), "lead@example.org", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("web:plan-list")


def test_a_wrong_password_is_explained_and_the_form_kept(site: Site) -> None:
    response = sign_in(Client(), "lead@example.org", "not-the-password")
    assert response.status_code == 400  # a form error, like any other
    page = text(response)
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'value="lead@example.org"' in response.content.decode()


def test_five_wrong_passwords_lock_the_account_out_for_this_address(site: Site) -> None:
    client = Client()
    for _ in range(5):
        sign_in(client, "lead@example.org", "guess")
    locked = sign_in(client, "lead@example.org", PASSWORD)  # even the right one now
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in text(locked)
    assert "_auth_user_id" not in client.session


def test_forms_refuse_a_post_without_the_csrf_token(site: Site) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.users["admin"])
    response = client.post(
        reverse("web:user-active", args=[site.users["viewer"].pk]), {"active": "0"}
    )
    assert response.status_code == 403
    assert "The form has expired" in text(response)
    site.users["viewer"].refresh_from_db()
    assert site.users["viewer"].is_active


def test_every_form_carries_a_csrf_token(site: Site) -> None:
    admin = site.client("admin")
    for url in (
        reverse("web:login"),
        reverse("web:user-add"),
        reverse("web:user-detail", args=[site.users["viewer"].pk]),
    ):
        html = (Client() if "login" in url else admin).get(url).content.decode()
        assert html.count("<form") == html.count('name="csrfmiddlewaretoken"'), url


# --- users page ---------------------------------------------------------------------------


def test_admin_sees_the_organisations_users_and_nobody_elses(site: Site) -> None:
    page = text(site.client("admin").get(reverse("web:user-list")))
    for role in ("admin", "lead", "contributor", "viewer"):
        assert f"{role}@example.org" in page
    assert "admin@other.example.org" not in page
    assert "Plan lead — Children's Improvement Plan" in page
    assert "Viewer — every plan" in page


def test_admin_adds_a_user_who_can_then_sign_in(site: Site) -> None:
    response = site.client("admin").post(
        reverse("web:user-add"),
        {
            "email": "New.Person@example.org",
            "role": "contributor",
            "scope": "cip",
            "password": "a-long-enough-password-9",
        },
    )
    user = User.objects.get(username="new.person@example.org")
    assert response["Location"] == reverse("web:user-detail", args=[user.pk])
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.plan) == (Role.CONTRIBUTOR, site.plan)
    client = Client()
    assert sign_in(client, "new.person@example.org", "a-long-enough-password-9").status_code == 302


def test_adding_a_user_explains_what_is_wrong_and_adds_nobody(site: Site) -> None:
    before = User.objects.count()
    response = site.client("admin").post(
        reverse("web:user-add"), {"email": "not-an-email", "role": "", "password": ""}
    )
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Enter an email address in the correct format",
        "Select a role",
        "Enter an initial password",
    ):
        assert message in page
    assert User.objects.count() == before


def test_a_weak_password_is_refused_with_the_reason(site: Site) -> None:
    response = site.client("admin").post(
        reverse("web:user-add"),
        {"email": "weak@example.org", "role": "viewer", "scope": "", "password": "password"},
    )
    assert "This password is too common" in text(response)
    assert not User.objects.filter(username="weak@example.org").exists()


def test_a_user_of_another_organisation_cannot_be_taken_over(site: Site) -> None:
    outsider = site.outsider
    old_password = outsider.password
    response = site.client("admin").post(
        reverse("web:user-add"),
        {
            "email": outsider.username,
            "role": "viewer",
            "scope": "",
            "password": "a-long-enough-password-9",
        },
    )
    assert response.status_code == 400
    assert "a user belongs to one organisation" in text(response)
    outsider.refresh_from_db()
    assert outsider.password == old_password  # the refused grant rolled the password back
    assert not Membership.objects.filter(user=outsider, organisation=site.plan.organisation)


def test_admin_changes_and_removes_a_role(site: Site) -> None:
    admin = site.client("admin")
    viewer = site.users["viewer"]
    admin.post(reverse("web:user-role-set", args=[viewer.pk]), {"role": "lead", "scope": "cip"})
    roles = {(m.role, m.plan_id) for m in Membership.objects.filter(user=viewer)}
    assert roles == {(Role.VIEWER, None), (Role.LEAD, site.plan.pk)}
    lead_role = Membership.objects.get(user=viewer, plan=site.plan)
    admin.post(reverse("web:user-role-remove", args=[viewer.pk]), {"membership": lead_role.pk})
    assert {m.role for m in Membership.objects.filter(user=viewer)} == {Role.VIEWER}


def test_admin_deactivates_and_reactivates_an_account(site: Site) -> None:
    admin = site.client("admin")
    viewer = site.users["viewer"]
    signed_in = site.client("viewer")
    admin.post(reverse("web:user-active", args=[viewer.pk]), {"active": "0"})
    # The deactivated person's open session stops working at once.
    assert signed_in.get(reverse("web:plan-list")).status_code == 302
    assert "Deactivated" in text(admin.get(reverse("web:user-list")))
    admin.post(reverse("web:user-active", args=[viewer.pk]), {"active": "1"})
    assert sign_in(Client(), viewer.username, PASSWORD).status_code == 302


def test_admin_cannot_lock_themselves_out(site: Site) -> None:
    admin_user = site.users["admin"]
    admin = site.client("admin")
    own = Membership.objects.get(user=admin_user)
    assert (
        admin.post(reverse("web:user-active", args=[admin_user.pk]), {"active": "0"}).status_code
        == 403
    )
    assert (
        admin.post(
            reverse("web:user-role-remove", args=[admin_user.pk]), {"membership": own.pk}
        ).status_code
        == 403
    )
    demoted = admin.post(
        reverse("web:user-role-set", args=[admin_user.pk]), {"role": "viewer", "scope": ""}
    )
    assert demoted.status_code == 400
    assert "You cannot change your own admin role" in text(demoted)
    own.refresh_from_db()
    assert own.role == Role.ADMIN
    admin_user.refresh_from_db()
    assert admin_user.is_active
