"""Every ``na`` says why (docs/rules.md#na-reasons): not applicable, not yet available or
no target, on items, kinds and boxes alike."""

from __future__ import annotations

from tests.builders import IDS, action, kpi, plan, recommendation, value

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Box, Kind, NaReason, Status

Q = IDS[1]


def _result():
    return evaluate(
        plan(
            recommendation(
                1,
                kpis=[
                    kpi("1.K1", values={Q: value(None, display="NYA")}, target=50),
                    kpi("1.K2", values={Q: 40}),  # no target, no baseline: data only
                    kpi("1.K3", values={Q: value(40, Status.NA, "Not comparable")}, target=50),
                    kpi("1.K4", values={Q: 60}, target=50),
                ],
            ),
            recommendation(2, actions=[action("2.A1", updates={Q: Status.NA})]),
        ),
        Q,
    )


def test_each_kpi_says_why_it_is_na() -> None:
    kpis = {item.ref: item for item in _result().items(Kind.KPI)}
    assert kpis["1.K1"].status is Status.NA
    assert kpis["1.K1"].na_reason is NaReason.NOT_YET_AVAILABLE
    assert kpis["1.K2"].na_reason is NaReason.NO_TARGET
    assert kpis["1.K3"].na_reason is NaReason.NOT_APPLICABLE
    assert kpis["1.K4"].status is Status.GREEN
    assert kpis["1.K4"].na_reason is None


def test_an_action_set_na_is_not_applicable() -> None:
    (item,) = _result().items(Kind.ACTION)
    assert (item.status, item.na_reason) == (Status.NA, NaReason.NOT_APPLICABLE)


def test_finance_is_not_applicable_and_words_read_so() -> None:
    result = _result()
    finance = result.boxes[Box.FINANCE]
    assert finance.status is Status.NA
    assert finance.na_reason is NaReason.NOT_APPLICABLE
    assert finance.na_reason.word == "Not applicable"
    assert result.boxes[Box.OVERALL].na_reason is None


def test_an_empty_kind_is_not_applicable_and_an_unrated_one_not_yet_available() -> None:
    first, second = _result().recommendations
    assert second.kinds[Kind.KPI].na_reason is NaReason.NOT_APPLICABLE
    assert second.kinds[Kind.ACTION].status is Status.NA
    assert second.kinds[Kind.ACTION].na_reason is NaReason.NOT_YET_AVAILABLE
    assert first.kinds[Kind.KPI].na_reason is None
