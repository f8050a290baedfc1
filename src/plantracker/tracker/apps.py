"""App configuration for plantracker.tracker."""

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "plantracker.tracker"
    label = "tracker"
    verbose_name = "Plan tracker"
    default_auto_field = "django.db.models.BigAutoField"
