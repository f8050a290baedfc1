"""DfE validation: ``statutory validate`` against the CIN validator's own command line.

For 1 and then 10 authority-years of synthetic returns at the default size (``statutory
synth --seed 1``: ``--las 1 --years 1`` and ``--las 5 --years 2``):

- ours: ``validate_returns`` on every CIN census file and SSDA903 table (one worker process
  in ``.venv-validators``, the linear CIN reader; ADR 0065), wall clock and the worker's
  CPU time;
- theirs: ``python -m cin_validator run FILE -r RULESET`` on each CIN census file, the same
  files (the package's own reader and report). The SSDA903 command line reads two fixed
  files and hard-codes its year and authority, so it cannot run these returns: SSDA903 is
  timed for ours only.

The machine is shared: the load average before and after each measurement is printed.
The command line's CPU time is measured per file (that process's own resource usage) and
printed as each file finishes, so that a run stopped early still gives its figures.
``PLANTRACKER_BENCH_CLI_FILES`` (default: all) limits how many CIN files the command line
runs on at each size (it takes minutes per file); the per-file mean and its extrapolation
to every file are then given. ``PLANTRACKER_BENCH_CLI_JOBS`` (default 1) runs that many
command lines at once (CPU time stays per file); ``PLANTRACKER_BENCH_CLI_ORDER=smallest``
takes the files smallest first, so that a run stopped early has measured as many as it
could. ``PLANTRACKER_BENCH_PARTS`` ("ours" or
"theirs"; default both) runs only one side. ``PLANTRACKER_BENCH_SIZES`` (e.g. "5x2") runs
only those sizes (authorities x years).
Run: ``make bench`` or ``.venv/bin/python -m benchmarks validate``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from plantracker.statutory.validation import validate_returns, validators_python
from plantracker.synth.returns import synth_returns

SIZES = [(1, 1), (5, 2)]  # every year with a rule set (2023-24, 2024-25)  # (authorities, years)
END_YEAR = 2025


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (5-min {five:.1f})"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ruleset(path: Path) -> str:
    year = int(path.stem[-4:])
    return f"cin{year - 1}_{year % 100:02d}"


def _ours(census: list[Path], tables: list[Path]) -> None:
    print(f"  load average before: {_load()}", flush=True)
    cpu, start = _children_cpu(), time.perf_counter()
    results = validate_returns([*census, *tables])
    wall, used = time.perf_counter() - start, _children_cpu() - cpu
    children = sum(r.children for r in results if r.kind == "cin")
    print(
        f"  ours, statutory validate (CIN + SSDA903, {children} CIN children): "
        f"{wall:.1f} s wall, {used:.1f} s CPU; load average after: {_load()}",
        flush=True,
    )
    cpu, start = _children_cpu(), time.perf_counter()
    cin_only = validate_returns(census)
    wall, used = time.perf_counter() - start, _children_cpu() - cpu
    print(f"  ours, CIN files only: {wall:.1f} s wall, {used:.1f} s CPU", flush=True)
    failed = [r.name for r in [*results, *cin_only] if r.status != "ok"]
    if failed:
        print(f"  not validated: {', '.join(failed)}")


def _children_in(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(line.count(b"<Child>") for line in handle)


def _theirs(
    base: Path, census: list[Path], cli_files: int | None, jobs: int, smallest: bool
) -> None:
    """``python -m cin_validator run`` on each chosen file, ``jobs`` at a time; each file's
    CPU time is its own process's (``os.wait4``), printed as soon as it finishes."""
    ordered = sorted(census, key=lambda p: p.stat().st_size) if smallest else census
    chosen = ordered if cli_files is None else ordered[:cli_files]
    if not chosen:
        return
    python = str(validators_python())
    print(
        f"  theirs, python -m cin_validator run: {len(chosen)} of {len(census)} CIN file(s), "
        f"{jobs} at a time; load average before: {_load()}",
        flush=True,
    )
    waiting = list(chosen)
    running: dict[int, tuple[Path, subprocess.Popen[bytes], float, Path]] = {}
    cpus: list[float] = []
    finished = 0
    started = time.perf_counter()
    while waiting or running:
        while waiting and len(running) < jobs:
            path = waiting.pop(0)
            errors = base / f"{path.stem}.stderr"
            with open(errors, "wb") as stderr:
                process = subprocess.Popen(
                    [python, "-m", "cin_validator", "run", str(path), "-r", _ruleset(path)],
                    cwd=base,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            running[process.pid] = (path, process, time.perf_counter(), errors)
        for pid in list(running):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done == 0:
                continue
            path, process, began, errors = running.pop(pid)
            process.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            finished += 1
            name = f"{finished}/{len(chosen)} {path.parent.name}/{path.name}"
            if process.returncode != 0:
                # The exception's class only: its message may quote a value of the file.
                last = ["", *errors.read_text(errors="replace").strip().splitlines()][-1]
                print(
                    f"    {name}: the command line failed (exit {process.returncode}, "
                    f"{last.partition(':')[0][:80] or 'no message'}) after {cpu:.1f} s CPU",
                    flush=True,
                )
                continue
            cpus.append(cpu)
            print(
                f"    {name} ({_children_in(path)} children): "
                f"{time.perf_counter() - began:.1f} s wall, {cpu:.1f} s CPU; "
                f"load average {_load()}",
                flush=True,
            )
        if running:
            time.sleep(2)
    if not cpus:
        return
    mean = sum(cpus) / len(cpus)
    print(
        f"  theirs, {len(cpus)} of {len(census)} CIN file(s): {sum(cpus):.1f} s CPU in all, "
        f"{mean:.1f} s CPU per file (min {min(cpus):.1f}, max {max(cpus):.1f}), "
        f"{time.perf_counter() - started:.1f} s wall; load average after: {_load()}",
        flush=True,
    )
    if len(cpus) < len(census):
        print(
            f"  theirs, extrapolated to all {len(census)} files: about "
            f"{mean * len(census):.0f} s CPU (the measured mean per file x {len(census)})",
            flush=True,
        )


def _measure(
    base: Path,
    las: int,
    years: int,
    parts: set[str],
    cli_files: int | None,
    jobs: int,
    smallest: bool,
) -> None:
    out = base / f"returns-{las}x{years}"
    synth_returns(out, las=las, years=years, end_year=END_YEAR, seed=1)
    census = sorted(out.rglob("cin_census_*.xml"))
    tables = sorted(p for p in out.rglob("ssda903_*.csv"))
    print(
        f"\n{las * years} authority-year(s): {len(census)} CIN files, {len(tables)} SSDA903 tables",
        flush=True,
    )
    if "ours" in parts:
        _ours(census, tables)
    if "theirs" in parts:
        _theirs(base, census, cli_files, jobs, smallest)


def main() -> None:
    if not validators_python().exists():
        print(f"bench_validate: the DfE validators are not installed ({validators_python()})")
        return
    limit = os.environ.get("PLANTRACKER_BENCH_CLI_FILES")
    cli_files = int(limit) if limit else None
    given = os.environ.get("PLANTRACKER_BENCH_SIZES")
    sizes = (
        [(int(a), int(b)) for a, _, b in (s.partition("x") for s in given.split(","))]
        if given
        else SIZES
    )
    parts = set((os.environ.get("PLANTRACKER_BENCH_PARTS") or "ours,theirs").split(","))
    jobs = max(1, int(os.environ.get("PLANTRACKER_BENCH_CLI_JOBS") or 1))
    smallest = os.environ.get("PLANTRACKER_BENCH_CLI_ORDER") == "smallest"
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as folder:
        for las, years in sizes:
            _measure(Path(folder), las, years, parts, cli_files, jobs, smallest)


if __name__ == "__main__":
    main()
