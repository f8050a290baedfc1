"""Bulk writes × every caller, through the workflow's services: a contributor's values
await the lead's review, every refusal writes nothing, and a bad body gets one error per
bad field naming the row's index and ref."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.api.conftest import CALLERS, Site
from tests.builders import Q2, Q3

from plantracker.tracker.models import EntryState, Item, KpiValue, Period, Role, Update
from plantracker.tracker.services import member_add, period_close, update_approve, update_send

VALUES = f"/api/v1/plans/cip/periods/{Q2}/kpi-values"
UPDATES = f"/api/v1/plans/cip/periods/{Q2}/updates"
SUMMARY = f"/api/v1/plans/cip/periods/{Q2}/summary"
# What a role may write on the contributor's own items: everybody else is refused.
WRITE_STATUS = {
    "admin": 403,  # reads every plan, but plan work needs a lead role (ADR 0013)
    "lead": 200,
    "contributor": 200,
    "viewer": 403,
    "outsider": 404,
}


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _value(site: Site, ref: str, period: str = Q2) -> KpiValue:
    return KpiValue.objects.get(item__plan=site.plan, item__ref=ref, period__code=period)


def _update(site: Site, ref: str) -> Update:
    return Update.objects.get(item__plan=site.plan, item__ref=ref, period__code=Q2)


@pytest.mark.parametrize("who", CALLERS)
def test_kpi_values_by_role(site: Site, who: str) -> None:
    response = post(site.client(who), VALUES, [{"ref": "1.K1", "value": 66, "display": None}])
    assert response.status_code == WRITE_STATUS[who], response.content
    entry = _value(site, "1.K1")
    if response.status_code == 200:
        assert entry.value == Decimal("66")
        assert entry.state == EntryState.SUBMITTED
        (row,) = response.json()
        assert (row["ref"], row["value"], row["state"]) == ("1.K1", 66, "submitted")
        assert row["rating"] == {"status": "green", "calculated": "green", "overridden": False}
    else:
        assert (entry.value, entry.state) == (Decimal("58.6"), EntryState.APPROVED)


@pytest.mark.parametrize("who", CALLERS)
def test_updates_by_role(site: Site, who: str) -> None:
    body = [{"ref": "1.A1", "status": "amber", "commentary": "Take-up improving"}]
    response = post(site.client(who), UPDATES, body)
    assert response.status_code == WRITE_STATUS[who], response.content
    entry = _update(site, "1.A1")
    if response.status_code == 200:
        assert (entry.status, entry.commentary) == ("amber", "Take-up improving")
        assert entry.state == EntryState.SUBMITTED
    else:
        assert (entry.status, entry.state) == ("red", EntryState.APPROVED)


@pytest.mark.parametrize("url", [VALUES, UPDATES])
def test_writes_need_a_valid_token(site: Site, url: str) -> None:
    body = [{"ref": "1.K1", "value": 1}] if url == VALUES else [{"ref": "1.A1", "status": "red"}]
    assert post(Client(), url, body).status_code == 401
    assert post(site.revoked_client("lead"), url, body).status_code == 401


def test_a_contributor_may_not_write_an_item_they_do_not_own_and_nothing_is_written(
    site: Site,
) -> None:
    body = [{"ref": "1.K1", "value": 70}, {"ref": "1.K2", "value": 12}]
    response = post(site.client("contributor"), VALUES, body)
    assert response.status_code == 403
    assert "1.K2" in response.json()["detail"]
    assert _value(site, "1.K1").value == Decimal("58.6")
    assert not KpiValue.objects.filter(item__ref="1.K2", period__code=Q2).exists()


def test_a_refused_row_says_nothing_about_another_persons_entry(site: Site) -> None:
    assert post(site.client("lead"), VALUES, [{"ref": "1.K2", "value": 3}]).status_code == 200
    response = post(site.client("contributor"), VALUES, [{"ref": "1.K2", "value": 4}])
    assert response.status_code == 403
    assert "review" not in response.json()["detail"]


def test_a_contributors_value_is_reported_only_once_a_lead_approves_it(site: Site) -> None:
    contributor = site.client("contributor")
    before = contributor.get(SUMMARY).json()["kpis"][0]
    assert (before["value"], before["status"]) == (58.6, "amber")
    assert post(contributor, VALUES, [{"ref": "1.K1", "value": 66}]).status_code == 200
    waiting = site.client("viewer").get(SUMMARY).json()["kpis"][0]
    assert (waiting["value"], waiting["status"]) == (58.6, "amber")
    entry = _value(site, "1.K1")
    # The audit trail names the token's user as the author of the change.
    assert entry.history.latest().history_user == site.users["contributor"]
    assert entry.submitted_by == site.users["contributor"]
    update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
    after = site.client("viewer").get(SUMMARY).json()["kpis"][0]
    assert (after["value"], after["status"]) == (66, "green")


def test_a_leads_value_also_awaits_another_leads_review(site: Site) -> None:
    response = post(site.client("lead"), VALUES, [{"ref": "1.K2", "value": 25}])
    assert response.json()[0]["state"] == "submitted"
    summary = site.client("viewer").get(SUMMARY).json()
    assert summary["kpis"][1]["status"] == "missing"


def test_values_keep_the_digits_written(site: Site) -> None:
    body = '[{"ref": "1.K1", "value": 58.60}, {"ref": "1.K2", "value": 1E+2}]'
    response = site.client("lead").post(VALUES, data=body, content_type="application/json")
    assert response.status_code == 200
    assert str(_value(site, "1.K1").value) == "58.60"
    assert str(_value(site, "1.K2").value) == "1E+2"


def test_a_draft_is_kept_when_submit_is_false(site: Site) -> None:
    response = post(
        site.client("contributor"), f"{VALUES}?submit=false", [{"ref": "1.K1", "value": 1}]
    )
    assert response.json()[0]["state"] == "draft"
    assert _value(site, "1.K1").state == EntryState.DRAFT


def test_an_override_with_its_reason_is_rated_as_one(site: Site) -> None:
    body = [{"ref": "1.K1", "value": 58.6, "status": "green", "reason": "Rated by the service"}]
    (row,) = post(site.client("lead"), VALUES, body).json()
    assert row["rating"] == {"status": "green", "calculated": "amber", "overridden": True}
    assert row["reason"] == "Rated by the service"


def test_a_value_is_null_when_not_available(site: Site) -> None:
    body = [{"ref": "1.K2", "value": None, "display": "NYA"}]
    (row,) = post(site.client("lead"), VALUES, body).json()
    assert (row["value"], row["display"], row["rating"]["status"]) == (None, "NYA", "na")


# --- 422: one error per bad field of each bad row -----------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"ref": "9.K9", "value": 1}, "ref", "no item 9.K9"),
        ({"ref": "1.A1", "value": 1}, "ref", "not a KPI"),
        ({"ref": "1.K1", "value": "58.6"}, "value", "a number"),
        ({"ref": "1.K1", "value": True}, "value", "a number"),
        ({"ref": "1.K1", "value": [1]}, "value", "a number"),
        ({"ref": "1.K1"}, "value", "required"),
        ({"ref": "1.K1", "value": 1, "colour": "red"}, "colour", "not permitted"),
        ({"ref": "1.K1", "value": 1, "status": "purple"}, "status", ""),
        ({"ref": "1.K1", "value": 1, "status": "green"}, "reason", "reason"),
        ({"ref": "1.K1", "value": 1, "display": 5}, "display", "string"),
        ({"ref": "1.K1", "value": 1, "expected_version": -1}, "expected_version", ""),
        ({"ref": "", "value": 1}, "ref", ""),
    ],
)
def test_a_bad_row_names_its_ref_and_field(
    site: Site, row: dict[str, Any], field: str, words: str
) -> None:
    good = {"ref": "1.K2", "value": 3}
    response = post(site.client("lead"), VALUES, [good, row])
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, field)]
    assert errors[0]["ref"] == row.get("ref")
    assert words.lower() in errors[0]["message"].lower()
    assert "nothing was written" in response.json()["detail"]
    assert not KpiValue.objects.filter(item__ref="1.K2", period__code=Q2).exists()


def test_every_bad_row_is_named_in_one_answer(site: Site) -> None:
    body = [
        {"ref": "1.K1", "value": "x"},
        {"ref": "1.K2", "value": 3},
        7,
        {"ref": "1.Q1", "value": 1},
        {"ref": "1.K2", "value": 4},
    ]
    errors = post(site.client("lead"), VALUES, body).json()["errors"]
    assert [(e["index"], e["ref"], e["field"]) for e in errors] == [
        (0, "1.K1", "value"),
        (2, None, "row"),
        (3, "1.Q1", "ref"),
        (4, "1.K2", "ref"),
    ]


@pytest.mark.parametrize(
    "body", ["", "{}", '{"ref": "1.K1"}', "[1, 2", '[{"ref": "1.K1", "value": NaN}]']
)
def test_a_body_that_is_no_list_of_rows_is_refused(site: Site, body: str) -> None:
    response = site.client("lead").post(VALUES, data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_an_update_needs_a_status_of_the_seven(site: Site) -> None:
    body = [{"ref": "1.A1", "status": "purple"}, {"ref": "1.A2"}, {"ref": "1.K1", "status": "red"}]
    errors = post(site.client("lead"), UPDATES, body).json()["errors"]
    assert [(e["index"], e["ref"], e["field"]) for e in errors] == [
        (0, "1.A1", "status"),
        (1, "1.A2", "status"),
        (2, "1.K1", "ref"),
    ]


def test_an_item_outside_its_periods_is_refused(site: Site) -> None:
    from plantracker.tracker.models import Item

    item = Item.objects.get(plan=site.plan, ref="1.A2")
    item.until_period = Period.objects.get(plan=site.plan, code="2018-19-Q1")
    item.save()
    errors = post(site.client("lead"), UPDATES, [{"ref": "1.A2", "status": "green"}]).json()
    assert errors["errors"][0]["ref"] == "1.A2"
    assert "does not run" in errors["errors"][0]["message"]


# --- 409: concurrency and closed periods --------------------------------------------------


def test_a_stale_expected_version_is_a_conflict_and_nothing_is_written(site: Site) -> None:
    version = _value(site, "1.K1").version
    body = [{"ref": "1.K2", "value": 3}, {"ref": "1.K1", "value": 60, "expected_version": version}]
    assert post(site.client("lead"), f"{VALUES}?submit=false", body).status_code == 200
    again = [{"ref": "1.K1", "value": 61, "expected_version": version}]
    response = post(site.client("contributor"), VALUES, again)
    assert response.status_code == 409
    assert "was changed by lead at" in response.json()["detail"]  # named (ADR 0070)
    assert _value(site, "1.K1").value == Decimal("60")


def test_an_entry_awaiting_review_is_not_overwritten(site: Site) -> None:
    assert (
        post(site.client("contributor"), VALUES, [{"ref": "1.K1", "value": 66}]).status_code == 200
    )
    response = post(site.client("lead"), VALUES, [{"ref": "1.K1", "value": 10}])
    assert response.status_code == 409
    assert "awaits the lead's review" in response.json()["detail"]
    assert _value(site, "1.K1").value == Decimal("66")


def test_another_persons_draft_is_replaced_only_with_its_version(site: Site) -> None:
    body = [{"ref": "1.K1", "value": 70}]
    draft = post(site.client("contributor"), f"{VALUES}?submit=false", body)
    version = draft.json()[0]["version"]
    response = post(site.client("lead"), VALUES, [{"ref": "1.K1", "value": 71}])
    assert response.status_code == 409
    assert f"expected_version {version}" in response.json()["detail"]
    assert _value(site, "1.K1").value == Decimal("70")
    # Their own draft: the contributor's feed may write over it without a version.
    assert post(site.client("contributor"), f"{VALUES}?submit=false", body).status_code == 200
    # The lead, having read the draft's version, may replace it.
    version = _value(site, "1.K1").version
    body = [{"ref": "1.K1", "value": 71, "expected_version": version}]
    assert post(site.client("lead"), VALUES, body).status_code == 200
    assert _value(site, "1.K1").value == Decimal("71")


def test_a_closed_period_is_read_only(site: Site) -> None:
    period = Period.objects.get(plan=site.plan, code=Q2)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    response = post(site.client("lead"), VALUES, [{"ref": "1.K1", "value": 1}])
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    periods = site.client("viewer").get("/api/v1/plans/cip/periods").json()
    assert periods[1]["state"] == "closed"


def test_a_new_period_takes_values(site: Site) -> None:
    response = post(
        site.client("contributor"),
        f"/api/v1/plans/cip/periods/{Q3}/kpi-values",
        [{"ref": "1.K1", "value": 61.5, "expected_version": 0}],
    )
    assert response.status_code == 200, response.content
    assert _value(site, "1.K1", Q3).value == Decimal("61.5")


# --- reading entries ----------------------------------------------------------------------


def test_entries_show_their_review_state_to_those_who_may_write_them(site: Site) -> None:
    assert (
        post(site.client("contributor"), VALUES, [{"ref": "1.K1", "value": 66}]).status_code == 200
    )
    own = site.client("contributor").get(VALUES).json()
    assert own[0] | {"value": 66, "state": "submitted"} == own[0]
    lead = site.client("lead").get(VALUES).json()
    assert (lead[0]["value"], lead[0]["state"]) == (66, "submitted")
    # Others see what is reported: the approved value, until the lead approves the new one.
    viewer = site.client("viewer").get(VALUES).json()
    assert (viewer[0]["value"], viewer[0]["state"]) == (58.6, "approved")


def test_updates_list_the_periods_action_and_measure_updates(site: Site) -> None:
    rows = site.client("viewer").get(UPDATES).json()
    assert [(row["ref"], row["status"]) for row in rows] == [
        ("1.A1", "red"),
        ("1.A2", "green"),
        ("1.Q1", "amber"),
        ("1.F1", "green"),
    ]
    assert rows[0]["commentary"] == "Poor take-up of the offer"


def test_an_operator_may_write_any_item(site: Site) -> None:
    from plantracker.api.tokens import token_create
    from plantracker.tracker.models import User

    operator = User.objects.create_superuser("ops@example.org", password="x")
    secret = token_create(user=operator, name="ops").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert post(client, VALUES, [{"ref": "1.K2", "value": 2}]).status_code == 200


def _named(site: Site, who: str, first: str, last: str) -> None:
    user = site.users[who]
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])


def test_an_update_a_lead_enters_for_its_owner_is_marked_and_the_owners_own_is_not(
    site: Site,
) -> None:
    """ADR 0069: the lead's entry through the web's service is on the owner's behalf; the
    owner's own change is not. People are named, never by address (ADR 0070)."""
    _named(site, "lead", "Sam", "Lead")
    _named(site, "contributor", "Chris", "Owner")
    second = member_add(
        email="lead2@example.org",
        role=Role.LEAD,
        plan=site.plan,
        organisation=site.plan.organisation,
    ).user
    item = Item.objects.get(plan=site.plan, ref="1.A1")  # the contributor's
    entry = update_send(
        actor=site.users["lead"],
        subject=item,
        period=Period.objects.get(plan=site.plan, code=Q2),
        expected_version=None,
        submit=True,
        status="amber",
        commentary="Owner's figures, by email",
    )
    marked = {"entered_by": "Sam Lead", "on_behalf": True, "on_behalf_of": "Chris Owner"}
    seen = site.client("contributor").get(UPDATES)
    assert seen.json()[0] | marked == seen.json()[0]
    assert b"@example.org" not in seen.content
    update_approve(actor=second, entry=entry, expected_version=entry.version)

    # The owner revises it themselves: their own words carry no mark.
    body = [{"ref": "1.A1", "status": "green", "commentary": "All offered"}]
    (own,) = post(site.client("contributor"), UPDATES, body).json()
    assert own | {"entered_by": "Chris Owner", "on_behalf": False, "on_behalf_of": None} == own
    lead_reads = site.client("lead").get(UPDATES).json()[0]
    assert (lead_reads["status"], lead_reads["on_behalf"]) == ("green", False)
    # A viewer sees the approved words, and who entered those, until the revision is approved.
    viewer_reads = site.client("viewer").get(UPDATES)
    assert viewer_reads.json()[0] | {"status": "amber", **marked} == viewer_reads.json()[0]
    assert b"@example.org" not in viewer_reads.content
