"""Django settings: safe local defaults, every deployment value from the environment.

Run locally with no configuration at all: DEBUG is on, the database is SQLite in ./var and
only 127.0.0.1/localhost are served. A deployment sets SECRET_KEY (which turns DEBUG off
unless DEBUG is set explicitly), ALLOWED_HOSTS and DATABASE_URL, and uses
plantracker.settings_production for secure cookies and HSTS.

Environment variables:
    SECRET_KEY          Django secret key. Unset → a development-only key and DEBUG on.
    DEBUG               true/false (also 1/0, yes/no, on/off). Default: on only without SECRET_KEY.
    ALLOWED_HOSTS       comma-separated host names. Default: 127.0.0.1,localhost.
    DATABASE_URL        e.g. postgres://user:pass@host/db. Default: SQLite in $PLANTRACKER_VAR_DIR.
    PLANTRACKER_VAR_DIR folder for the local database and collected static files. Default: ./var.
    LOG_LEVEL           level of plantracker's own console log. Default: INFO.
    SESSION_EXPIRE_AT_BROWSER_CLOSE  true: sign people out when the browser closes (else 8 h).
    EMAIL_BACKEND       Django email backend. Default: the console (printed) when DEBUG is on,
                        else SMTP with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
                        EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.
    DEFAULT_FROM_EMAIL  sender of the emails. Default: plantracker@localhost.
    SITE_URL            the address people use, for links in emails. Default: http://127.0.0.1:8000.
    EMAIL_USE_SSL       true: SMTP over implicit TLS (port 465) instead of STARTTLS.
    GOVUK_NOTIFY_API_KEY, GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID
                        send email through GOV.UK Notify instead of SMTP (docs/deployment.md).
    REMINDER_REPEAT_DAYS  working days between reminders of the same missing updates. Default: 5.
    REMINDER_ESCALATE_AFTER  reminders an owner gets before the plan's leads are told. Default: 2.
    BANK_HOLIDAYS       whose bank holidays are not working days for reminders: ENG (England,
                        the default), WLS, SCT, NIR, or none.
    PLANTRACKER_EVIDENCE_MAX_MB  largest evidence file accepted, in megabytes. Default: 20.
    PLANTRACKER_EVIDENCE_STORAGE  a Django storage class for evidence files (e.g.
                        storages.backends.s3.S3Storage), with PLANTRACKER_EVIDENCE_OPTIONS its
                        options as JSON. Default: the folder evidence in $PLANTRACKER_VAR_DIR.
    PLANTRACKER_PUBLICATIONS_STORAGE  the same for published reports' files (ADR 0081), with
                        PLANTRACKER_PUBLICATIONS_OPTIONS. Default: the folder publications in
                        $PLANTRACKER_VAR_DIR.
    PLANTRACKER_REDIS_URL  e.g. redis://127.0.0.1:6379/0: keep the pages' rendered figures in
                        this Redis, shared by every worker and server (ADR 0064). Default:
                        each process's own memory.
    OIDC_ISSUER         single sign-on (ADR 0075): the OpenID Connect issuer, e.g.
                        https://login.microsoftonline.com/<tenant>/v2.0. Unset → no
                        deployment-wide provider (organisations may still register their own).
    OIDC_CLIENT_ID, OIDC_CLIENT_SECRET  the application's registration at that issuer.
    OIDC_PROVIDER_NAME  shown as "Sign in with <name>". Default: your council account.
    PASSWORD_SIGN_IN    false: the sign-in page offers single sign-on only. Default: true.
    TWO_FACTOR_FOR_ADMINS  true: organisation admins and operators signing in with a password
                        must set up two-factor before doing anything else. Default: false.
    PLANTRACKER_REPORTS_DIR  folder of the built report files (ADR 0061, 0067); several
                        servers share one (a shared mount), so a file built for one is
                        served by all. Default: $PLANTRACKER_VAR_DIR/cache/reports.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable, refusing values that are neither true nor false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"environment variable {name}={raw!r} is not a boolean; use true or false"
    )


def env_log_level(name: str, default: str) -> str:
    """Read a logging level name (DEBUG, INFO, WARNING, ERROR, CRITICAL)."""
    raw = os.environ.get(name, default)
    level = raw.strip().upper()
    if level not in _LOG_LEVELS:
        raise ImproperlyConfigured(
            f"environment variable {name}={raw!r} is not a log level; use one of "
            + ", ".join(_LOG_LEVELS)
        )
    return level


def env_positive_int(name: str, default: int) -> int:
    """Read a whole number of at least 1."""
    raw = os.environ.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(
            f"environment variable {name}={raw!r} is not a whole number of at least 1"
        )
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Paths relative to the working directory, so `make run` in a checkout keeps its data in
# ./var. The folder is created only when the SQLite database is first opened
# (plantracker.sqlite_backend), so commands that never touch the database leave no trace.
VAR_DIR = Path(os.environ.get("PLANTRACKER_VAR_DIR", Path.cwd() / "var")).resolve()
# Built report files: every web process and worker of a deployment must see the same
# folder, so several servers point this at one shared mount (docs/deployment.md).
REPORTS_DIR = Path(
    os.environ.get("PLANTRACKER_REPORTS_DIR", "").strip() or VAR_DIR / "cache" / "reports"
).resolve()

# --- Security -----------------------------------------------------------------------------

_secret_key_from_env = os.environ.get("SECRET_KEY", "")
# Without a configured key this is a developer's machine: a fixed, publicly known key is
# acceptable only because DEBUG is on and the hosts are local.
SECRET_KEY = _secret_key_from_env or "django-insecure-plantracker-local-development-only"
DEBUG = env_bool("DEBUG", default=not _secret_key_from_env)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Third-party apps.
    "simple_history",
    "axes",
    # Background tasks (ADR 0067): the tasks API and its database backend's tables.
    "django_tasks",
    "django_tasks_db",
    # Single sign-on and two-factor (ADR 0075): allauth's OpenID Connect provider and its MFA
    # models; plantracker's own views do the password sign-in (django-axes stays in front).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "plantracker.tracker",
    "plantracker.web",
    "plantracker.api",
    # django-ninja's API docs page, served from its bundled static files (no CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the signed-in user as the author of each audited change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # allauth's sign-in flows keep their state in the session (ADR 0075).
    "allauth.account.middleware.AccountMiddleware",
    # Admins who must use two-factor set it up before anything else (ADR 0075).
    "plantracker.web.two_factor.TwoFactorRequiredMiddleware",
    # Every page an inspector opens on a plan is recorded (ADR 0080).
    "plantracker.web.inspections.InspectorVisitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: django-axes.
    "axes.middleware.AxesMiddleware",
]

# --- Accounts -----------------------------------------------------------------------------

# username = email, lower-case (ADR 0013).
AUTH_USER_MODEL = "tracker.User"

# django-axes first, so a locked-out username/address is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lock a username from one address after 5 failures for an hour. Locking by username and
# address together stops guessing without letting a stranger lock a colleague out.
# The audit trail's reason for a change ("draft saved on behalf of …: computed from the
# statutory returns (…): computed from N children; M with errors …") has no length limit on
# any database (PostgreSQL enforced simple_history's default 100 characters).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "plantracker.tracker.auth.axes_username"

# The web app's sign-in page; a locked-out person sees the web app's explanation (HTTP 429).
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:plan-list"
LOGOUT_REDIRECT_URL = "web:login"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

# --- Single sign-on and two-factor (ADR 0075) ---------------------------------------------

# One OpenID Connect provider for the deployment from the environment; organisation admins
# may register their own in the database (tracker.OrganisationProvider → allauth's SocialApp).
# Accounts are never created by signing in: a verified email must match a user an
# organisation admin added (plantracker.web.sso). Claims come from the ID token, whose
# signature, issuer, audience, expiry and nonce are checked.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "").strip() or "your council account"
OIDC_PROVIDER_ID = "council"
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both")
# Per provider (and organisation provider, plantracker.web.sso.app_settings): claims from the
# ID token only (Entra ID's userinfo lacks its email-verified claim), PKCE on.
OIDC_APP_SETTINGS = {"fetch_userinfo": False, "oauth_pkce_enabled": True}
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": OIDC_PROVIDER_ID,
                    "name": OIDC_PROVIDER_NAME,
                    "client_id": OIDC_CLIENT_ID,
                    "secret": OIDC_CLIENT_SECRET,
                    "settings": {"server_url": OIDC_ISSUER, **OIDC_APP_SETTINGS},
                }
            ]
            if OIDC_ISSUER
            else []
        ),
    }
}
SOCIALACCOUNT_ADAPTER = "plantracker.web.sso.SignInAdapter"
ACCOUNT_ADAPTER = "plantracker.web.sso.ClosedAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# The sign-in page's button posts to the provider's login URL (no sign-in started by a GET).
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_NOTIFICATIONS = False
HEADLESS_ONLY = False
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", default=True)

# Two-factor: TOTP with recovery codes, allauth.mfa's models and code checks behind
# plantracker's own pages (plantracker.web.two_factor).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "plantracker"
TWO_FACTOR_FOR_ADMINS = env_bool("TWO_FACTOR_FOR_ADMINS", default=False)

ROOT_URLCONF = "plantracker.urls"
WSGI_APPLICATION = "plantracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plantracker.web.context.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            **dj_database_url.parse(f"sqlite:///{VAR_DIR / 'plantracker.sqlite3'}"),
            # Same as Django's SQLite backend, but creates VAR_DIR on first connection.
            "ENGINE": "plantracker.sqlite_backend",
            # Tests use an in-memory database. Said explicitly because pytest-django
            # recognises only Django's own SQLite engine as SQLite: for ours it would give
            # each xdist worker a file beside the checkout, shared by concurrent test runs.
            "TEST": {"NAME": ":memory:"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches -------------------------------------------------------------------------------

# "reports": report files keyed by a digest of the data and code they were built from
# (plantracker.tracker.reports_cache, ADR 0061), in files every worker (and, through
# PLANTRACKER_REPORTS_DIR on a shared mount, every server) shares and a restart keeps.
# Entries never go stale, so they never expire; the oldest are culled past the limit.
# "plans": each plan's evaluated (counted) data per data version, in each process's memory as
# the frozen objects themselves (plantracker.tracker.selectors.cached, ADR 0064).
# "fragments": the rendered figures of the dashboard, recommendation and item pages per data
# version; local memory, or Redis shared by every worker and server when
# PLANTRACKER_REDIS_URL is set. Keys carry the data version and the code, so nothing is
# ever invalidated: old entries are culled (local memory) or expire after a day (Redis).
REDIS_URL = os.environ.get("PLANTRACKER_REDIS_URL", "").strip()
_fragments: dict[str, object] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 24 * 60 * 60,
        "KEY_PREFIX": "plantracker",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": {
        "BACKEND": "plantracker.cache_backends.FolderOnFirstWriteCache",
        "LOCATION": str(REPORTS_DIR),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
    "plans": {
        "BACKEND": "plantracker.cache_backends.ObjectMemoryCache",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 64},
    },
    "fragments": _fragments,
}

# --- Background tasks ---------------------------------------------------------------------

# Report files are built by a worker (`plantracker db_worker`, which `plantracker demo`
# starts beside the web server), from tasks queued in the database itself, so the SQLite
# default needs no other server (plantracker.tracker.tasks, ADR 0067).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# whitenoise serves the collected files with hashed names and far-future caching; the
# storage falls back to the plain name for a file the front-end build has not made yet.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "plantracker.web.storage.StaticStorage"},
    # Evidence attached to updates (ADR 0078): the file system by default; any Django
    # storage (django-storages' S3 or Azure Blob, installed by the deployment) by settings.
    "evidence": {
        "BACKEND": os.environ.get(
            "PLANTRACKER_EVIDENCE_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("PLANTRACKER_EVIDENCE_OPTIONS", "") or "null")
        or {
            "location": str(VAR_DIR / "evidence"),
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
    # Published reports' files (ADR 0081), written once when a period is published and
    # served to the public as stored: the file system by default, or any Django storage.
    "publications": {
        "BACKEND": os.environ.get(
            "PLANTRACKER_PUBLICATIONS_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("PLANTRACKER_PUBLICATIONS_OPTIONS", "") or "null")
        or {"location": str(VAR_DIR / "publications")},
    },
}
# The largest evidence file accepted (ADR 0078).
EVIDENCE_MAX_BYTES = int(float(os.environ.get("PLANTRACKER_EVIDENCE_MAX_MB", "20")) * 1024 * 1024)

# --- Security headers ---------------------------------------------------------------------

# No page runs JavaScript; styles come from our stylesheet, and the inline SVG charts carry
# style attributes (matplotlib's output), hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# --- Sessions and request limits (docs/reliability.md#security) ---------------------------

# A working day: a session ends 8 hours after sign-in (not renewed on every request), and,
# where the deployment asks for it, when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
# Form and JSON bodies up to 4 MB (a 1 MB commentary plus the rest of the form in any
# encoding); larger ones are refused with 400 before they are read. Uploaded files go to a
# temporary file past 2.5 MB; the plan reader refuses files over its own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# --- Email (workflow emails and reminders, ADR 0077) --------------------------------------

# GOV.UK Notify (django-gov-notify) when its key is set; else SMTP in production and the
# console (emails printed) on a developer's machine and in `make run`.
GOVUK_NOTIFY_API_KEY = os.environ.get("GOVUK_NOTIFY_API_KEY", "")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = os.environ.get("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", "")
if GOVUK_NOTIFY_API_KEY and not GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "GOVUK_NOTIFY_API_KEY is set but GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID is not: give the "
        "id of a Notify email template whose subject is ((subject)) and body ((body))"
    )
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django_gov_notify.backends.NotifyEmailBackend"
    if GOVUK_NOTIFY_API_KEY
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = 30  # seconds: a mail server that hangs fails the attempt, which is retried
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "plantracker@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A failed send is tried again after each of these delays (seconds), then marked failed.
EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)


# Missing updates: each owner is reminded again every REMINDER_REPEAT_DAYS working days
# until done, and the leads are told once an owner has had REMINDER_ESCALATE_AFTER.
REMINDER_REPEAT_DAYS = env_positive_int("REMINDER_REPEAT_DAYS", 5)
REMINDER_ESCALATE_AFTER = env_positive_int("REMINDER_ESCALATE_AFTER", 2)

# UK nations' bank holidays differ (Scotland's and Northern Ireland's especially).
BANK_HOLIDAY_REGIONS = ("ENG", "WLS", "SCT", "NIR", "none")
BANK_HOLIDAYS = os.environ.get("BANK_HOLIDAYS", "ENG").strip() or "ENG"
if BANK_HOLIDAYS not in BANK_HOLIDAY_REGIONS:
    raise ImproperlyConfigured(
        f"environment variable BANK_HOLIDAYS={BANK_HOLIDAYS!r} is not one of "
        f"{', '.join(BANK_HOLIDAY_REGIONS)}"
    )

# A value ``statutory apply`` computed is flagged on the Review page when more than this
# share of the children in its returns (percent) break a DfE rule that affects it (ADR 0074).
_threshold = os.environ.get("STATUTORY_ERROR_THRESHOLD", "5").strip() or "5"
try:
    STATUTORY_ERROR_THRESHOLD = Decimal(_threshold)
except ArithmeticError:
    STATUTORY_ERROR_THRESHOLD = Decimal(-1)
if not (STATUTORY_ERROR_THRESHOLD.is_finite() and 0 <= STATUTORY_ERROR_THRESHOLD <= 100):
    raise ImproperlyConfigured(
        f"environment variable STATUTORY_ERROR_THRESHOLD={_threshold!r} is not a percentage "
        "from 0 to 100"
    )

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    # Libraries speak only when something is wrong (a command's output stays clean);
    # plantracker's own messages follow LOG_LEVEL.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "plantracker": {
            "handlers": ["console"],
            "level": env_log_level("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
