"""One page for all a person's updates: one form, "Save all drafts", "Submit all complete",
each item's own submit, and the page script's saves on change (JSON). Whatever is typed is
kept: saved, or shown again with its item's error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.models import KpiValue, RiskUpdate, Update
from plantracker.tracker.services import period_close, update_save_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _url(code: str = Q3) -> str:
    return reverse("web:my-updates", args=["cip", code])


def _keys(site: WorkflowSite) -> dict[str, str]:
    keys = {ref: f"item-{site.item(ref).pk}" for ref in ("1.A1", "1.K1", "1.Q1")}
    keys["risk"] = f"risk-{site.risk().pk}"
    return keys


def _page(site: WorkflowSite, action: str, **typed: dict[str, str]) -> dict[str, str]:
    """The whole form as the browser posts it: every item's fields, empty unless typed."""
    data = {"action": action}
    for name, key in _keys(site).items():
        fields = ["status", "commentary"]
        if name == "1.K1":
            fields += ["value", "display", "reason"]
        data[f"{key}-version"] = typed.get(name, {}).get("version", "0")
        for field in fields:
            data[f"{key}-{field}"] = typed.get(name, {}).get(field, "")
    return data


def _entry(site: WorkflowSite, ref: str) -> Update:
    return Update.objects.get(item=site.item(ref), period=site.period(Q3))


def _state(site: WorkflowSite, ref: str) -> str | None:
    entry = Update.objects.filter(item=site.item(ref), period=site.period(Q3)).first()
    return None if entry is None else entry.state


def test_the_page_is_one_form_with_save_all_and_the_script(site: WorkflowSite) -> None:
    client = site.client("contributor")
    html = client.get(_url()).content.decode()
    assert html.count('<form method="post" action="/plans/cip/') == 1
    assert html.count(">Save all drafts</button>") == 2  # above and below the items
    assert ">Submit all complete</button>" in html
    assert 'src="/static/web/updates.js"' in html and "<script>" not in html  # CSP: no inline


def test_save_all_drafts_saves_every_changed_item_and_skips_the_empty(site: WorkflowSite) -> None:
    client = site.client("contributor")
    data = _page(
        site,
        "draft",
        **{
            "1.A1": {"status": "amber", "commentary": "Two partners have signed"},
            "1.Q1": {"status": "green", "commentary": "Audits done"},
            "risk": {"status": "red", "commentary": "Recruitment stalls"},
        },
    )
    response = client.post(_url(), data)
    assert response.status_code == 302
    page = page_text(client.get(_url()))
    assert "Saved as drafts: Action 1.A1, Quality measure 1.Q1, Risk 1" in page
    assert _entry(site, "1.A1").commentary == "Two partners have signed"
    assert _state(site, "1.Q1") == "draft"
    assert RiskUpdate.objects.get(risk=site.risk(), period=site.period(Q3)).state == "draft"
    # Nothing typed for the KPI: nothing saved.
    assert not KpiValue.objects.filter(period=site.period(Q3)).exists()
    # Saving again without changes records nothing new.
    again = _page(
        site,
        "draft",
        **{
            "1.A1": {"status": "amber", "commentary": "Two partners have signed", "version": "1"},
            "1.Q1": {"status": "green", "commentary": "Audits done", "version": "1"},
            "risk": {"status": "red", "commentary": "Recruitment stalls", "version": "1"},
        },
    )
    client.post(_url(), again)
    assert "Nothing had changed since you last saved" in page_text(client.get(_url()))
    assert _entry(site, "1.A1").version == 1


def test_one_items_error_keeps_every_typed_text_and_saves_the_rest(site: WorkflowSite) -> None:
    client = site.client("contributor")
    keys = _keys(site)
    data = _page(
        site,
        "draft",
        **{
            "1.A1": {"commentary": "Words without a status"},
            "1.K1": {"value": "60", "status": "green", "commentary": "No reason given"},
            "1.Q1": {"status": "green", "commentary": "Audits done"},
        },
    )
    response = client.post(_url(), data)
    assert response.status_code == 400  # one row refused: the page is a 400, the others saved
    html = response.content.decode()
    page = page_text(response)
    assert "There is a problem" in page
    assert f'href="#id_{keys["1.A1"]}-status"' in html
    assert "Choose the status of Action 1.A1" in page
    assert f'href="#id_{keys["1.K1"]}-reason"' in html
    # Every typed text is still in the form; the good item is saved and says so.
    assert "Words without a status" in html and "No reason given" in html
    assert re.search(rf"name=\"{keys['1.K1']}-value\" type=\"text\" value=\"60\"", html)
    assert "Quality measure 1.Q1 saved as a draft" in page
    assert "Audits done" in html
    assert f'name="{keys["1.Q1"]}-version" value="1"' in html  # saving again will not conflict
    assert _state(site, "1.A1") is None
    assert not KpiValue.objects.filter(period=site.period(Q3)).exists()


def test_submit_all_complete_submits_the_complete_and_says_which_are_not(
    site: WorkflowSite,
) -> None:
    client = site.client("contributor")
    data = _page(
        site,
        "submit-all",
        **{
            "1.A1": {"status": "amber", "commentary": "Signed"},
            "1.K1": {"commentary": "The figure comes next week"},
            "1.Q1": {"status": "green"},
        },
    )
    response = client.post(_url(), data)
    assert response.status_code == 302
    page = page_text(client.get(_url()))
    assert "Submitted for review: Action 1.A1, Quality measure 1.Q1" in page
    assert "Not complete, so not submitted: KPI 1.K1" in page
    assert _state(site, "1.A1") == "submitted" and _state(site, "1.Q1") == "submitted"
    assert KpiValue.objects.get(item=site.item("1.K1"), period=site.period(Q3)).state == "draft"


def test_an_items_submit_also_saves_what_was_typed_in_the_others(site: WorkflowSite) -> None:
    client = site.client("contributor")
    keys = _keys(site)
    data = _page(
        site,
        f"submit:{keys['1.A1']}",
        **{
            "1.A1": {"status": "amber", "commentary": "Signed"},
            "1.Q1": {"status": "green", "commentary": "Typed before the other submit"},
        },
    )
    response = client.post(_url(), data)
    assert response.status_code == 302 and response["Location"].endswith(f"#{keys['1.A1']}")
    assert _state(site, "1.A1") == "submitted"
    assert _state(site, "1.Q1") == "draft"
    assert _entry(site, "1.Q1").commentary == "Typed before the other submit"


def test_the_scripts_save_on_change_answers_versions_and_problems(site: WorkflowSite) -> None:
    client = site.client("contributor")
    keys = _keys(site)
    data = _page(
        site,
        "draft",
        **{"1.A1": {"status": "amber"}, "1.Q1": {"commentary": "No status yet"}},
    )
    response = client.post(_url(), data, headers={"X-Autosave": "1"})
    assert response.status_code == 200  # one row saved: the rows say which was not
    answer = response.json()
    assert answer["rows"][keys["1.A1"]] == {"version": 1, "errors": [], "state": "Draft"}
    assert answer["rows"][keys["1.Q1"]]["errors"] == ["Choose the status of Quality measure 1.Q1"]
    assert _state(site, "1.A1") == "draft" and _state(site, "1.Q1") is None


def test_refusals_other_peoples_items_unknown_actions_and_viewers(site: WorkflowSite) -> None:
    client = site.client("contributor")
    other = f"item-{site.item('2.A1').pk}"
    assert client.post(_url(), {"action": f"submit:{other}"}).status_code == 403
    assert client.post(_url(), {"action": "delete-everything"}).status_code == 403
    # Another item's fields smuggled into the form are ignored: only the person's rows count.
    data = _page(site, "draft")
    data.update({f"{other}-version": "0", f"{other}-status": "red"})
    assert client.post(_url(), data).status_code == 302
    assert not Update.objects.filter(item=site.item("2.A1"), period=site.period(Q3)).exists()
    viewer = site.client("viewer")
    assert viewer.post(_url(), data).status_code == 403


def test_a_closed_period_has_no_form_and_refuses_a_stale_page(site: WorkflowSite) -> None:
    update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="green",
    )
    client = site.client("contributor")
    stale = _page(site, "draft", **{"1.A1": {"status": "red", "version": "1"}})
    period = site.period(Q3)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    html = client.get(_url()).content.decode()
    assert "Save all drafts" not in html and "updates.js" not in html
    assert client.post(_url(), stale).status_code == 409
    assert _entry(site, "1.A1").status == "green"
