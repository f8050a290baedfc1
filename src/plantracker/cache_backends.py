"""A file cache that creates its folder when it first writes, not when Django loads it.

Django's FileBasedCache makes its folder as soon as the cache is configured, so even
`plantracker check` would leave a ./var behind; the settings promise that ./var appears
only when something is stored (the report cache, ADR 0061, lives in ./var/cache).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache


class FolderOnFirstWriteCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        # FileBasedCache.__init__ would create the folder; every write creates it anyway.
        BaseCache.__init__(self, params)
        self._dir = os.path.abspath(dir)
