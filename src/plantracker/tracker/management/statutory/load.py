"""``plantracker statutory load PATH ...``: returns into the pseudonymised store.

A progress bar on stderr when it is a terminal; one line per file read (refused files are
reported in the refusal instead), then the total. Any refused file makes the command fail
after the others are loaded, naming every problem.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from plantracker.statutory import load_paths
from plantracker.tracker.management.statutory.common import (
    PartlyDone,
    add_store_argument,
    la_code,
    store,
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    load = subparsers.add_parser("load", help="load returns into the store")
    load.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="files or folders (searched recursively)",
    )
    add_store_argument(load)
    load.add_argument(
        "--key",
        type=Path,
        default=None,
        help="the pseudonymisation key file (default: STORE.key)",
    )
    load.add_argument(
        "--la",
        type=la_code,
        default=None,
        help="authority of SSDA903 files whose path does not say",
    )
    load.add_argument(
        "--year",
        type=int,
        default=None,
        help="collection year of SSDA903 files whose path does not say",
    )
    load.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes reading files while one loads them, default 1",
    )


def run(options: Mapping[str, Any]) -> list[str]:
    into = store(options)
    into.parent.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("loading"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task("load", total=None)
    with progress:
        report = load_paths(
            options["paths"],
            into,
            key_file=options["key"],
            la=options["la"],
            year=options["year"],
            jobs=max(1, options["jobs"]),
            on_start=lambda total: progress.update(task, total=total),
            on_bytes=lambda n: progress.advance(task, n),
        )
    lines = []
    for f in report.files:
        if f.status == "refused":
            continue
        where = f" {f.la} {f.year}" if f.la and f.year else ""
        detail = f", {f.note}" if f.note else ""
        lines.append(f"{f.status:8} {f.kind}{where}: {f.path} ({f.rows} rows{detail})")
    loaded = sum(1 for f in report.files if f.status in ("loaded", "replaced"))
    lines.append(f"{loaded} file(s) loaded into {into}, {report.rows} rows")
    if report.refused:
        problems = [str(p) for f in report.refused for p in f.problems]
        problems.append(f"{len(report.refused)} file(s) refused; nothing of them was loaded")
        raise PartlyDone("\n".join(problems), lines)
    return lines
