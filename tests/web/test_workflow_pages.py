"""The workflow's pages (ADR 0041): what a contributor and a lead see and do, without a
browser. Errors use the GOV.UK error summary and keep what was typed; a conflict shows the
other person's version; closed periods are read-only; the dashboard and the report count
approved updates only, and a closed period's come from its snapshot."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.models import KpiValue, PeriodState, PlanRecord, Update
from plantracker.tracker.services import period_close, update_save_draft, update_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _updates_url(code: str = Q3) -> str:
    return reverse("web:my-updates", args=["cip", code])


def _post_kpi(client: Client, site: WorkflowSite, action: str = "draft", **fields: str) -> object:
    key = f"item-{site.item('1.K1').pk}"
    data = {"subject": key, "action": action, f"{key}-version": fields.pop("version", "0")}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    return client.post(_updates_url(), data)


def test_my_updates_lists_what_the_person_owns_with_the_previous_period(
    site: WorkflowSite,
) -> None:
    page = page_text(site.client("contributor").get(_updates_url()))
    for name in ("Action 1.A1", "KPI 1.K1", "Quality measure 1.Q1", "Risk 1"):
        assert name in page
    assert "Action 2.A1" not in page  # not theirs
    # Beside each, the previous period's reported entry.
    assert "Partners have not yet signed the protocol" in page
    assert "58.6" in page


def test_a_kpi_saved_shows_its_calculated_status(site: WorkflowSite) -> None:
    client = site.client("contributor")
    response = _post_kpi(client, site, value="60")
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = page_text(client.get(_updates_url()))
    assert "KPI 1.K1 saved as a draft" in page
    assert "Status with the saved value: Amber as calculated" in page  # 60 vs 65 at 10 %


def test_an_override_without_reason_is_an_error_and_keeps_the_input(site: WorkflowSite) -> None:
    client = site.client("contributor")
    response = _post_kpi(client, site, value="60", status="green", commentary="Nearly there")
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "There is a problem" in html
    key = f"item-{site.item('1.K1').pk}"
    assert f'href="#id_{key}-reason"' in html  # the summary links to the field
    assert f'id="id_{key}-reason-error"' in html
    assert 'value="60"' in html and "Nearly there" in html  # what was typed is kept
    assert not KpiValue.objects.filter(period=site.period(Q3)).exists()


def test_the_cycle_submit_return_resubmit_approve_through_the_pages(site: WorkflowSite) -> None:
    contributor, lead = site.client("contributor"), site.client("lead")
    key = f"item-{site.item('1.A1').pk}"
    response = contributor.post(
        _updates_url(),
        {
            "subject": key,
            "action": "submit",
            f"{key}-version": "0",
            f"{key}-status": "amber",
            f"{key}-commentary": "Two partners have signed",
        },
    )
    assert response.status_code == 302
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q3))
    assert entry.state == "submitted"

    dashboard = page_text(lead.get(reverse("web:dashboard-period", args=["cip", Q3])))
    assert "1 update awaits review and is not counted" in dashboard

    review_url = reverse("web:review", args=["cip", Q3])
    assert "Two partners have signed" in page_text(lead.get(review_url))
    token = f"update-{entry.pk}-{entry.version}"
    empty = lead.post(review_url, {"prefix": key, f"{key}-entry": token, f"{key}-action": "return"})
    assert empty.status_code == 400
    assert "Say what needs to change" in empty.content.decode()
    returned = lead.post(
        review_url,
        {
            "prefix": key,
            f"{key}-entry": token,
            f"{key}-action": "return",
            f"{key}-comment": "Which two partners?",
        },
    )
    assert returned.status_code == 302
    page = page_text(contributor.get(_updates_url()))
    assert "Returned by lead on" in page and "Which two partners?" in page

    entry.refresh_from_db()
    contributor.post(
        _updates_url(),
        {
            "subject": key,
            "action": "submit",
            f"{key}-version": str(entry.version),
            f"{key}-status": "amber",
            f"{key}-commentary": "Health and the police have signed",
        },
    )
    entry.refresh_from_db()
    assert entry.state == "submitted"
    response = lead.post(
        review_url,
        {
            "prefix": key,
            f"{key}-entry": f"update-{entry.pk}-{entry.version}",
            f"{key}-action": "approve",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "approved"
    recommendation = page_text(lead.get(reverse("web:recommendation", args=["cip", Q3, 1])))
    assert "Health and the police have signed" in recommendation


def test_bulk_approval(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    tokens = []
    for ref in ("1.A1", "1.Q1"):
        entry = update_save_draft(
            actor=contributor,
            subject=site.item(ref),
            period=site.period(Q3),
            expected_version=0,
            status="green",
        )
        entry = update_submit(actor=contributor, entry=entry, expected_version=1)
        tokens.append(f"update-{entry.pk}-2")
    response = site.client("lead").post(
        reverse("web:review", args=["cip", Q3]), {"action": "bulk", "entry": tokens}
    )
    assert response.status_code == 302
    assert set(Update.objects.filter(period=site.period(Q3)).values_list("state", flat=True)) == {
        "approved"
    }
    nothing = site.client("lead").post(reverse("web:review", args=["cip", Q3]), {"action": "bulk"})
    assert nothing.status_code == 400
    assert "Select the updates to approve" in nothing.content.decode()


def test_a_conflict_shows_both_versions_and_keeps_the_text(site: WorkflowSite) -> None:
    key = f"item-{site.item('1.A1').pk}"
    form = {
        "subject": key,
        "action": "draft",
        f"{key}-version": "0",
        f"{key}-status": "green",
        f"{key}-commentary": "My own words",
    }
    # Someone else (the lead) saved first.
    update_save_draft(
        actor=site.users["lead"],
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="red",
        commentary="The lead's words",
    )
    response = site.client("contributor").post(_updates_url(), form)
    assert response.status_code == 409
    page = page_text(response)
    assert "lead changed this update" in page and "lead@example.org" not in page
    assert "The lead's words" in page and "My own words" in page
    html = response.content.decode()
    assert f'name="{key}-version" value="1"' in html  # saving again knowingly replaces
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q3))
    assert entry.commentary == "The lead's words"
    again = site.client("contributor").post(_updates_url(), {**form, f"{key}-version": "1"})
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.commentary == "My own words"


@pytest.mark.usefixtures("reports_at_once")
def test_closing_makes_the_period_read_only_and_fixes_its_report(site: WorkflowSite) -> None:
    lead = site.client("lead")
    report_url = reverse("web:report", args=["cip", Q2, "html"])
    before = lead.get(report_url).content
    period_url = reverse("web:period", args=["cip", Q2])
    response = lead.post(
        period_url, {"action": "close", "confirm": "yes", "version": site.period(Q2).version}
    )
    assert response.status_code == 302
    assert site.period(Q2).state == PeriodState.CLOSED

    # The rules change afterwards: the closed period's report and dashboard do not.
    PlanRecord.objects.filter(pk=site.plan.pk).update(kpi_tolerance="0")
    assert lead.get(report_url).content == before
    dashboard = page_text(lead.get(reverse("web:dashboard-period", args=["cip", Q2])))
    assert "these figures are the ones it reported when it was closed" in dashboard

    # My updates is read-only, and a write is refused without a change.
    contributor = site.client("contributor")
    page = contributor.get(_updates_url(Q2)).content.decode()
    assert "This period is closed" in page and "Save draft" not in page
    key = f"item-{site.item('1.A1').pk}"
    version = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2)).version
    refused = contributor.post(
        _updates_url(Q2),
        {
            "subject": key,
            "action": "draft",
            f"{key}-version": str(version),
            f"{key}-status": "green",
        },
    )
    assert refused.status_code == 409
    assert "is closed" in refused.content.decode()
    assert Update.objects.get(item=site.item("1.A1"), period=site.period(Q2)).status == "red"

    # Reopening needs a reason.
    no_reason = lead.post(period_url, {"action": "reopen", "version": 2, "reason": ""})
    assert "Say why the period is being reopened" in no_reason.content.decode()
    assert site.period(Q2).state == PeriodState.CLOSED
    lead.post(period_url, {"action": "reopen", "version": 2, "reason": "Late health data"})
    page = page_text(lead.get(period_url))
    assert "Open for updates" in page and "Late health data" in page


def test_the_due_date_is_set_with_the_date_pattern(site: WorkflowSite) -> None:
    lead = site.client("lead")
    url = reverse("web:period", args=["cip", Q3])
    wrong = lead.post(
        url, {"action": "open", "version": 1, "day": "31", "month": "2", "year": "2019"}
    )
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "must be a real date" in html
    assert 'value="31"' in html
    # The one date input partial (the audit filter's too): its error linked to the fieldset.
    assert 'aria-describedby="due-hint due-error"' in html and 'href="#id_day"' in html
    done = lead.post(
        url, {"action": "open", "version": 1, "day": "14", "month": "1", "year": "2019"}
    )
    assert done.status_code == 302
    assert str(site.period(Q3).due) == "2019-01-14"


def test_the_narrative_editor_and_its_preview(site: WorkflowSite) -> None:
    lead = site.client("lead")
    url = reverse("web:narrative", args=["cip", Q2])
    page = lead.get(url).content.decode()
    assert "Q2 reporting completed" in page  # the stored narrative, ready to edit
    refused = lead.post(url, {"version": 1, "headlines": "x", "overall": "red"})
    assert refused.status_code == 400
    assert "Give the reason for setting the overall status by hand" in refused.content.decode()
    saved = lead.post(
        url,
        {
            "version": 1,
            "headlines": "The protocol is signed\nA new team is in post",
            "deep_dives": ["2"],
            "commentary_2": "Good progress this quarter.",
            "overall": "green",
            "overall_reason": "The board judged it so",
        },
    )
    assert saved.status_code == 302
    preview = lead.get(reverse("web:narrative-preview", args=["cip", Q2]))
    assert preview["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in preview
    html = preview.content.decode()
    assert "The protocol is signed" in html and "The board judged it so" in html


def test_the_audit_trail_on_the_item_page_and_as_csv(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=0,
        value="61",
        commentary="=HYPERLINK(evil)",
    )
    update_save_draft(
        actor=contributor,
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=entry.version,
        value="62.5",
        commentary="=HYPERLINK(evil)",
    )
    viewer = site.client("viewer")
    item_page = viewer.get(reverse("web:item", args=["cip", "1.K1"])).content.decode()
    assert reverse("web:item-audit", args=["cip", "1.K1"]) in item_page
    page = page_text(viewer.get(reverse("web:item-audit", args=["cip", "1.K1"]), follow=True))
    # A viewer sees names, not staff email addresses (ADR 0070).
    assert "contributor" in page and "61 → 62.5" in page
    assert "contributor@example.org" not in page

    response = viewer.get(reverse("web:plan-audit-csv", args=["cip"]) + "?item=1.K1")
    assert response["Content-Disposition"] == 'attachment; filename="cip-1.K1-audit.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    value_changes = [
        (row["who"], row["old"], row["new"])
        for row in rows
        if row["field"] == "value" and row["what"] == "KPI 1.K1, 2018-19-Q3"
    ]
    assert value_changes == [("contributor", "61", "62.5"), ("contributor", "—", "61")]
    # A formula is never handed to a spreadsheet.
    assert all(not row["new"].startswith("=") for row in rows)
    assert any(row["new"] == "'=HYPERLINK(evil)" for row in rows)


def test_the_lead_sees_reminders_on_the_dashboard_and_the_command_emails_them(
    site: WorkflowSite,
) -> None:
    lead = site.client("lead")
    lead.post(
        reverse("web:period", args=["cip", Q3]),
        {"action": "open", "version": 1, "day": "14", "month": "1", "year": "2019"},
    )
    page = page_text(lead.get(reverse("web:dashboard-period", args=["cip", Q3])))
    assert "Missing after the due date, 14 January 2019" in page
    assert "contributor@example.org: Action 1.A1, KPI 1.K1, Quality measure 1.Q1, Risk 1" in page
    out = io.StringIO()
    call_command("remind", "--period", Q3, stdout=out)
    assert out.getvalue().splitlines()[-1] == "3 reminders sent"
    to = sorted(address for message in mail.outbox for address in message.to)
    # The owner, and both leads (other items' owners have no account to remind).
    assert to == ["contributor@example.org", "lead2@example.org", "lead@example.org"]
    contributor_mail = next(m for m in mail.outbox if m.to == ["contributor@example.org"])
    assert "KPI 1.K1" in contributor_mail.body
    assert "/plans/cip/2018-19-Q3/updates/" in contributor_mail.body


def test_the_item_page_shows_a_closed_period_as_it_reported(site: WorkflowSite) -> None:
    """What changed under a closed period after it was closed (here: its KPI value and the
    plan's tolerance, as a restore or a later rule change would) does not rewrite its row
    of the item's history; the open period reads the live data."""
    lead = site.users["lead"]
    period = site.period(Q2)
    before = page_text(site.client("viewer").get(reverse("web:item", args=["cip", "1.K1"])))
    assert "Q2 July – September 2018 58.6%" in before
    period_close(actor=lead, period=period, expected_version=period.version)
    KpiValue.objects.filter(item=site.item("1.K1"), period=period).update(value="12.3")
    PlanRecord.objects.filter(pk=site.plan.pk).update(kpi_tolerance="0")
    after = page_text(site.client("viewer").get(reverse("web:item", args=["cip", "1.K1"])))
    history = after[after.index("History") :]
    assert "Q2 July – September 2018 58.6%" in history and "12.3" not in history
    assert history == before[before.index("History") :]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/plans/cip/audit/items/1.K%001/", 404),
        # The audit filter checks an item or period against the plan's lists: a bad filter.
        ("/plans/cip/audit.csv?item=1.K%001", 400),
        ("/plans/cip/audit.csv?period=2018-19-Q%003", 400),
        ("/plans/cip/2018-19-Q%003/period/", 404),
        ("/plans/cip/2018-19-Q%003/updates/", 404),
    ],
    ids=["item-audit", "csv-item", "csv-period", "period", "updates"],
)
def test_a_nul_in_a_ref_or_period_code_is_refused(
    site: WorkflowSite, url: str, status: int
) -> None:
    # PostgreSQL refuses a NUL in a query: the selectors answer None before asking it.
    assert site.client("lead").get(url).status_code == status
