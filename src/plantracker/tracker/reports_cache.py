"""Report files cached by the data they were built from (ADR 0061).

A report is a pure function of the plan it evaluates, the period, the format and the
renderers' code. The key is a digest of exactly those: the domain Plan the period reports
(a closed period's snapshot, which never changes, or the approved data now), the period
id, the format, and a fingerprint of the report code. An unchanged report is therefore
served from the cache without being rebuilt, and any change to its data or code misses.
Nothing needs invalidating: a stale entry is never hit again and ages out of the cache.

The cache is Django's ``reports`` cache (a file cache under the var folder, shared by every
worker process and kept across restarts).

No request renders a file (ADR 0067). ``report_file`` serves it from the cache or, the first
time, queues its build for the background worker (``plantracker.tracker.tasks``) and says it
is being prepared. A ``ReportBuild`` row per key, unique, is the lock: only the request that
inserts it queues a build, in the same transaction, so two requests never render the same
file twice, and a crash between the two leaves neither. The worker removes the row once the
file is stored, or marks it failed for the next request to say so. A closed period's five
files are built when it closes (``period_reports_build``, queued by ``period_close``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import cache
from importlib import resources

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone

from plantracker import __version__
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import PlanRecord, ReportBuild
from plantracker.tracker.selectors import period_plan
from plantracker.tracker.selectors.cached import counted, counted_period_plan

CACHE = "reports"
# A build queued longer ago than this is taken to have died with its worker (a PDF at
# synth --scale 10 takes 15-40 s): the next request queues it again.
BUILD_STALE = timedelta(minutes=10)
# How long a client is told to wait before asking again for a file being prepared.
RETRY_AFTER = 5

logger = logging.getLogger(__name__)


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


def plan_digest(plan: Plan) -> str:
    """A digest of everything ``plan`` holds (25 ms of CPU at ``synth --scale 10``)."""
    # repr of the frozen domain dataclasses holds every field, decimals as written, in file
    # order: equal plans give equal text, any changed value changes it.
    return hashlib.sha256(repr(plan).encode("utf-8")).hexdigest()


def period_digest(*, plan_record: PlanRecord, period_code: str) -> str:
    """``plan_digest`` of the period's plan, worked out once per data version and period
    (ADR 0064): what a report file's key and an evidence pack's key are made of."""
    return counted(
        plan_record,
        f"period-digest:{period_code}",
        lambda record: plan_digest(
            counted_period_plan(plan_record=record, period_code=period_code)
        ),
    )


def report_key(plan: Plan, period_code: str, fmt: str) -> str:
    """The cache key of the report of ``plan`` for ``period_code`` in ``fmt``."""
    return _report_key(plan_digest(plan), period_code, fmt)


def _report_key(digest: str, period_code: str, fmt: str) -> str:
    period = hashlib.sha256(period_code.encode("utf-8")).hexdigest()[:16]
    return f"report:{code_fingerprint()}:{fmt}:{period}:{digest}"


@dataclass(frozen=True)
class ReportFile:
    """What a request for a report file gets: the file, or word that it is being prepared.

    ``content`` is the file once built; without it, ``failed`` says that the last build
    failed (logged with its cause; asking again builds it again), else it is being prepared.
    """

    content: bytes | None
    failed: bool = False


class _Claim(Enum):
    OURS = "ours"  # this caller inserted (or took over) the lock: it builds or queues
    PENDING = "pending"  # another build of the same file is queued or running
    FAILED = "failed"  # the last build failed; the lock is gone, so the next ask retries


def report_file(*, plan_record: PlanRecord, period_code: str, fmt: str) -> ReportFile:
    """The report file from the cache, or its build queued once for the worker (ADR 0067).

    ``fmt`` must be a registered format. The digest of the period's plan that the file's key
    is made of is worked out once per data version and period, for every format (ADR 0064):
    digesting a big plan takes tens of milliseconds, which every request for a report would
    otherwise pay. Raises Period.DoesNotExist for a period the plan does not have.
    """
    key = _report_key(
        period_digest(plan_record=plan_record, period_code=period_code), period_code, fmt
    )
    store = caches[CACHE]
    content = store.get(key)
    if isinstance(content, bytes):
        return ReportFile(content)
    # The lock and the queued task commit together or not at all.
    with transaction.atomic():
        claim = _claim(key)
        if claim is _Claim.OURS:
            from plantracker.tracker.tasks import report_build

            report_build.enqueue(plan_id=plan_record.pk, period_code=period_code, fmt=fmt, key=key)
    if claim is _Claim.FAILED:
        return ReportFile(None, failed=True)
    # A backend that runs tasks at once (the tests') has built it already.
    content = store.get(key)
    return ReportFile(content if isinstance(content, bytes) else None)


def report_build(*, plan_id: int, period_code: str, fmt: str, key: str) -> str:
    """The worker's half of ``report_file``: build the file of ``key`` and release its lock.

    When the data changed since the request (the key no longer matches), nothing is built:
    whoever asks for the new data queues the new file. Returns what was done, for the task's
    result.
    """
    record = PlanRecord.objects.filter(pk=plan_id).first()
    if record is None:
        _release(key)
        return "not built: the plan no longer exists"
    try:
        plan = period_plan(plan_record=record, period_code=period_code)
        if report_key(plan, period_code, fmt) != key:
            _release(key)
            return "not built: the data changed since it was asked for"
        _render(plan, period_code, fmt, key)
    except Exception as exc:
        _fail(key, exc)
        raise
    _release(key)
    return f"built {fmt} of {record.slug} {period_code}"


def period_reports_build(*, plan_id: int, period_code: str) -> list[str]:
    """Build every format of a period's report not yet cached nor being built (on closing).

    Each file takes its lock like a request's build, so a request that came first builds
    its own and this skips it. A format that fails is logged and marked for the next
    request; the others are still built, then the failure is raised.
    """
    record = PlanRecord.objects.filter(pk=plan_id).first()
    if record is None:
        return []
    plan = period_plan(plan_record=record, period_code=period_code)
    digest = plan_digest(plan)
    store = caches[CACHE]
    built: list[str] = []
    failed: list[str] = []
    for fmt in RENDERERS:
        key = _report_key(digest, period_code, fmt)
        if store.has_key(key):
            continue
        with transaction.atomic():
            claim = _claim(key)
            if claim is _Claim.FAILED:  # an earlier failure, now reported: try again
                claim = _claim(key)
        if claim is not _Claim.OURS:
            continue
        try:
            _render(plan, period_code, fmt, key)
        except Exception as exc:
            _fail(key, exc)
            failed.append(fmt)
            continue
        _release(key)
        built.append(fmt)
    if failed:
        raise RuntimeError(
            f"the {', '.join(failed)} report of {record.slug} {period_code} could not be built"
        )
    return built


def _render(plan: Plan, period_code: str, fmt: str, key: str) -> bytes:
    content = RENDERERS[fmt].render(build_report(evaluate(plan, period_code)))
    caches[CACHE].set(key, content, timeout=None)
    return content


def report_content(*, plan: Plan, period_code: str, fmt: str) -> bytes:
    """The report of ``plan`` from the cache, or rendered now and cached: for the worker
    only (the evidence pack's builder, ADR 0080), never in a request. A closed period's files
    were built when it closed, so its pack takes the very PDF the period reported."""
    key = report_key(plan, period_code, fmt)
    content = caches[CACHE].get(key)
    if isinstance(content, bytes):
        return content
    return _render(plan, period_code, fmt, key)


# The build lock of ``report_file``, for the other files built in the background the same
# way (the evidence pack, ADR 0080): ``build_claim`` answers ``Claim.OURS``, ``PENDING`` or
# ``FAILED``.
Claim = _Claim


def build_claim(key: str) -> Claim:
    """Take the build lock of ``key`` (``_claim``); the caller queues the build on
    ``Claim.OURS``."""
    return _claim(key)


def build_release(key: str) -> None:
    _release(key)


def build_fail(key: str, exc: Exception) -> None:
    _fail(key, exc)


def _claim(key: str) -> _Claim:
    """Take the lock of ``key``: insert its row, or take over one whose build died."""
    now = timezone.now()
    try:
        with transaction.atomic():
            ReportBuild.objects.create(key=key, requested_at=now)
        return _Claim.OURS
    except IntegrityError:
        pass
    row = ReportBuild.objects.filter(key=key).first()
    if row is None:  # released since: the file has just been stored
        return _Claim.PENDING
    if row.failure:
        # Said once; the next request builds it again.
        ReportBuild.objects.filter(pk=row.pk).delete()
        return _Claim.FAILED
    if row.requested_at < now - BUILD_STALE:
        taken = ReportBuild.objects.filter(pk=row.pk, requested_at=row.requested_at).update(
            requested_at=now
        )
        if taken:
            return _Claim.OURS
    return _Claim.PENDING


def _release(key: str) -> None:
    ReportBuild.objects.filter(key=key).delete()


def _fail(key: str, exc: Exception) -> None:
    logger.exception("report %s could not be built", key)
    ReportBuild.objects.filter(key=key).update(failure=f"{type(exc).__name__}: {exc}"[:2000])
