"""Root URL configuration; plantracker.web and plantracker.api add their routes here."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from plantracker.api.api import api
from plantracker.web.views import sso

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Single sign-on (ADR 0075): allauth's OpenID Connect provider under its own URL names,
    # through views that check the ID token in full. No other allauth page is served.
    path(
        "accounts/oidc/<str:provider_id>/login/",
        sso.login,
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        sso.callback,
        name="openid_connect_callback",
    ),
    path("", include("plantracker.api.urls")),
    path("", include("plantracker.web.urls")),
]
