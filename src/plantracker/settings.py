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
    DEFAULT_FROM_EMAIL  sender of reminder emails. Default: plantracker@localhost.
    SITE_URL            the address people use, for links in emails. Default: http://127.0.0.1:8000.
    BANK_HOLIDAYS       whose bank holidays are not working days for reminders: ENG (England,
                        the default), WLS, SCT, NIR, or none.
    PLANTRACKER_EVIDENCE_MAX_MB  largest evidence file accepted, in megabytes. Default: 20.
    PLANTRACKER_EVIDENCE_STORAGE  a Django storage class for evidence files (e.g.
                        storages.backends.s3.S3Storage), with PLANTRACKER_EVIDENCE_OPTIONS its
                        options as JSON. Default: the folder evidence in $PLANTRACKER_VAR_DIR.
    PLANTRACKER_REDIS_URL  e.g. redis://127.0.0.1:6379/0: keep the pages' rendered figures in
                        this Redis, shared by every worker and server (ADR 0064). Default:
                        each process's own memory.
"""

import json
import os
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
# (plantracker.tracker.reports_cache, ADR 0061), in files every worker shares and a restart
# keeps. Entries never go stale, so they never expire; the oldest are culled past the limit.
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
        "LOCATION": str(VAR_DIR / "cache" / "reports"),
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

# --- Email (reminders) --------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "plantracker@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# UK nations' bank holidays differ (Scotland's and Northern Ireland's especially).
BANK_HOLIDAY_REGIONS = ("ENG", "WLS", "SCT", "NIR", "none")
BANK_HOLIDAYS = os.environ.get("BANK_HOLIDAYS", "ENG").strip() or "ENG"
if BANK_HOLIDAYS not in BANK_HOLIDAY_REGIONS:
    raise ImproperlyConfigured(
        f"environment variable BANK_HOLIDAYS={BANK_HOLIDAYS!r} is not one of "
        f"{', '.join(BANK_HOLIDAY_REGIONS)}"
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
