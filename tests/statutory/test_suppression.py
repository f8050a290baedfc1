"""Published figures withhold counts of 1 to 5 ("c"), as the DfE's statistics do."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.statutory.returns import write_cin, write_oc3, write_population

from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.suppression import suppress_count, suppress_rate, suppress_share


@pytest.mark.parametrize(
    ("numerator", "denominator", "withheld"),
    [
        (0, 0, False),  # nothing to hide
        (0, 40, False),  # zero reveals nobody
        (1, 40, True),
        (5, 40, True),
        (6, 40, False),
        (20, 40, False),
        (35, 40, True),  # 5 left: the complement would give it away
        (34, 40, False),
        (40, 40, False),
        (3, 3, True),
        (0, 5, True),  # a group of 5
    ],
)
def test_shares(numerator: int, denominator: int, withheld: bool) -> None:
    assert suppress_share(numerator, denominator) is withheld


@pytest.mark.parametrize(("count", "withheld"), [(0, False), (1, True), (5, True), (6, False)])
def test_counts_and_rates(count: int, withheld: bool) -> None:
    assert suppress_count(count) is withheld
    assert suppress_rate(count) is withheld


@pytest.fixture
def small(tmp_path: Path) -> Path:
    # Two children on a plan, 3 care leavers of 19-21 of whom 2 in EET; 12 referrals.
    children = [
        {"id": f"SYN00000{n:04d}", "episodes": [{"referral": "2024-05-01"}]} for n in range(10)
    ]
    children += [
        {
            "id": f"SYN00001{n:04d}",
            "episodes": [
                {
                    "referral": "2024-06-01",
                    "plans": [{"start": "2024-07-01", "end": None, "previous": 0}],
                }
            ],
        }
        for n in range(2)
    ]
    write_cin(tmp_path, "201", 2025, children)
    write_oc3(
        tmp_path,
        "201",
        2025,
        [
            ["SYN100000001", "10/05/2005", "YES", "F1", "U1"],
            ["SYN100000002", "10/06/2005", "YES", "F2", "U1"],
            ["SYN100000003", "10/07/2005", "YES", "G5", "U1"],
        ],
    )
    write_population(tmp_path, [("201", 2024, 50_000)])
    store = tmp_path / "s.duckdb"
    load_paths([tmp_path], store)
    return store


def test_small_counts_are_withheld_by_default(small: Path) -> None:
    results = compute_indicators(small, date(2025, 3, 31), "201")
    for name in ("cp_number", "cp_rate", "care_leavers_eet", "care_leavers_he", "repeat_cp_plans"):
        r = results[name]
        assert r.suppressed, name
        assert (r.numerator, r.denominator, r.value, r.display) == (None, None, None, "c")
    # 0 re-referrals of 12 referrals: shown.
    shown = results["re_referrals_12m"]
    assert (shown.suppressed, shown.numerator, shown.denominator, shown.display) == (
        False,
        0,
        12,
        "0.0",
    )
    # Unsuppressed, the figures are there (for the analyst's own checks).
    raw = compute_indicators(small, date(2025, 3, 31), "201", suppress=False)
    assert (raw["cp_number"].numerator, raw["care_leavers_eet"].numerator) == (2, 2)


def test_the_command_prints_c_and_json_null(small: Path) -> None:
    out = io.StringIO()
    call_command(
        "statutory",
        "indicators",
        "--store",
        str(small),
        "--as-of",
        "2025-03-31",
        "--json",
        stdout=out,
    )
    eet = json.loads(out.getvalue())["indicators"]["care_leavers_eet"]
    assert eet == {
        **eet,
        "numerator": None,
        "denominator": None,
        "value": None,
        "suppressed": True,
        "display": "c",
    }
    out = io.StringIO()
    call_command(
        "statutory", "indicators", "--store", str(small), "--as-of", "2025-03-31", stdout=out
    )
    line = next(line for line in out.getvalue().splitlines() if "care_leavers_eet" in line)
    assert [cell.strip() for cell in line.split("│")] == [
        "",
        "care_leavers_eet",
        "c",
        "c",
        "c",
        "%",
        "",
    ]
