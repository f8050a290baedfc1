"""Production settings: everything in plantracker.settings, plus HTTPS-only behaviour.

Secure-only cookies and HSTS belong here, not in the local settings
(docs/deployment.md#what-the-production-settings-enforce). Use with
DJANGO_SETTINGS_MODULE=plantracker.settings_production; SECRET_KEY must be set in the
environment, and DEBUG is always off.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from plantracker.settings import *  # noqa: F403
from plantracker.settings import env_bool

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production settings need a secret key in the environment "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )

DEBUG = False

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a one-way decision for the domain's owner, not for the application, so
# Django's reminder about it is silenced.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy the app sees plain HTTP; trust the proxy's header only when
# the deployment says the proxy sets it.
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
