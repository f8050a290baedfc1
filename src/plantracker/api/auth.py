"""``Authorization: Bearer <token>`` for the API: the request then acts as the token's user.

An absent, malformed, unknown or revoked token, or one whose user is deactivated, is 401.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from plantracker.api.tokens import token_user
from plantracker.tracker.models import User


class BearerToken(HttpBearer):
    """Token authentication; ``request.auth`` and ``request.user`` become the token's user."""

    def __call__(self, request: HttpRequest) -> User | None:
        # ninja's own version logs the header's value on a scheme mismatch (a secret, when
        # someone sends Basic credentials); this one never logs it.
        scheme, _, secret = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(secret=token)
        if user is not None:
            # The audit trail (simple_history's middleware) and the services read
            # request.user: with a token it is the token's user, as with a session.
            request.user = user
        return user
