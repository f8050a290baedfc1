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
``PLANTRACKER_BENCH_CLI_FILES`` (default: all) limits how many CIN files the command line
runs on at each size (it takes minutes per file); its per-file mean is then given.
``PLANTRACKER_BENCH_SIZES`` (e.g. "5x2") runs only those sizes (authorities x years).
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


def _measure(base: Path, las: int, years: int, cli_files: int | None) -> None:
    out = base / f"returns-{las}x{years}"
    synth_returns(out, las=las, years=years, end_year=END_YEAR, seed=1)
    census = sorted(out.rglob("cin_census_*.xml"))
    tables = sorted(p for p in out.rglob("ssda903_*.csv"))
    print(
        f"\n{las * years} authority-year(s): {len(census)} CIN files, {len(tables)} SSDA903 tables"
    )
    print(f"  load average before: {_load()}")
    cpu, start = _children_cpu(), time.perf_counter()
    results = validate_returns([*census, *tables])
    wall, used = time.perf_counter() - start, _children_cpu() - cpu
    children = sum(r.children for r in results if r.kind == "cin")
    print(
        f"  ours, statutory validate (CIN + SSDA903, {children} CIN children): "
        f"{wall:.1f} s wall, {used:.1f} s CPU; load average after: {_load()}"
    )
    cpu, start = _children_cpu(), time.perf_counter()
    cin_only = validate_returns(census)
    wall, used = time.perf_counter() - start, _children_cpu() - cpu
    print(f"  ours, CIN files only: {wall:.1f} s wall, {used:.1f} s CPU")
    failed = [r.name for r in [*results, *cin_only] if r.status != "ok"]
    if failed:
        print(f"  not validated: {', '.join(failed)}")
    chosen = census if cli_files is None else census[:cli_files]
    python = str(validators_python())
    total_wall = total_cpu = 0.0
    for path in chosen:
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(
            [python, "-m", "cin_validator", "run", str(path), "-r", _ruleset(path)],
            cwd=base,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        total_wall += time.perf_counter() - start
        total_cpu += _children_cpu() - cpu
    if chosen:
        print(
            f"  theirs, python -m cin_validator run, {len(chosen)} of {len(census)} CIN "
            f"file(s): {total_wall:.1f} s wall, {total_cpu:.1f} s CPU "
            f"({total_wall / len(chosen):.1f} s per file); load average after: {_load()}"
        )


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
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as folder:
        for las, years in sizes:
            _measure(Path(folder), las, years, cli_files)


if __name__ == "__main__":
    main()
