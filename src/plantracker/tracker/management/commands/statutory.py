"""``plantracker statutory synth|load|indicators|benchmarks|apply|compare``: the statutory returns.

Thin: parses arguments, calls plantracker.statutory, prints. Every problem is a
CommandError with one line per problem; no child's identifier is ever printed.
"""

from __future__ import annotations

import argparse
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from plantracker.statutory import StatutoryError, compute_indicators, load_paths
from plantracker.statutory.published import comparators, load_published
from plantracker.statutory.render import indicators_json, indicators_table
from plantracker.synth.returns import synth_returns
from plantracker.tracker.management.commands._statutory_apply import run_apply
from plantracker.tracker.management.commands._statutory_compare import (
    add_compare_parser,
    compare,
    shown,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _la(text: str) -> str:
    if not (len(text) == 3 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a three-digit authority code")
    return text


def _default_store() -> Path:
    return Path(settings.VAR_DIR) / "statutory.duckdb"


class Command(BaseCommand):
    help = "Statutory returns (CIN census, SSDA903): synthesise, load, compute indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="synth|load|indicators|benchmarks|apply|compare"
        )

        synth = sub.add_parser("synth", help="write synthetic CIN census XML and SSDA903 CSVs")
        synth.add_argument("--las", type=int, required=True, help="number of authorities")
        synth.add_argument("--years", type=int, required=True, help="number of collection years")
        synth.add_argument(
            "--end-year",
            type=int,
            default=2025,
            help="the last collection year (ending 31 March), default 2025",
        )
        synth.add_argument("--seed", type=int, default=0, help="random seed, default 0")
        synth.add_argument("--jobs", type=int, default=1, help="processes to use, default 1")
        synth.add_argument(
            "-o", "--output", type=Path, required=True, help="new (or empty) folder to write into"
        )

        load = sub.add_parser("load", help="load returns into the store")
        load.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="files or folders (searched recursively)",
        )
        self._store_argument(load)
        load.add_argument(
            "--key",
            type=Path,
            default=None,
            help="the pseudonymisation key file (default: STORE.key)",
        )
        load.add_argument(
            "--la",
            type=_la,
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

        ind = sub.add_parser("indicators", help="compute the indicators for 12 months to a date")
        self._store_argument(ind)
        ind.add_argument("--as-of", type=_date, required=True, help="YYYY-MM-DD")
        ind.add_argument("--la", type=_la, default=None, help="one authority (default: all)")
        ind.add_argument("--json", action="store_true", help="print JSON")

        bench = sub.add_parser("benchmarks", help="load published comparator figures (DfE CSV)")
        bench.add_argument("file", type=Path, metavar="FILE.csv")
        self._store_argument(bench)
        bench.add_argument("--indicator", help="show comparators for this figure (column name)")
        bench.add_argument("--period", help="time_period to show, e.g. 202324")
        bench.add_argument("--la", help="authority code (old or new) to compare")
        bench.add_argument(
            "--neighbours", default="", help="comma-separated codes of the statistical neighbours"
        )

        apply = sub.add_parser(
            "apply",
            help="submit the period's computed values of a plan's statutory KPIs for review",
        )
        apply.add_argument("plan", metavar="PLAN", help="the plan's slug in the database")
        self._store_argument(apply)
        apply.add_argument("--period", required=True, metavar="ID", help="the plan's period")
        apply.add_argument(
            "--user", required=True, metavar="USERNAME", help="who submits them (a lead or owner)"
        )
        apply.add_argument(
            "--la", type=_la, default=None, help="the plan's authority (default: the store's only)"
        )
        apply.add_argument(
            "--replace-manual",
            action="store_true",
            help="replace values entered by hand that differ from the computed ones",
        )

        add_compare_parser(sub, self._store_argument)

    @staticmethod
    def _store_argument(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--store",
            type=Path,
            default=None,
            help="the DuckDB store (default: VAR_DIR/statutory.duckdb)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, f"_{action}")(options)
        except StatutoryError as exc:
            raise CommandError(str(exc)) from None

    def _print(self, *renderables: Any) -> None:
        """Render with rich into text, then write through Django's stdout (testable)."""
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, highlight=False, soft_wrap=False)
        for renderable in renderables:
            console.print(renderable)
        self.stdout.write(buffer.getvalue(), ending="")

    def _synth(self, o: dict[str, Any]) -> None:
        report = synth_returns(
            o["output"],
            las=o["las"],
            years=o["years"],
            end_year=o["end_year"],
            seed=o["seed"],
            jobs=max(1, o["jobs"]),
        )
        first, last = report.years[0], report.years[-1]
        self.stdout.write(
            f"wrote {report.files} files ({report.bytes / 1e6:.1f} MB) to {report.folder}: "
            f"{report.authorities} authorities, collection years {first}–{last}, "
            f"{report.cin_children} CIN census child records; synthetic data only"
        )

    def _load(self, o: dict[str, Any]) -> None:
        store = o["store"] or _default_store()
        store.parent.mkdir(parents=True, exist_ok=True)
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
                o["paths"],
                store,
                key_file=o["key"],
                la=o["la"],
                year=o["year"],
                jobs=max(1, o["jobs"]),
                on_start=lambda total: progress.update(task, total=total),
                on_bytes=lambda n: progress.advance(task, n),
            )
        for f in report.files:
            if f.status == "refused":
                continue
            where = f" {f.la} {f.year}" if f.la and f.year else ""
            detail = f", {f.note}" if f.note else ""
            self.stdout.write(f"{f.status:8} {f.kind}{where}: {f.path} ({f.rows} rows{detail})")
        loaded = sum(1 for f in report.files if f.status in ("loaded", "replaced"))
        self.stdout.write(f"{loaded} file(s) loaded into {store}, {report.rows} rows")
        if report.refused:
            lines = [str(p) for f in report.refused for p in f.problems]
            lines.append(f"{len(report.refused)} file(s) refused; nothing of them was loaded")
            raise CommandError("\n".join(lines))

    def _indicators(self, o: dict[str, Any]) -> None:
        store = o["store"] or _default_store()
        results = compute_indicators(store, o["as_of"], o["la"])
        if o["json"]:
            self.stdout.write(json.dumps(indicators_json(results, o["as_of"], o["la"]), indent=2))
            return
        notes = [f"note ({r.name}): {note}" for r in results.values() for note in r.notes]
        self._print(indicators_table(results, o["as_of"], o["la"]), *notes)

    def _apply(self, o: dict[str, Any]) -> None:
        for line in run_apply(o, o["store"] or _default_store()):
            self.stdout.write(line)

    def _compare(self, o: dict[str, Any]) -> None:
        compare(self, o, o["store"] or _default_store())

    def _benchmarks(self, o: dict[str, Any]) -> None:
        store = o["store"] or _default_store()
        store.parent.mkdir(parents=True, exist_ok=True)
        if not o["file"].is_file():
            raise CommandError(f"{o['file']}: no such file")
        loaded = load_published(o["file"], store)
        self.stdout.write(
            f"loaded {loaded.rows} figures ({len(loaded.indicators)} columns: "
            f"{', '.join(loaded.indicators)}) into {store}; periods in the store: "
            f"{', '.join(loaded.periods)}"
        )
        wanted = [o["indicator"], o["period"], o["la"]]
        if any(wanted):
            if not all(wanted):
                raise CommandError("--indicator, --period and --la go together")
            neighbours = tuple(c.strip() for c in o["neighbours"].split(",") if c.strip())
            c = comparators(store, o["indicator"], o["period"], o["la"], neighbours)
            self.stdout.write(
                f"{c.indicator} {c.time_period}: authority {shown(c.authority)}, "
                f"England {shown(c.england)}, {c.region_name or 'region'} {shown(c.region)}, "
                f"statistical neighbours {shown(c.neighbours)} (mean of {c.neighbours_used})"
            )
