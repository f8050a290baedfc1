"""App configuration for plantracker.web."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plantracker.web"
    label = "web"
    verbose_name = "Plan tracker web pages"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from plantracker.web.sso import remember_provider

        user_logged_in.connect(remember_provider, dispatch_uid="plantracker.sso.provider")
