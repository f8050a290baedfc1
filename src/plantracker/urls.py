"""Root URL configuration; plantracker.web and plantracker.api add their routes here."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("", include("plantracker.web.urls")),
]
