"""Statuses of actions, measures and risks from their updates (docs/rules.md#item-status)."""

from __future__ import annotations

import pytest
from tests.builders import Q1, Q2, action, feedback, plan, quality, risk, update

from plantracker.domain.item_status import item_status, risk_status
from plantracker.domain.model import Status
from plantracker.domain.periods import PeriodIndex

B, G, A, R = Status.BLUE, Status.GREEN, Status.AMBER, Status.RED
INDEX = PeriodIndex(plan())
Q3, Q4 = "2018-19-Q3", "2018-19-Q4"


@pytest.mark.parametrize("status", list(Status))
def test_an_update_gives_the_status(status: Status) -> None:
    outcome = item_status(action(updates={Q2: update(status, "said")}), INDEX, INDEX.index(Q2))
    assert (outcome.status, outcome.commentary, outcome.updated) == (status, "said", True)


@pytest.mark.parametrize(
    ("updates", "expected", "period", "status"),
    [
        ({}, None, Q2, Status.MISSING),
        ({Q1: G}, None, Q2, Status.MISSING),
        # not expected this period: no update required
        ({}, [Q1], Q2, Status.NONE),
        ({}, [Q2], Q2, Status.MISSING),
        ({}, [], Q2, Status.NONE),
        # blue stays blue until an update says otherwise
        ({Q1: B}, None, Q2, B),
        ({Q1: B}, None, Q4, B),
        ({Q1: B, Q2: G}, None, Q2, G),
        ({Q1: B, Q2: G}, None, Q3, Status.MISSING),
        ({Q1: B, Q2: Status.NONE}, None, Q3, Status.MISSING),
        ({Q2: B}, None, Q1, Status.MISSING),  # a later blue does not reach back
        # ADR 0006: complete outranks "no update required"
        ({Q1: B}, [Q4], Q2, B),
    ],
)
def test_action_without_update(
    updates: dict[str, Status], expected: list[str] | None, period: str, status: Status
) -> None:
    item = action(updates=updates, expected=expected)
    assert item_status(item, INDEX, INDEX.index(period)).status is status


@pytest.mark.parametrize("make", [quality, feedback])
def test_measures_do_not_stay_blue(make: object) -> None:
    measure = make(updates={Q1: B})  # type: ignore[operator]
    assert item_status(measure, INDEX, INDEX.index(Q2)).status is Status.MISSING


@pytest.mark.parametrize(
    ("updates", "status"),
    [
        ({Q2: A}, A),
        ({Q2: Status.NONE}, Status.NONE),
        ({Q2: Status.NA}, Status.NA),
        ({Q1: A}, Status.MISSING),
        ({Q1: B}, Status.MISSING),  # only actions carry blue forward
        ({}, Status.MISSING),
    ],
)
def test_risk_status(updates: dict[str, Status], status: Status) -> None:
    """ADR 0008: a risk without an update is missing; it has no ``expected``."""
    assert risk_status(risk(updates=updates), Q2).status is status
