"""Pseudonymous child keys: HMAC-SHA256 of the authority code and local child id.

The key is a random secret kept in a file beside the store (``STORE.key``, mode 0600), not
in the store: a store handed to an analyst without its key cannot be re-identified by
hashing every plausible local id (docs/adr/0010-statutory-pseudonymisation.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from plantracker.statutory.errors import StatutoryError

KEY_BYTES = 32
_FINGERPRINT_LABEL = b"plantracker statutory key fingerprint v1"


def key_path_for(store: Path) -> Path:
    """Where the key of ``store`` lives unless the user names another file."""
    return store.with_name(store.name + ".key")


def read_key(path: Path) -> bytes:
    """Read a key file; refuse one that is unreadable, malformed or readable by others."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise StatutoryError(f"{path}: key file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StatutoryError(
            f"{path}: cannot read the key file ({exc.__class__.__name__})"
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StatutoryError(f"{path}: not a plantracker key file ({KEY_BYTES * 2} hex digits)")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise StatutoryError(
            f"{path}: the key file is readable by other users; run: chmod 600 {path}"
        )
    return key


def create_key(path: Path) -> bytes:
    """Create a new random key file readable by its owner only; never overwrite one."""
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StatutoryError(f"{path}: a key file already exists; it was not replaced") from None
    except OSError as exc:
        raise StatutoryError(f"{path}: cannot create the key file ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def fingerprint(key: bytes) -> str:
    """A value stored in the store to recognise its key without revealing it."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


class Pseudonymiser:
    """Maps (authority, local child id) to a stable pseudonymous key: a signed 64-bit integer.

    The key is the first 64 bits of the MAC. Integers sort and join several times faster
    than text in DuckDB, and a collision is negligible at any scale a council or a regional
    group holds (about 3 in 100 million for a million children).

    Local ids are unique only within an authority, so the authority is part of the input:
    the same id in two authorities gives two different keys. A cache spares the MAC for
    children who appear many times; it lives in memory only.
    """

    def __init__(self, key: bytes) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._cache: dict[tuple[str, str], int] = {}

    def __call__(self, la: str, child_id: str) -> int:
        cache_key = (la, child_id)
        found = self._cache.get(cache_key)
        if found is None:
            mac = self._mac.copy()
            mac.update(f"{la}\x1f{child_id}".encode())
            found = int.from_bytes(mac.digest()[:8], "big", signed=True)
            self._cache[cache_key] = found
        return found
