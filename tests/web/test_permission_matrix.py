"""Every URL of the web app × every HTTP method × every kind of person (ADR 0013).

The quarterly workflow's URLs have their matrix in test_workflow_permissions.py;
the coverage test below checks that the two together name every URL.

The people: anonymous, the four roles of the plan's organisation, and the admin of another
organisation (the outsider). Each request gets exactly the expected status — allowed (200,
or a redirect), 403, 404, 405, or a redirect to sign in — and a request that is not allowed
never changes anything: users, roles, passwords and the plan's data are compared before and
after each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp
from django.urls import get_resolver, reverse
from tests.web.conftest import PASSWORD, Site

from plantracker.tracker.models import (
    Item,
    KpiValue,
    Membership,
    Narrative,
    Period,
    PlanRecord,
    RiskUpdate,
    Update,
    User,
)

# Report downloads answer with the file at once (ADR 0067: else 202 until a worker builds it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reports_at_once")]

ACTORS = ("anonymous", "viewer", "contributor", "lead", "outsider", "admin")  # admin last:
# its allowed writes (deactivating, removing a role) would change what later actors see.
MEMBERS = ("viewer", "contributor", "lead", "admin")
METHODS = ("get", "head", "post", "put", "patch", "delete")
SAFE = ("get", "head")
LOGIN = "LOGIN"  # a redirect to the sign-in page


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[Site], str]
    expect: Callable[[str, str], int | str]  # (actor, method) → status or LOGIN
    data: Callable[[Site, str], dict[str, object]] = lambda site, actor: {}
    writes: bool = False  # an allowed POST changes data


def _reader(viewers: tuple[str, ...], others: int = 404) -> Callable[[str, str], int | str]:
    """A page that signed-in people read (GET/HEAD) and nobody writes to."""

    def expect(actor: str, method: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if method not in SAFE:
            return 405
        return 200 if actor in viewers else others

    return expect


def _admin_page(actor: str, method: str) -> int | str:
    if actor == "anonymous":
        return LOGIN
    if method not in SAFE:
        return 405
    return 200 if actor in ("admin", "outsider") else 403


def _admin_form(actor: str, method: str) -> int | str:
    """The add-user form: shown and submitted by an admin of the person's own organisation."""
    if actor == "anonymous":
        return LOGIN
    if method not in (*SAFE, "post"):
        return 405
    if actor not in ("admin", "outsider"):
        return 403
    return 302 if method == "post" else 200


def _member_page(actor: str, method: str) -> int | str:
    """A page about one user of the plan's organisation (the contributor)."""
    if actor == "anonymous":
        return LOGIN
    if method not in SAFE:
        return 405
    return {"admin": 200, "outsider": 404}.get(actor, 403)


def _member_action(actor: str, method: str) -> int | str:
    if actor == "anonymous":
        return LOGIN
    if method != "post":
        return 405
    return {"admin": 302, "outsider": 404}.get(actor, 403)


def _own_settings(actor: str, method: str) -> int | str:
    """A page of the signed-in person's own (My notifications): everyone reads and saves
    their own; nobody else's is reachable."""
    if actor == "anonymous":
        return LOGIN
    if method not in (*SAFE, "post"):
        return 405
    return 302 if method == "post" else 200


def _everyone(status: int, methods: tuple[str, ...] = SAFE) -> Callable[[str, str], int | str]:
    return lambda actor, method: status if method in methods else 405


def _login(actor: str, method: str) -> int | str:
    if actor != "anonymous":
        return 302  # already signed in: sent on to the plans
    if method in ("put", "patch", "delete"):
        return 405
    # The form; a wrong password (the POST here) shows it again with the error, as a 400.
    return 400 if method == "post" else 200


def _own(statuses: dict[str, int]) -> Callable[[str, str], int | str]:
    """A page about the signed-in person themselves (two-factor): the same for everyone
    signed in, by method; anonymous people are sent to sign in."""

    def expect(actor: str, method: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        return statuses.get(method, 405)

    return expect


def _admin_action(actor: str, method: str) -> int | str:
    """A POST about the admin's own organisation (no id in the URL)."""
    if actor == "anonymous":
        return LOGIN
    if method != "post":
        return 405
    return 302 if actor in ("admin", "outsider") else 403


def _provider(site: Site, actor: str) -> dict[str, object]:
    return {
        "name": f"{actor} account",
        "issuer": "https://login.microsoftonline.com/tenant/v2.0",
        "client_id": "client",
        "secret": "secret",
    }


def _plan_url(name: str, *extra: object) -> Callable[[Site], str]:
    return lambda site: reverse(name, args=[site.plan.slug, *extra])


def _other_url(name: str, *extra: object) -> Callable[[Site], str]:
    return lambda site: reverse(name, args=[site.other_plan.slug, *extra])


def _contributor_url(name: str) -> Callable[[Site], str]:
    return lambda site: reverse(name, args=[site.users["contributor"].pk])


def _new_user(site: Site, actor: str) -> dict[str, object]:
    return {
        "email": f"new-{actor}@example.org",
        "role": "viewer",
        "scope": "",
        "password": "a-long-enough-password-9",
    }


def _contributor_membership(site: Site, actor: str) -> dict[str, object]:
    membership = Membership.objects.get(user=site.users["contributor"])
    return {"membership": membership.pk}


Q2 = "2018-19-Q2"


def _public(site: Site, *parts: object) -> str:
    """A public address of ``site.plan``'s published reports: the index, a period's page,
    a version's page, a version's file."""
    organisation = site.plan.organisation.slug
    if not parts:
        return reverse("web:published-index", args=[organisation])
    names = {1: "web:published-report", 2: "web:published-version", 3: "web:published-file"}
    return reverse(names[len(parts)], args=[organisation, site.plan.slug, *parts])


ROUTES = (
    Route("healthz", lambda site: reverse("web:healthz"), _everyone(200)),
    # The public pages of published reports (ADR 0081): no sign-in; nothing of this site is
    # published, so 404 for everyone (tests/web/test_publishing.py publishes and reads).
    Route("published-index", lambda site: _public(site), _everyone(404)),
    Route("published-report", lambda site: _public(site, Q2), _everyone(404)),
    Route("published-version", lambda site: _public(site, Q2, 1), _everyone(404)),
    Route("published-file", lambda site: _public(site, Q2, 1, "pdf"), _everyone(404)),
    Route(
        "login",
        lambda site: reverse("web:login"),
        _login,
        data=lambda site, actor: {"username": "viewer@example.org", "password": "wrong"},
    ),
    Route("logout", lambda site: reverse("web:logout"), _everyone(302, ("post",))),
    Route("plans", lambda site: reverse("web:plans"), _everyone(301)),
    Route("plan-list", lambda site: reverse("web:plan-list"), _reader((*MEMBERS, "outsider"))),
    Route("dashboard", _plan_url("web:dashboard"), _reader(MEMBERS)),
    Route("dashboard-period", _plan_url("web:dashboard-period", Q2), _reader(MEMBERS)),
    Route("recommendation", _plan_url("web:recommendation", Q2, 1), _reader(MEMBERS)),
    Route("item", _plan_url("web:item", "1.K1"), _reader(MEMBERS)),
    Route("report", _plan_url("web:report", Q2, "html"), _reader(MEMBERS)),
    Route(
        "notifications",
        lambda site: reverse("web:notifications"),
        _own_settings,
        data=lambda site, actor: {"submitted": "on"},
        writes=True,
    ),
    Route("user-list", lambda site: reverse("web:user-list"), _admin_page),
    Route(
        "user-add", lambda site: reverse("web:user-add"), _admin_form, data=_new_user, writes=True
    ),
    Route("user-detail", _contributor_url("web:user-detail"), _member_page),
    Route(
        "user-role-set",
        _contributor_url("web:user-role-set"),
        _member_action,
        data=lambda site, actor: {"role": "lead", "scope": ""},
        writes=True,
    ),
    Route(
        "user-role-remove",
        _contributor_url("web:user-role-remove"),
        _member_action,
        data=_contributor_membership,
        writes=True,
    ),
    Route(
        "user-active",
        _contributor_url("web:user-active"),
        _member_action,
        data=lambda site, actor: {"active": "0"},
        writes=True,
    ),
    # Two-factor and single sign-on (ADR 0075).
    Route("two-factor", lambda site: reverse("web:two-factor"), _own({"get": 200, "head": 200})),
    # Without a password given first there is no code to ask for: back to the sign-in page.
    Route(
        "two-factor-code",
        lambda site: reverse("web:two-factor-code"),
        _everyone(302, (*SAFE, "post")),
        data=lambda site, actor: {"code": "123456"},
    ),
    Route(
        "two-factor-set-up",
        lambda site: reverse("web:two-factor-set-up"),
        _own({"get": 200, "head": 200, "post": 400}),
        data=lambda site, actor: {"code": "000000"},
    ),
    Route(
        "two-factor-recovery-codes",
        lambda site: reverse("web:two-factor-recovery-codes"),
        _own({"post": 302}),  # two-factor is off: nothing to renew, back to its page
    ),
    Route("two-factor-off", lambda site: reverse("web:two-factor-off"), _own({"post": 302})),
    Route(
        "sign-in-provider",
        lambda site: reverse("web:sign-in-provider"),
        _admin_form,
        data=_provider,
        writes=True,
    ),
    Route(
        "sign-in-provider-remove",
        lambda site: reverse("web:sign-in-provider-remove"),
        _admin_action,
        writes=True,
    ),
)

# The other organisation's plan: the outsider reads it, nobody of ours even learns it exists.
FOREIGN = (
    Route("dashboard", _other_url("web:dashboard"), _reader(("outsider",))),
    Route("dashboard-period", _other_url("web:dashboard-period", Q2), _reader(("outsider",))),
    Route("recommendation", _other_url("web:recommendation", Q2, 1), _reader(("outsider",))),
    Route("item", _other_url("web:item", "1.K1"), _reader(("outsider",))),
    Route("report", _other_url("web:report", Q2, "html"), _reader(("outsider",))),
)


def fingerprint() -> tuple[object, ...]:
    """Everything a request could write: accounts, roles, and the plans' data."""
    return (
        sorted(User.objects.values_list("username", "is_active", "password", "is_superuser")),
        sorted(
            Membership.objects.values_list("user__username", "organisation", "plan", "role"),
            key=repr,
        ),
        sorted(PlanRecord.objects.values_list("slug", "title", "version")),
        [
            model.objects.count()
            for model in (Period, Item, Update, KpiValue, RiskUpdate, Narrative)
        ],
        sorted(Update.objects.values_list("pk", "status", "commentary", "state"), key=repr),
        sorted(KpiValue.objects.values_list("pk", "value", "status", "state"), key=repr),
        sorted(SocialApp.objects.values_list("provider_id", "client_id", "secret")),
        Authenticator.objects.count(),
    )


def _check(site: Site, route: Route) -> None:
    url = route.url(site)
    for actor in ACTORS:
        for method in METHODS:
            client = site.client(None if actor == "anonymous" else actor)
            expected = route.expect(actor, method)
            before = fingerprint()
            data = route.data(site, actor) if method == "post" else {}
            response = (
                getattr(client, method)(url, data=data) if data else getattr(client, method)(url)
            )
            where = f"{method.upper()} {url} as {actor}"
            if expected == LOGIN:
                assert response.status_code == 302, where
                assert response["Location"].startswith(reverse("web:login") + "?next="), where
            else:
                assert response.status_code == expected, (
                    f"{where}: {response.status_code}, expected {expected}"
                )
            allowed_write = route.writes and method == "post" and expected in (200, 302)
            if not allowed_write:
                assert fingerprint() == before, f"{where} changed data"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_every_method_and_person(site: Site, route: Route) -> None:
    _check(site, route)


@pytest.mark.parametrize("route", FOREIGN, ids=[route.name for route in FOREIGN])
def test_another_organisations_plan(site: Site, route: Route) -> None:
    _check(site, route)


def test_the_matrices_cover_every_url_of_the_web_app() -> None:
    """A URL added to plantracker.web without a line in a matrix fails here: this one (the
    reader's pages and the users pages) or the quarterly workflow's."""
    from tests.web.test_workflow_permissions import ROUTES as WORKFLOW_ROUTES

    names = {
        name for name in get_resolver("plantracker.web.urls").reverse_dict if isinstance(name, str)
    }
    covered = {route.name for route in ROUTES} | {route.name for route in WORKFLOW_ROUTES}
    assert names == covered


def test_a_write_by_an_admin_really_happens(site: Site) -> None:
    """The matrix's allowed writes are real: the admin's deactivation took effect."""
    contributor = site.users["contributor"]
    response = site.client("admin").post(
        reverse("web:user-active", args=[contributor.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    contributor.refresh_from_db()
    assert not contributor.is_active
    signing_in = site.client(None).post(
        reverse("web:login"), {"username": contributor.username, "password": PASSWORD}
    )
    assert signing_in.status_code == 400  # the form again, not a redirect into the plans
    assert "_auth_user_id" not in signing_in.wsgi_request.session
