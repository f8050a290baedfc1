"""``plantracker statutory synth``: synthetic CIN census XML and SSDA903 CSVs in a new folder."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plantracker.synth.returns import synth_returns
from plantracker.synth.returns.folder import HISTORY_903_YEARS


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    synth = subparsers.add_parser("synth", help="write synthetic CIN census XML and SSDA903 CSVs")
    synth.add_argument("--las", type=int, required=True, help="number of authorities")
    synth.add_argument("--years", type=int, required=True, help="number of collection years")
    synth.add_argument(
        "--end-year",
        type=int,
        default=2025,
        help="the last collection year (ending 31 March), default 2025",
    )
    synth.add_argument("--seed", type=int, default=0, help="random seed, default 0")
    synth.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size of each authority, a fraction of the default (e.g. 0.1 for fast tests)",
    )
    synth.add_argument(
        "--faults",
        type=float,
        default=0.0,
        metavar="RATE",
        help="seed named faults (README.txt lists each with the DfE rule it breaks) "
        "in this share of the children, e.g. 0.02",
    )
    synth.add_argument("--jobs", type=int, default=1, help="processes to use, default 1")
    synth.add_argument(
        "-o", "--output", type=Path, required=True, help="new (or empty) folder to write into"
    )


def run(options: Mapping[str, Any]) -> list[str]:
    written = synth_returns(
        options["output"],
        las=options["las"],
        years=options["years"],
        end_year=options["end_year"],
        seed=options["seed"],
        jobs=max(1, options["jobs"]),
        scale=options["scale"],
        faults=options["faults"],
    )
    first, last = written.years[0], written.years[-1]
    return [
        f"wrote {written.files} files ({written.bytes / 1e6:.1f} MB) to {written.folder}: "
        f"{written.authorities} authorities, collection years {first}–{last}, "
        f"{written.cin_children} CIN census child records, and the SSDA903 returns of the "
        f"{HISTORY_903_YEARS} years before for the rules that compare years; synthetic data only"
    ]
