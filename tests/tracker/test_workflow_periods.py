"""Opening, closing (the snapshot) and reopening periods (ADR 0040, ADR 0041)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from tests.tracker.workflow_site import Q1, Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.domain.evaluate import evaluate
from plantracker.domain.summary import summary_dict
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import KpiValue, PeriodState, PlanRecord
from plantracker.tracker.selectors import period_plan, period_result, plan_domain
from plantracker.tracker.services import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    ServiceError,
    narrative_update,
    period_close,
    period_open,
    period_reopen,
    update_save_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _summary(site: WorkflowSite, code: str) -> dict[str, object]:
    return summary_dict(period_result(plan_record=site.plan, period_code=code))


def _close(site: WorkflowSite, code: str, who: str = "lead") -> None:
    period = site.period(code)
    period_close(actor=site.users[who], period=period, expected_version=period.version)


def test_opening_sets_the_due_date(site: WorkflowSite) -> None:
    period = site.period(Q3)
    opened = period_open(
        actor=site.users["lead"], period=period, due=date(2019, 1, 14), expected_version=1
    )
    assert (opened.state, opened.due, opened.version) == (PeriodState.OPEN, date(2019, 1, 14), 2)
    assert plan_domain(plan_record=site.plan).period(Q3).due == date(2019, 1, 14)
    with pytest.raises(InvalidInput) as refused:
        period_open(
            actor=site.users["lead"], period=opened, due=date(2018, 1, 1), expected_version=2
        )
    assert "due" in refused.value.errors


def test_a_closed_period_reports_from_its_snapshot_after_rules_and_data_change(
    site: WorkflowSite,
) -> None:
    """docs/rules.md#snapshots: a published report re-renders identically."""
    before = _summary(site, Q2)
    html_before = RENDERERS["html"].render(
        build_report(period_result(plan_record=site.plan, period_code=Q2))
    )
    _close(site, Q2)
    assert site.period(Q2).state == PeriodState.CLOSED
    assert _summary(site, Q2) == before

    # The rules change: a tolerance of 0 makes 1.K1's 58.6 against 65 red, not amber.
    PlanRecord.objects.filter(pk=site.plan.pk).update(kpi_tolerance="0", rollup_green="100")
    # And the data change behind the application's back (as a re-import could).
    KpiValue.objects.filter(item__ref="1.K1", item__plan=site.plan, period=site.period(Q2)).update(
        value="10", status=None, reason=None
    )
    site.plan.refresh_from_db()
    live = summary_dict(evaluate(plan_domain(plan_record=site.plan), Q2))
    assert live != before  # the live data would now give other figures ...
    assert live["kpis"][0]["calculated"] == "red"
    assert _summary(site, Q2) == before  # ... but the closed period shows what it reported
    html_after = RENDERERS["html"].render(
        build_report(period_result(plan_record=site.plan, period_code=Q2))
    )
    assert html_after == html_before

    snapshot = site.period(Q2).snapshots.get()
    assert snapshot.rules == {
        "kpi_tolerance": "10",
        "dot_band": "2",
        "rollup_green": "75",
        "rollup_red": "25",
    }
    assert snapshot.taken_by == site.users["lead"]
    assert json.loads(json.dumps(snapshot.summary)) == before


def test_the_next_period_compares_with_what_the_closed_one_reported(site: WorkflowSite) -> None:
    _close(site, Q2)
    reported = _summary(site, Q2)["overall"]["status"]  # type: ignore[index]
    # Re-rate Q2 behind the snapshot's back: every item's previous status changes.
    PlanRecord.objects.filter(pk=site.plan.pk).update(rollup_green="0", rollup_red="0")
    site.plan.refresh_from_db()
    q3 = _summary(site, Q3)
    assert q3["overall"]["previous"] == reported  # type: ignore[index]


def test_reopening_needs_a_reason_and_is_audited(site: WorkflowSite) -> None:
    _close(site, Q2)
    period = site.period(Q2)
    with pytest.raises(InvalidInput) as refused:
        period_reopen(actor=site.users["lead"], period=period, reason="  ", expected_version=2)
    assert "reason" in refused.value.errors
    reopened = period_reopen(
        actor=site.users["lead"],
        period=period,
        reason="Health data for September arrived late",
        expected_version=2,
    )
    assert reopened.state == PeriodState.OPEN
    last = reopened.history.order_by("-history_date").first()
    assert last is not None
    assert last.history_user == site.users["lead"]
    assert last.history_change_reason == "reopened"
    assert last.reopen_reason == "Health data for September arrived late"
    # Open again: it reports live data, and it takes updates.
    entry = update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.K1"),
        period=reopened,
        expected_version=KpiValue.objects.get(item=site.item("1.K1"), period=reopened).version,
        value="66",
    )
    assert entry.state == "draft"
    # Closing again takes a new snapshot; the latest is in force.
    _close(site, Q2)
    assert site.period(Q2).snapshots.count() == 2


def test_closing_refuses_twice_and_reopening_an_open_period(site: WorkflowSite) -> None:
    _close(site, Q2)
    with pytest.raises(ServiceError, match="already closed"):
        _close(site, Q2)
    with pytest.raises(ServiceError, match="not closed"):
        period_reopen(
            actor=site.users["lead"], period=site.period(Q1), reason="Why not", expected_version=1
        )
    with pytest.raises(ServiceError, match="reopen it with a reason"):
        period_open(
            actor=site.users["lead"],
            period=site.period(Q2),
            due=date(2018, 10, 14),
            expected_version=2,
        )


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin", "outsider"])
def test_only_a_lead_opens_closes_and_reopens(site: WorkflowSite, who: str) -> None:
    actor = site.users[who]
    period = site.period(Q2)
    with pytest.raises(NotAllowed):
        period_open(actor=actor, period=period, due=date(2018, 10, 14), expected_version=1)
    with pytest.raises(NotAllowed):
        period_close(actor=actor, period=period, expected_version=1)
    _close(site, Q2)
    with pytest.raises(NotAllowed):
        period_reopen(actor=actor, period=period, reason="Because", expected_version=2)
    assert site.period(Q2).state == PeriodState.CLOSED


def test_a_stale_period_version_is_a_conflict(site: WorkflowSite) -> None:
    period = site.period(Q2)
    period_open(
        actor=site.users["lead2"], period=period, due=date(2018, 10, 14), expected_version=1
    )
    with pytest.raises(ConflictError) as conflict:
        period_close(actor=site.users["lead"], period=period, expected_version=1)
    assert conflict.value.changed_by == "lead2"  # named, never by address (ADR 0070)
    assert site.period(Q2).state == PeriodState.OPEN


# --- narrative ----------------------------------------------------------------------------


def test_the_lead_edits_the_narrative_and_the_report_follows(site: WorkflowSite) -> None:
    narrative = narrative_update(
        actor=site.users["lead"],
        period=site.period(Q3),
        expected_version=0,
        headlines=["Protocol signed", "  ", "New team in post"],
        decisions=["Fund the team"],
        milestones=["Board in February"],
        next_steps=["Review in March"],
        deep_dives=[2, 1, 2],
        commentary={2: ["Good progress.", "More to do."]},
        boxes={"progress": "green", "finance": None},
        box_reasons={"progress": "All actions are on track by the lead's judgement"},
    )
    assert narrative.version == 1
    assert narrative.headlines == ["Protocol signed", "New team in post"]
    assert narrative.deep_dives == [1, 2]  # plan order, once each
    plan = period_plan(plan_record=site.plan, period_code=Q3)
    domain = plan.narrative[Q3]
    assert domain.commentary == {2: ("Good progress.", "More to do.")}
    report = build_report(evaluate(plan, Q3))
    assert "Protocol signed" in report.overview.headlines.lead
    assert report.overview.boxes[0].status.value == "green"  # Progress, set by hand


def test_a_hand_set_box_needs_a_reason_and_deep_dives_must_exist(site: WorkflowSite) -> None:
    with pytest.raises(InvalidInput) as refused:
        narrative_update(
            actor=site.users["lead"],
            period=site.period(Q3),
            expected_version=0,
            deep_dives=[9],
            boxes={"overall": "red"},
        )
    assert set(refused.value.errors) == {"deep_dives", "overall_reason"}


def test_the_narrative_of_a_closed_period_and_a_viewer_write_are_refused(
    site: WorkflowSite,
) -> None:
    with pytest.raises(NotAllowed):
        narrative_update(actor=site.users["viewer"], period=site.period(Q2), expected_version=1)
    _close(site, Q2)
    with pytest.raises(ServiceError, match="closed"):
        narrative_update(
            actor=site.users["lead"], period=site.period(Q2), expected_version=1, headlines=["X"]
        )
    assert site.period(Q2).narrative.headlines == ["Q2 reporting completed"]


def test_a_stale_narrative_is_a_conflict(site: WorkflowSite) -> None:
    narrative_update(
        actor=site.users["lead2"], period=site.period(Q2), expected_version=1, headlines=["A"]
    )
    with pytest.raises(ConflictError) as conflict:
        narrative_update(
            actor=site.users["lead"], period=site.period(Q2), expected_version=1, headlines=["B"]
        )
    assert conflict.value.current["headlines"] == ["A"]
    assert conflict.value.changed_by == "lead2"  # named, never by address (ADR 0070)


def test_kpi_values_are_kept_exactly(site: WorkflowSite) -> None:
    entry = update_save_draft(
        actor=site.users["lead"],
        subject=site.item("2.K1"),
        period=site.period(Q3),
        expected_version=0,
        value=" 1,058.60 ",
    )
    entry.refresh_from_db()
    assert str(entry.value) == "1058.60" and entry.value == Decimal("1058.6")


def test_the_summary_command_reads_a_closed_period_from_its_snapshot(site: WorkflowSite) -> None:
    def summary(code: str) -> dict[str, Any]:
        out = io.StringIO()
        call_command("summary", "cip", "--period", code, "--json", stdout=out)
        return json.loads(out.getvalue())  # type: ignore[no-any-return]

    q1_before, q2_before = summary(Q1), summary(Q2)
    _close(site, Q2)
    # 3 of the 6 KPIs are red in Q1 (and Q2): red at a 25 % red threshold, not at 60 %.
    PlanRecord.objects.filter(pk=site.plan.pk).update(rollup_red="60")
    assert summary(Q2) == q2_before  # closed: its snapshot
    assert q1_before["totals"]["kpis"]["status"] == "red"
    assert summary(Q1)["totals"]["kpis"]["status"] == "amber"  # open: the new rules
