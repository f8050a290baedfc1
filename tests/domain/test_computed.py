"""A computed value's mark and the data quality it carries (plantracker.domain.computed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plantracker.domain.computed import (
    ComputedMark,
    DataQuality,
    QualityFlag,
    computed_mark,
    mark_quality,
    parse_computed_mark,
    quality_flag,
)


def test_the_mark_round_trips_with_and_without_its_quality() -> None:
    quality = DataQuality(4210, 37)
    mark = computed_mark("cp_rate", quality)
    assert mark == "statutory:cp_rate; 4210 children, 37 with errors"
    assert parse_computed_mark(mark) == ComputedMark("statutory", "cp_rate", quality)
    assert computed_mark("cp_rate") == "statutory:cp_rate"
    assert parse_computed_mark("statutory:cp_rate") == ComputedMark("statutory", "cp_rate")
    assert quality.words == ("computed from 4210 children; 37 with errors in rules that affect it")


@pytest.mark.parametrize(
    "mark",
    [
        "by hand",
        "statutory:",
        "statutory:cp_rate; 3 children, 5 with errors",  # more with errors than children
        "statutory:cp_rate; many children",
        "statutory:cp_rate; -1 children, 0 with errors",
    ],
)
def test_a_malformed_mark_is_none(mark: str) -> None:
    assert parse_computed_mark(mark) is None
    assert mark_quality(mark) is None


def test_a_value_is_flagged_only_above_the_threshold() -> None:
    assert DataQuality(100, 5).percent == 5
    assert not DataQuality(100, 5).exceeds(Decimal(5))
    assert DataQuality(100, 6).exceeds(Decimal(5))
    assert not DataQuality(0, 0).exceeds(Decimal(0))
    assert mark_quality(None) is None
    # The flag the Review page and ``statutory apply`` show: the quality and the threshold.
    assert quality_flag(DataQuality(100, 6), Decimal(5)) == QualityFlag(
        DataQuality(100, 6), Decimal(5)
    )
    assert quality_flag(DataQuality(100, 5), Decimal(5)) is None
    assert quality_flag(None, Decimal(0)) is None
