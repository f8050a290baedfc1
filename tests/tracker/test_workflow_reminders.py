"""Reminders: who is missing updates after the due date, which
reviews are stale after two working days (the `remind` command: tests/commands/test_remind.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from tests.tracker.workflow_site import Q3, WorkflowSite, make_reminder_site

from plantracker.tracker.models import Update
from plantracker.tracker.selectors.reminders import (
    bank_holidays,
    reminders,
    working_days_since,
)
from plantracker.tracker.services import (
    update_save_draft,
    update_submit,
)

pytestmark = pytest.mark.django_db

DUE = date(2019, 1, 14)  # a Monday


@pytest.fixture
def site() -> WorkflowSite:
    return make_reminder_site(DUE)


@pytest.mark.parametrize(
    ("submitted", "today", "days"),
    [
        (date(2019, 1, 11), date(2019, 1, 14), 1),  # Friday → Monday
        (date(2019, 1, 11), date(2019, 1, 15), 2),  # → Tuesday: not yet stale
        (date(2019, 1, 11), date(2019, 1, 16), 3),  # → Wednesday: stale
        (date(2019, 1, 14), date(2019, 1, 14), 0),
        (date(2019, 1, 12), date(2019, 1, 13), 0),  # a weekend
    ],
)
def test_working_days(submitted: date, today: date, days: int) -> None:
    assert working_days_since(submitted, today) == days


@pytest.mark.parametrize(
    ("region", "days"),
    [
        ("ENG", 1),  # Friday 22 Dec 2023 → Thursday 28th: Christmas Day, Boxing Day closed
        ("none", 3),
    ],
)
def test_bank_holidays_are_not_working_days(settings: Settings, region: str, days: int) -> None:
    settings.BANK_HOLIDAYS = region
    submitted, today = date(2023, 12, 22), date(2023, 12, 27)
    assert working_days_since(submitted, today, bank_holidays(submitted, today)) == days


def test_scotland_has_its_own_bank_holidays(settings: Settings) -> None:
    # Friday 30 Dec 2022 → Wednesday 4 Jan 2023: Monday 2 is a holiday everywhere (New Year
    # observed), Tuesday 3 only in Scotland.
    submitted, today = date(2022, 12, 30), date(2023, 1, 4)
    settings.BANK_HOLIDAYS = "ENG"
    assert working_days_since(submitted, today, bank_holidays(submitted, today)) == 2
    settings.BANK_HOLIDAYS = "SCT"
    assert working_days_since(submitted, today, bank_holidays(submitted, today)) == 1


def test_nobody_is_missing_before_the_due_date(site: WorkflowSite) -> None:
    found = reminders(plan_record=site.plan, period=site.period(Q3), today=DUE)
    assert not found.overdue and found.owners == () and found.unlinked == ()


def test_owners_missing_updates_after_the_due_date(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    # A draft is still missing; a submitted update is the lead's to review, not missing.
    update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="green",
    )
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.Q1"),
        period=site.period(Q3),
        expected_version=0,
        status="green",
    )
    update_submit(actor=contributor, entry=entry, expected_version=1)
    found = reminders(plan_record=site.plan, period=site.period(Q3), today=DUE + timedelta(days=1))
    assert found.overdue
    [owner] = found.owners
    assert owner.user == contributor
    assert [missing.name for missing in owner.missing] == ["Action 1.A1", "KPI 1.K1", "Risk 1"]
    # Items whose owner has no account are listed for the leads. 2.A2 is blue since Q1
    # (complete), so the domain does not count it missing.
    unlinked = {missing.name for missing in found.unlinked}
    assert "Action 2.A1" in unlinked and "Action 2.A2" not in unlinked
    assert {lead.username for lead in found.leads} == {"lead@example.org", "lead2@example.org"}


def test_reviews_waiting_more_than_two_working_days(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="green",
    )
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    friday = timezone.make_aware(datetime(2019, 1, 11, 16, 0))
    Update.objects.filter(pk=entry.pk).update(submitted_at=friday)
    tuesday = reminders(plan_record=site.plan, period=site.period(Q3), today=date(2019, 1, 15))
    assert tuesday.reviews == ()
    wednesday = reminders(plan_record=site.plan, period=site.period(Q3), today=date(2019, 1, 16))
    [stale] = wednesday.reviews
    assert (stale.name, stale.working_days) == ("Action 1.A1, 2018-19-Q3", 3)
    assert stale.submitted_by == contributor
