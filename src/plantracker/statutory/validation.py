"""The DfE validation rules on CIN census and SSDA903 files, run in their own virtualenv.

The sector's validators (csc-validator-be-cin, csc-validator-be-903) pin libraries that
clash with ours, so they live in ``.venv-validators`` (``make setup``) and
``validation_worker.py`` runs them there in a subprocess, JSON over stdin/stdout (ADR 0065).
This module builds the request, runs the worker, and returns per file and per rule: code,
message, severity, children, the indicators the rule affects (``RULE_INDICATORS``), rules
that crashed inside the validator and rules it skipped, each known validator defect named
with its reason (``KNOWN_DEFECTS``). Child ids come back only when the caller asks for them
(``child_ids=True``, for a file the user named); nothing here logs or stores them.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from plantracker.statutory.csvfiles import classify, read_header
from plantracker.statutory.errors import Problem, StatutoryError, display_name
from plantracker.statutory.load import find_files, la_and_year_from_path

WORKER = Path(__file__).with_name("validation_worker.py")
TIMEOUT_SECONDS = 1800

# Synthetic authorities (codes 101–199, no real DfE code) are placed in one real upper-tier
# authority so that the postcode rules (1015, 241, 411) have an authority to compare with.
SYNTHETIC_LA_ONS = "E09000027"


def _synthetic(la: str) -> bool:
    return la.isdigit() and 101 <= int(la) <= 199


# --- which indicators each rule affects ---------------------------------------------------
# A rule affects an indicator when one of the fields it checks is one the indicator reads
# (docs/statutory.md#validation lists them). The CIN indicators read referral dates, plan
# starts and ends, NumberOfPreviousCPP, the child's id and the reference date; the care
# leaver indicators read OC3's DOB, IN_TOUCH and ACTIV. Every other rule affects none.
_CP = ("repeat_cp_plans", "repeat_cp_plans_2y", "cp_plans_2y_plus", "cp_number", "cp_rate")
_CP_OPEN = ("repeat_cp_plans_2y", "cp_plans_2y_plus", "cp_number", "cp_rate")
_LEAVERS = ("care_leavers_eet", "care_leavers_he")
_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cin", "100 1570 1580 8500 8510 8590", ("re_referrals_12m", *_CP)),
    ("cin", "1103 1104 2889 4015 8555Q 8600 8606 8630 8816 8820 8866", ("re_referrals_12m",)),
    ("cin", "1105", ("re_referrals_12m", *_CP)),
    ("cin", "2883 2885 4016 4017 8720 8840 8841 8915 8925 8940", _CP),
    ("cin", "8730", ("repeat_cp_plans",)),
    ("cin", "4001 8565 8920 8930 8935", _CP_OPEN),
    (
        "903",
        "131 132 134 153 187 215 344 345 348 391 1000 1001 1002 1007 1010 1011 1014 1016 "
        "INT06 INT15 INT34",
        _LEAVERS,
    ),
)
RULE_INDICATORS: dict[tuple[str, str], tuple[str, ...]] = {
    (kind, code): indicators for kind, codes, indicators in _GROUPS for code in codes.split()
}

# --- known validator defects, by validator version -----------------------------------------
# Rules that crash or cannot run whatever the file holds. Reported as such ("cannot run:
# validator defect"), never dropped; an upgrade shows them as plain crashes until reviewed.
KNOWN_DEFECTS: dict[tuple[str, str], dict[str, str]] = {
    ("csc-validator-be-cin", "0.1.13"): {
        "8565": "crashes (ValueError) when the file has a different number of CIN plan and "
        "Section 47 failures: the rule takes its row ids from the wrong table",
        "2886Q": "crashes (ZeroDivisionError) on a census with no children",
    },
    ("csc-validator-be-903", "0.1.17"): {
        "231": "looks up a column UASC_STATUS that the validator never produces (KeyError)",
        "233": "looks up a column DATE_EPISODE_CEASED instead of DEC (KeyError)",
        "709": "looks up a column PLACEMENT instead of PLACE (KeyError) once a DoLo table is given",
        "710": "looks up a column PLACEMENT instead of PLACE (KeyError) once a DoLo table is given",
        "706": "crashes (KeyError) when last year's return has no DoLo table, as no return "
        "before 2026-27 has",
    },
}
# Rules the SSDA903 validator skips whatever the return holds: not a missing table.
KNOWN_SKIPS: dict[tuple[str, str], dict[str, str]] = {
    ("csc-validator-be-903", "0.1.17"): {
        "105": "reads the UASC flag of XML returns only; not applicable to CSV returns",
        **{
            code: "needs Ofsted's lists of children's homes and social care providers, "
            "which are not part of the return"
            for code in ("219", "221", "224", "227", "228", "229", "1008")
        },
    },
}


@dataclass(frozen=True)
class RuleFinding:
    """One rule the file breaks: how many children, and which indicators it affects."""

    code: str
    message: str
    severity: str  # "error" or "query"
    level: str  # "child" or "return"
    children: int
    locations: int
    indicators: tuple[str, ...]
    child_ids: tuple[str, ...] = ()  # only when asked for (``--csv``)


@dataclass(frozen=True)
class RuleNotRun:
    """A rule that crashed inside the validator or was skipped, and why."""

    code: str
    reason: str
    known: bool  # a known validator defect or an always-skipped rule


@dataclass(frozen=True)
class FileValidation:
    """The result of one return: a CIN census file, or one authority-year's SSDA903 tables."""

    kind: str  # "cin" or "903"
    files: tuple[str, ...]
    la: str | None
    year: int | None
    status: str  # "ok", "unreadable", "no_ruleset"
    message: str = ""
    validator: str = ""
    version: str = ""
    ruleset: str = ""
    children: int = 0
    rules_run: int = 0
    findings: tuple[RuleFinding, ...] = ()
    crashed: tuple[RuleNotRun, ...] = ()
    skipped: tuple[RuleNotRun, ...] = ()
    tables: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # Per indicator, the children who break an error rule that affects it (a rule about the
    # whole return counts every child): counts only, when asked for (``by_indicator``).
    indicator_children: tuple[tuple[str, int], ...] = ()

    @property
    def name(self) -> str:
        if self.kind == "cin":
            return self.files[0]
        return f"SSDA903 {self.la} {self.year}"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class _Job:
    kind: str
    files: list[Path]
    la: str | None = None
    year: int | None = None
    previous: list[Path] = field(default_factory=list)
    history: list[Path] = field(default_factory=list)  # every earlier year's tables


class ValidatorUnavailable(StatutoryError):
    """The validators' environment is missing or broken: one line saying what to do."""


def validators_python() -> Path:
    """The validators' interpreter: $PLANTRACKER_VALIDATORS_PYTHON or .venv-validators."""
    given = os.environ.get("PLANTRACKER_VALIDATORS_PYTHON")
    if given:
        return Path(given)
    for root in (Path(__file__).resolve().parents[3], Path.cwd()):
        candidate = root / ".venv-validators" / "bin" / "python"
        if candidate.exists():
            return candidate
    return Path(".venv-validators") / "bin" / "python"


def _jobs(
    paths: Sequence[Path],
    la_ons: str | None,
    only_903: set[tuple[str, int]] | None = None,
) -> tuple[list[_Job], list[Problem]]:
    """The returns under ``paths``: each CIN file, each authority-year's SSDA903 tables
    (``only_903``: just those authority-years; the others are read as previous years)."""
    found, problems = find_files(paths)
    jobs: list[_Job] = []
    tables: dict[tuple[str, int], list[Path]] = defaultdict(list)
    for path in found:
        if path.suffix.lower() == ".xml":
            jobs.append(_Job("cin", [path]))
            continue
        try:
            columns = read_header(path)
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(display_name(path), "cannot be read as UTF-8 CSV"))
            continue
        kind = classify(columns)
        if kind is not None and kind.kind in ("population", "benchmark"):
            continue  # not a return: nothing to validate
        if "CHILD" not in columns:
            problems.append(Problem(display_name(path), "not an SSDA903 table (no CHILD column)"))
            continue
        la, year = la_and_year_from_path(path)
        if la is None or year is None:
            problems.append(
                Problem(
                    display_name(path),
                    "an SSDA903 file's path must name its authority (3 digits) and "
                    "collection year (e.g. ssda903_101_2025_header.csv)",
                )
            )
            continue
        tables[(la, year)].append(path)
    for (la, year), files in sorted(tables.items()):
        if only_903 is not None and (la, year) not in only_903:
            continue
        if la_ons is None and not _synthetic(la):
            problems.append(
                Problem(
                    f"SSDA903 {la} {year}",
                    "give the authority's ONS code with --la-ons (e.g. E09000027): the "
                    "postcode rules compare placements with it",
                )
            )
            continue
        history = [p for (a, y), ps in sorted(tables.items()) if a == la and y < year for p in ps]
        jobs.append(_Job("903", files, la, year, tables.get((la, year - 1), []), history))
    return jobs, problems


def _request(jobs: list[_Job], ruleset: str | None, la_ons: str | None, child_ids: bool) -> str:
    out: list[dict[str, Any]] = []
    for i, job in enumerate(jobs):
        if job.kind == "cin":
            chosen = ruleset if ruleset and ruleset.startswith("cin") else None
            out.append({"id": str(i), "kind": "cin", "file": str(job.files[0].resolve())})
            out[-1]["ruleset"] = chosen
        else:
            chosen = ruleset if ruleset and ruleset.startswith("lac") else None
            out.append(
                {
                    "id": str(i),
                    "kind": "903",
                    "collection_year": str(job.year),
                    "la_ons": la_ons or SYNTHETIC_LA_ONS,
                    "files": [str(p.resolve()) for p in job.files],
                    "previous": [str(p.resolve()) for p in job.previous],
                    "history": [str(p.resolve()) for p in job.history],
                    "ruleset": chosen,
                }
            )
    return json.dumps({"protocol": 1, "child_ids": child_ids, "jobs": out})


def _run_worker(request: str, timeout: float) -> Mapping[str, Any]:
    python = validators_python()
    unavailable = (
        f"the DfE validators are not installed or do not run ({python}): run `make setup`, "
        "or set PLANTRACKER_VALIDATORS_PYTHON to their virtualenv's python"
    )
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    with tempfile.TemporaryDirectory(prefix="plantracker-validate-") as cwd:
        try:
            done = subprocess.run(
                [str(python), "-I", str(WORKER)],
                input=request,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=cwd,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            raise ValidatorUnavailable(unavailable) from None
        except subprocess.TimeoutExpired:
            raise StatutoryError(f"validation took longer than {timeout:.0f} s; stopped") from None
    # The worker's stderr (the validators' logging) is never shown: it may quote values.
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise ValidatorUnavailable(unavailable) from None
    if done.returncode != 0 or not isinstance(answer, dict) or answer.get("protocol") != 1:
        raise ValidatorUnavailable(unavailable)
    return answer


def _indicator_children(
    kind: str, children: int, raw_findings: Sequence[Mapping[str, Any]]
) -> tuple[tuple[str, int], ...]:
    """Per indicator, the distinct children breaking an error rule that affects it."""
    flagged: dict[str, set[str]] = defaultdict(set)
    whole: set[str] = set()
    for f in raw_findings:
        if f["severity"] != "error":
            continue
        for indicator in RULE_INDICATORS.get((kind, f["code"]), ()):
            if f["level"] == "return":
                whole.add(indicator)
            else:
                flagged[indicator].update(f.get("child_ids", ()))
    return tuple(
        sorted(
            (indicator, children if indicator in whole else len(flagged[indicator]))
            for indicator in {*flagged, *whole}
        )
    )


def _result(
    job: _Job,
    raw: Mapping[str, Any],
    versions: Mapping[str, str],
    *,
    child_ids: bool = True,
    by_indicator: bool = False,
) -> FileValidation:
    files = tuple(display_name(p) for p in job.files)
    if raw["status"] != "ok":
        return FileValidation(
            job.kind, files, job.la, job.year, raw["status"], raw.get("message", "")
        )
    validator = raw["validator"]
    version = versions.get(validator, "")
    defects = KNOWN_DEFECTS.get((validator, version), {})
    skips = KNOWN_SKIPS.get((validator, version), {})
    findings = tuple(
        sorted(
            (
                RuleFinding(
                    code=f["code"],
                    message=f["message"],
                    severity=f["severity"],
                    level=f["level"],
                    children=f["children"],
                    locations=f["locations"],
                    indicators=RULE_INDICATORS.get((job.kind, f["code"]), ()),
                    child_ids=tuple(f.get("child_ids", ())) if child_ids else (),
                )
                for f in raw["findings"]
            ),
            key=lambda f: (f.severity != "error", -f.children, f.code),
        )
    )
    crashed = tuple(
        RuleNotRun(
            c["code"],
            defects.get(c["code"], f"crashed inside the validator ({c['exception']})"),
            c["code"] in defects,
        )
        for c in raw["crashed"]
    )
    skipped = tuple(
        RuleNotRun(
            s["code"],
            skips.get(s["code"], "needs " + (", ".join(sorted(s["tables"])) or "a table")),
            s["code"] in skips,
        )
        for s in raw["skipped"]
    )
    return FileValidation(
        kind=job.kind,
        files=files,
        la=job.la,
        year=job.year,
        status="ok",
        validator=validator,
        version=version,
        ruleset=raw["ruleset"],
        children=raw["children"],
        rules_run=raw["rules_run"],
        findings=findings,
        crashed=crashed,
        skipped=skipped,
        tables=tuple(raw.get("tables", ())),
        notes=tuple(raw.get("notes", ())),
        indicator_children=(
            _indicator_children(job.kind, raw["children"], raw["findings"]) if by_indicator else ()
        ),
    )


def validate_returns(
    paths: Sequence[Path],
    *,
    ruleset: str | None = None,
    la_ons: str | None = None,
    child_ids: bool = False,
    timeout: float = TIMEOUT_SECONDS,
    years: Collection[int] | None = None,
) -> list[FileValidation]:
    """Run the DfE rules on CIN census XML files and SSDA903 CSV tables (files or folders).

    SSDA903 tables are grouped by the authority and collection year their paths name; the
    earlier years' tables of the same authority, when given too, are passed as such (last
    year's to every rule, every earlier year's Episodes to 1001 and 1002). The
    rule set defaults to each return's collection year (``ruleset`` "cin…" or "lac…"
    overrides it for that kind). ``years``: validate only the returns of these collection
    years; the other files given still serve as earlier years' tables. Raises
    ``StatutoryError`` naming every problem with the paths, ``ValidatorUnavailable`` when the
    validators cannot be run.
    """
    if ruleset is not None and not ruleset.startswith(("cin20", "lac20")):
        raise StatutoryError(f"--ruleset {ruleset}: a rule set is named cin20YY_YY or lac20YY_YY")
    jobs, problems = _jobs(paths, la_ons)
    if problems:
        raise StatutoryError(problems)
    if years is not None:
        jobs = [
            j
            for j in jobs
            if (j.year if j.kind == "903" else la_and_year_from_path(j.files[0])[1]) in years
        ]
    if not jobs:
        raise StatutoryError("no .xml or .csv files found")
    return _validate_jobs(jobs, ruleset, la_ons, child_ids=child_ids, timeout=timeout)


def _validate_jobs(
    jobs: list[_Job],
    ruleset: str | None,
    la_ons: str | None,
    *,
    child_ids: bool = False,
    by_indicator: bool = False,
    timeout: float = TIMEOUT_SECONDS,
) -> list[FileValidation]:
    # Per-indicator counts need the ids in memory here; they are dropped unless asked for.
    request = _request(jobs, ruleset, la_ons, child_ids or by_indicator)
    answer = _run_worker(request, timeout)
    return _earlier_years_as_history(
        [
            _result(job, raw, answer["validators"], child_ids=child_ids, by_indicator=by_indicator)
            for job, raw in zip(jobs, answer["results"], strict=True)
        ]
    )


def _earlier_years_as_history(results: list[FileValidation]) -> list[FileValidation]:
    """SSDA903 years older than every rule set, given beside a later year of the authority:
    there as that year's history (rules 1001, 1002), not a return to validate. They are
    left out of the results and named in the later years' notes."""
    validated = {(r.la, r.year) for r in results if r.kind == "903" and r.status == "ok"}
    history = {
        (r.la, r.year)
        for r in results
        if r.kind == "903"
        and r.status == "no_ruleset"
        and r.year is not None
        and any(la == r.la and y is not None and y > r.year for la, y in validated)
    }
    if not history:
        return results
    out = []
    for r in results:
        if (r.la, r.year) in history:
            continue
        earlier = sorted(y for la, y in history if la == r.la and r.year and y < r.year)
        if r.kind == "903" and earlier and r.status == "ok":
            years = ", ".join(str(y) for y in earlier)
            note = f"earlier returns read as history only (no rule set for their years): {years}"
            r = replace(r, notes=(*r.notes, note))
        out.append(r)
    return out


@dataclass(frozen=True)
class ReturnSkipped:
    """A return whose validation could not run at load, and why."""

    kind: str  # "cin" or "ssda903"
    la: str | None
    year: int | None
    name: str
    reason: str


def validate_for_load(
    cin_files: Sequence[tuple[Path, str, int]],
    ssda903: set[tuple[str, int]],
    search: Sequence[Path],
    *,
    la_ons: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> tuple[list[FileValidation], list[ReturnSkipped]]:
    """Validate what ``statutory load`` loaded: the CIN files, and the SSDA903 authority-years
    ``ssda903`` with their tables (and the previous year's) found under ``search``. CIN
    files come with the authority and year the loader read in them.

    Never raises for a return it cannot validate: each comes back as ``ReturnSkipped`` with
    the reason (the validators missing, a path that does not name its authority, ...), so
    that loading goes on. Results carry per-indicator counts of children with errors, and no
    child id.
    """
    jobs: list[_Job] = [_Job("cin", [path], la, year) for path, la, year in cin_files]
    skipped: list[ReturnSkipped] = []
    if ssda903:
        found, problems = _jobs(search, la_ons, ssda903)
        jobs += [job for job in found if job.kind == "903"]
        done = {(job.la, job.year) for job in found if job.kind == "903"}
        said = {p.file: p.message for p in problems}
        skipped += [
            ReturnSkipped(
                "ssda903",
                la,
                year,
                f"SSDA903 {la} {year}",
                said.get(
                    f"SSDA903 {la} {year}",
                    "the validators group SSDA903 tables by the authority and year their "
                    "paths name (e.g. ssda903_101_2025_header.csv)",
                ),
            )
            for la, year in sorted(ssda903)
            if (la, year) not in done
        ]
    if not jobs:
        return [], skipped
    try:
        return _validate_jobs(jobs, None, la_ons, by_indicator=True, timeout=timeout), skipped
    except StatutoryError as exc:  # ValidatorUnavailable, a timeout
        reason = str(exc)
        return [], skipped + [
            ReturnSkipped(
                "cin" if job.kind == "cin" else "ssda903",
                job.la,
                job.year,
                display_name(job.files[0]) if job.kind == "cin" else f"SSDA903 {job.la} {job.year}",
                reason,
            )
            for job in jobs
        ]


def worker_command() -> list[str]:
    """How the worker is started (for the benchmarks and ``--help``)."""
    return [str(validators_python()), "-I", str(WORKER)]


__all__ = [
    "KNOWN_DEFECTS",
    "KNOWN_SKIPS",
    "RULE_INDICATORS",
    "FileValidation",
    "ReturnSkipped",
    "RuleFinding",
    "RuleNotRun",
    "ValidatorUnavailable",
    "validate_for_load",
    "validate_returns",
    "validators_python",
]
