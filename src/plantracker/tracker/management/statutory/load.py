"""``plantracker statutory load PATH ...``: returns into the pseudonymised store.

A progress bar on stderr when it is a terminal; one line per file read (refused files are
reported in the refusal instead), then the total; then one line per return validated with
the DfE rules, or why it was not (docs/statutory.md#validation-at-load, ADR 0074). Any
refused file makes the command fail after the others are loaded, naming every problem.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from plantracker.statutory import LoadReport, load_paths
from plantracker.statutory.validation import validate_for_load
from plantracker.statutory.validation_store import needs_validation, record_validations
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
        "--la-ons",
        default=None,
        help="the authority's ONS code (e.g. E09000027) for validating its SSDA903 tables",
    )
    load.add_argument(
        "--no-validate",
        action="store_true",
        help="load without running the DfE validation rules on the files",
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
    lines += _validated(report, options, into)
    if report.refused:
        problems = [str(p) for f in report.refused for p in f.problems]
        problems.append(f"{len(report.refused)} file(s) refused; nothing of them was loaded")
        raise PartlyDone("\n".join(problems), lines)
    return lines


def _to_validate(
    report: LoadReport, into: Path
) -> tuple[list[tuple[Path, str, int]], set[tuple[str, int]]]:
    """The CIN files and SSDA903 authority-years loaded now, or loaded before and never
    validated as they are (so that loading again validates them once the validators run)."""
    cin: list[tuple[Path, str, int]] = []
    ssda903: set[tuple[str, int]] = set()
    for f in report.files:
        if f.la is None or f.year is None or f.status == "refused":
            continue
        kind = "cin" if f.path.suffix.lower() == ".xml" else "ssda903"
        if f.status == "skipped" and (
            f.note != "already loaded" or not needs_validation(into, kind, f.la, f.year)
        ):
            continue
        if kind == "cin":
            cin.append((f.path, f.la, f.year))
        else:
            ssda903.add((f.la, f.year))
    return cin, ssda903


def _validated(report: LoadReport, options: Mapping[str, Any], into: Path) -> list[str]:
    """Run the DfE rules on what was loaded, keep the counts in the store, say what they found
    (docs/statutory.md#validation-at-load)."""
    cin, ssda903 = _to_validate(report, into)
    if not cin and not ssda903:
        return []
    if options["no_validate"]:
        if not any(f.status in ("loaded", "replaced") for f in report.files):
            return []
        return ["validation skipped (--no-validate): the loaded returns carry no data quality"]
    results, skipped = validate_for_load(cin, ssda903, options["paths"], la_ons=options["la_ons"])
    record_validations(into, results, skipped)
    lines = []
    for r in results:
        if r.status != "ok":
            lines.append(f"not validated {r.name}: {r.message}")
            continue
        not_run = len(r.crashed) + len(r.skipped)
        lines.append(
            f"validated {r.name}: rule set {r.ruleset}, {r.children} children, "
            f"{r.count('error')} errors, {r.count('query')} queries"
            + (f", {not_run} rules could not run" if not_run else "")
        )
    reasons: dict[str, list[str]] = {}
    for skip in skipped:
        reasons.setdefault(skip.reason, []).append(skip.name)
    for reason, names in reasons.items():
        lines.append(f"validation skipped for {', '.join(names)}: {reason}")
    if any(r.status == "ok" and r.findings for r in results):
        lines.append(
            "each rule, its children and the indicators it affects: "
            "plantracker statutory validate PATH"
        )
    return lines
