"""Synthetic published comparators: ``published.csv``, in the DfE open-data layout.

``synth_returns`` writes it beside the returns so that ``statutory benchmarks`` and ``statutory
compare`` can be shown on synthetic data only. One row per collection year and place: a
National row ("England (synthetic)"), one Regional row ("Synthetic region", the plain mean
of its authorities) and a Local authority row for each synthetic authority and for ten
synthetic statistical neighbours, with one column per published counterpart of an
indicator. Every name says it is synthetic and every code is one no real place uses:
region ``E12000099`` (real English regions are E12000001 to E12000009), authorities 101
upwards and neighbours 501 to 510 (real old codes are in the 200s to 400s and from 800 up,
so 901 to 910 would not do), with new codes ``E99000`` + the old code. The figures are
drawn from a seeded generator around values of the order of the published national ones,
the authorities' own included (they are not computed from the returns). A few cells are
withheld as the department shows them: ``c`` (a small number) and ``x`` (not available).
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plantracker.statutory.published import PLACE_COLUMNS

__all__ = ["NEIGHBOURS", "PUBLISHED_FIGURES", "REGION_CODE", "write_published"]

REGION_CODE = "E12000099"
REGION_NAME = "Synthetic region"
COUNTRY_CODE = "E92000001"
COUNTRY_NAME = "England (synthetic)"
NEIGHBOURS = tuple(str(code) for code in range(501, 511))


@dataclass(frozen=True)
class _Figure:
    """A published figure: its national level and how far authorities stray from it, as a
    proportion (their figures are spread on a log scale, so that none goes below zero)."""

    centre: float
    spread: float


# Of the order of the DfE's published national figures. The statutory indicators with no
# published counterpart are left out: repeat_cp_plans_2y is a local variant, and cp_number
# is a count, which no other place's count compares with.
PUBLISHED_FIGURES: dict[str, _Figure] = {
    "re_referrals_12m": _Figure(21.5, 0.18),
    "repeat_cp_plans": _Figure(23.5, 0.18),
    "cp_plans_2y_plus": _Figure(3.5, 0.35),
    "cp_rate": _Figure(42.0, 0.25),
    "care_leavers_eet": _Figure(55.0, 0.12),
    "care_leavers_he": _Figure(6.5, 0.35),
}

# Withheld in every year, so that a report shows both: a neighbour's small numbers ("c"
# leaves it out of the neighbours' mean) and the region's figure ("x": "Not published").
SUPPRESSED = {
    ("Local authority", NEIGHBOURS[2], "care_leavers_he"): "c",
    ("Local authority", NEIGHBOURS[6], "cp_plans_2y_plus"): "c",
    ("Regional", None, "care_leavers_he"): "x",
}


def time_period(year: int) -> str:
    """The DfE's code of the financial year ending 31 March ``year``: 2025 → ``202425``."""
    return f"{year - 1}{year % 100:02d}"


def _place(level: str, la: str | None) -> tuple[str, ...]:
    if level == "National":
        return (COUNTRY_CODE, COUNTRY_NAME, "", "", "", "", "")
    if level == "Regional":
        return (COUNTRY_CODE, COUNTRY_NAME, REGION_CODE, REGION_NAME, "", "", "")
    code = la or ""
    return (
        COUNTRY_CODE,
        COUNTRY_NAME,
        REGION_CODE,
        REGION_NAME,
        code,
        f"E99000{code}",
        f"Synthetic authority {code}",
    )


def _order(codes: Sequence[str]) -> list[tuple[str, str | None]]:
    """The rows of a year as the department orders them: England, region, authorities."""
    return [("National", None), ("Regional", None), *(("Local authority", la) for la in codes)]


def _rows(authorities: Sequence[str], years: Sequence[int], seed: int) -> list[list[str]]:
    rng = random.Random(f"plantracker-synth:{seed}:published")
    codes = (*authorities, *NEIGHBOURS)
    # Each authority's own level, kept from year to year as a real authority's largely is.
    tilt = {
        (la, name): rng.gauss(0, figure.spread)
        for la in codes
        for name, figure in PUBLISHED_FIGURES.items()
    }
    rows: list[list[str]] = []
    for year in years:
        figures: dict[tuple[str, str | None], dict[str, float]] = {}
        england = {
            name: f.centre * math.exp(rng.gauss(0, f.spread / 10))
            for name, f in PUBLISHED_FIGURES.items()
        }
        figures["National", None] = england
        for la in codes:
            figures["Local authority", la] = {
                name: england[name] * math.exp(tilt[la, name] + rng.gauss(0, f.spread / 5))
                for name, f in PUBLISHED_FIGURES.items()
            }
        # The region is its authorities taken together: here, their plain mean.
        figures["Regional", None] = {
            name: sum(figures["Local authority", c][name] for c in codes) / len(codes)
            for name in PUBLISHED_FIGURES
        }
        for level, code in _order(codes):
            row = [time_period(year), "Financial year", level, *_place(level, code)]
            for name, value in figures[level, code].items():
                row.append(SUPPRESSED.get((level, code, name), f"{value:.1f}"))
            rows.append(row)
    return rows


def write_published(authorities: Sequence[str], years: Sequence[int], seed: int, path: Path) -> int:
    """Write the synthetic published figures of ``years``; returns the number of rows."""
    rows = _rows(authorities, years, seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow((*PLACE_COLUMNS, *PUBLISHED_FIGURES))
        writer.writerows(rows)
    return len(rows)
