"""The collector's pause while plans are read (``collector_paused``) holds across threads:
the web server's threads read plans at the same time (ADR 0090). A process whose collector
stayed off would never free the cycles of requests, tracebacks and charts, and grow until
it is restarted."""

from __future__ import annotations

import gc
import threading

from plantracker.planfile.yaml.read import collector_paused


def test_the_collector_stays_off_while_any_thread_reads_and_comes_back_after_the_last() -> None:
    assert gc.isenabled()
    a_in, b_in, a_out, b_may_leave = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def a() -> None:
        with collector_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def b() -> None:
        a_in.wait(5)
        with collector_paused():
            b_in.set()
            a_out.wait(5)
            seen["after the first left"] = gc.isenabled()
            b_may_leave.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    a_out.wait(5)
    b_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert seen == {"after the first left": False}  # B still reading: still paused
    assert gc.isenabled()  # the last one out turned it back on


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
