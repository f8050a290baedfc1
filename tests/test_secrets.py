"""No secret in the repository (docs/reliability.md#security).

Every file git would commit (tracked, or new and not ignored) is scanned for private keys,
cloud and API credentials, and a hard-coded Django SECRET_KEY. The one key allowed is the
development-only default in settings.py, which works only with DEBUG on and local hosts.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_PARTS = {".git", ".venv", "node_modules", "__pycache__", ".hypothesis", ".mypy_cache"}
DEV_KEY = "django-insecure-plantracker-local-development-only"
# Documentation's obvious stand-ins for a password (postgres://user:pass@host/db).
PLACEHOLDERS = {"pass", "password", "secret", "PASSWORD", "SECRET", "xxx", "***", "changeme"}

PATTERNS = {
    "a private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    "an AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "a Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    "a Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "a hard-coded SECRET_KEY": re.compile(
        r"""SECRET_KEY\s*[:=]\s*(?:os\.environ\.get\([^)]*,\s*)?["']([^"']{8,})["']"""
    ),
    "a password in a database URL": re.compile(
        r"\b(?:postgres(?:ql)?|mysql)://[^:/\s]+:([^@\s]+)@"
    ),
}


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", errors="surrogateescape")
        files = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [path for path in ROOT.rglob("*") if path.is_file()]
    return [
        path
        for path in files
        if path.is_file() and not SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts)
    ]


def findings(path: Path, root: Path = ROOT) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []  # binary files (images, fonts, workbooks) hold no text secrets
    found = []
    for what, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if what == "a hard-coded SECRET_KEY" and match.group(1) == DEV_KEY:
                continue
            if what == "a password in a database URL" and (
                match.group(1) in PLACEHOLDERS or match.group(1).startswith(("<", "$", "{"))
            ):
                continue
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(root)}:{line}: {what}")
    return found


def test_no_file_of_the_repository_holds_a_secret() -> None:
    files = repository_files()
    assert len(files) > 50  # the scan really saw the repository
    problems = [problem for path in files for problem in findings(path)]
    assert problems == []


# Written in pieces, so that this file does not itself hold what the scan looks for.
BEGIN, KEY = "-----BEGIN ", " KEY-----"


@pytest.mark.parametrize(
    "text",
    [
        f"{BEGIN}RSA PRIVATE{KEY}\nMIIE",
        f"{BEGIN}OPENSSH PRIVATE{KEY}",
        "SECRET" + '_KEY = "x7Qp2-a-real-looking-production-key"',
        "SECRET" + "_KEY: 'abcdefghijkl'",
        "SECRET" + '_KEY = os.environ.get("SECRET_KEY", "fallback-key-123")',
        "DATABASE_URL=postgres://app:" + "hunter2@db.internal/plans",
        "aws_access_key_id = " + "AKIA" + "IOSFODNN7EXAMPLE",
    ],
)
def test_the_scan_finds_what_it_looks_for(tmp_path: Path, text: str) -> None:
    planted = tmp_path / "config" / "planted.txt"
    planted.parent.mkdir()
    planted.write_text(f"harmless line\n{text}\n", encoding="utf-8")
    (problem,) = findings(planted, root=tmp_path)
    assert problem.startswith("config/planted.txt:2: ")


def test_the_development_key_is_used_only_without_a_configured_key() -> None:
    settings = (ROOT / "src" / "plantracker" / "settings.py").read_text(encoding="utf-8")
    assert f'SECRET_KEY = _secret_key_from_env or "{DEV_KEY}"' in settings
    assert 'DEBUG = env_bool("DEBUG", default=not _secret_key_from_env)' in settings
