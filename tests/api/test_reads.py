"""The read endpoints × every caller: a plan's readers get it, another organisation's admin
gets 404 as for a slug that does not exist, and no, an unknown or a revoked token is 401."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from tests.api.conftest import CALLERS, READERS, Site
from tests.builders import Q2

from plantracker.domain.evaluate import evaluate
from plantracker.domain.summary import summary_dict
from plantracker.reports import RENDERERS
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import plan_import

PLAN_URLS = (
    "/api/v1/plans/cip",
    "/api/v1/plans/cip/periods",
    f"/api/v1/plans/cip/periods/{Q2}/summary",
    f"/api/v1/plans/cip/periods/{Q2}/kpi-values",
    f"/api/v1/plans/cip/periods/{Q2}/updates",
    f"/api/v1/plans/cip/periods/{Q2}/report?format=html",
)
ALL_URLS = ("/api/v1/me", "/api/v1/plans", *PLAN_URLS)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"


@pytest.mark.usefixtures("reports_at_once")  # the report answers with its file at once
@pytest.mark.parametrize("url", PLAN_URLS)
@pytest.mark.parametrize("who", CALLERS)
def test_a_plan_is_read_by_its_organisation_and_hidden_from_others(
    site: Site, who: str, url: str
) -> None:
    response = site.client(who).get(url)
    if who in READERS:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 404
        assert response.json() == site.client(who).get(url.replace("cip", "no-such-plan")).json()


@pytest.mark.parametrize("url", ALL_URLS)
def test_every_endpoint_needs_a_valid_token(site: Site, url: str) -> None:
    callers = {
        "no token": Client(),
        "unknown token": Client(headers={"Authorization": "Bearer pt_not-a-token"}),
        "revoked token": site.revoked_client("lead"),
        "not bearer": Client(headers={"Authorization": f"Basic {site.tokens['lead']}"}),
        "empty bearer": Client(headers={"Authorization": "Bearer "}),
    }
    for name, client in callers.items():
        response = client.get(url)
        assert response.status_code == 401, name
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "token" in response.json()["detail"]


def test_a_deactivated_users_token_stops_working(site: Site) -> None:
    user = site.users["viewer"]
    assert site.client("viewer").get("/api/v1/plans").status_code == 200
    user.is_active = False
    user.save()
    assert site.client("viewer").get("/api/v1/plans").status_code == 401


@pytest.mark.parametrize(
    ("who", "roles", "contribute", "edit"),
    [
        ("admin", ["admin"], False, False),
        ("lead", ["lead"], True, True),
        ("contributor", ["contributor"], True, False),
        ("viewer", ["viewer"], False, False),
    ],
)
def test_plan_list_shows_the_users_plans_and_what_they_may_do(
    site: Site, who: str, roles: list[str], contribute: bool, edit: bool
) -> None:
    plans = site.client(who).get("/api/v1/plans").json()
    assert plans == [
        {
            "slug": "cip",
            "title": "Children's Improvement Plan",
            "organisation": "Example County",
            "roles": roles,
            "permissions": {"view": True, "contribute": contribute, "edit": edit},
        }
    ]


def test_the_outsider_lists_only_their_own_organisations_plan(site: Site) -> None:
    plans = site.client("outsider").get("/api/v1/plans").json()
    assert [plan["slug"] for plan in plans] == ["other"]


@pytest.mark.parametrize("who", CALLERS)
def test_me_names_the_tokens_user(site: Site, who: str) -> None:
    organisation = "Other Borough" if who == "outsider" else "Example County"
    assert site.client(who).get("/api/v1/me").json() == {
        "username": site.users[who].username,
        "organisation": organisation,
    }


def test_structure_lists_recommendations_items_and_risks_in_plan_order(site: Site) -> None:
    plan = site.client("viewer").get("/api/v1/plans/cip").json()
    assert plan["rules"] == {
        "kpi_tolerance": 10,
        "dot_band": 2,
        "rollup_green": 75,
        "rollup_red": 25,
    }
    assert [period["id"] for period in plan["periods"]] == ["2018-19-Q1", Q2, "2018-19-Q3"]
    (rec,) = plan["recommendations"]
    assert (rec["number"], rec["title"], rec["lead"]) == (1, "Care leavers", "Assistant Director")
    assert [item["ref"] for item in rec["actions"]] == ["1.A1", "1.A2"]
    k1, k2 = rec["kpis"]
    assert k1["baseline"] == {"label": "March 2018", "value": 58.4, "display": None, "status": None}
    assert k1["target"]["value"] == 65
    assert (k1["aim"], k1["unit"], k1["better"]) == ("increase", "percent", None)
    assert k1["comparators"] == {
        "label": "2023-24",
        "england": 54.0,
        "region": 55.1,
        "neighbours": None,
    }
    assert k2["target"]["display"] == "20 a year"
    assert k2["comparators"] is None
    assert rec["quality"][0]["frequency"] == "Quarterly"
    assert rec["feedback"][0]["method"] == "Survey"
    assert rec["actions"][0]["due"] == "2019-03-31"
    assert plan["risks"] == [
        {
            "position": 1,
            "title": "Outcomes may not follow the activity",
            "mitigation": "Quarterly monitoring",
            "owner": None,
            "controls": None,
            "target_score": None,
            "target_date": None,
        }
    ]
    # The default risk scale (docs/plan-file.md#risk-scale).
    assert plan["risk_scale"]["likelihood"][4] == "Almost certain"
    assert plan["risk_scale"]["bands"][1] == {"status": "amber", "low": 8, "high": 12}


@pytest.mark.parametrize(
    ("who", "updatable"),
    [
        ("lead", {"1.A1", "1.A2", "1.K1", "1.K2", "1.Q1", "1.F1"}),
        ("contributor", {"1.A1", "1.K1"}),
        ("viewer", set()),
        ("admin", set()),
    ],
)
def test_structure_says_which_items_the_user_may_update(
    site: Site, who: str, updatable: set[str]
) -> None:
    (rec,) = site.client(who).get("/api/v1/plans/cip").json()["recommendations"]
    items = [item for kind in ("actions", "kpis", "quality", "feedback") for item in rec[kind]]
    assert {item["ref"] for item in items if item["may_update"]} == updatable


def test_periods_say_which_are_open(site: Site) -> None:
    periods = site.client("viewer").get("/api/v1/plans/cip/periods").json()
    assert periods[1] == {
        "id": Q2,
        "label": "Q2 July – September 2018",
        "start": "2018-07-01",
        "end": "2018-09-30",
        "scrutiny": None,
        "due": None,
        "state": "open",
    }


def test_summary_is_the_domains_summary_document(site: Site) -> None:
    summary = site.client("viewer").get(f"/api/v1/plans/cip/periods/{Q2}/summary").json()
    expected = summary_dict(evaluate(plan_domain(plan_record=site.plan), Q2))
    assert summary == json.loads(json.dumps(expected))
    actions = summary["totals"]["actions"]
    assert (actions["count"], actions["red"], actions["green"]) == (2, 1, 1)
    assert summary["totals"]["kpis"]["missing"] == 1
    assert summary["kpis"][0] == summary["kpis"][0] | {
        "ref": "1.K1",
        "value": 58.6,
        "status": "amber",
    }


@pytest.mark.slow
def test_summary_of_the_example_plan_equals_the_summary_command(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from plantracker.api.tokens import token_create
    from plantracker.planfile import load_plan
    from plantracker.tracker.models import Role
    from plantracker.tracker.services import member_add

    record = plan_import(plan=load_plan(EXAMPLE), slug="example")
    user = member_add(email="v@example.org", role=Role.VIEWER, organisation=record.organisation)
    secret = token_create(user=user.user, name="t").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    api = client.get(f"/api/v1/plans/example/periods/{Q2}/summary").json()
    call_command("summary", "example", "--period", Q2, "--json")
    assert api == json.loads(capsys.readouterr().out)
    assert api["totals"]["actions"]["count"] == 68
    assert api["totals"]["kpis"]["red"] == 17


@pytest.mark.parametrize("code", ["2030-31-Q1", "2018-19-Q%003"], ids=["unknown", "nul"])
def test_an_unknown_period_is_404_naming_the_plans_periods(site: Site, code: str) -> None:
    response = site.client("viewer").get(f"/api/v1/plans/cip/periods/{code}/summary")
    assert response.status_code == 404
    assert "2018-19-Q1, 2018-19-Q2, 2018-19-Q3" in response.json()["detail"]


@pytest.mark.usefixtures("reports_at_once")
def test_report_is_a_download_of_the_chosen_format(site: Site) -> None:
    response = site.client("viewer").get(f"/api/v1/plans/cip/periods/{Q2}/report?format=html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"] == f'attachment; filename="cip-{Q2}.html"'
    assert response["Cache-Control"] == "private, no-store"
    assert "Care Leaver Offer" in response.content.decode()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(set(RENDERERS) - {"html"}))
@pytest.mark.usefixtures("reports_at_once")
def test_report_comes_in_every_registered_format(site: Site, fmt: str) -> None:
    response = site.client("lead").get(f"/api/v1/plans/cip/periods/{Q2}/report?format={fmt}")
    assert response.status_code == 200
    renderer = RENDERERS[fmt]
    assert response["Content-Type"] == renderer.media_type
    assert response["Content-Disposition"].endswith(f'{renderer.suffix}"')
    assert len(response.content) > 1000


@pytest.mark.parametrize("query", ["", "?format=doc", "?format="])
def test_report_of_an_unknown_format_is_422_naming_the_formats(site: Site, query: str) -> None:
    response = site.client("viewer").get(f"/api/v1/plans/cip/periods/{Q2}/report{query}")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "format"


def test_openapi_document_and_docs_page_need_no_token(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/plans/{slug}/periods/{period}/summary" in document["paths"]
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    # Served from the installation itself: the page works offline and under the CSP.
    assert b"/static/ninja/swagger-ui-bundle.js" in page.content
    assert b"cdn" not in page.content.lower()
