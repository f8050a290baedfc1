"""SSDA903 returns written table by table to the DfE layout of 2023-24, 2024-25 and 2025-26
load and pass the DfE validator's rule set of their year, as ``statutory load`` validates
them (docs/statutory.md#validation-at-load).

The returns (``tests/statutory/ssda903_dfe.py``) follow a few children of one authority over
the three years, each table's columns written out from the DfE's layout of the year, not
from ``statutory synth``'s writer; 2024-25 is saved as Excel saves a CSV (byte order mark,
CRLF). The counterpart of ``test_cin_layouts.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from tests.statutory.ssda903_dfe import LA, LA_ONS, YEARS, folder_of, write_return
from tests.statutory.validators import need_validators

from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.validation import FileValidation, validate_for_load

RULESETS = ["lac2023_24", "lac2024_25", "lac2025_26"]
LOADED = {"Header": "SSDA903 Header", "Episodes": "SSDA903 Episodes", "OC3": "SSDA903 OC3"}


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("ssda903-layouts") / "returns"
    for year in YEARS:
        write_return(folder_of(base, year), year, excel=year == 2025)
    return base


@pytest.fixture(scope="module")
def older_codes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2024-25 return of another authority written with 2023-24's SEX codes (1/2)."""
    base = tmp_path_factory.mktemp("ssda903-older-codes")
    write_return(folder_of(base, 2025, "319"), 2025, old_sex_codes=True)
    return base


def test_every_table_loads_or_is_recognised_and_both_sex_codings_are_kept_as_one(
    returns: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    report = load_paths([returns], store)
    assert report.refused == []
    for outcome in report.files:
        assert outcome.la == (LA if outcome.status == "loaded" else None)
    # The three tables the indicators read are loaded, every other is recognised as its
    # table and skipped: no file of the DfE layout is "not a recognised return".
    kinds = [(f.kind, f.status) for f in report.files]
    assert sorted({k for k, _ in kinds}) == sorted(
        {*LOADED.values(), "SSDA903 AD1", "SSDA903 Missing", "SSDA903 OC2",
         "SSDA903 PlacedAdoption", "SSDA903 PrevPerm", "SSDA903 Reviews",
         "SSDA903 SocialWorker", "SSDA903 UASC"}
    )  # fmt: skip
    assert sorted((f.year, f.kind) for f in report.files if f.status == "loaded") == sorted(
        (year, kind) for year in YEARS for kind in LOADED.values()
    )
    con = duckdb.connect(str(store), read_only=True)
    try:
        # SEX 1/2 in 2023-24 and M/F after: one coding in the store.
        sexes = con.execute(
            "SELECT year, string_agg(DISTINCT sex, ',' ORDER BY sex) FROM cla_child "
            "GROUP BY year ORDER BY year"
        ).fetchall()
        assert sexes == [(2024, "F,M"), (2025, "F,M"), (2026, "F,M")]
        episodes = con.execute(
            "SELECT year, count(*) FROM cla_episode GROUP BY year ORDER BY year"
        ).fetchall()
        assert episodes == [(2024, 4), (2025, 3), (2026, 5)]
    finally:
        con.close()
    # The care leavers the indicators count: C at 19 (at university) in 2024-25; B at 19
    # (in full-time education) and C at 20 in 2025-26.
    for year, eet, higher in ((2025, (1, 1), (1, 1)), (2026, (2, 2), (1, 2))):
        figures = compute_indicators(store, date(year, 3, 31), LA, suppress=False)
        got = figures["care_leavers_eet"], figures["care_leavers_he"]
        assert [(f.numerator, f.denominator) for f in got] == [eet, higher], year


@pytest.fixture(scope="module")
def validated(returns: Path, older_codes: Path) -> list[FileValidation]:
    """The returns validated as ``statutory load`` validates what it loaded (one run of the
    validators for the four returns)."""
    need_validators()
    loaded = {(LA, year) for year in YEARS} | {("319", 2025)}
    results, skipped = validate_for_load([], loaded, [returns, older_codes], la_ons=LA_ONS)
    assert skipped == []
    return results


@pytest.mark.slow
def test_each_year_passes_its_own_rule_set_with_every_table_read(
    validated: list[FileValidation],
) -> None:
    mine = [r for r in validated if r.la == LA]
    assert [r.ruleset for r in mine] == RULESETS
    for result in mine:
        year = result.year
        assert year is not None
        # A, B and C in 2023-24; D comes into care in 2024-25, E in 2025-26.
        children = {2024: 3, 2025: 4, 2026: 5}[year]
        assert (result.status, result.children) == ("ok", children)
        assert [(f.code, f.children) for f in result.findings] == [], result.ruleset
        assert all(c.known for c in result.crashed), result.crashed
        # Every table of the layout read as that table, last year's too where given.
        tables = {"Header", "Episodes", "UASC", "Reviews", "AD1", "PlacedAdoption",
                  "PrevPerm", "Missing", "OC2", "OC3", "SWEpisodes"}  # fmt: skip
        last = {f"{t}_last" for t in tables} if year > 2024 else set()
        assert set(result.tables) == tables | last, result.ruleset
        # Nothing skipped for a missing table, except, in the first year given, the rules
        # comparing the return with last year's.
        unknown = [s for s in result.skipped if not s.known]
        if year == 2024:
            assert unknown and all("_last" in s.reason for s in unknown)
        else:
            assert unknown == [], result.ruleset
    assert {r.ruleset: {c.code for c in r.crashed} for r in mine} == {
        "lac2023_24": set(),
        "lac2024_25": {"231"},
        "lac2025_26": {"231", "233"},
    }
    # 2024-25's rule 202 compares SEX with 2023-24's 1/2, read as M/F: said so.
    assert any("SEX read as M/F/U" in note for note in mine[1].notes)
    # C, a care leaver of 20 in 2025-26, was looked after in 2023-24: found there (1001, 1002).
    assert any("1001 and 1002 checked against the Episodes of 2" in n for n in mine[2].notes)
    # Load keeps, per indicator, the children with errors that affect it: none.
    assert all(r.indicator_children == () for r in mine)


@pytest.mark.slow
def test_a_2024_25_return_with_the_older_sex_codes_breaks_rule_101_child_by_child(
    validated: list[FileValidation],
) -> None:
    [older] = [r for r in validated if r.la == "319"]
    assert older.ruleset == "lac2024_25"
    assert [(f.code, f.children) for f in older.findings] == [("101", 4)]
