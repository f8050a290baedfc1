"""App configuration for plantracker.api."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "plantracker.api"
    label = "api"
    verbose_name = "Plan tracker JSON API"
    default_auto_field = "django.db.models.BigAutoField"
