"""The Django admin saves an item as its change form posts it (empty fields are nulls)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.tracker.workflow_site import make_workflow_site

from plantracker.tracker.models import Item, User

pytestmark = pytest.mark.django_db


def _form_data(client: Client, url: str) -> dict[str, str]:
    """The change form's fields as a browser would post them back, unchanged."""

    page = client.get(url).content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>(?:[^<]*</textarea>)?", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) in {"csrfmiddlewaretoken"}:
            continue
        if tag.startswith("<select"):
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        if tag.startswith("<textarea"):
            value = re.search(r">([^<]*)</textarea>", tag)
            data[name.group(1)] = value.group(1).strip() if value else ""
        else:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    for select in re.findall(r"<select\b[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        data[select[0]] = chosen.group(1) if chosen else ""
    return data


def test_saving_an_item_unchanged_in_the_admin_works() -> None:
    site = make_workflow_site()
    User.objects.create_superuser("operator@example.org", password="x" * 20)
    client = Client()
    client.force_login(User.objects.get(username="operator@example.org"))
    item = site.item("1.A1")
    url = f"/admin/tracker/item/{item.pk}/change/"
    data = _form_data(client, url)
    data["title"] = "Renamed in the admin"
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.{0,300}", response.content.decode())
    item = Item.objects.get(pk=item.pk)
    assert item.title == "Renamed in the admin"
    assert item.tolerance is None and item.tolerance_points is None
