"""The counted plan, evaluated once per data version and reused until it changes (ADR 0064).

Every service that changes what a plan counts adds one to ``PlanRecord.data_version`` in its
own transaction (ADR 0062). Whatever is computed from the counted data alone (the approved
plan, each period's plan and result, a page's figures) is therefore a function of the plan,
its data version and the code, and is cached under exactly that key:
``(plan pk, data_version, code_fingerprint(), what)``. Nothing is ever invalidated: after a
write commits, every reader reads the new version, misses, and computes afresh; the old
entries are never asked for again and are culled.

A miss computes inside one consistent read (``consistent_read``): the data version and every
row are read from the same snapshot of the database, so an entry never mixes two versions,
and it is stored under the version that snapshot holds.

The values live in Django's ``plans`` cache: by default each process's memory, holding the
frozen objects themselves (``plantracker.cache_backends.ObjectMemoryCache``), as unpickling a
large plan costs about as much as building it. Rendered HTML (small text) goes to the
``fragments`` cache, which settings may point at Redis shared by every server
(``fragment_key``).

One computation per key in a process (ADR 0090): the web server runs a few processes with
threads (``plantracker.gunicorn_conf``), and after a write the requests that miss the same
key at once do not each compute it. The first computes; the others wait for it and take its
value from the cache.

Drafts, review queues, "your updates" and anything else that is not counted never come from
here: those stay live queries.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

from django.core.cache import caches
from django.db import transaction
from django.http import Http404

from plantracker import __version__
from plantracker.domain.model import Plan
from plantracker.domain.results import PeriodResult
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.selectors.evaluated import evaluate_again
from plantracker.tracker.selectors.plan_domain import plan_domain
from plantracker.tracker.selectors.workflow import closed_period_plans, period_plan

CACHE = "plans"
FRAGMENTS = "fragments"

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The record read at the start of the consistent read now computing (nested values of the
# same plan are computed in it, from that record, without another transaction).
_reading: ContextVar[PlanRecord | None] = ContextVar("plan_cache_reading", default=None)

# The code whose output is cached: the rules, the plan readers (snapshots), the report model
# pages are made of, the selectors, and the web pages and templates (fragments).
_PACKAGES = (
    "plantracker.domain",
    "plantracker.planfile",
    "plantracker.reports",
    "plantracker.tracker.selectors",
    "plantracker.web",
)
_SUFFIXES = (".py", ".html")


@cache
def code_fingerprint() -> str:
    """A digest of the version and of the code that computes and shows the figures, made
    once per process: an upgrade never serves figures the old code computed."""
    digest = hashlib.sha256(__version__.encode())
    files = []
    for package in _PACKAGES:
        stack = [resources.files(package)]
        while stack:
            folder = stack.pop()
            for entry in folder.iterdir():
                if entry.is_dir():
                    stack.append(entry)
                elif entry.name.endswith(_SUFFIXES):
                    files.append(entry)
    for entry in sorted(files, key=str):
        digest.update(str(entry).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


def _key(pk: int, version: int, what: str) -> str:
    name = hashlib.sha256(what.encode("utf-8")).hexdigest()[:32]
    return f"counted:{code_fingerprint()}:{pk}:{version}:{name}"


# Single flight (ADR 0090): the lock of each key being computed in this process now, and how
# many threads hold or wait for it (the entry goes when the last one leaves). A lock per key:
# values of other keys, or of other plans, are computed meanwhile. A value's computation
# asks only for the values it is made of (a period's result for its plan), never for itself,
# so the locks are always taken in the same order and cannot deadlock.
_flights: dict[str, tuple[threading.Lock, int]] = {}
_flights_lock = threading.Lock()


@contextmanager
def _single_flight(key: str) -> Iterator[None]:
    with _flights_lock:
        lock, users = _flights.get(key, (None, 0))
        if lock is None:
            lock = threading.Lock()
        _flights[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _flights_lock:
            _, users = _flights[key]
            if users == 1:
                del _flights[key]
            else:
                _flights[key] = (lock, users - 1)


@contextmanager
def consistent_read() -> Iterator[None]:
    """One transaction whose reads all see the same committed state.

    SQLite's transaction is a snapshot already; PostgreSQL's default (read committed) gives
    each statement its own, so the outermost transaction asks for repeatable read. Inside a
    transaction already begun (a service, a test) the isolation is the caller's.
    """
    connection = transaction.get_connection()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def counted(plan_record: PlanRecord, what: str, compute: Callable[[PlanRecord], T]) -> T:
    """``compute(record)`` for the plan's counted data at ``plan_record.data_version``, from
    the cache when it was computed before.

    ``what`` names the value (with everything it depends on besides the counted data, e.g.
    the period); ``compute`` must read only counted data, through the record it is given,
    and return an immutable value. On a miss the record is read again in a consistent read
    and ``compute`` runs in it; the value is stored under the version that read saw.
    ``plan_record`` must have been read for this request or command: a record object kept
    across a write holds an old data version, and would be answered that version's figures.
    """
    store = caches[CACHE]
    key = _key(plan_record.pk, plan_record.data_version, what)
    found = store.get(key)
    if found is not None:
        return found
    with _single_flight(key):
        # Another thread may have computed it while this one waited.
        found = store.get(key)
        if found is not None:
            return found
        started = time.thread_time()
        value, version = _compute(plan_record, compute)
        logger.debug(
            "computed %s of plan %s at data version %s in %.0f ms of CPU",
            what,
            plan_record.pk,
            version,
            (time.thread_time() - started) * 1000,
        )
        store.set(_key(plan_record.pk, version, what), value)
        return value


def _compute(plan_record: PlanRecord, compute: Callable[[PlanRecord], T]) -> tuple[T, int]:
    """``compute`` in the plan's consistent read, and the data version that read saw."""
    reading = _reading.get()
    if reading is not None and reading.pk == plan_record.pk:
        value = compute(reading)  # inside this plan's consistent read already
    else:
        with consistent_read():
            reading = (
                PlanRecord.objects.select_related("organisation").filter(pk=plan_record.pk).first()
            )
            if reading is None:
                raise Http404("No such plan")
            token = _reading.set(reading)
            try:
                value = compute(reading)
            finally:
                _reading.reset(token)
    return value, reading.data_version


def computed_already(plan_record: PlanRecord, what: str) -> object | None:
    """What ``counted`` holds for ``what`` at ``plan_record``'s data version, or None;
    computes nothing (a page that can make do with less than the whole plan, ADR 0089)."""
    return caches[CACHE].get(_key(plan_record.pk, plan_record.data_version, what))


def counted_plan(*, plan_record: PlanRecord) -> Plan:
    """The plan's approved data as a domain Plan (``plan_domain``), once per data version."""
    return counted(plan_record, "plan", lambda record: plan_domain(plan_record=record))


def counted_period_plan(*, plan_record: PlanRecord, period_code: str) -> Plan:
    """``period_plan``: what ``period_code`` evaluates (its snapshot once closed), once per
    data version. Raises Period.DoesNotExist for a period the plan does not have."""

    def compute(record: PlanRecord) -> Plan:
        live = counted_plan(plan_record=record)
        return period_plan(plan_record=record, period_code=period_code, live=live)

    return counted(plan_record, f"period-plan:{period_code}", compute)


def counted_period_result(*, plan_record: PlanRecord, period_code: str) -> PeriodResult:
    """``period_result``: what ``period_code`` reports, evaluated once per data version."""

    def compute(record: PlanRecord) -> PeriodResult:
        plan = counted_period_plan(plan_record=record, period_code=period_code)
        # Only the recommendations that changed are evaluated again (ADR 0089).
        return evaluate_again(plan, period_code, plan_pk=record.pk, of=period_code)

    return counted(plan_record, f"period-result:{period_code}", compute)


def counted_closed_plans(*, plan_record: PlanRecord) -> Mapping[str, Plan]:
    """``closed_period_plans``: each closed period's snapshot plan, once per data version."""
    return counted(
        plan_record,
        "closed-plans",
        lambda record: MappingProxyType(closed_period_plans(plan_record=record)),
    )


def fragment_key(plan_record: PlanRecord, what: str) -> str:
    """The part of a rendered fragment's key (``{% cache ... using="fragments" %}``) that ties
    it to the plan's data version and the code: ``what`` adds the rest it depends on."""
    return f"{code_fingerprint()}:{plan_record.pk}:{plan_record.data_version}:{what}"
