"""Published comparator figures: England, region and statistical-neighbour averages."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.statutory.returns import PUBLISHED_HEADER, published_row, write_csv

from plantracker.statutory import StatutoryError
from plantracker.statutory.published import comparators, load_published


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "cin_la.csv",
        PUBLISHED_HEADER,
        [
            published_row("National", rr="22.4", rate="41.6"),
            published_row("Regional", "E12000007", rr="20.1", rate="38.0"),
            published_row("Regional", "E12000008", rr="23.0", rate="40.2"),
            published_row("Local authority", "E12000007", "201", "E09000001", "18.0", "35.5"),
            published_row("Local authority", "E12000007", "202", "E09000007", "21.0", "c"),
            published_row("Local authority", "E12000008", "826", "E06000042", "25.0", "44.0"),
            published_row("Local authority", "E12000008", "867", "E06000036", "x", "46.0"),
            published_row("National", rr="21.9", rate="40.0", period="202223"),
        ],
    )


def test_england_region_and_neighbours(tmp_path: Path, published: Path) -> None:
    store = tmp_path / "s.duckdb"
    loaded = load_published(published, store)
    assert loaded.indicators == ("re_referrals_percent", "cpp_rate")
    assert loaded.periods == ("202223", "202324")
    c = comparators(store, "re_referrals_percent", "202324", "201", ("202", "E06000042", "867"))
    assert c.authority == Decimal("18.0")
    assert c.england == Decimal("22.4")
    assert (c.region_name, c.region) == ("London", Decimal("20.1"))
    # 867's figure is "x" (not available): the mean of 21.0 and 25.0.
    assert (c.neighbours, c.neighbours_used) == (Decimal("23.0"), 2)
    rate = comparators(store, "cpp_rate", "202324", "E09000001", ("202", "826"))
    assert (rate.neighbours, rate.neighbours_used) == (Decimal("44.0"), 1)  # 202 is "c"


def test_loading_again_replaces_rather_than_doubles(tmp_path: Path, published: Path) -> None:
    store = tmp_path / "s.duckdb"
    load_published(published, store)
    load_published(published, store)
    assert comparators(store, "cpp_rate", "202324", "201").england == Decimal("41.6")


def test_a_file_in_another_layout_is_refused(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "x.csv", ["year", "value"], [["2024", "1"]])
    with pytest.raises(StatutoryError, match="not a DfE open-data file: column missing"):
        load_published(other, tmp_path / "s.duckdb")


def test_an_unknown_figure_is_named(tmp_path: Path, published: Path) -> None:
    store = tmp_path / "s.duckdb"
    load_published(published, store)
    with pytest.raises(StatutoryError, match="no published figure 'nope' for '202324'"):
        comparators(store, "nope", "202324", "201")


def test_the_command_loads_and_shows(tmp_path: Path, published: Path) -> None:
    out = io.StringIO()
    call_command(
        "statutory",
        "benchmarks",
        str(published),
        "--store",
        str(tmp_path / "s.duckdb"),
        "--indicator",
        "re_referrals_percent",
        "--period",
        "202324",
        "--la",
        "201",
        "--neighbours",
        "202,826",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("loaded 16 figures (2 columns: re_referrals_percent, cpp_rate)")
    assert lines[1] == (
        "re_referrals_percent 202324: authority 18.0, England 22.4, London 20.1, "
        "statistical neighbours 23.0 (mean of 2)"
    )
