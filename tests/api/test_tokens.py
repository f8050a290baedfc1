"""Tokens: shown once and stored hashed, revocable, made on the *API tokens* page (and on
the command line: tests/commands/test_token.py), acting with exactly their user's
permissions."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.api.conftest import Site

from plantracker.api.models import ApiToken
from plantracker.api.tokens import token_create, token_hash, token_revoke, token_user
from plantracker.tracker.services import ServiceError

TOKEN = re.compile(r"^pt_[A-Za-z0-9_-]{43}$")


def test_only_the_hash_of_a_token_is_stored(site: Site) -> None:
    created = token_create(user=site.users["viewer"], name="warehouse")
    assert TOKEN.match(created.secret)
    stored = ApiToken.objects.get(pk=created.token.pk)
    assert stored.hashed == token_hash(created.secret) != created.secret
    assert created.secret not in {str(value) for value in vars(stored).values()}
    assert stored.prefix == created.secret[:9]


def test_each_token_is_different(site: Site) -> None:
    secrets = {token_create(user=site.users["viewer"], name="t").secret for _ in range(5)}
    assert len(secrets) == 5


def test_use_is_noted_and_revocation_is_final(site: Site) -> None:
    created = token_create(user=site.users["lead"], name="bi tool")
    assert created.token.last_used is None
    client = Client(headers={"Authorization": f"Bearer {created.secret}"})
    assert client.get("/api/v1/plans").status_code == 200
    created.token.refresh_from_db()
    assert created.token.last_used is not None
    token_revoke(user=site.users["lead"], token_id=created.token.pk)
    assert client.get("/api/v1/plans").status_code == 401
    assert token_user(secret=created.secret) is None


def test_nobody_revokes_another_persons_token(site: Site) -> None:
    created = token_create(user=site.users["lead"], name="mine")
    with pytest.raises(ServiceError):
        token_revoke(user=site.users["admin"], token_id=created.token.pk)
    assert token_user(secret=created.secret) == site.users["lead"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(site: Site, name: str) -> None:
    with pytest.raises(ServiceError, match="token name"):
        token_create(user=site.users["lead"], name=name)


def test_token_creation_and_revocation_are_audited(site: Site) -> None:
    created = token_create(user=site.users["lead"], name="audited")
    token_revoke(user=site.users["lead"], token_id=created.token.pk)
    history = created.token.history.order_by("history_date")
    assert [entry.history_type for entry in history] == ["+", "~"]
    assert history.last().revoked_at is not None


# --- the web page -------------------------------------------------------------------------


def _signed_in(site: Site, who: str) -> Client:
    client = Client()
    client.force_login(site.users[who])
    return client


def test_the_page_needs_a_signed_in_user(db: None) -> None:
    response = Client().get("/account/api-tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_makes_a_token_on_the_page_and_sees_it_once(site: Site) -> None:
    client = _signed_in(site, "contributor")
    response = client.post("/account/api-tokens/", {"name": "Performance warehouse"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = re.search(r'value="(pt_[^"]+)"', page)
    assert secret is not None
    api = Client(headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert api.get("/api/v1/me").json()["username"] == "contributor@example.org"
    again = client.get("/account/api-tokens/").content.decode()
    assert "Performance warehouse" in again
    assert secret.group(1) not in again


def test_a_token_without_a_name_is_refused_with_the_error_shown(site: Site) -> None:
    response = _signed_in(site, "viewer").post("/account/api-tokens/", {"name": ""})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.filter(user=site.users["viewer"], name="").exists()


def test_a_user_revokes_their_token_on_the_page(site: Site) -> None:
    created = token_create(user=site.users["viewer"], name="old script")
    client = _signed_in(site, "viewer")
    response = client.post(f"/account/api-tokens/{created.token.pk}/revoke/", follow=True)
    assert "was revoked" in response.content.decode()
    assert token_user(secret=created.secret) is None


def test_nobody_revokes_another_persons_token_on_the_page(site: Site) -> None:
    created = token_create(user=site.users["lead"], name="leads")
    response = _signed_in(site, "admin").post(f"/account/api-tokens/{created.token.pk}/revoke/")
    assert response.status_code == 404
    assert token_user(secret=created.secret) == site.users["lead"]


def test_the_page_lists_only_the_users_own_tokens(site: Site) -> None:
    token_create(user=site.users["lead"], name="the lead's token")
    page = _signed_in(site, "viewer").get("/account/api-tokens/").content.decode()
    assert "viewer test" in page
    assert "the lead&#x27;s token" not in page and "the lead's token" not in page
