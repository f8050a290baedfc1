"""Each indicator on a small hand-built case; the expected figures are worked out here.

The window for --as-of 2025-03-31 is 2024-04-01 to 2025-03-31 (after 2024-03-31).
Figures are computed with suppress=False so that the arithmetic shows; suppression has
its own tests.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import write_cin, write_oc3, write_population

from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.indicators import indicators_from


def _store(folder: Path) -> Path:
    store = folder / "store.duckdb"
    report = load_paths([folder / "returns"], store)
    assert not report.refused, [str(p) for f in report.refused for p in f.problems]
    return store


def _returns(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    return folder


def _figures(store: Path, as_of: date, la: str | None = "201") -> dict[str, tuple]:
    results = compute_indicators(store, as_of, la, suppress=False)
    return {n: (r.numerator, r.denominator, r.value) for n, r in results.items()}


# --- re-referrals ---------------------------------------------------------------------


@pytest.fixture
def referrals(tmp_path: Path) -> Path:
    returns = _returns(tmp_path)
    write_cin(
        returns,
        "201",
        2023,
        [
            {
                "id": "SYN000000002",
                "episodes": [{"referral": "2023-03-01", "closure": "2023-03-20"}],
            },
            {
                "id": "SYN000000006",
                "episodes": [{"referral": "2023-02-01", "closure": "2023-03-01"}],
            },
        ],
    )
    write_cin(
        returns,
        "201",
        2024,
        [
            {
                "id": "SYN000000001",
                "episodes": [{"referral": "2023-06-01", "closure": "2023-09-01"}],
            },
            {
                "id": "SYN000000004",
                "episodes": [{"referral": "2024-03-31", "closure": "2024-03-31"}],
            },
            # Open at 31 March 2024, so in this return and the next: one referral, not two.
            {"id": "SYN000000006", "episodes": [{"referral": "2024-01-15"}]},
        ],
    )
    write_cin(
        returns,
        "201",
        2025,
        [
            {"id": "SYN000000001", "episodes": [{"referral": "2024-05-01"}]},
            {"id": "SYN000000002", "episodes": [{"referral": "2024-04-01"}]},
            {
                "id": "SYN000000003",
                "episodes": [
                    {"referral": "2024-06-01", "closure": "2024-08-01"},
                    {"referral": "2025-03-01"},
                ],
            },
            {"id": "SYN000000004", "episodes": [{"referral": "2025-03-31"}]},
            {
                "id": "SYN000000006",
                "episodes": [{"referral": "2024-01-15", "closure": "2024-05-01"}],
            },
        ],
    )
    # Another authority using the same local id for a different child.
    write_cin(
        returns,
        "202",
        2025,
        [
            {"id": "SYN000000003", "episodes": [{"referral": "2024-07-01"}]},
        ],
    )
    return _store(tmp_path)


def test_re_referrals_within_12_months(referrals: Path) -> None:
    # In the window: child 1 on 2024-05-01 (previous 2023-06-01: 11 months, a re-referral),
    # child 2 on 2024-04-01 (previous 2023-03-01: 13 months, not), child 3 on 2024-06-01
    # (first) and 2025-03-01 (9 months after it: re-referral), child 4 on 2025-03-31
    # (previous exactly a year before, 2024-03-31: within 12 months). 3 of 5.
    assert _figures(referrals, date(2025, 3, 31))["re_referrals_12m"] == (3, 5, Decimal("60.0"))


def test_re_referrals_do_not_link_children_across_authorities(referrals: Path) -> None:
    # Authority 202's child shares a local id with 201's child 3 but is another child:
    # one more referral, not a re-referral. 3 of 6.
    assert _figures(referrals, date(2025, 3, 31), None)["re_referrals_12m"] == (
        3,
        6,
        Decimal("50.0"),
    )


def test_a_referral_in_two_returns_counts_once(referrals: Path) -> None:
    # 12 months to 2024-09-30 (after 2023-09-30): child 6 on 2024-01-15 is in the 2024 and
    # 2025 returns and counts once, a re-referral (2023-02-01 is within 12 months); child 2
    # 2024-04-01 no; child 1 2024-05-01 yes; child 3 2024-06-01 no; child 4 2024-03-31 no.
    assert _figures(referrals, date(2024, 9, 30))["re_referrals_12m"] == (2, 5, Decimal("40.0"))


def test_a_period_no_return_covers_has_no_value(referrals: Path) -> None:
    result = compute_indicators(referrals, date(2025, 9, 30), "201", suppress=False)
    ind = result["re_referrals_12m"]
    assert ind.value is None and ind.numerator is None
    assert "CIN census not loaded for 201 2026" in ind.notes[0]


# --- child protection plans ----------------------------------------------------------


def _plan_child(child_id: str, referral: str, *plans: tuple[str, str | None, int]) -> dict:
    return {
        "id": child_id,
        "episodes": [
            {
                "referral": referral,
                "plans": [{"start": s, "end": e, "previous": p} for s, e, p in plans],
            }
        ],
    }


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    returns = _returns(tmp_path)
    q1 = ("2022-04-01", None, 0)
    q2 = ("2022-05-01", None, 0)
    q3 = ("2021-01-01", None, 0)
    q4 = ("2023-01-01", None, 0)
    write_cin(
        returns,
        "201",
        2023,
        [
            {
                "id": "SYN000000011",
                "episodes": [
                    {
                        "referral": "2022-05-01",
                        "closure": "2023-03-01",
                        "plans": [{"start": "2022-06-01", "end": "2023-02-01", "previous": 0}],
                    }
                ],
            },
            {
                "id": "SYN000000013",
                "episodes": [
                    {
                        "referral": "2022-03-15",
                        "closure": "2022-08-01",
                        "plans": [{"start": "2022-04-01", "end": "2022-06-30", "previous": 0}],
                    }
                ],
            },
            _plan_child("SYN000000021", "2022-03-01", q1),
            _plan_child("SYN000000022", "2022-04-20", q2),
            _plan_child("SYN000000023", "2020-12-01", q3),
            _plan_child("SYN000000024", "2022-12-01", q4),
        ],
    )
    write_cin(
        returns,
        "201",
        2024,
        [
            _plan_child("SYN000000021", "2022-03-01", q1),
            _plan_child("SYN000000022", "2022-04-20", q2),
            _plan_child("SYN000000023", "2020-12-01", q3),
            _plan_child("SYN000000024", "2022-12-01", q4),
            # Open at 31 March 2024 and missing from the 2025 return: its end was never sent.
            _plan_child("SYN000000031", "2023-05-01", ("2023-06-01", None, 0)),
        ],
    )
    write_cin(
        returns,
        "201",
        2025,
        [
            _plan_child("SYN000000011", "2024-05-20", ("2024-06-01", None, 1)),
            _plan_child("SYN000000012", "2024-04-20", ("2024-05-01", "2025-02-01", 2)),
            _plan_child("SYN000000013", "2024-06-15", ("2024-07-01", None, 0)),
            _plan_child("SYN000000014", "2024-07-15", ("2024-08-01", None, 0)),
            _plan_child(
                "SYN000000015",
                "2024-04-01",
                ("2024-04-15", "2024-10-15", 0),
                ("2025-01-01", None, 1),
            ),
            _plan_child("SYN000000021", "2022-03-01", ("2022-04-01", "2024-04-01", 0)),
            _plan_child("SYN000000022", "2022-04-20", ("2022-05-01", "2024-04-30", 0)),
            _plan_child("SYN000000023", "2020-12-01", ("2021-01-01", "2025-03-31", 0)),
            _plan_child("SYN000000024", "2022-12-01", q4),
        ],
    )
    write_population(returns, [("201", 2023, 20_000), ("201", 2024, 25_000), ("201", 2025, 30_000)])
    return _store(tmp_path)


def test_repeat_plans_ever(plans: Path) -> None:
    # Plans starting in the window: children 11, 12, 13, 14 and two of child 15 (6).
    # Second or later: 11 (says 1 previous, and one is in the store), 12 (says 2 previous),
    # 13 (says 0, but the store holds its 2022 plan), 15's second plan. 4 of 6.
    assert _figures(plans, date(2025, 3, 31))["repeat_cp_plans"] == (4, 6, Decimal("66.7"))


def test_repeat_plans_within_two_years(plans: Path) -> None:
    # 11: previous plan ended 2023-02-01, within 2 years of 2024-06-01. 13: previous ended
    # 2022-06-30, a day more than 2 years before 2024-07-01. 15: ended 2024-10-15, within.
    # 12 says it had plans but none is known, so it cannot count. 2 of 6.
    assert _figures(plans, date(2025, 3, 31))["repeat_cp_plans_2y"] == (2, 6, Decimal("33.3"))


def test_plans_ending_that_lasted_two_years(plans: Path) -> None:
    # Ending in the window: 12 (9 months), 15's first (6 months), 21 (2022-04-01 to
    # 2024-04-01: exactly 2 years, counts), 22 (2022-05-01 to 2024-04-30: a day short),
    # 23 (2021-01-01 to 2025-03-31, the last day of the window). 2 of 5. The plan dropped
    # from the 2025 return without an end date is not a plan known to have ended.
    results = compute_indicators(plans, date(2025, 3, 31), "201", suppress=False)
    ind = results["cp_plans_2y_plus"]
    assert (ind.numerator, ind.denominator, ind.value) == (2, 5, Decimal("40.0"))
    assert any("1 plan(s) dropped from a later return" in n for n in ind.notes)


def test_children_on_a_plan_and_the_rate(plans: Path) -> None:
    # Open on 2025-03-31: 11, 13, 14, 15 (second plan), 24. Not: 12 (ended February), 21
    # and 22 (ended April 2024), 23 (ended that very day), 31 (dropped in 2025). 5 children;
    # per 10,000 of the mid-2024 estimate, 25,000: 2.0.
    figures = _figures(plans, date(2025, 3, 31))
    assert figures["cp_number"] == (5, None, Decimal(5))
    assert figures["cp_rate"] == (5, 25_000, Decimal("2.0"))


def test_children_on_a_plan_at_an_earlier_date(plans: Path) -> None:
    # On 2024-03-31: 21, 22, 23, 24 and 31 (its plan was still open in the 2024 return).
    # The latest estimate by then is mid-2023, 20,000: 2.5 per 10,000.
    figures = _figures(plans, date(2024, 3, 31))
    assert figures["cp_number"] == (5, None, Decimal(5))
    assert figures["cp_rate"] == (5, 20_000, Decimal("2.5"))


def test_no_population_means_no_rate(tmp_path: Path) -> None:
    returns = _returns(tmp_path)
    write_cin(
        returns, "201", 2025, [_plan_child("SYN000000011", "2024-05-20", ("2024-06-01", None, 0))]
    )
    store = _store(tmp_path)
    rate = compute_indicators(store, date(2025, 3, 31), "201", suppress=False)["cp_rate"]
    assert rate.value is None
    assert "no population estimate" in rate.notes[0]


# --- care leavers ------------------------------------------------------------------------


@pytest.fixture
def leavers(tmp_path: Path) -> Path:
    returns = _returns(tmp_path)
    write_oc3(
        returns,
        "201",
        2025,
        [
            ["SYN100000001", "10/05/2005", "YES", "F1", "U1"],  # 19 in May 2024: higher education
            ["SYN100000002", "20/03/2004", "YES", "G5", "U1"],  # 21 in March 2025: not in EET
            ["SYN100000003", "15/01/2007", "YES", "F2", "U1"],  # 18: not in the age group
            ["SYN100000004", "01/06/2003", "DIED", "0", "0"],  # died: not in the group
            ["SYN100000005", "01/12/2004", "NO", "0", "0"],  # 20, not in touch: counted, not EET
            ["SYN100000006", "01/08/2005", "YES", "F5", "D1"],  # 19, employment
            ["SYN100000006", "01/08/2005", "YES", "F5", "D1"],  # the same row twice: once
            ["SYN100000007", "09/09/2005", "YES", "P3", "U1"],  # 19, the code used until 2022
            ["SYN100000008", "10/10/2003", "RHOM", "0", "0"],  # returned home: not in the group
        ],
    )
    write_oc3(
        returns,
        "201",
        2024,
        [
            ["SYN200000001", "15/11/2004", "YES", "F2", "U1"],  # 19 in November 2023
            ["SYN200000002", "10/02/2003", "YES", "G6", "U1"],  # 21 in February 2024
            ["SYN200000003", "05/09/2004", "YES", "F1", "U1"],  # 19 in September 2023
        ],
    )
    return _store(tmp_path)


def test_care_leavers_in_education_employment_or_training(leavers: Path) -> None:
    # Aged 19-21 with a birthday April 2024 - March 2025, not died or returned home:
    # 1, 2, 5, 6, 7. In EET: 1 (F1), 6 (F5), 7 (P3). 3 of 5; higher education: 1 of 5.
    figures = _figures(leavers, date(2025, 3, 31))
    assert figures["care_leavers_eet"] == (3, 5, Decimal("60.0"))
    assert figures["care_leavers_he"] == (1, 5, Decimal("20.0"))


def test_care_leavers_over_two_returns(leavers: Path) -> None:
    # 12 months to 2024-09-30: birthdays October 2023 - September 2024. From 2024: 200001
    # (Nov, F2) and 200002 (Feb, G6); 200003's birthday (Sep 2023) is before. From 2025:
    # 1 (May, F1), 6 (Aug, F5), 7 (Sep, P3); 4 (June) died. EET 4 of 5; HE 1 of 5.
    figures = _figures(leavers, date(2024, 9, 30))
    assert figures["care_leavers_eet"] == (4, 5, Decimal("80.0"))
    assert figures["care_leavers_he"] == (1, 5, Decimal("20.0"))


def test_care_leavers_need_every_return_the_period_touches(leavers: Path) -> None:
    eet = compute_indicators(leavers, date(2023, 9, 30), "201", suppress=False)["care_leavers_eet"]
    assert eet.value is None
    assert "SSDA903 OC3 not loaded for 201 2023" in eet.notes[0]


def test_unknown_authority_is_an_error(leavers: Path) -> None:
    from plantracker.statutory import StatutoryError

    with pytest.raises(StatutoryError, match="authority 999 is not in the store"):
        compute_indicators(leavers, date(2025, 3, 31), "999")


def test_the_derived_tables_give_what_the_loaded_rows_give(synthetic: Synthetic) -> None:
    # Indicators read tables derived at load time; computed from the loaded rows alone
    # (the derivation inlined), every figure is the same.
    con = duckdb.connect(str(synthetic.store), read_only=True)
    try:
        for as_of, la in (
            (date(2025, 3, 31), None),
            (date(2024, 9, 30), "101"),
            (date(2024, 3, 31), "102"),
        ):
            derived = indicators_from(con, as_of, la, suppress=False)
            raw = indicators_from(con, as_of, la, suppress=False, from_raw=True)
            assert derived == raw
            assert all(r.value is not None for r in derived.values())
    finally:
        con.close()


def test_a_store_with_no_returns_says_so(tmp_path: Path) -> None:
    from plantracker.statutory.store import open_unkeyed

    open_unkeyed(tmp_path / "empty.duckdb").close()
    results = compute_indicators(tmp_path / "empty.duckdb", date(2025, 3, 31))
    assert results["re_referrals_12m"].notes == ("no CIN census in the store",)
    assert results["care_leavers_eet"].notes == (
        "no SSDA903 OC3 (care leavers) table in the store",
    )
