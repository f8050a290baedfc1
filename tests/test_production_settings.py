"""What the production settings promise (docs/reliability.md#security): HTTPS-only cookies, HSTS
for a year, a strict script policy, 8-hour sessions, bounded request bodies. Read in a
subprocess, as a deployment loads them (DJANGO_SETTINGS_MODULE=...settings_production)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE",
    "DATA_UPLOAD_MAX_MEMORY_SIZE", "CONTENT_SECURITY_POLICY", "AXES_FAILURE_LIMIT",
]}, default=str))
"""


def production_settings(tmp_path: Path, **extra: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "plantracker.settings_production",
            "SECRET_KEY": "a-long-random-production-key-" + "Zq8w" * 12,
            "DEBUG": "true",  # ignored: production never runs with DEBUG
            **extra,
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_production_is_https_only_with_strict_headers(tmp_path: Path) -> None:
    found = production_settings(tmp_path)

    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert int(str(found["SECURE_HSTS_SECONDS"])) >= 365 * 24 * 60 * 60
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert found["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert int(str(found["DATA_UPLOAD_MAX_MEMORY_SIZE"])) <= 8 * 1024 * 1024
    assert found["AXES_FAILURE_LIMIT"] == 5
    directives = found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]  # type: ignore[index]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
