"""Roll-up status and counts of a set of items (docs/rules.md#rollup and
docs/rules.md#counts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from plantracker.domain.exact import EXACT
from plantracker.domain.model import STATUS_ORDER, Rules, Status
from plantracker.domain.results import Counts


def rollup_status(by_status: Mapping[Status, int], rules: Rules) -> Status:
    """The roll-up of a set of items counted by status (docs/rules.md#rollup).

    Over the rated items (blue as green): none rated → ``na``; red share ≥ ``rollup_red`` %
    → ``red``; green share ≥ ``rollup_green`` % and no red → ``green``; else ``amber``.
    Shares are compared exactly (``red·100 ≥ rollup_red·rated``), never rounded.
    """
    green = by_status.get(Status.GREEN, 0) + by_status.get(Status.BLUE, 0)
    red = by_status.get(Status.RED, 0)
    rated = green + by_status.get(Status.AMBER, 0) + red
    if rated == 0:
        return Status.NA
    if 100 * red >= EXACT.multiply(rules.rollup_red, rated):
        return Status.RED
    if red == 0 and 100 * green >= EXACT.multiply(rules.rollup_green, rated):
        return Status.GREEN
    return Status.AMBER


def count_statuses(statuses: Iterable[Status], rules: Rules) -> Counts:
    """Count ``statuses`` (one per item existing in the period) and roll them up
    (docs/rules.md#counts, docs/rules.md#rollup).

    Every one of the seven statuses has a key, so an empty set is count 0, status ``na``.
    """
    tally = Counter(statuses)
    by_status = {status: tally[status] for status in STATUS_ORDER}
    return Counts(
        count=sum(by_status.values()),
        by_status=MappingProxyType(by_status),
        status=rollup_status(by_status, rules),
    )
