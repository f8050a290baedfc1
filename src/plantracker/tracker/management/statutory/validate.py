"""``plantracker statutory validate PATH... [--ruleset NAME] [--json] [--csv FILE]``.

Runs the DfE validation rules (the sector's CIN census and SSDA903 validators, in their own
virtualenv: ADR 0065) on return files and reports per rule: code, severity, children,
message and the indicators it affects (docs/statutory.md#validation). Rules that could not
run are listed with the reason: a known validator defect, a table the return lacks, a
crash. No child id is printed; ``--csv FILE`` lists each finding with the child's id as the
council's file gives it, written to that file only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from rich.table import Table

from plantracker.files import write_atomically
from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.validation import FileValidation, validate_returns
from plantracker.statutory.validation_store import LoadRun, ReturnHistory, validation_history
from plantracker.tracker.management.statutory.common import (
    PartlyDone,
    add_store_argument,
    rendered,
    store,
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    validate = subparsers.add_parser(
        "validate", help="run the DfE validation rules on CIN census and SSDA903 files"
    )
    validate.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders (recursively)"
    )
    validate.add_argument(
        "--history",
        action="store_true",
        help="instead of validating files: the errors by rule across the loads kept in the store",
    )
    add_store_argument(validate)
    validate.add_argument(
        "--ruleset",
        default=None,
        help="a rule set (e.g. cin2024_25, lac2024_25) instead of each file's collection year",
    )
    validate.add_argument(
        "--la-ons",
        default=None,
        help="the authority's ONS code (e.g. E09000027) for its SSDA903 postcode rules",
    )
    validate.add_argument("--json", action="store_true", help="print JSON")
    validate.add_argument(
        "--csv",
        type=Path,
        default=None,
        metavar="FILE",
        help="write each finding with the child's id as the file gives it to FILE",
    )


def run(options: Mapping[str, Any]) -> list[str]:
    if options["history"]:
        given = [
            name for name, flag in (("PATH", options["paths"]), ("--csv", options["csv"])) if flag
        ] + [name for name in ("ruleset", "la_ons") if options[name]]
        if given:
            raise CommandError(
                f"--history reads the store's validations: give no {', '.join(given)}"
            )
        histories = validation_history(store(options))
        if options["json"]:
            return json.dumps(history_json(histories), indent=2).split("\n")
        return history_lines(histories, store(options))
    if options["store"] is not None:
        raise CommandError("--store is for --history; validating files does not use the store")
    if not options["paths"]:
        raise CommandError("give the files or folders to validate (or --history)")
    csv_path: Path | None = options["csv"]
    if csv_path is not None and not csv_path.parent.is_dir():
        raise StatutoryError(f"--csv {csv_path}: no such folder {csv_path.parent}")
    results = validate_returns(
        options["paths"],
        ruleset=options["ruleset"],
        la_ons=options["la_ons"],
        child_ids=csv_path is not None,
    )
    if csv_path is not None:
        try:
            write_atomically(csv_path, findings_csv(results), mode=0o600)
        except OSError as exc:
            raise StatutoryError(f"--csv {csv_path}: cannot write ({exc.strerror})") from None
    lines = (
        json.dumps(validation_json(results), indent=2).split("\n")
        if options["json"]
        else report_lines(results)
    )
    if csv_path is not None and not options["json"]:
        rows = sum(len(f.child_ids) for r in results for f in r.findings)
        lines.append(f"wrote {rows} findings with the children's ids to {csv_path}")
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise PartlyDone(
            "\n".join(f"{r.name}: {r.message}" for r in failed),
            lines,
        )
    return lines


def validation_json(results: list[FileValidation]) -> dict[str, Any]:
    """Everything but child ids: per file, per rule."""
    return {
        "returns": [
            {
                "kind": r.kind,
                "files": list(r.files),
                "la": r.la,
                "year": r.year,
                "status": r.status,
                "message": r.message,
                "validator": r.validator,
                "version": r.version,
                "ruleset": r.ruleset,
                "children": r.children,
                "rules_run": r.rules_run,
                "notes": list(r.notes),
                "errors": r.count("error"),
                "queries": r.count("query"),
                "findings": [
                    {
                        "code": f.code,
                        "severity": f.severity,
                        "level": f.level,
                        "children": f.children,
                        "locations": f.locations,
                        "indicators": list(f.indicators),
                        "message": f.message,
                    }
                    for f in r.findings
                ],
                "crashed": [
                    {"code": c.code, "known_defect": c.known, "reason": c.reason} for c in r.crashed
                ],
                "skipped": [
                    {"code": s.code, "known": s.known, "reason": s.reason} for s in r.skipped
                ],
            }
            for r in results
        ]
    }


def report_lines(results: list[FileValidation]) -> list[str]:
    lines: list[str] = []
    for r in results:
        if r.status != "ok":
            continue
        head = (
            f"{r.name}: {r.validator} {r.version}, rule set {r.ruleset}, {r.children} children, "
            f"{r.rules_run} rules: {r.count('error')} errors, {r.count('query')} queries"
        )
        table = Table(title=None, show_lines=False)
        for column in ("Rule", "Severity", "Children", "Affects", "Message"):
            table.add_column(column, justify="right" if column == "Children" else "left")
        for f in r.findings:
            children = str(f.children) if f.level == "child" else "return"
            affects = ", ".join(f.indicators) or "no indicator"
            table.add_row(f.code, f.severity, children, affects, f.message)
        lines.append(head)
        if r.findings:
            lines += rendered(table)
        lines += [f"  note: {note}" for note in r.notes]
        for c in r.crashed:
            what = "cannot run (validator defect)" if c.known else "crashed in the validator"
            lines.append(f"  rule {c.code} {what}: {c.reason}")
        skipped: dict[str, list[str]] = {}
        for s in r.skipped:
            skipped.setdefault(s.reason, []).append(s.code)
        for reason, codes in sorted(skipped.items()):
            lines.append(f"  {len(codes)} rules skipped ({reason}): {', '.join(sorted(codes))}")
    return lines


def findings_csv(results: list[FileValidation]) -> str:
    """One row per rule and child: the file, rule, severity, message and the child's id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["return", "ruleset", "rule", "severity", "child_id", "message"])
    for r in results:
        for f in r.findings:
            for child in f.child_ids:
                writer.writerow([r.name, r.ruleset, f.code, f.severity, child, f.message])
    return out.getvalue()


def _load_label(run: LoadRun) -> str:
    return run.validated_at.strftime("%Y-%m-%d %H:%M")


def history_json(histories: list[ReturnHistory]) -> dict[str, Any]:
    """Per return, per load: rule set, children, errors, queries and children by rule."""
    return {
        "returns": [
            {
                "kind": h.kind,
                "la": h.la,
                "year": h.year,
                "loads": [
                    {
                        "validated_at": run.validated_at.isoformat(timespec="seconds"),
                        "files": run.files,
                        "status": run.status,
                        "message": run.message,
                        "ruleset": run.ruleset,
                        "children": run.children,
                        "errors": run.errors,
                        "queries": run.queries,
                        "rules": run.rules,
                    }
                    for run in h.runs
                ],
                "rules": {
                    code: {
                        "severity": h.severity[code],
                        "indicators": [i for i in h.indicators[code].split(", ") if i],
                        "message": h.messages[code],
                    }
                    for code in sorted(h.severity)
                },
            }
            for h in histories
        ]
    }


def history_lines(histories: list[ReturnHistory], where: Path) -> list[str]:
    """Per return, a table: one row per rule broken at any load, one column per load
    (the children it flagged then; "return" for a rule about the whole return)."""
    if not histories:
        return [f"no validation kept in {where}: `plantracker statutory load` validates returns"]
    lines: list[str] = []
    for h in histories:
        lines.append(f"{h.name}: {len(h.runs)} load(s)")
        for run in h.runs:
            if run.status != "ok":
                lines.append(f"  {_load_label(run)}: not validated: {run.message}")
        validated = [run for run in h.runs if run.status == "ok"]
        if not validated:
            continue
        table = Table(title=None, show_lines=False)
        table.add_column("Rule")
        table.add_column("Severity")
        for run in validated:
            table.add_column(_load_label(run), justify="right")
        table.add_column("Affects")
        table.add_row("rules", "error", *(str(run.errors) for run in validated), "rules broken")
        table.add_row("rules", "query", *(str(run.queries) for run in validated), "rules raised")
        codes = sorted(h.severity, key=lambda c: (h.severity[c] != "error", c))
        for code in codes:
            cells = []
            for run in validated:
                hit = run.rules.get(code)
                cells.append("–" if hit is None else ("return" if hit == 0 else str(hit)))
            table.add_row(code, h.severity[code], *cells, h.indicators[code] or "no indicator")
        lines += rendered(table)
    return lines
