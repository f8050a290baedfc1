"""Report files cached by the data they were built from (ADR 0061).

A report is a pure function of the plan it evaluates, the period, the format and the
renderers' code. The key is a digest of exactly those: the domain Plan the period reports
(a closed period's snapshot, which never changes, or the approved data now), the period
id, the format, and a fingerprint of the report code. An unchanged report is therefore
served from the cache without being rebuilt, and any change to its data or code misses.
Nothing needs invalidating: a stale entry is never hit again and ages out of the cache.

The cache is Django's ``reports`` cache (a file cache under the var folder, shared by every
worker process and kept across restarts).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from django.core.cache import caches

from plantracker import __version__
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.selectors import period_plan

CACHE = "reports"


@cache
def code_fingerprint() -> str:
    """A digest of the report code and templates: a new renderer never serves old files."""
    digest = hashlib.sha256(__version__.encode())
    root = resources.files("plantracker.reports")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith((".py", ".html", ".css", ".ttf", ".woff2", ".svg")):
                files.append(entry)
    for entry in sorted(files, key=lambda found: str(found)):
        digest.update(str(entry).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def report_key(plan: Plan, period_code: str, fmt: str) -> str:
    """The cache key of the report of ``plan`` for ``period_code`` in ``fmt``."""
    # repr of the frozen domain dataclasses holds every field, decimals as written, in file
    # order: equal plans give equal text, any changed value changes it.
    digest = hashlib.sha256(repr(plan).encode("utf-8")).hexdigest()
    period = hashlib.sha256(period_code.encode("utf-8")).hexdigest()[:16]
    return f"report:{code_fingerprint()}:{fmt}:{period}:{digest}"


def report_content(
    *, plan_record: PlanRecord, period_code: str, fmt: str, live: Plan | None = None
) -> bytes:
    """The report file's bytes, from the cache when the same data was rendered before.

    ``fmt`` must be a registered format (callers answer 404/422 for others); ``live`` is the
    plan's approved data when the caller already loaded it.
    """
    renderer = RENDERERS[fmt]
    plan = period_plan(plan_record=plan_record, period_code=period_code, live=live)
    key = report_key(plan, period_code, fmt)
    store = caches[CACHE]
    content = store.get(key)
    if isinstance(content, bytes):
        return content
    content = renderer.render(build_report(evaluate(plan, period_code)))
    store.set(key, content, timeout=None)
    return content
