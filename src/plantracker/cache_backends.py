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
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache


class FolderOnFirstWriteCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        # FileBasedCache.__init__ would create the folder; every write creates it anyway.
        BaseCache.__init__(self, params)
        self._dir = os.path.abspath(dir)


class ObjectMemoryCache(BaseCache):
    """Local memory holding each value itself rather than a pickled copy, least recently used
    first out past MAX_ENTRIES.

    For the evaluated-plan cache (``plantracker.tracker.selectors.cached``, ADR 0064), whose
    values are frozen domain objects nobody can change: unpickling a large plan costs about as
    much as building it (150 ms at ``synth --scale 20``), which Django's LocMemCache would pay
    on every read. Shared by the threads of one process, like LocMemCache; never by two
    processes. Only immutable values may be stored here. Entries do not expire (the keys
    carry what makes them stale): the cache's TIMEOUT is not used.
    """

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._entries = _object_stores.setdefault(name, OrderedDict())
        self._lock = _object_locks.setdefault(name, Lock())

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key in self._entries:
                return False
            self._store(key, value)
            return True

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._store(key, value)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self.has_key(key, version=version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return key in self._entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _store(self, key: str, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


_object_stores: dict[str, OrderedDict[str, Any]] = {}
_object_locks: dict[str, Lock] = {}
