"""`plantracker remind --period ID [--dry-run]`: emails to the owners of missing updates and
to the leads of stale reviews."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_reminder_site

from plantracker.tracker.services import period_close

pytestmark = pytest.mark.django_db

DUE = date(2019, 1, 14)  # a Monday


@pytest.fixture
def site() -> WorkflowSite:
    return make_reminder_site(DUE)


def test_the_command_lists_in_a_dry_run_and_sends_otherwise(site: WorkflowSite) -> None:
    out = io.StringIO()
    call_command("remind", "--period", Q3, "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        "would email contributor@example.org: Children's Improvement Plan: "
        "4 updates missing for Q3 October – December 2018" in lines
    )
    assert "    Action 1.A1: Agree the multi-agency protocol" in lines
    assert lines[-1] == "3 reminders (dry run: none sent)"
    assert mail.outbox == []

    call_command("remind", "--period", Q3, stdout=io.StringIO())
    assert len(mail.outbox) == 3
    lead_mail = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    assert "their owner has no account" in lead_mail.body


def test_the_command_refuses_an_unknown_period_and_skips_closed_ones(site: WorkflowSite) -> None:
    with pytest.raises(CommandError, match="no plan has a period '2030-31-Q1'"):
        call_command("remind", "--period", "2030-31-Q1", stdout=io.StringIO())
    period = site.period(Q2)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    out = io.StringIO()
    call_command("remind", "--period", Q2, stdout=out)
    assert "cip 2018-19-Q2: closed, nothing to remind" in out.getvalue()
    assert mail.outbox == []
