"""Who the token belongs to: the quickest check that a token works."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from plantracker.api.access import api_user
from plantracker.api.schemas import Error
from plantracker.tracker.services import user_organisation

router = Router(tags=["account"])


class Me(Schema):
    username: str
    organisation: str | None


@router.get("/me", response={200: Me, 401: Error}, summary="The token's user")
def me(request: HttpRequest) -> dict[str, Any]:
    user = api_user(request)
    organisation = user_organisation(user)
    return {
        "username": user.username,
        "organisation": None if organisation is None else organisation.name,
    }
