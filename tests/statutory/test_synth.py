"""Synthetic returns: deterministic, in the department's layouts, clearly synthetic, plausible."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from lxml import etree
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import (
    EPISODES_HEADER,
    HEADER_HEADER,
    OC3_HEADER,
    OTHER_903_HEADERS,
)

from plantracker.planfile import load_plan
from plantracker.statutory import (
    StatutoryError,
    compute_indicators,
    computed_kpi_values,
    load_paths,
)
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.published import PLACE_COLUMNS, comparators
from plantracker.synth.returns import synth_returns


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    synth_returns(tmp_path / "a", las=1, years=1, seed=3)
    synth_returns(tmp_path / "b", las=1, years=1, seed=3)
    synth_returns(tmp_path / "c", las=1, years=1, seed=4)
    a, b, c = (_digests(tmp_path / name) for name in "abc")
    assert "published.csv" in a
    assert a == b
    assert a != c
    assert a["published.csv"] != c["published.csv"]  # the published figures follow the seed too


def test_the_files_follow_the_layouts_and_are_clearly_synthetic(synthetic: Synthetic) -> None:
    folder = synthetic.returns
    assert sorted(p.name for p in folder.iterdir()) == [
        "101",
        "102",
        "README.txt",
        "plan.yaml",
        "population.csv",
        "published.csv",
    ]
    assert "SYNTHETIC DATA" in (folder / "README.txt").read_text()
    xml = sorted(folder.rglob("*.xml"))
    assert [p.name for p in xml[:3]] == [f"cin_census_101_{y}.xml" for y in (2023, 2024, 2025)]
    root = etree.parse(str(xml[-1])).getroot()
    assert root.tag == "Message"
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2025-03-31"
    assert root.findtext("Header/Source/LEA") == "102"
    ids = [e.text for e in root.iter("LAchildID")]
    assert ids and all(re.fullmatch(r"SYN\d{9}", i or "") for i in ids)
    assert not list(root.iter("UPN"))  # "UPN unknown" codes only: no UPN-like value at all
    for child in root.iter("Child"):
        tags = [c.tag for c in child]
        assert tags[:2] == ["ChildIdentifiers", "ChildCharacteristics"]
        assert tags[2:] and set(tags[2:]) == {"CINdetails"}
    for table, header in (
        ("header", HEADER_HEADER),
        ("episodes", EPISODES_HEADER),
        ("oc3", OC3_HEADER),
    ):
        with open(folder / "101" / f"ssda903_101_2025_{table}.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == header
        assert rows[1:] and all(re.fullmatch(r"SYN\d{9}", r[0]) for r in rows[1:])
    # Every other table of the year, and the year before the first (the tables the rules
    # compare with); social worker episodes from 2023-24, no DoLo before 2026-27.
    for year in (2022, 2023, 2024, 2025):
        for table, header in OTHER_903_HEADERS.items():
            path = folder / "101" / f"ssda903_101_{year}_{table}.csv"
            if table == "dolo" or (table == "social_worker" and year < 2024):
                assert not path.exists(), path
                continue
            with open(path, newline="") as handle:
                rows = list(csv.reader(handle))
            assert rows[0] == header, path
            assert all(re.fullmatch(r"SYN\d{9}", r[0]) for r in rows[1:])
    assert not (folder / "101" / "cin_census_101_2022.xml").exists()
    with open(folder / "101" / "ssda903_101_2025_episodes.csv", newline="") as handle:
        episodes = list(csv.DictReader(handle))
    # Postcodes: a few dozen public postcodes, shared by many placements, no address of
    # anyone; URNs made up.
    postcodes = {r[c] for r in episodes for c in ("HOME_POST", "PL_POST") if r[c]}
    assert postcodes and all(re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", p) for p in postcodes)
    assert len(postcodes) <= 48 < len(episodes)
    assert {r["URN"] for r in episodes} <= {""} | {f"SC{n}" for n in range(100_000, 1_000_000)}
    with open(folder / "population.csv", newline="") as handle:
        population = list(csv.DictReader(handle))
    assert {(r["la_code"], r["year"]) for r in population} == {
        (la, str(y)) for la in ("101", "102") for y in range(2021, 2026)
    }


def test_the_synthetic_plan_is_valid_illustrative_and_computed(synthetic: Synthetic) -> None:
    path = synthetic.returns / "plan.yaml"
    assert path.read_text().startswith("# SYNTHETIC, ILLUSTRATIVE PLAN")
    assert (
        "plan.yaml is an illustrative plan of authority 101"
        in (synthetic.returns / "README.txt").read_text()
    )
    plan = load_plan(path)  # valid: a bad plan file raises
    assert "(illustrative)" in plan.title and plan.organisation == "Synthetic authority 101"
    # The quarters of the last collection year: the last ends on 31 March 2025.
    assert [(p.id, p.start, p.end) for p in plan.periods] == [
        ("2024-25-Q1", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024-25-Q2", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-25-Q3", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-25-Q4", date(2025, 1, 1), date(2025, 3, 31)),
    ]
    (recommendation,) = plan.recommendations
    kpis = recommendation.kpis
    assert [k.source for k in kpis] == [f"statutory:{name}" for name in DEFINITIONS]
    assert [k.unit.value for k in kpis] == [d.unit for d in DEFINITIONS.values()]
    assert not any(k.values for k in kpis)  # values come from the returns, never the file
    labelled = [x.label for k in kpis for x in (k.baseline, k.target) if x is not None]
    assert labelled and all((label or "").startswith("Illustrative") for label in labelled)
    results = compute_indicators(synthetic.store, date(2025, 3, 31), "101")
    computed = computed_kpi_values(plan, results, date(2025, 3, 31))
    assert [c.ref for c in computed] == [k.ref for k in kpis]


def test_the_figures_are_plausible(synthetic: Synthetic) -> None:
    # Broad bands around the published national figures: a synthetic authority should look
    # like an English one, not reproduce one.
    results = compute_indicators(synthetic.store, date(2025, 3, 31))
    bands = {
        "re_referrals_12m": (10, 30),
        "repeat_cp_plans": (8, 30),
        "repeat_cp_plans_2y": (2, 15),
        "cp_plans_2y_plus": (0.5, 8),
        "cp_rate": (20, 80),
        "care_leavers_eet": (40, 75),
        "care_leavers_he": (2, 15),
    }
    for name, (low, high) in bands.items():
        value = results[name].value
        assert value is not None and low <= value <= high, (name, value)


PLACE = list(PLACE_COLUMNS)
FIGURES = [
    "re_referrals_12m",
    "repeat_cp_plans",
    "cp_plans_2y_plus",
    "cp_rate",
    "care_leavers_eet",
    "care_leavers_he",
]
NEIGHBOURS = [str(code) for code in range(501, 511)]


def test_the_published_figures_are_synthetic_and_in_the_dfe_layout(synthetic: Synthetic) -> None:
    path = synthetic.returns / "published.csv"
    readme = (synthetic.returns / "README.txt").read_text()
    assert "published.csv is SYNTHETIC too, NOT DfE data" in readme
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == PLACE + FIGURES
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # Each collection year written: England, the region, the two authorities, ten neighbours.
    assert [r["time_period"] for r in table] == [
        p for p in ("202223", "202324", "202425") for _ in range(14)
    ]
    year = [r for r in table if r["time_period"] == "202425"]
    assert [(r["geographic_level"], r["old_la_code"]) for r in year] == [
        ("National", ""),
        ("Regional", ""),
        *[("Local authority", la) for la in ["101", "102", *NEIGHBOURS]],
    ]
    assert {r["country_name"] for r in table} == {"England (synthetic)"}
    assert {(r["region_code"], r["region_name"]) for r in year[1:]} == {
        ("E12000099", "Synthetic region")
    }
    assert [(r["new_la_code"], r["la_name"]) for r in year[2:4]] == [
        ("E99000101", "Synthetic authority 101"),
        ("E99000102", "Synthetic authority 102"),
    ]
    shown = [(r["geographic_level"], r["old_la_code"], f, r[f]) for r in year for f in FIGURES]
    assert [s for s in shown if not re.fullmatch(r"\d+\.\d", s[3])] == [
        ("Regional", "", "care_leavers_he", "x"),
        ("Local authority", "503", "care_leavers_he", "c"),
        ("Local authority", "507", "cp_plans_2y_plus", "c"),
    ]
    bands = {
        "re_referrals_12m": (8, 40),
        "repeat_cp_plans": (8, 45),
        "cp_plans_2y_plus": (0.3, 12),
        "cp_rate": (10, 110),
        "care_leavers_eet": (30, 80),
        "care_leavers_he": (1, 20),
    }
    for _level, _la, figure, value in shown:
        low, high = bands[figure]
        assert value in "cx" or low <= float(value) <= high, (figure, value)


def _benchmarks(synthetic: Synthetic, store: Path, *extra: str) -> str:
    """``statutory benchmarks`` on the synthetic published.csv; what it prints."""
    out = io.StringIO()
    published = str(synthetic.returns / "published.csv")
    call_command("statutory", "benchmarks", published, "--store", str(store), *extra, stdout=out)
    return out.getvalue()


def test_statutory_benchmarks_loads_the_published_figures(
    synthetic: Synthetic, tmp_path: Path
) -> None:
    store = tmp_path / "statutory.duckdb"
    assert _benchmarks(synthetic, store).strip() == (
        f"loaded 252 figures (6 columns: {', '.join(FIGURES)}) into {store}; "
        "periods in the store: 202223, 202324, 202425"
    )
    he = comparators(store, "care_leavers_he", "202425", "101", tuple(NEIGHBOURS))
    assert he.region is None  # "x": the report reads "Not published"
    assert he.region_name == "Synthetic region"
    assert he.england is not None and he.authority is not None
    assert he.neighbours is not None and he.neighbours_used == 9  # 503's "c" is left out
    rate = comparators(store, "cp_rate", "202425", "E99000101", tuple(NEIGHBOURS))
    assert rate.neighbours_used == 10
    # Loading the returns' folder passes over it, saying where it goes instead.
    loaded = load_paths([synthetic.returns / "published.csv"], tmp_path / "returns.duckdb")
    assert [(f.status, f.kind, f.note) for f in loaded.files] == [
        (
            "skipped",
            "published comparator figures",
            "load them with `plantracker statutory benchmarks`",
        )
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"las": 0, "years": 1}, "--las must be between 1 and 99"),
        ({"las": 1, "years": 0}, "--years must be between 1 and 20"),
        ({"las": 1, "years": 1, "end_year": 1999}, "--end-year"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(StatutoryError, match=message):
        synth_returns(tmp_path / "out", **kwargs)


def test_an_existing_folder_with_files_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(StatutoryError, match="already exists and is not an empty folder"):
        synth_returns(tmp_path / "out", las=1, years=1)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind


def test_statutory_benchmarks_says_not_published_for_a_withheld_figure(
    synthetic: Synthetic, tmp_path: Path
) -> None:
    store = tmp_path / "statutory.duckdb"
    neighbours = ",".join(NEIGHBOURS)
    output = _benchmarks(
        synthetic, store, "--indicator", "care_leavers_he", "--period", "202425", "--la", "101",
        "--neighbours", neighbours,
    )  # fmt: skip
    shown = output.splitlines()[-1]
    assert "Synthetic region not published," in shown, shown
    assert "None" not in shown
    assert shown.endswith("(mean of 9)")


def test_both_sex_codings_load_as_one_and_every_other_table_is_passed_over(
    synthetic: Synthetic, tmp_path: Path
) -> None:
    # 2023-24 writes SEX 1/2, 2024-25 M/F: the store keeps one coding.
    with duckdb.connect(str(synthetic.store), read_only=True) as db:
        rows = db.execute(
            "SELECT year, sex, count(*) FROM cla_child WHERE la = '101' AND year IN (2024, 2025)"
            " GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    assert [(year, sex) for year, sex, _ in rows] == [
        (2024, "F"),
        (2024, "M"),
        (2025, "F"),
        (2025, "M"),
    ]
    files = sorted((synthetic.returns / "101").glob("ssda903_101_2025_*.csv"))
    loaded = load_paths(files, tmp_path / "one.duckdb")
    assert not loaded.refused
    outcomes = {(f.kind, f.status, f.note) for f in loaded.files}
    assert {label for label, status, _ in outcomes if status == "loaded"} == {
        "SSDA903 Header",
        "SSDA903 Episodes",
        "SSDA903 OC3",
    }
    # the tables no indicator uses are recognised, named, and passed over
    assert {label for label, status, note in outcomes if status == "skipped"} == {
        f"SSDA903 {t}"
        for t in (
            "UASC",
            "Reviews",
            "AD1",
            "PlacedAdoption",
            "PrevPerm",
            "OC2",
            "Missing",
            "SocialWorker",
        )
    }
