"""`plantracker user add`: accounts and roles from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from tests.tracker.factories import OrganisationFactory, PlanRecordFactory

from plantracker.tracker.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("user", "add", *args, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_add_with_a_plan_makes_a_member_of_its_organisation() -> None:
    plan = PlanRecordFactory(slug="cip", organisation__name="Example County Council")
    output = run("Lead@Example.gov.uk", "--role", "lead", "--plan", "cip")
    lines = output.splitlines()
    assert (
        lines[0] == "created lead@example.gov.uk: plan lead on plan cip of Example County Council"
    )
    password = lines[1].removeprefix("password (shown only now): ")
    assert len(password) >= 24
    user = User.objects.get(username="lead@example.gov.uk")
    assert user.check_password(password)
    assert list(Membership.objects.values_list("organisation", "plan", "role")) == [
        (plan.organisation_id, plan.pk, "lead")
    ]


def test_the_generated_passwords_differ() -> None:
    PlanRecordFactory(slug="cip")
    first = run("a@example.gov.uk", "--role", "viewer", "--plan", "cip").splitlines()[1]
    second = run("b@example.gov.uk", "--role", "viewer", "--plan", "cip").splitlines()[1]
    assert first != second


def test_password_from_standard_input() -> None:
    PlanRecordFactory(slug="cip")
    output = run(
        "a@example.gov.uk",
        "--role",
        "viewer",
        "--plan",
        "cip",
        "--password-stdin",
        stdin="plum-orchard-lantern-42\n",
    )
    assert "password set from standard input" in output
    assert "shown only now" not in output
    assert User.objects.get().check_password("plum-orchard-lantern-42")


def test_without_a_plan_the_role_covers_the_only_organisation() -> None:
    organisation = OrganisationFactory(name="Example County Council")
    run("admin@example.gov.uk", "--role", "admin")
    membership = Membership.objects.get()
    assert (membership.organisation, membership.plan, membership.role) == (
        organisation,
        None,
        "admin",
    )


def test_a_duplicate_email_updates_the_role_and_keeps_the_password() -> None:
    PlanRecordFactory(slug="cip")
    run(
        "a@example.gov.uk",
        "--role",
        "viewer",
        "--plan",
        "cip",
        "--password-stdin",
        stdin="plum-orchard-lantern-42",
    )
    output = run("A@example.gov.uk", "--role", "contributor", "--plan", "cip")
    assert output == "updated a@example.gov.uk: contributor on plan cip of " + (
        Membership.objects.get().organisation.name + "\n"
    )
    assert User.objects.get().check_password("plum-orchard-lantern-42")
    assert list(Membership.objects.values_list("role", flat=True)) == [Role.CONTRIBUTOR]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["not-an-email", "--role", "lead", "--plan", "cip"],
            None,
            "'not-an-email' is not a valid email address",
        ),
        (
            ["a@example.gov.uk", "--role", "lead", "--plan", "nope"],
            None,
            "no plan with slug 'nope'",
        ),
        (
            ["a@example.gov.uk", "--role", "lead", "--plan", "cip", "--password-stdin"],
            "",
            "--password-stdin: standard input holds no password",
        ),
        (
            ["a@example.gov.uk", "--role", "lead", "--plan", "cip", "--password-stdin"],
            "123\n",
            "password: This password is too short",
        ),
        (
            ["a@example.gov.uk", "--role", "lead"],
            None,
            "there are several organisations: give --plan SLUG or --organisation NAME",
        ),
        (
            ["a@example.gov.uk", "--role", "lead", "--organisation", "Atlantis"],
            None,
            "no organisation named 'Atlantis'",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    args: list[str], stdin: str | None, message: str
) -> None:
    PlanRecordFactory(slug="cip")
    OrganisationFactory(name="Another Council")
    with pytest.raises(CommandError) as error:
        run(*args, stdin=stdin)
    assert message in str(error.value)
    assert User.objects.count() == 0
    assert Membership.objects.count() == 0


def test_no_organisation_yet_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="import a plan first"):
        run("a@example.gov.uk", "--role", "viewer")


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'owner'"):
        run("a@example.gov.uk", "--role", "owner")


def _owned_plan() -> object:
    from tests.web.plans import web_plan

    from plantracker.tracker.services import plan_import

    return plan_import(plan=web_plan(), slug="cip")


def test_owns_makes_the_new_account_owner_of_those_items() -> None:
    from plantracker.tracker.models import Item

    _owned_plan()
    output = run(
        "owner@example.gov.uk", "--role", "contributor", "--plan", "cip", "--owns", "1.A1, 2.K1"
    )
    assert "owner of 2 items: 1.A1, 2.K1" in output
    owned = Item.objects.filter(owner_user__username="owner@example.gov.uk")
    assert sorted(owned.values_list("ref", flat=True)) == ["1.A1", "2.K1"]
    # An existing account gains more items; those it owns stay.
    run("owner@example.gov.uk", "--role", "contributor", "--plan", "cip", "--owns", "3.Q1")
    assert sorted(owned.values_list("ref", flat=True)) == ["1.A1", "2.K1", "3.Q1"]


def test_owns_an_unknown_ref_writes_nothing() -> None:
    _owned_plan()
    with pytest.raises(CommandError, match=r"plan cip has no item '9\.Z9'"):
        run("owner@example.gov.uk", "--role", "contributor", "--plan", "cip", "--owns", "1.A1,9.Z9")
    assert not User.objects.filter(username="owner@example.gov.uk").exists()


def test_owns_refuses_a_viewer_and_writes_nothing() -> None:
    _owned_plan()
    with pytest.raises(CommandError, match="no contributor or lead role"):
        run("owner@example.gov.uk", "--role", "viewer", "--plan", "cip", "--owns", "1.A1")
    assert not User.objects.filter(username="owner@example.gov.uk").exists()


def test_owns_needs_a_plan() -> None:
    _owned_plan()
    with pytest.raises(CommandError, match="--owns needs --plan"):
        run("owner@example.gov.uk", "--role", "contributor", "--owns", "1.A1")


def test_an_inspector_needs_a_last_day_after_today() -> None:
    """``--ends-on`` (ADR 0080): required with ``--role inspector``, refused when not after
    today, and nothing is written when refused."""
    from datetime import timedelta

    from django.utils import timezone

    PlanRecordFactory(slug="cip", organisation__name="Example County Council")
    with pytest.raises(CommandError, match="an inspector's role needs a last day of access"):
        run("i@ofsted.example.org", "--role", "inspector", "--plan", "cip")
    today = timezone.localdate().isoformat()
    with pytest.raises(CommandError, match="must be after today"):
        run("i@ofsted.example.org", "--role", "inspector", "--plan", "cip", "--ends-on", today)
    assert not User.objects.filter(username="i@ofsted.example.org").exists()
    last = timezone.localdate() + timedelta(days=10)
    output = run(
        "i@ofsted.example.org", "--role", "inspector", "--plan", "cip", "--ends-on", str(last)
    )
    assert output.splitlines()[0] == (
        "created i@ofsted.example.org: inspector on plan cip of Example County Council, "
        f"until the end of {last}"
    )
    assert Membership.objects.get().ends_on == last
