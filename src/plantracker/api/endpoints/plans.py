"""Reads: the plans a user may see, a plan's structure, its periods, a period's summary."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from plantracker.api.access import api_user, plan_period, visible_plan
from plantracker.api.results import period_summary
from plantracker.api.schemas import Error, PeriodOut, PlanOut, PlanStructure, Summary
from plantracker.domain import model as domain
from plantracker.domain.model import Action, Kind, Kpi, Measure
from plantracker.domain.summary import json_number
from plantracker.tracker.models import Membership, Period, PlanRecord, Role, User
from plantracker.tracker.permissions import is_operator, plan_roles
from plantracker.tracker.selectors import items_owned_by, plans_for_user
from plantracker.tracker.selectors.cached import counted_plan

router = Router(tags=["plans"])

ERRORS: dict[int, type[Error]] = {401: Error, 404: Error}


def _roles_by_plan(user: User, plans: list[PlanRecord]) -> dict[int, set[Role]]:
    """Every plan's roles for ``user`` in one query (organisation-wide grants included)."""
    memberships = (
        Membership.objects.current()
        .filter(user_id=user.pk)
        .exclude(role=Role.INSPECTOR)  # not in the API (ADR 0080)
        .values_list("organisation_id", "plan_id", "role")
    )
    wide: dict[int, set[Role]] = defaultdict(set)
    narrow: dict[int, set[Role]] = defaultdict(set)
    for organisation_id, plan_id, role in memberships:
        (wide[organisation_id] if plan_id is None else narrow[plan_id]).add(Role(role))
    return {plan.pk: wide[plan.organisation_id] | narrow[plan.pk] for plan in plans}


def _permissions(user: User, roles: set[Role] | frozenset[Role]) -> dict[str, bool]:
    operator = is_operator(user)
    return {
        "view": True,
        "contribute": operator or bool(roles & {Role.LEAD, Role.CONTRIBUTOR}),
        "edit": operator or Role.LEAD in roles,
    }


@router.get("/plans", response={200: list[PlanOut], 401: Error}, summary="Plans you can see")
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    plans = list(plans_for_user(user=user, inspector=False))
    roles = _roles_by_plan(user, plans)
    return [
        {
            "slug": plan.slug,
            "title": plan.title,
            "organisation": plan.organisation.name,
            "roles": sorted(roles[plan.pk], key=list(Role).index),
            "permissions": _permissions(user, roles[plan.pk]),
        }
        for plan in plans
    ]


def period_dict(period: Period) -> dict[str, Any]:
    return {
        "id": period.code,
        "label": period.label,
        "start": period.start,
        "end": period.end,
        "scrutiny": period.scrutiny,
        "due": period.due,
        "state": period.state,
    }


def _item(item: domain.Item, may_update: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ref": item.ref,
        "kind": item.kind,
        "title": item.title,
        "owner": item.owner,
        "from": item.from_period,
        "until": item.until_period,
        "expected": None if item.expected is None else list(item.expected),
        "may_update": may_update,
    }
    if isinstance(item, Action):
        row["due"] = item.due
    elif isinstance(item, Measure):
        row |= {"frequency": item.frequency, "method": item.method}
    elif isinstance(item, Kpi):
        baseline, target = item.baseline, item.target
        row |= {
            "aim": item.aim,
            "better": item.better,
            "unit": item.unit,
            "baseline": None
            if baseline is None
            else {
                "label": baseline.label,
                "value": json_number(baseline.value),
                "display": baseline.display,
                "status": baseline.status,
            },
            "target": None
            if target is None
            else {
                "label": target.label,
                "date": target.date,
                "value": json_number(target.value),
                "display": target.display,
            },
            "targets": {period: json_number(value) for period, value in item.targets.items()},
            "tolerance": json_number(item.tolerance),
            "tolerance_points": json_number(item.tolerance_points),
            "source": item.source,
            "comparators": None
            if item.comparators is None
            else {
                "label": item.comparators.label,
                "england": json_number(item.comparators.england),
                "region": json_number(item.comparators.region),
                "neighbours": json_number(item.comparators.neighbours),
            },
        }
    return row


@router.get(
    "/plans/{slug}",
    response={200: PlanStructure, **ERRORS},
    by_alias=True,
    summary="A plan's structure: rules, periods, recommendations and their items, risks",
)
def plan_structure(request: HttpRequest, slug: str) -> dict[str, Any]:
    user = api_user(request)
    record = visible_plan(request, slug)
    plan = counted_plan(plan_record=record)
    roles = plan_roles(user, record)
    if is_operator(user) or Role.LEAD in roles:
        owned: set[str] | None = None  # every item
    elif Role.CONTRIBUTOR in roles:
        owned = set(items_owned_by(user=user, plan=record).values_list("ref", flat=True))
    else:
        owned = set()

    def may(item: domain.Item) -> bool:
        return owned is None or item.ref in owned

    return {
        "slug": record.slug,
        "title": plan.title,
        "organisation": plan.organisation,
        "rules": {
            "kpi_tolerance": json_number(plan.rules.kpi_tolerance),
            "dot_band": json_number(plan.rules.dot_band),
            "rollup_green": json_number(plan.rules.rollup_green),
            "rollup_red": json_number(plan.rules.rollup_red),
        },
        "periods": [period_dict(period) for period in Period.objects.filter(plan=record)],
        "recommendations": [
            {
                "number": rec.number,
                "title": rec.title,
                "aim": rec.aim,
                "lead": rec.lead,
                **{kind.value: [_item(i, may(i)) for i in rec.items(kind)] for kind in Kind},
            }
            for rec in plan.recommendations
        ],
        "risks": [
            {
                "position": position,
                "title": risk.title,
                "mitigation": risk.mitigation,
                "owner": risk.owner,
                "controls": risk.controls,
                "target_score": risk.target_score,
                "target_date": risk.target_date,
            }
            for position, risk in enumerate(plan.risks, start=1)
        ],
        "risk_scale": {
            "likelihood": list(plan.risk_scale.likelihood),
            "impact": list(plan.risk_scale.impact),
            "bands": [
                {"status": band.status.value, "low": band.low, "high": band.high}
                for band in plan.risk_scale.bands
            ],
        },
    }


@router.get(
    "/plans/{slug}/periods",
    response={200: list[PeriodOut], **ERRORS},
    summary="A plan's reporting periods, oldest first",
)
def period_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    record = visible_plan(request, slug)
    return [period_dict(period) for period in Period.objects.filter(plan=record)]


@router.get(
    "/plans/{slug}/periods/{period}/summary",
    response={200: Summary, **ERRORS},
    summary="A period's counts, statuses, directions and problems (as `summary --json`)",
)
def summary(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    record = visible_plan(request, slug)
    # Sent as the domain built it: the schema documents it, and a serialiser must not
    # reorder or drop the keys it does not list (docs/rules.md#summary-json: keys may be added).
    return JsonResponse(period_summary(record, plan_period(record, period)))
