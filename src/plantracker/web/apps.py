"""App configuration for plantracker.web."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plantracker.web"
    label = "web"
    verbose_name = "Plan tracker web pages"
