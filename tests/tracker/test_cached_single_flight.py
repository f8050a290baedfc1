"""After a write, the threads of one web process that miss the same value at once compute it
once (ADR 0090): the first computes, the others wait and take its value.

No database: the threads run inside the plan's consistent read already (as a nested value
is computed), so ``compute`` is all a miss runs.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import caches

from plantracker.tracker.models import PlanRecord
from plantracker.tracker.selectors import cached

THREADS = 6


class _Misses:
    """Tells when each thread has missed the cache (and so gone on to compute or wait)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.threads: set[int] = set()
        self.changed = threading.Condition()

    def watch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Count the misses of every thread's cache object (Django's are one per thread)."""
        backend = type(caches[cached.CACHE])
        get = backend.get

        def counting_get(store: object, key: str, *args: object, **kwargs: object) -> object:
            found = get(store, key, *args, **kwargs)
            if key == self.key and found is None:
                with self.changed:
                    self.threads.add(threading.get_ident())
                    self.changed.notify_all()
            return found

        monkeypatch.setattr(backend, "get", counting_get)

    def wait_for(self, threads: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.threads) >= threads, timeout=60)


def _in_threads(
    record: PlanRecord, target: Callable[[], None], count: int
) -> list[threading.Thread]:
    token = cached._reading.set(record)
    try:
        context = contextvars.copy_context()
    finally:
        cached._reading.reset(token)
    threads = [threading.Thread(target=context.copy().run, args=(target,)) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


@pytest.fixture
def record() -> Iterator[PlanRecord]:
    caches[cached.CACHE].clear()
    yield PlanRecord(pk=987_654, slug="single-flight", data_version=3)
    caches[cached.CACHE].clear()


def test_threads_missing_the_same_value_compute_it_once(
    record: PlanRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cached._key(record.pk, record.data_version, "figures")
    misses = _Misses(key)
    misses.watch(monkeypatch)
    computing, release = threading.Event(), threading.Event()
    computed: list[int] = []
    answers: list[object] = []

    def compute(fresh: PlanRecord) -> tuple[str, int]:
        computed.append(fresh.data_version)
        computing.set()
        assert release.wait(timeout=60)
        return ("evaluated", fresh.data_version)

    def ask() -> None:
        answers.append(cached.counted(record, "figures", compute))

    first = _in_threads(record, ask, 1)
    assert computing.wait(timeout=60)
    # The others miss while the first computes: without the single flight each would now
    # compute too.
    others = _in_threads(record, ask, THREADS - 1)
    misses.wait_for(THREADS)
    release.set()
    for thread in first + others:
        thread.join(timeout=60)
    assert computed == [3]
    assert answers == [("evaluated", 3)] * THREADS
    assert cached._flights == {}  # nothing left behind


def test_when_the_computation_fails_the_waiting_threads_compute_it_themselves(
    record: PlanRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    misses = _Misses(cached._key(record.pk, record.data_version, "figures"))
    misses.watch(monkeypatch)
    computing, release = threading.Event(), threading.Event()
    calls: list[str] = []
    answers: list[object] = []
    failures: list[BaseException] = []

    def compute(fresh: PlanRecord) -> str:
        calls.append("computed")
        if len(calls) == 1:
            computing.set()
            assert release.wait(timeout=60)
            raise RuntimeError("the database went away")
        return "evaluated"

    def ask() -> None:
        try:
            answers.append(cached.counted(record, "figures", compute))
        except RuntimeError as exc:
            failures.append(exc)

    first = _in_threads(record, ask, 1)
    assert computing.wait(timeout=60)
    second = _in_threads(record, ask, 1)
    misses.wait_for(2)  # the second waits for the first
    release.set()
    for thread in first + second:
        thread.join(timeout=60)
    assert [str(exc) for exc in failures] == ["the database went away"]
    assert answers == ["evaluated"]
    assert cached._flights == {}
