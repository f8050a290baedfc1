"""Synthetic returns: deterministic, in the department's layouts, clearly synthetic, plausible."""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import EPISODES_HEADER, HEADER_HEADER, OC3_HEADER

from plantracker.planfile import load_plan
from plantracker.statutory import StatutoryError, compute_indicators, computed_kpi_values
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.synth import synthesise


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    synthesise(tmp_path / "a", las=1, years=1, seed=3)
    synthesise(tmp_path / "b", las=1, years=1, seed=3)
    synthesise(tmp_path / "c", las=1, years=1, seed=4)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")


def test_the_files_follow_the_layouts_and_are_clearly_synthetic(synthetic: Synthetic) -> None:
    folder = synthetic.returns
    assert sorted(p.name for p in folder.iterdir()) == [
        "101",
        "102",
        "README.txt",
        "plan.yaml",
        "population.csv",
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
    with open(folder / "101" / "ssda903_101_2025_episodes.csv", newline="") as handle:
        episodes = list(csv.DictReader(handle))
    # No postcodes or placement URNs, real-looking or not.
    assert not any(r["HOME_POST"] or r["PL_POST"] or r["URN"] for r in episodes)
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
        synthesise(tmp_path / "out", **kwargs)


def test_an_existing_folder_with_files_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(StatutoryError, match="already exists and is not an empty folder"):
        synthesise(tmp_path / "out", las=1, years=1)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind
