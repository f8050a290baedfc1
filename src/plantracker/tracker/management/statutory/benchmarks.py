"""``plantracker statutory benchmarks FILE.csv``: published comparator figures into the store.

Loads a DfE open-data CSV (``plantracker.statutory.published``) and, with ``--indicator``,
``--period`` and ``--la``, prints England's, the region's and the statistical neighbours'
figures beside the authority's own.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from plantracker.statutory import StatutoryError
from plantracker.statutory.published import comparators, load_published
from plantracker.tracker.management.statutory.common import (
    PartlyDone,
    add_store_argument,
    shown,
    store,
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    bench = subparsers.add_parser("benchmarks", help="load published comparator figures (DfE CSV)")
    bench.add_argument("file", type=Path, metavar="FILE.csv")
    add_store_argument(bench)
    bench.add_argument("--indicator", help="show comparators for this figure (column name)")
    bench.add_argument("--period", help="time_period to show, e.g. 202324")
    bench.add_argument("--la", help="authority code (old or new) to compare")
    bench.add_argument(
        "--neighbours", default="", help="comma-separated codes of the statistical neighbours"
    )


def run(options: Mapping[str, Any]) -> list[str]:
    into = store(options)
    into.parent.mkdir(parents=True, exist_ok=True)
    if not options["file"].is_file():
        raise CommandError(f"{options['file']}: no such file")
    loaded = load_published(options["file"], into)
    lines = [
        f"loaded {loaded.rows} figures ({len(loaded.indicators)} columns: "
        f"{', '.join(loaded.indicators)}) into {into}; periods in the store: "
        f"{', '.join(loaded.periods)}"
    ]
    try:
        lines.extend(_comparators(options, into))
    except (CommandError, StatutoryError) as exc:
        raise PartlyDone(str(exc), lines) from None
    return lines


def _comparators(options: Mapping[str, Any], into: Path) -> list[str]:
    wanted = [options["indicator"], options["period"], options["la"]]
    if not any(wanted):
        return []
    if not all(wanted):
        raise CommandError("--indicator, --period and --la go together")
    neighbours = tuple(c.strip() for c in options["neighbours"].split(",") if c.strip())
    c = comparators(into, options["indicator"], options["period"], options["la"], neighbours)
    return [
        f"{c.indicator} {c.time_period}: authority {shown(c.authority)}, "
        f"England {shown(c.england)}, {c.region_name or 'region'} {shown(c.region)}, "
        f"statistical neighbours {shown(c.neighbours)} (mean of {c.neighbours_used})"
    ]
