"""The ``NinjaAPI`` mounted at ``/api/v1/``: OpenAPI at ``openapi.json``, docs at ``docs``.

Every endpoint needs a bearer token (``plantracker.api.auth``); the OpenAPI document and
the docs page do not, so that an integrator can read them before asking for a token.
"""

from __future__ import annotations

from plantracker.api.auth import BearerToken
from plantracker.api.endpoints import entries, evidence, me, owners, plans, reports
from plantracker.api.errors import install_handlers
from plantracker.api.openapi import PlantrackerApi
from plantracker.api.parser import ExactJsonParser

DESCRIPTION = """\
Read an improvement plan's structure, periods, summaries and reports; send KPI values and
action and measure updates. Send a token in every request:
`Authorization: Bearer <token>`. A person makes tokens on their *API tokens* page or an
operator with `plantracker token create EMAIL`. A token has exactly its user's permissions:
a plan the user cannot see is 404, a write their role does not allow is 403, and values a
contributor sends await the plan lead's review.
"""

api = PlantrackerApi(
    title="plantracker API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerToken(),
    parser=ExactJsonParser(),
)
install_handlers(api)
api.add_router("", me.router)
api.add_router("", plans.router)
api.add_router("", entries.router)
api.add_router("", reports.router)
api.add_router("", owners.router)
api.add_router("", evidence.router)
