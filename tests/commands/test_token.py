"""`plantracker token create|list|revoke`: API tokens made and revoked on the command line."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from tests.api.conftest import Site, make_site

from plantracker.api.models import ApiToken
from plantracker.api.tokens import token_create, token_hash, token_user

TOKEN = re.compile(r"^pt_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def site(db: None) -> Site:
    """The API tests' site: the plan ``cip``, a user and a token per role."""
    return make_site()


def test_token_create_prints_a_working_token_alone_on_its_last_line(site: Site) -> None:
    out = io.StringIO()
    call_command("token", "create", "Viewer@Example.org", "--name", "warehouse", stdout=out)
    last = out.getvalue().rstrip("\n").splitlines()[-1]
    assert TOKEN.match(last)
    client = Client(headers={"Authorization": f"Bearer {last}"})
    assert [plan["slug"] for plan in client.get("/api/v1/plans").json()] == ["cip"]
    assert ApiToken.objects.get(hashed=token_hash(last)).name == "warehouse"


def test_token_create_for_an_unknown_account_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match=r"no account 'nobody@example\.org'"):
        call_command("token", "create", "nobody@example.org")


def test_token_list_and_revoke(site: Site) -> None:
    created = token_create(user=site.users["contributor"], name="nightly load")
    out = io.StringIO()
    call_command("token", "list", "contributor@example.org", stdout=out)
    assert "nightly load" in out.getvalue()
    assert created.secret not in out.getvalue()
    call_command("token", "revoke", str(created.token.pk), stdout=io.StringIO())
    assert token_user(secret=created.secret) is None
    out = io.StringIO()
    call_command("token", "list", stdout=out)
    assert re.search(r"nightly load.*revoked", out.getvalue())
    with pytest.raises(CommandError, match="no token with id 999999"):
        call_command("token", "revoke", "999999")
