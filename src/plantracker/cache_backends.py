"""Cache backends of our own, each a small variation on one of Django's.

``FolderOnFirstWriteCache``: a file cache that creates its folder when it first writes, not
when Django loads it.

Django's FileBasedCache makes its folder as soon as the cache is configured, so even
`plantracker check` would leave a ./var behind; the settings promise that ./var appears
only when something is stored (the report cache, ADR 0061, lives in ./var/cache).

``ObjectMemoryCache``: local memory holding frozen objects as they are (ADR 0064).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache


class FolderOnFirstWriteCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        # FileBasedCache.__init__ would create the folder; every write creates it anyway.
        BaseCache.__init__(self, params)
        self._dir = os.path.abspath(dir)


class ObjectMemoryCache(LocMemCache):
    """Django's local-memory cache, holding each value itself rather than a pickled copy.

    For the evaluated-plan cache (``plantracker.tracker.selectors.cached``, ADR 0064), whose
    values are frozen domain objects that nobody can change: unpickling a large plan costs
    about as much as building it (150 ms at ``synth --scale 20``), which LocMemCache would pay
    on every read. Per process, like LocMemCache; the oldest entries are culled past
    MAX_ENTRIES. Only immutable values may be stored here.
    """

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        raise NotImplementedError("ObjectMemoryCache holds frozen objects, not counters")
