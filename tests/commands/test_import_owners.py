"""`plantracker import` and `export` with owners' accounts by email (docs/plan-file.md#owners,
ADR 0068): matched on import, a warning line (not an error) when none matches, written back
on export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.builders import vary

from plantracker.tracker.models import Item, Organisation, Risk, Role
from plantracker.tracker.services import member_add

pytestmark = pytest.mark.django_db

OWNED = vary(
    (
        "        owner: Head of Early Help\n",
        "        owner: Head of Early Help\n"
        "        owner_email: Owner@Example.org\n"
        "        deputy_email: nobody@example.org\n",
    ),
    (
        "    mitigation: Monitoring\n",
        "    mitigation: Monitoring\n    owner_email: owner@example.org\n",
    ),
)


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_import_links_the_owner_by_email_and_warns_of_an_unknown_one(tmp_path: Path) -> None:
    organisation = Organisation.objects.create(name="Test Council", slug="test-council")
    owner = member_add(
        email="owner@example.org", role=Role.CONTRIBUTOR, organisation=organisation
    ).user
    source = tmp_path / "plan.yaml"
    source.write_text(OWNED)
    output = command("import", str(source), "--slug", "test")
    assert output.splitlines()[0].startswith("imported plan test")
    assert output.splitlines()[1:] == [
        "warning: item 1.10 deputy_email: no active account of Test Council has the email "
        "nobody@example.org; its linked account is unchanged"
    ]
    item = Item.objects.get(plan__slug="test", ref="1.10")
    assert item.owner_user == owner and item.deputy_user is None
    assert Risk.objects.get(plan__slug="test", position=0).owner_user == owner

    exported = tmp_path / "exported.yaml"
    command("export", "test", "--format", "yaml", "-o", str(exported))
    text = exported.read_text()
    assert "owner_email: owner@example.org" in text
    assert text.count("owner_email: owner@example.org") == 2  # the item and the risk
    assert "deputy_email" not in text


def test_an_owner_email_that_is_not_an_email_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "plan.yaml"
    source.write_text(
        vary(
            (
                "        owner: Head of Early Help\n",
                "        owner: Head of Early Help\n        owner_email: Head of Early Help\n",
            )
        )
    )
    with pytest.raises(CommandError, match=r"owner_email.*expected an email address"):
        command("import", str(source), "--slug", "test")
    assert not Item.objects.exists()
