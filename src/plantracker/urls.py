"""Root URL configuration; plantracker.web and plantracker.api add their routes here."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from plantracker.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("plantracker.api.urls")),
    path("", include("plantracker.web.urls")),
]
