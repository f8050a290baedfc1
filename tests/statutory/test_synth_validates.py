"""`statutory synth` writes returns the DfE validators accept (docs/statutory.md#validation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.statutory.validators import need_validators

from plantracker.statutory.validation import FileValidation, validate_returns
from plantracker.synth.returns import synth_returns

# The one query the CIN validator may raise on synthetic files: 8569Q computes "collection
# start - 1 working day" rolling forward when 1 April is not a working day.
ACCEPTED_QUERIES = {"8569Q"}


@pytest.mark.slow
def test_every_census_year_passes_its_own_rule_set_with_no_error(tmp_path: Path) -> None:
    # The five census years synth claims (2022-23 to 2026-27) in one run of the validators:
    # their start-up (pandas, the rule sets) is seconds of each run.
    need_validators()
    out = tmp_path / "returns"
    synth_returns(out, las=1, years=5, end_year=2027, seed=2027, scale=0.1)
    results = validate_returns(sorted(out.rglob("*.xml")))
    assert [r.ruleset for r in results] == [f"cin{y - 1}_{y % 100:02d}" for y in range(2023, 2028)]
    for result in results:
        assert result.status == "ok"
        assert result.children > 50
        errors = [(f.code, f.children) for f in result.findings if f.severity == "error"]
        assert errors == [], result.ruleset
        queries = {f.code for f in result.findings if f.severity == "query"}
        assert queries <= ACCEPTED_QUERIES, result.ruleset
        assert result.crashed == ()
        assert result.skipped == ()


@pytest.mark.slow
def test_the_2024_25_census_writes_sex_and_the_2023_24_census_gender(tmp_path: Path) -> None:
    out = tmp_path / "returns"
    synth_returns(out, las=1, years=2, end_year=2025, seed=3, scale=0.05)
    older = (out / "101" / "cin_census_101_2024.xml").read_text(encoding="utf-8")
    newer = (out / "101" / "cin_census_101_2025.xml").read_text(encoding="utf-8")
    assert "<GenderCurrent>" in older and "<Sex>" not in older
    assert "<Sex>" in newer and "<GenderCurrent>" not in newer
    # The conference is recorded once, in its Section 47 (rule 2884).
    assert "\n        <DateOfInitialCPC>" not in newer
    assert "\n          <DateOfInitialCPC>" in newer


# The SSDA903 rule sets synth claims, one small authority-year each (2022-23 to 2026-27),
# validated once for the module: the validator takes seconds per return.
LAC_RULESETS = ["lac2022_23", "lac2023_24", "lac2024_25", "lac2025_26", "lac2026_27"]


@pytest.fixture(scope="module")
def ssda903(tmp_path_factory: pytest.TempPathFactory) -> list[FileValidation]:
    need_validators()
    out = tmp_path_factory.mktemp("ssda903") / "returns"
    synth_returns(out, las=1, years=5, end_year=2027, seed=5, scale=0.1)
    # Every CSV, the six earlier years' too: last year's tables and every earlier year's
    # Episodes are what the rules compare with.
    paths = sorted((out / "101").glob("*.csv"))
    return validate_returns(paths, years=range(2023, 2028))


@pytest.mark.slow
def test_every_ssda903_year_passes_its_own_rule_set_with_no_error_and_no_rule_skipped(
    ssda903: list[FileValidation],
) -> None:
    assert [r.ruleset for r in ssda903] == LAC_RULESETS
    for result in ssda903:
        assert result.status == "ok", result.message
        assert result.children > 10
        assert [(f.code, f.children) for f in result.findings] == [], result.ruleset
        # Skipped only where no return could help it: 105 (XML returns only) and the rules
        # that need Ofsted's provider lists. No rule is skipped for a missing table.
        assert {s.code for s in result.skipped if not s.known} == set(), result.ruleset
        assert all(s.known for s in result.skipped)
        # Crashes inside the validator happen on every file: each one a named defect.
        assert all(c.known for c in result.crashed), result.crashed
    crashed = {r.ruleset: {c.code for c in r.crashed} for r in ssda903}
    assert crashed == {
        "lac2022_23": set(),
        "lac2023_24": set(),
        "lac2024_25": {"231"},
        "lac2025_26": {"231", "233"},
        "lac2026_27": {"231", "233", "706", "709", "710"},
    }


@pytest.mark.slow
def test_each_year_has_every_table_of_its_layout_and_last_years(
    ssda903: list[FileValidation],
) -> None:
    every_year = {
        "Header",
        "Episodes",
        "UASC",
        "Reviews",
        "AD1",
        "PlacedAdoption",
        "PrevPerm",
        "OC2",
        "OC3",
        "Missing",
    }
    for result in ssda903:
        expected = set(every_year)
        if result.year >= 2024:  # social worker episodes from 2023-24
            expected.add("SWEpisodes")
        if result.year >= 2027:  # deprivation of liberty orders from 2026-27
            expected.add("DoLo")
        last = every_year | ({"SWEpisodes"} if result.year >= 2025 else set())
        assert set(result.tables) == expected | {f"{t}_last" for t in last}, result.ruleset
        # Care leavers' time in care is looked for in every earlier return (1001, 1002).
        assert any("rules 1001 and 1002 checked against" in n for n in result.notes)
    # Last year's tables of 2023-24 use SEX 1/2: read as M/F for 2024-25's rule 202.
    assert any("SEX read as M/F/U" in n for n in ssda903[2].notes)
