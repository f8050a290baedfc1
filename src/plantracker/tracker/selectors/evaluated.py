"""A period evaluated again after a write: only the recommendations that changed (ADR 0089).

``plan_domain`` hands back the very same domain recommendation when none of its rows
changed (ADR 0087), and ``evaluate`` with a ``Reuse`` takes such a recommendation's results
from its last evaluation of the same period. This module keeps one ``Reuse`` per process
for each plan, plan version read (``of``: the live plan or a period's snapshot) and period
evaluated, a few dozen at most. The result is always equal to a full evaluation: nothing
here decides what a write changed, the identity of immutable objects does.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from plantracker.domain.evaluate import Reuse, evaluate
from plantracker.domain.model import Plan
from plantracker.domain.results import PeriodResult

_KEPT = 32  # (plan, plan read, period) triples; a dashboard uses two per period shown
_REUSE: OrderedDict[tuple[int, str, str], Reuse] = OrderedDict()
_LOCK = Lock()


def evaluate_again(plan: Plan, period_id: str, *, plan_pk: int, of: str) -> PeriodResult:
    """``evaluate(plan, period_id)``, reusing the results of the recommendations that did
    not change since this process last evaluated ``period_id`` of plan ``plan_pk`` as read
    for ``of`` (the period whose plan ``plan`` is: a closed period's is its snapshot)."""
    key = (plan_pk, of, period_id)
    with _LOCK:
        reuse = _REUSE.get(key)
        if reuse is None:
            reuse = _REUSE[key] = Reuse()
        _REUSE.move_to_end(key)
        while len(_REUSE) > _KEPT:
            _REUSE.popitem(last=False)
    return evaluate(plan, period_id, reuse)
