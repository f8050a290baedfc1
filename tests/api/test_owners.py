"""The API's owners (ADR 0068): read the accounts linked to items and risks; a lead sets
them; everyone else is refused, another organisation gets 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.api.conftest import Site

from plantracker.tracker.models import Item

pytestmark = pytest.mark.django_db


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_a_contributor_reads_the_owners_accounts(site: Site) -> None:
    response = site.client("contributor").get("/api/v1/plans/cip/owners")
    assert response.status_code == 200
    items = {row["ref"]: row for row in response.json()["items"]}
    assert items["1.A1"]["owner_email"] == "contributor@example.org"
    assert items["1.A2"]["owner_email"] is None
    assert items["1.A1"]["deputy_email"] is None
    assert "owner_email" in response.json()["risks"][0]


def test_a_viewer_does_not_see_staff_email_addresses(site: Site) -> None:
    response = site.client("viewer").get("/api/v1/plans/cip/owners")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}


def test_a_lead_sets_an_items_owner_and_deputy(site: Site) -> None:
    response = put(
        site.client("lead"),
        "/api/v1/plans/cip/items/1.A2/owners",
        {"owner_email": "Contributor@Example.org", "deputy_email": "lead@example.org"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner_email"] == "contributor@example.org"
    assert response.json()["deputy_email"] == "lead@example.org"
    item = Item.objects.get(plan=site.plan, ref="1.A2")
    assert item.owner_user == site.users["contributor"]
    assert item.deputy_user == site.users["lead"]


def test_a_lead_sets_a_risks_owner(site: Site) -> None:
    response = put(
        site.client("lead"), "/api/v1/plans/cip/risks/0/owner", {"owner_email": "lead@example.org"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner_email"] == "lead@example.org"


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin"])
def test_only_a_lead_sets_owners(site: Site, who: str) -> None:
    response = put(
        site.client(who),
        "/api/v1/plans/cip/items/1.A2/owners",
        {"owner_email": "contributor@example.org"},
    )
    assert response.status_code == 403
    assert "Only a lead" in response.json()["detail"]
    assert Item.objects.get(plan=site.plan, ref="1.A2").owner_user is None


def test_another_organisation_gets_404(site: Site) -> None:
    client = site.client("outsider")
    assert client.get("/api/v1/plans/cip/owners").status_code == 404
    response = put(client, "/api/v1/plans/cip/items/1.A2/owners", {"owner_email": None})
    assert response.status_code == 404


def test_an_email_that_cannot_own_is_422_naming_the_field(site: Site) -> None:
    response = put(
        site.client("lead"),
        "/api/v1/plans/cip/items/1.A2/owners",
        {"owner_email": "viewer@example.org"},
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "owner_email"
    assert "viewer@example.org" in error["message"]


def test_an_unknown_item_is_404(site: Site) -> None:
    response = put(
        site.client("lead"), "/api/v1/plans/cip/items/9.Z9/owners", {"owner_email": None}
    )
    assert response.status_code == 404
    assert "9.Z9" in response.json()["detail"]
