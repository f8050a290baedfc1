"""The OpenAPI document's request bodies for the bulk writes.

The bulk endpoints take their rows as plain JSON objects and validate each row themselves,
so that one answer names every bad row (``plantracker.api.writes``). The document still
describes each row's fields: this puts the row schemas in and points the bodies at them.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema

from plantracker.api.errors import shaped_urls
from plantracker.api.schemas import KpiValueIn, UpdateIn

# (path, method) → the schema of one row of its body.
BULK_BODIES: dict[tuple[str, str], type[Schema]] = {
    ("/api/v1/plans/{slug}/periods/{period}/kpi-values", "post"): KpiValueIn,
    ("/api/v1/plans/{slug}/periods/{period}/updates", "post"): UpdateIn,
}
REF_TEMPLATE = "#/components/schemas/{model}"


def _component(schema: OpenAPISchema, model: type[Schema]) -> str:
    found: dict[str, Any] = model.model_json_schema(ref_template=REF_TEMPLATE)
    components = schema["components"].setdefault("schemas", {})
    for name, definition in found.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components[model.__name__] = found
    return REF_TEMPLATE.format(model=model.__name__)


def describe_bulk_bodies(schema: OpenAPISchema) -> OpenAPISchema:
    for (path, method), model in BULK_BODIES.items():
        operation = schema["paths"].get(path, {}).get(method)
        if operation is None:
            continue
        body = operation["requestBody"]["content"]["application/json"]
        body["schema"] = {
            "type": "array",
            "items": {"$ref": _component(schema, model)},
            "description": "One object per entry; all are written or none.",
        }
    return schema


class PlantrackerApi(NinjaAPI):
    """NinjaAPI whose document describes the bulk bodies' rows, and whose URLs refuse a
    wrong method or path in the API's one shape (``api.errors.shaped_urls``)."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return shaped_urls(self, patterns), app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return describe_bulk_bodies(schema)
