"""Looking things up in a domain Plan: periods and items by their ids."""

from __future__ import annotations

import pytest
from tests.builders import action, feedback, kpi, plan, quality, recommendation

from plantracker.domain.model import Kind


def test_item_finds_every_kind_in_every_recommendation() -> None:
    built = plan(
        recommendation(1, actions=[action("1.A1")], kpis=[kpi("1.K1")]),
        recommendation(2, quality=[quality("2.Q1")], feedback=[feedback("2.F1")]),
    )
    found = {ref: built.item(ref) for ref in ("1.A1", "1.K1", "2.Q1", "2.F1")}
    assert {ref: item.ref for ref, item in found.items()} == {ref: ref for ref in found}
    assert [item.kind for item in found.values()] == [
        Kind.ACTION,
        Kind.KPI,
        Kind.QUALITY,
        Kind.FEEDBACK,
    ]
    assert built.item("2.Q1") is built.recommendations[1].quality[0]


@pytest.mark.parametrize("ref", ["1.A2", "", "1.a1"])
def test_item_unknown_ref_is_a_key_error(ref: str) -> None:
    built = plan(recommendation(1, actions=[action("1.A1")]))
    with pytest.raises(KeyError):
        built.item(ref)
