"""Discover and run benchmarks/bench_*.py; each module's main() prints its own measurements."""

import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PREFIX = "bench_"


def discover() -> list[str]:
    """Names of the benchmark modules beside this file, in alphabetical order."""
    here = Path(__file__).resolve().parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if info.name.startswith(PREFIX)
    )


def machine_line() -> str:
    """What docs/benchmarks.md needs to place a result: when, where, which Python."""
    today = datetime.date.today().isoformat()
    return (
        f"{today} · {platform.machine()} · {os.cpu_count()} cores · "
        f"{platform.python_implementation()} {platform.python_version()} · {platform.platform()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "topics", nargs="*", help="benchmarks to run, e.g. `rating` for bench_rating (default: all)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available) if available else "no benchmarks")
        return 0

    wanted = [t if t.startswith(PREFIX) else PREFIX + t for t in args.topics] or available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        known = ", ".join(available) or "none"
        print(f"unknown benchmark(s): {', '.join(unknown)} (known: {known})", file=sys.stderr)
        return 2
    if not wanted:
        print("no benchmarks yet: add benchmarks/bench_<topic>.py with a main() function")
        return 0

    print(machine_line())
    failed: list[str] = []
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        entry = getattr(module, "main", None)
        if not callable(entry):
            print(f"{name}: has no main() function", file=sys.stderr)
            failed.append(name)
            continue
        print(f"\n== {name}")
        started = time.perf_counter()
        status = entry()
        print(f"== {name}: {time.perf_counter() - started:.1f} s in all")
        if status not in (None, 0):
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
