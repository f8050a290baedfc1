"""Owners (ADR 0068): read the accounts linked to a plan's items and risks; a lead sets them.

Reading needs a role that gives updates (contributor or lead): viewers do not see staff
email addresses. Setting is a lead's (403 for anybody else who may view the plan, 404 for
another organisation's plan, as for an unknown slug); an email that is no account able to
own the plan's items is a 422 naming the field. The write is ``item_owners_set`` /
``risk_owner_set``, whose refusals ``api.errors`` maps.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router

from plantracker.api.access import api_user, visible_plan
from plantracker.api.errors import InvalidRows, RowError
from plantracker.api.schemas import (
    Error,
    ItemOwnersIn,
    ItemOwnersOut,
    OwnersOut,
    RiskOwnerIn,
    RiskOwnerOut,
)
from plantracker.tracker.auth import normalise_username
from plantracker.tracker.models import Item, PlanRecord, Risk, User
from plantracker.tracker.permissions import can_contribute
from plantracker.tracker.selectors import item_by_ref
from plantracker.tracker.selectors.owners import owner_candidates, plan_owners
from plantracker.tracker.services import item_owners_set, risk_owner_set

router = Router(tags=["owners"])

READ_ERRORS: dict[int, type[Error]] = {401: Error, 403: Error, 404: Error}
WRITE_ERRORS: dict[int, type[Error]] = {**READ_ERRORS, 400: Error, 413: Error, 422: Error}


def _email(user: User | None) -> str | None:
    return user.username if user is not None else None


def _item(item: Item) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "owner": item.owner,
        "owner_email": _email(item.owner_user),
        "deputy_email": _email(item.deputy_user),
    }


def _risk(risk: Risk) -> dict[str, Any]:
    return {
        "position": risk.position,
        "title": risk.title,
        "owner": risk.owner,
        "owner_email": _email(risk.owner_user),
    }


def _account(record: PlanRecord, email: str | None, field: str) -> User | None:
    """The account ``email`` names among those who may own the plan's items (None: nobody)."""
    if email is None or not email.strip():
        return None
    found = owner_candidates(plan=record).filter(username=normalise_username(email)).first()
    if found is None:
        raise InvalidRows(
            [
                RowError(
                    field=field,
                    message=f"'{email}' is no active contributor or lead of {record.title}",
                )
            ]
        )
    return found


@router.get(
    "/plans/{slug}/owners",
    response={200: OwnersOut, **READ_ERRORS},
    summary="The accounts linked to the plan's items and risks as owners and deputies",
)
def owners(request: HttpRequest, slug: str) -> dict[str, Any]:
    record = visible_plan(request, slug)
    if not can_contribute(api_user(request), record):
        raise PermissionDenied("only the plan's contributors and leads see its owners' accounts")
    items, risks = plan_owners(plan=record)
    return {"items": [_item(i) for i in items], "risks": [_risk(r) for r in risks]}


@router.put(
    "/plans/{slug}/items/{ref}/owners",
    response={200: ItemOwnersOut, **WRITE_ERRORS},
    summary="Set an item's owner and deputy accounts (a lead's)",
)
def item_owners_write(
    request: HttpRequest, slug: str, ref: str, payload: ItemOwnersIn
) -> dict[str, Any]:
    record = visible_plan(request, slug)
    item = item_by_ref(plan_record=record, ref=ref)
    if item is None:
        raise Http404(f"plan '{record.slug}' has no item '{ref}'")
    owner = _account(record, payload.owner_email, "owner_email")
    deputy = _account(record, payload.deputy_email, "deputy_email")
    saved = item_owners_set(actor=api_user(request), item=item, owner=owner, deputy=deputy)
    return _item(saved)


@router.put(
    "/plans/{slug}/risks/{position}/owner",
    response={200: RiskOwnerOut, **WRITE_ERRORS},
    summary="Set a risk's owner account (a lead's)",
)
def risk_owner_write(
    request: HttpRequest, slug: str, position: int, payload: RiskOwnerIn
) -> dict[str, Any]:
    record = visible_plan(request, slug)
    risk = Risk.objects.filter(plan=record, position=position).select_related("plan").first()
    if risk is None:
        raise Http404(f"plan '{record.slug}' has no risk at position {position}")
    owner = _account(record, payload.owner_email, "owner_email")
    return _risk(risk_owner_set(actor=api_user(request), risk=risk, owner=owner))
