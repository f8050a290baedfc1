"""How the API answers refusals: one JSON shape, ``{"detail": ..., "errors": [...]}``.

- 400 a body that is not JSON (or holds NaN or Infinity), a form body that cannot be read
  (a broken multipart, too many fields or files), or an evidence upload the checks refuse
  (ADR 0078);
- 401 unknown, revoked or absent token (with ``WWW-Authenticate: Bearer``);
- 403 a write the user may not make on a plan they can see;
- 404 a plan they cannot see (exactly as for a slug that does not exist), an unknown
  period or item, or a path that is no endpoint;
- 405 a method the endpoint does not take (with ``Allow``);
- 409 the entry changed since the client read it (``expected_version``), or the period is
  closed;
- 413 a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``, before it is read;
- 422 the request is not valid: one error per bad field of each bad row, naming the row's
  ``index`` and ``ref`` and the ``field``.

The services' refusals map here, once: ``NotAllowed`` → 403, ``ConflictError`` and
``StateConflict`` → 409, ``InvalidInput`` (and any other ``ServiceError``) → 422.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from plantracker.tracker.services import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    ServiceError,
    StateConflict,
)
from plantracker.tracker.uploads import UploadRefused


@dataclass(frozen=True)
class RowError:
    """A problem with one field of one row of a bulk body (or of a parameter)."""

    field: str
    message: str
    index: int | None = None
    ref: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "ref": self.ref, "field": self.field, "message": self.message}


class InvalidRows(Exception):
    """The body's rows break the plan's rules: nothing was written (422)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(error.message for error in self.errors))


class Conflict(Exception):
    """The write conflicts with the stored state (409): changed since read, period closed."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("; ".join(self.messages))


def error_body(detail: str, errors: Iterable[RowError] = ()) -> dict[str, Any]:
    return {"detail": detail, "errors": [error.as_dict() for error in errors]}


_PARAMETER_SOURCES = ("query", "path", "header", "cookie", "form")
# What Django raises for a form body it cannot read: a broken multipart, more fields or files
# than DATA_UPLOAD_MAX_NUMBER_FIELDS / DATA_UPLOAD_MAX_NUMBER_FILES, a urlencoded body that is
# not UTF-8.
UNREADABLE: tuple[type[Exception], ...] = (
    MultiPartParserError,
    TooManyFieldsSent,
    TooManyFilesSent,
    BadRequest,
)


def _body_rows(request: HttpRequest) -> list[Any]:
    """The request's JSON rows, to name each bad row's ref; [] when it has none."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return []  # a form (evidence, ADR 0078): no rows, and an upload's body was streamed
    try:
        rows = json.loads(request.body or b"null")
    except (ValueError, RecursionError):  # RecursionError: JSON nested past Python's limit
        return []
    return rows if isinstance(rows, list) else []


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is not valid"))
    # pydantic prefixes the message of a validator's ValueError; the field says enough.
    return message.removeprefix("Value error, ")


def rows_from_validation(request: HttpRequest, exc: ValidationError) -> list[RowError]:
    """ninja's pydantic errors as row errors: ``("body", "payload", 2, "value")`` is the
    ``value`` of row 2; a parameter's error names the parameter."""
    rows = _body_rows(request)
    found: list[RowError] = []
    for error in exc.errors:
        location = list(error.get("loc", ()))
        if location and location[0] == "body":
            location = location[2:]  # ("body", <parameter name>, ...)
        elif location and location[0] in _PARAMETER_SOURCES:
            location = location[1:]  # ("query", "format")
        index = location[0] if location and isinstance(location[0], int) else None
        rest = location[1:] if index is not None else location
        ref = None
        if index is not None and index < len(rows) and isinstance(rows[index], dict):
            given = rows[index].get("ref")
            ref = given if isinstance(given, str) else None
        field = ".".join(str(part) for part in rest) or ("row" if index is not None else "body")
        found.append(RowError(field=field, message=_message(error), index=index, ref=ref))
    return found


def _invalid(request: HttpRequest, errors: Sequence[RowError], api: NinjaAPI) -> HttpResponse:
    count = len(errors)
    detail = f"nothing was written: {count} problem{'s' if count != 1 else ''} in the request"
    if request.method in ("GET", "HEAD"):
        detail = f"{count} problem{'s' if count != 1 else ''} in the request"
    return api.create_response(request, error_body(detail, errors), status=422)


def _plain_answer(
    api: NinjaAPI, status: int
) -> Callable[[HttpRequest, Exception | type[Exception]], HttpResponse]:
    """A handler answering ``status`` with the refusal's own words as the detail."""

    def answer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=status)

    return answer


def _no_endpoint(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    docs = reverse(f"{api.urls_namespace}:openapi-view")
    detail = f"there is no endpoint at {request.path}; the endpoints are listed at {docs}"
    return api.create_response(request, error_body(detail), status=404)


def _shaped(api: NinjaAPI, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view``, answering in the one shape where ninja and Django do not: a method the
    endpoint does not take (405, with ``Allow``) and the API's root, which is no endpoint."""

    @wraps(view)  # keeps ninja's csrf_exempt
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # only the root's view raises it: the endpoints answer their own
            return _no_endpoint(api, request)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        detail = f"{request.method} is not allowed here; the methods are {allowed}"
        refused = api.create_response(request, error_body(detail), status=405)
        refused["Allow"] = allowed
        return refused

    return answer


def shaped_urls(
    api: NinjaAPI, patterns: list[URLPattern | URLResolver]
) -> list[URLPattern | URLResolver]:
    """The API's URL patterns with every refusal in the one shape: each view wrapped as
    above, and any other path under the API a 404 naming where the endpoints are listed."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _shaped(api, pattern.callback)

    @csrf_exempt  # a POST to a wrong path is told so, as the endpoints would be
    def unknown(request: HttpRequest) -> HttpResponse:
        return _no_endpoint(api, request)

    return [*patterns, re_path(r"^", unknown)]


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default answers with the shapes above."""

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _invalid(request, rows_from_validation(request, exc), api)

    @api.exception_handler(InvalidRows)
    def invalid_rows(request: HttpRequest, exc: InvalidRows) -> HttpResponse:
        return _invalid(request, exc.errors, api)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own refusals; a body its parser could not read (400) names the cause.
        cause = exc.__cause__
        detail = str(exc)
        if exc.status_code == 400 and cause is not None:
            detail = f"the body is not valid JSON: {cause}"
        errors = [RowError(field="body", message=detail)] if exc.status_code == 400 else []
        return api.create_response(request, error_body(detail, errors), status=exc.status_code)

    def unreadable(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        # A form body Django cannot read: a 400 naming the cause in the one shape, rather
        # than Django's error page; the suspicious ones logged where Django logs them.
        if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            logging.getLogger(f"django.security.{type(exc).__name__}").error("%s", exc)
        detail = f"the body could not be read: {exc}"
        return api.create_response(
            request, error_body(detail, [RowError(field="body", message=detail)]), status=400
        )

    for unread in UNREADABLE:
        api.add_exception_handler(unread, unreadable)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"the body is larger than {limit // (1024 * 1024)} MB; send fewer rows at once"
        return api.create_response(
            request, error_body(detail, [RowError(field="body", message=detail)]), status=413
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body("send a valid API token: Authorization: Bearer <token>"),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="plantracker"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or "your role does not allow this"
        return api.create_response(request, error_body(detail), status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or "not found"), status=404)

    # Refusals answered with their own message and a fixed status; the services' refusals
    # map here once for every endpoint (ADR 0063).
    for refusal, status in (
        # An evidence upload the checks refuse (ADR 0078): the file named, nothing stored.
        (UploadRefused, 400),
        (Conflict, 409),
        (NotAllowed, 403),
        (ConflictError, 409),
        (StateConflict, 409),
    ):
        api.add_exception_handler(refusal, _plain_answer(api, status))

    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        errors = [RowError(field=name, message=text) for name, text in exc.errors.items()]
        return _invalid(request, errors, api)

    @api.exception_handler(ServiceError)
    def refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return _invalid(request, [RowError(field="body", message=m) for m in exc.messages], api)
