"""``plantracker statutory indicators --as-of DATE``: the indicators for the 12 months to it.

A table (with a note for each figure not available or incomplete), or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from plantracker.statutory import compute_indicators
from plantracker.statutory.render import indicators_json, indicators_table
from plantracker.tracker.management.statutory.common import (
    add_store_argument,
    iso_date,
    la_code,
    rendered,
    store,
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    ind = subparsers.add_parser("indicators", help="compute the indicators for 12 months to a date")
    add_store_argument(ind)
    ind.add_argument("--as-of", type=iso_date, required=True, help="YYYY-MM-DD")
    ind.add_argument("--la", type=la_code, default=None, help="one authority (default: all)")
    ind.add_argument("--json", action="store_true", help="print JSON")


def run(options: Mapping[str, Any]) -> list[str]:
    as_of, la = options["as_of"], options["la"]
    results = compute_indicators(store(options), as_of, la)
    if options["json"]:
        return json.dumps(indicators_json(results, as_of, la), indent=2).split("\n")
    notes = [f"note ({r.name}): {note}" for r in results.values() for note in r.notes]
    return rendered(indicators_table(results, as_of, la), *notes)
