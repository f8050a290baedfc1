"""A computed value's mark (``KpiValue.computed_from``) and the data quality it carries.

``statutory apply`` marks each value it computes ``statutory:<indicator>``, followed, when
the returns it was computed from were validated with the DfE rules, by their data quality:
``statutory:cp_rate; 4210 children, 37 with errors`` — the children in those returns and how
many of them break an error rule that affects the indicator (docs/plan-file.md#kpi-values,
ADR 0074). The quality travels inside the mark, so every path that carries the mark (plan
file, workbook, API, snapshots, reports) carries it too; this module is the one place that
writes and reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from plantracker.domain.model import STATUTORY_PREFIX

_QUALITY = re.compile(r"^(?P<children>\d+) children, (?P<errors>\d+) with errors$")

# The share of children with errors above which a value is flagged for review, unless the
# deployment sets another (settings.STATUTORY_ERROR_THRESHOLD, percent).
DEFAULT_ERROR_THRESHOLD = Decimal(5)


@dataclass(frozen=True)
class DataQuality:
    """``children`` in the returns a value was computed from; ``with_errors`` of them break
    an error rule that affects the value's indicator."""

    children: int
    with_errors: int

    @property
    def percent(self) -> Decimal:
        """The share with errors, in percent (0 when there are no children)."""
        if self.children == 0:
            return Decimal(0)
        return Decimal(self.with_errors) * 100 / Decimal(self.children)

    def exceeds(self, threshold: Decimal) -> bool:
        """More than ``threshold`` percent of the children have errors that affect the value."""
        return self.percent > threshold

    @property
    def words(self) -> str:
        """ "computed from 4210 children; 37 with errors in rules that affect it"."""
        return (
            f"computed from {self.children} children; {self.with_errors} with errors in "
            "rules that affect it"
        )


@dataclass(frozen=True)
class QualityFlag:
    """A computed value flagged for review before it is approved: the data quality of its
    returns, and the threshold (percent with errors) it is above."""

    quality: DataQuality
    threshold: Decimal


def quality_flag(quality: DataQuality | None, threshold: Decimal) -> QualityFlag | None:
    """The flag of a value whose ``quality`` is above ``threshold``; None for one within it
    or whose quality is not known."""
    if quality is None or not quality.exceeds(threshold):
        return None
    return QualityFlag(quality, threshold)


@dataclass(frozen=True)
class ComputedMark:
    source: str  # "statutory"
    indicator: str
    quality: DataQuality | None = None  # None: the returns were not validated

    def __str__(self) -> str:
        mark = f"{self.source}:{self.indicator}"
        if self.quality is None:
            return mark
        return f"{mark}; {self.quality.children} children, {self.quality.with_errors} with errors"


def computed_mark(indicator: str, quality: DataQuality | None = None) -> str:
    """The mark ``statutory apply`` writes: ``statutory:<indicator>``, then
    ``; N children, M with errors`` when the quality is known."""
    return str(ComputedMark(STATUTORY_PREFIX.rstrip(":"), indicator, quality))


def parse_computed_mark(mark: str) -> ComputedMark | None:
    """The parts of a mark; None when it is not ``statutory:<indicator>[; quality]``."""
    if not mark.startswith(STATUTORY_PREFIX):
        return None
    rest = mark[len(STATUTORY_PREFIX) :]
    indicator, separator, quality_text = rest.partition("; ")
    if not indicator.strip():
        return None
    if not separator:
        return ComputedMark("statutory", indicator)
    found = _QUALITY.match(quality_text)
    if found is None:
        return None
    children, errors = int(found["children"]), int(found["errors"])
    if errors > children:
        return None
    return ComputedMark("statutory", indicator, DataQuality(children, errors))


def mark_quality(mark: str | None) -> DataQuality | None:
    """The data quality a mark carries, if any."""
    parsed = parse_computed_mark(mark) if mark else None
    return None if parsed is None else parsed.quality
