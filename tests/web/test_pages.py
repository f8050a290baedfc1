"""What each page shows a signed-in reader, checked against the domain's own evaluation."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from tests.builders import Q1, Q2
from tests.web.conftest import Site
from tests.web.plans import web_plan

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind, Status
from plantracker.reports.registry import RENDERERS

pytestmark = pytest.mark.django_db


def text(response: object) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(response: object) -> list[str]:
    return re.findall(r'href="([^"]+)"', response.content.decode())  # type: ignore[attr-defined]


def test_healthz_answers_ok_without_sign_in(client: Client) -> None:
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_plan_list_shows_own_plans_with_their_overall_status(site: Site) -> None:
    response = site.client("viewer").get(reverse("web:plan-list"))
    page = text(response)
    overall = evaluate(web_plan(), Q2).overall
    assert "Children's Improvement Plan" in page
    assert f"Overall: {overall.status.word}" in page
    assert "Other Improvement Plan" not in page  # another organisation's


def test_dashboard_opens_on_the_latest_period_with_data(site: Site) -> None:
    # Q3 is declared but empty: the plan opens on Q2.
    response = site.client("viewer").get(reverse("web:dashboard", args=["cip"]))
    assert response.status_code == 200
    assert "Q2 July – September 2018 · Update for Scrutiny 7 December 2018" in text(response)


def test_dashboard_shows_the_domains_statuses_and_counts(site: Site) -> None:
    result = evaluate(web_plan(), Q2)
    response = site.client("viewer").get(reverse("web:dashboard-period", args=["cip", Q2]))
    page = text(response)
    actions = result.totals[Kind.ACTION]
    row = (
        f"Actions {actions.status.word} "
        + re.escape("↓ Worsening")
        + "".join(f" {actions[status]}" for status in Status)
        + f" {actions.count}"
    )
    assert re.search(row, page), page
    assert f"{actions[Status.RED]} of {actions.count} actions" in page  # a factual headline
    for rec in result.recommendations:
        url = reverse("web:recommendation", args=["cip", Q2, rec.number])
        assert url in links(response)
    assert "Activity does not deliver the expected outcomes" in page  # the risk
    assert "Whether to fund a dedicated team" in page  # a decision
    # na says why, in the report's words: a plan without finance updates (docs/rules.md#na-reasons)
    assert re.search(r"Finance Not applicable", page), page
    assert "Not available" not in page.split("Finance", 1)[1][:40]
    assert page.count('role="img"') == 0  # charts are stripped from the text ...
    assert response.content.decode().count('role="img"') == 4  # ... the four donuts are there


def test_dashboard_of_an_earlier_period_and_the_switcher(site: Site) -> None:
    client = site.client("viewer")
    earlier = client.get(reverse("web:dashboard-period", args=["cip", Q1]))
    assert "Q1 April – June 2018" in text(earlier)
    switched = client.get(reverse("web:dashboard", args=["cip"]), {"period": Q1})
    assert switched.status_code == 302
    assert switched["Location"] == reverse("web:dashboard-period", args=["cip", Q1])
    assert client.get(reverse("web:dashboard", args=["cip"]), {"period": "a/b"}).status_code == 404
    on_recommendation = client.get(
        reverse("web:recommendation", args=["cip", Q2, 1]), {"period": Q1}
    )
    assert on_recommendation["Location"] == reverse("web:recommendation", args=["cip", Q1, 1])


@pytest.mark.parametrize(
    "url",
    [
        ("web:dashboard-period", ["cip", "2030-31-Q1"]),
        ("web:recommendation", ["cip", Q2, 99]),
        ("web:item", ["cip", "no-such-ref"]),
        ("web:report", ["cip", Q2, "odt"]),
        ("web:report", ["cip", "2030-31-Q1", "html"]),
        ("web:dashboard", ["no-such-plan"]),
    ],
    ids=["period", "recommendation", "item", "format", "report-period", "plan"],
)
def test_what_does_not_exist_is_404(site: Site, url: tuple[str, list[object]]) -> None:
    response = site.client("lead").get(reverse(url[0], args=url[1]))
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_recommendation_lists_every_item_with_status_and_commentary(site: Site) -> None:
    rec = evaluate(web_plan(), Q2).recommendations[0]
    response = site.client("contributor").get(reverse("web:recommendation", args=["cip", Q2, 1]))
    page = text(response)
    for kind in Kind:
        for item in rec.items[kind]:
            assert reverse("web:item", args=["cip", item.ref]) in links(response)
            assert item.title in page
    # The KPI rated green by hand shows what the rules calculate.
    assert "58.6% 65% Green Set by hand; calculated amber" in page
    # An action with no update this period shows its latest words, and when they were written.
    assert "All managers trained From Q1 April – June 2018" in page
    assert "Partners are engaged but slow to sign." in page  # the lead's commentary


def test_item_page_shows_history_newest_first_and_a_trend_chart(site: Site) -> None:
    response = site.client("viewer").get(reverse("web:item", args=["cip", "1.K1"]))
    page = text(response)
    history = page[page.index("History") :]
    assert re.search(
        r"Q2 July – September 2018 58\.6% 65% Green Set by hand; calculated amber\. "
        r"Reason: Rated green by the service: the cohort is small ↑ Improving "
        r"Up for the second quarter running "
        r"Q1 April – June 2018 55\.0% 65% Red",
        history,
    ), history
    assert "Baseline 52.1% (2017/18)" in page
    svg = response.content.decode()
    assert 'role="img" aria-label="Trend of 1.K1' in svg


def test_action_page_has_history_but_no_trend(site: Site) -> None:
    response = site.client("viewer").get(reverse("web:item", args=["cip", "1.A2"]))
    page = text(response)
    # Blue in Q1 stays blue (complete) in Q2 without an update.
    assert re.search(
        r"Q2 July – September 2018 Blue \(complete\).*Q1 April – June 2018 "
        r"Blue \(complete\) – No comparison All managers trained",
        page,
    ), page
    assert "Trend" not in page


def test_three_clicks_from_the_plan_list_to_a_kpis_history(site: Site) -> None:
    """Plan list → dashboard → recommendation → KPI, by following links."""
    client = site.client("viewer")
    here = client.get(reverse("web:plan-list"))
    for pattern in (r"^/plans/cip/$", r"/recommendations/1/$", r"/items/1\.K1/$"):
        target = next(link for link in links(here) if re.search(pattern, link))
        here = client.get(target)
        assert here.status_code == 200
    assert "Care leavers in education, employment or training" in text(here)
    assert "History" in text(here)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(RENDERERS))
@pytest.mark.usefixtures("reports_at_once")
def test_report_downloads_in_every_format(site: Site, fmt: str) -> None:
    renderer = RENDERERS[fmt]
    response = site.client("viewer").get(reverse("web:report", args=["cip", Q2, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(renderer.media_type)
    assert response["Content-Disposition"] == (f'attachment; filename="cip-{Q2}{renderer.suffix}"')
    assert len(response.content) > 1000
    assert response["Cache-Control"] == "private, no-store"


def test_dashboard_links_every_report_format(site: Site) -> None:
    response = site.client("viewer").get(reverse("web:dashboard-period", args=["cip", Q2]))
    for fmt in RENDERERS:
        assert reverse("web:report", args=["cip", Q2, fmt]) in links(response)


def test_pages_send_security_headers(site: Site) -> None:
    response = site.client("viewer").get(reverse("web:dashboard", args=["cip"]))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
