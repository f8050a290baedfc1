"""The *API tokens* page's URLs; the root URLconf includes them beside ``api/v1/``."""

from __future__ import annotations

from django.urls import path

from plantracker.api import views

app_name = "api-tokens"

urlpatterns = [
    path("account/api-tokens/", views.token_list, name="list"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]
