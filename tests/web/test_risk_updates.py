"""A risk's score on the web pages (docs/rules.md#risk-scores, ADR 0079): its owner chooses
likelihood and impact with the plan's words on Your updates, the page says the score as the
domain derives it, an override needs a reason, errors name the field and keep the choices;
the lead sees the score now and before on Review, and the dashboard once approved."""

from __future__ import annotations

import html as html_module
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.domain.model import RiskScale
from plantracker.reports.text import position_words
from plantracker.tracker.models import Risk, RiskUpdate
from plantracker.tracker.services import update_approve, update_send

pytestmark = pytest.mark.django_db

FIELDS = ("likelihood", "impact", "status", "reason", "commentary")


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    # The register's own facts, as a plan file gives them: shown beside the update.
    Risk.objects.filter(pk=site.risk().pk).update(
        controls="Weekly recruitment panel", target_score=6, target_date=date(2019, 3, 31)
    )
    return site


def _client(site: WorkflowSite, who: str) -> Client:
    client = Client()
    client.force_login(site.users[who])
    return client


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _url(name: str = "web:my-updates", code: str = Q3) -> str:
    return reverse(name, args=["cip", code])


def _post(
    site: WorkflowSite, action: str = "draft", version: int = 0, **typed: str
) -> dict[str, str]:
    key = f"risk-{site.risk().pk}"
    data = {"action": action, f"{key}-version": str(version)}
    data.update({f"{key}-{name}": typed.get(name, "") for name in FIELDS})
    return data


def _entry(site: WorkflowSite, code: str = Q3) -> RiskUpdate | None:
    return RiskUpdate.objects.filter(risk=site.risk(), period=site.period(code)).first()


def _selected(html: str, key: str, field: str) -> str | None:
    select = re.search(rf'name="{key}-{field}".*?</select>', html, re.S)
    assert select is not None, field
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def _score_q2(site: WorkflowSite) -> None:
    """Q2's risk scored 4 × 3 (12, amber) and approved: Q3's previous position."""
    entry = update_send(
        actor=site.users["contributor"],
        subject=site.risk(),
        period=site.period(Q2),
        expected_version=None,
        submit=True,
        likelihood=4,
        impact=3,
    )
    update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)


def test_an_owner_scores_a_risk_with_the_plans_words(site: WorkflowSite) -> None:
    _score_q2(site)
    owner = _client(site, "contributor")
    key = f"risk-{site.risk().pk}"
    page = owner.get(_url())
    html, text = page.content.decode(), _text(page)
    assert '<option value="4">4 – Likely</option>' in html
    assert '<option value="5">5 – Severe</option>' in html
    assert '<option value="">As the score gives</option>' in html
    assert "Controls Weekly recruitment panel" in text
    assert "Target score 6 by 31 March 2019" in text
    # Last quarter's position beside it, in the plan's words.
    assert "Score: Likelihood 4 Likely × Impact 3 Moderate = 12, Amber" in text
    assert "Score as saved: Not scored" in text

    response = owner.post(_url(), _post(site, likelihood="4", impact="4", commentary="Short"))
    assert response.status_code == 302
    entry = _entry(site)
    assert entry is not None
    assert (entry.likelihood, entry.impact, entry.status) == (4, 4, "red")  # the bands' RAG
    page = owner.get(_url())
    html = page.content.decode()
    assert "Score as saved: Likelihood 4 Likely × Impact 4 Major = 16, Red" in _text(page)
    assert (_selected(html, key, "likelihood"), _selected(html, key, "impact")) == ("4", "4")
    assert _selected(html, key, "status") == ""  # still as the score gives

    # Both cleared: no longer scored, so a status must be chosen.
    cleared = owner.post(_url(), _post(site, version=1, status="amber", commentary="Short"))
    assert cleared.status_code == 302
    entry.refresh_from_db()
    assert (entry.likelihood, entry.impact, entry.status) == (None, None, "amber")


def test_an_override_needs_a_reason_and_errors_keep_the_choices(site: WorkflowSite) -> None:
    owner = _client(site, "contributor")
    key = f"risk-{site.risk().pk}"
    response = owner.post(_url(), _post(site, likelihood="2", impact="2", status="red"))
    assert response.status_code == 400
    html, text = response.content.decode(), _text(response)
    assert f'href="#id_{key}-reason"' in html
    assert "Give the reason for setting the status to red by hand; the score 4 gives green" in text
    assert (_selected(html, key, "likelihood"), _selected(html, key, "impact")) == ("2", "2")
    assert _selected(html, key, "status") == "red"
    assert _entry(site) is None

    for typed, field, message in (
        ({"likelihood": "9", "impact": "2"}, "likelihood", "Select a valid choice"),
        ({"likelihood": "3"}, "impact", "Give both the likelihood and the impact, or neither"),
        ({"commentary": "No status"}, "status", "Choose the status of Risk 1, or give its"),
    ):
        refused = owner.post(_url(), _post(site, **typed))
        assert refused.status_code == 400, field
        assert f'href="#id_{key}-{field}"' in refused.content.decode(), field
        assert message in _text(refused), field
    assert _entry(site) is None

    given = _post(site, likelihood="2", impact="2", status="red", reason="Court backlog")
    assert owner.post(_url(), given).status_code == 302
    entry = _entry(site)
    assert entry is not None
    assert (entry.status, entry.reason) == ("red", "Court backlog")
    text = _text(owner.get(_url()))
    assert "The status is set by hand; the score gives green." in text


def test_autosave_answers_the_score_and_400_when_nothing_was_saved(site: WorkflowSite) -> None:
    owner = _client(site, "contributor")
    key = f"risk-{site.risk().pk}"
    autosave = {"X-Autosave": "1"}
    refused = owner.post(
        _url(), _post(site, likelihood="5", impact="5", status="green"), headers=autosave
    )
    assert refused.status_code == 400
    row = refused.json()["rows"][key]
    assert row["errors"] == [
        "Give the reason for setting the status to green by hand; the score 25 gives red"
    ]
    assert row["version"] == 0 and row["score"] == "Not scored"
    saved = owner.post(_url(), _post(site, likelihood="5", impact="5"), headers=autosave)
    assert saved.status_code == 200
    row = saved.json()["rows"][key]
    assert row == {
        "version": 1,
        "errors": [],
        "state": "Draft",
        "score": "Likelihood 5 Almost certain × Impact 5 Severe = 25, Red",
    }


def test_review_shows_the_score_now_and_before_and_the_dashboard_once_approved(
    site: WorkflowSite,
) -> None:
    dashboard = _url("web:dashboard-period", Q2)
    assert "Likelihood × impact" not in _text(_client(site, "viewer").get(dashboard))
    _score_q2(site)
    owner = _client(site, "contributor")
    # Complete with a score and no status: "Submit all complete" sends it.
    response = owner.post(_url(), _post(site, "submit-all", likelihood="4", impact="4"))
    assert response.status_code == 302
    assert "Risk 1 submitted for review" in _text(owner.get(_url()))

    lead = _client(site, "lead")
    review = _text(lead.get(_url("web:review")))
    assert "Score Likelihood 4 Likely × Impact 4 Major = 16, Red" in review
    assert "Red as the score gives" in review
    assert "Score: Likelihood 4 Likely × Impact 3 Moderate = 12, Amber" in review  # previous
    assert "Controls Weekly recruitment panel" in review

    # The Plan updates view speaks to a lead, not to the owner (ADR 0069).
    plan_view = _text(lead.get(_url("web:plan-updates") + "?recommendation=0"))
    assert "approve it or return it to its owner (Risk 1) on the Review page" in plan_view
    assert "the lead can return it to you" not in plan_view
    assert "the lead can return it to you" in _text(owner.get(_url()))

    entry = _entry(site)
    assert entry is not None
    update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
    text = _text(_client(site, "viewer").get(_url("web:dashboard-period")))
    assert "Likelihood × impact Score (previous)" in text
    assert "R1 Activity does not deliver" in text and "4 × 4 16 (12)" in text
    assert "Risk heat map" in text  # the report's, with its table in words
    assert "R1 Likelihood 4 Likely × Impact 4 Major = 16, Red Likelihood 4 Likely" in text


def test_a_lead_is_told_another_lead_approves_what_they_wrote(site: WorkflowSite) -> None:
    lead = _client(site, "lead")
    url = _url("web:plan-updates") + "?recommendation=0"
    sent = lead.post(url, _post(site, "submit-all", likelihood="1", impact="2"))
    assert sent.status_code == 302
    text = _text(lead.get(url))
    assert "you wrote it, so another lead approves it or returns it to its owner" in text


def test_score_words_are_the_domains_and_a_value_off_the_grid_is_not_scored() -> None:
    """The pages' words for a score come from the domain's placing (ADR 0084): a stored
    value outside 1–5 shows as not scored rather than failing the page."""
    scale = RiskScale()
    assert position_words(4, 3, scale) == "Likelihood 4 Likely × Impact 3 Moderate = 12, Amber"
    assert position_words(None, None, scale) == "Not scored"
    assert position_words(6, 3, scale) == "Not scored"
