"""Statutory returns: load time against a bare lxml parse, indicators against pandas.

For 10 authorities × 5 collection years, then 33 × 5 (a regional alliance), all synthetic:

- load: ``load_paths`` (one process, and with a worker per core) against the floor any
  loader has to pay, a bare streaming parse of the same files (lxml iterparse over every
  ``Child``, clearing as it goes, and ``csv.reader`` over every CSV). Target: within 3×.
- indicators: ``compute_indicators`` (DuckDB) against the same definitions written in
  vectorised pandas, as a capable analyst would (sort, shift, group, no row loops), both
  starting from the same store on disk. Both give the same numerators and denominators
  (checked). Target: at least 10× faster than pandas, under 10 s.

Run: ``make bench`` or ``.venv/bin/python -m benchmarks statutory``. Set
PLANTRACKER_BENCH_SCALES (e.g. "10") to run fewer scales, PLANTRACKER_BENCH_DIR to keep the
files somewhere other than a temporary folder. pandas is a development dependency only.
"""

from __future__ import annotations

import csv
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from lxml import etree

from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.derive import rebuild
from plantracker.statutory.indicators import Window, indicators_from
from plantracker.statutory.values import (
    EET_ACTIVITY_CODES,
    HIGHER_EDUCATION_ACTIVITY_CODES,
    IN_TOUCH_EXCLUDED,
)
from plantracker.synth.returns import synth_returns

YEARS = 5
END_YEAR = 2025
AS_OF = date(2025, 3, 31)
REPEATS = 5
LOAD_REPEATS = 2


def machine() -> str:
    model = "unknown CPU"
    memory = "unknown RAM"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return (
        f"{date.today().isoformat()}, {os.cpu_count()} CPUs ({model}), {memory}, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"lxml {'.'.join(map(str, etree.LXML_VERSION[:3]))}, pandas {pd.__version__}"
    )


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def bare_parse(folder: Path) -> int:
    """The floor: stream every Child and every CSV row, extracting nothing."""
    elements = 0
    for path in sorted(folder.rglob("*.xml")):
        for _, el in etree.iterparse(str(path), events=("end",), tag="Child"):
            elements += 1
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    for path in sorted(folder.rglob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            elements += sum(1 for _ in csv.reader(handle))
    return elements


# --- the same definitions in pandas -------------------------------------------------------


def _years(series: pd.Series, n: int) -> pd.Series:
    return series - pd.DateOffset(years=n)


def pandas_indicators(store: Path, as_of: date) -> dict[str, tuple[int | None, int | None]]:
    """Every indicator for all authorities together, from the store's tables, in pandas."""
    window = Window.to(as_of)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.as_of)
    with duckdb.connect(str(store), read_only=True) as con:
        referrals = con.execute("SELECT la, child, referral_date FROM cin_referral").df()
        plans = con.execute(
            "SELECT la, year, child, start_date, end_date, previous_plans FROM cp_plan"
        ).df()
        sources = con.execute("SELECT kind, la, year, reference_date FROM sources").df()
        leavers = con.execute(
            "SELECT la, year, child, birth_month, in_touch, activity FROM care_leaver"
        ).df()
        population = con.execute("SELECT la, year, population FROM population").df()
    for frame, columns in (
        (referrals, ["referral_date"]),
        (plans, ["start_date", "end_date"]),
        (sources, ["reference_date"]),
        (leavers, ["birth_month"]),
    ):
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
    out: dict[str, tuple[int | None, int | None]] = {}

    r = referrals.drop_duplicates().sort_values(["la", "child", "referral_date"])
    previous = r.groupby(["la", "child"], sort=False)["referral_date"].shift()
    in_window = (r["referral_date"] > start) & (r["referral_date"] <= end)
    again = previous >= _years(r["referral_date"], 1)
    out["re_referrals_12m"] = (int((in_window & again).sum()), int(in_window.sum()))

    cin = sources[sources["kind"] == "cin"]
    last_year = cin.groupby("la")["year"].max().rename("last_year")
    p = (
        plans.sort_values("year", ascending=False)
        .drop_duplicates(["la", "child", "start_date"])
        .merge(last_year, left_on="la", right_index=True)
        .merge(cin[["la", "year", "reference_date"]], on=["la", "year"])
    )
    inferred = p["end_date"].isna() & (p["year"] < p["last_year"])
    p["end_inferred"] = inferred
    p["effective_end"] = p["end_date"].where(~inferred, p["reference_date"] + pd.Timedelta(days=1))
    p = p.sort_values(["la", "child", "start_date"])
    keys = ["la", "child"]
    grouped = p.groupby(keys, sort=False)
    p["earlier_plans"] = grouped.cumcount()
    p["running_end"] = grouped["effective_end"].cummax()
    p["running_end"] = p.groupby(keys, sort=False)["running_end"].ffill()
    p["previous_end"] = p.groupby(keys, sort=False)["running_end"].shift()
    started = p[(p["start_date"] > start) & (p["start_date"] <= end)]
    ever = (started["previous_plans"].fillna(0) > 0) | (started["earlier_plans"] > 0)
    within = (started["previous_end"] <= started["start_date"]) & (
        started["previous_end"] >= _years(started["start_date"], 2)
    )
    out["repeat_cp_plans"] = (int(ever.sum()), len(started))
    out["repeat_cp_plans_2y"] = (int(within.sum()), len(started))
    ended = p[(p["effective_end"] > start) & (p["effective_end"] <= end) & ~p["end_inferred"]]
    long = ended["end_date"] >= ended["start_date"] + pd.DateOffset(years=2)
    out["cp_plans_2y_plus"] = (int(long.sum()), len(ended))
    open_on = p[(p["start_date"] <= end) & (p["effective_end"].isna() | (p["effective_end"] > end))]
    on_plan = len(open_on[keys].drop_duplicates())
    out["cp_number"] = (on_plan, None)
    mid_year = as_of.year if as_of >= date(as_of.year, 6, 30) else as_of.year - 1
    estimates = population[population["year"] <= mid_year].sort_values("year")
    people = int(estimates.groupby("la")["population"].last().sum())
    out["cp_rate"] = (on_plan, people)

    c = leavers.copy()
    month = c["birth_month"].dt.month
    c["birthday_year"] = c["year"].where(month < 4, c["year"] - 1)
    c["age"] = c["birthday_year"] - c["birth_month"].dt.year
    c["birthday_month"] = pd.to_datetime(
        pd.DataFrame({"year": c["birthday_year"], "month": month, "day": 1})
    )
    c = c.sort_values("year", ascending=False).drop_duplicates(["la", "child", "birthday_month"])
    group = c[
        c["age"].between(19, 21)
        & ~c["in_touch"].fillna("").isin(IN_TOUCH_EXCLUDED)
        & (c["birthday_month"] > start)
        & (c["birthday_month"] <= end)
    ]
    out["care_leavers_eet"] = (int(group["activity"].isin(EET_ACTIVITY_CODES).sum()), len(group))
    out["care_leavers_he"] = (
        int(group["activity"].isin(HIGHER_EDUCATION_ACTIVITY_CODES).sum()),
        len(group),
    )
    return out


def duckdb_figures(store: Path, as_of: date) -> dict[str, tuple[int | None, int | None]]:
    results = compute_indicators(store, as_of, None, suppress=False)
    return {name: (r.numerator, r.denominator) for name, r in results.items()}


# --- one scale ----------------------------------------------------------------------------


def run_scale(base: Path, las: int, jobs: int) -> dict[str, float]:
    folder = base / f"returns_{las}"
    took: dict[str, float] = {}
    started = time.perf_counter()
    report = synth_returns(folder, las=las, years=YEARS, end_year=END_YEAR, seed=1, jobs=jobs)
    took["synth"] = time.perf_counter() - started
    megabytes = report.bytes / 1e6
    print(
        f"{las} authorities × {YEARS} years: {report.files} files, {megabytes:.0f} MB, "
        f"{report.cin_children} CIN census child records (synth {took['synth']:.1f} s)"
    )

    bare_parse(folder)  # warm the page cache so that both sides read from memory
    took["bare"] = took["bare_cpu"] = float("inf")
    for _ in range(LOAD_REPEATS):
        cpu = time.process_time()
        wall, _ = best_of(1, lambda: bare_parse(folder))
        took["bare"] = min(took["bare"], wall)
        took["bare_cpu"] = min(took["bare_cpu"], time.process_time() - cpu)
    stores = {}
    for label, workers in (("load", 1), ("load_parallel", jobs)):
        store = base / f"{label}_{las}.duckdb"
        took[label] = took[f"{label}_cpu"] = float("inf")
        for _ in range(LOAD_REPEATS):
            for old in (store, store.with_name(store.name + ".key")):
                old.unlink(missing_ok=True)
            cpu = time.process_time()
            started = time.perf_counter()
            result = load_paths([folder], store, jobs=workers)
            took[label] = min(took[label], time.perf_counter() - started)
            # CPU of this process only (the workers' is not counted for the parallel load).
            took[f"{label}_cpu"] = min(took[f"{label}_cpu"], time.process_time() - cpu)
            assert not result.refused
        stores[label] = store
    store = stores["load"]
    with duckdb.connect(str(store)) as con:
        started = time.perf_counter()
        rebuild(con)
        took["derive"] = time.perf_counter() - started
    bare, load = took["bare"], took["load"]
    print(
        f"  bare lxml + csv parse      {bare:7.2f} s  ({megabytes / bare:.0f} MB/s; "
        f"CPU {took['bare_cpu']:.2f} s)"
    )
    print(
        f"  load, 1 process            {load:7.2f} s  {load / bare:.2f}× the bare parse "
        f"(target ≤ 3×); CPU {took['load_cpu']:.2f} s, "
        f"{took['load_cpu'] / took['bare_cpu']:.2f}× the bare parse's CPU"
    )
    print(
        f"  load, {jobs} worker processes  {took['load_parallel']:7.2f} s  "
        f"{took['load_parallel'] / bare:.2f}× the bare parse"
    )
    print(
        f"    of which derived tables  {took['derive']:7.2f} s  (rebuilt at the end of each load)"
    )
    print(f"  store size                 {store.stat().st_size / 1e6:7.1f} MB")

    took["duckdb"], ours = best_of(REPEATS, lambda: duckdb_figures(store, AS_OF))
    took["pandas"], theirs = best_of(REPEATS, lambda: pandas_indicators(store, AS_OF))
    with duckdb.connect(str(store), read_only=True) as con:
        cin_las = "SELECT DISTINCT la FROM sources WHERE kind = 'cin' ORDER BY 1"
        las_in_store = [r[0] for r in con.execute(cin_las).fetchall()]
        took["duckdb_per_la"], _ = best_of(
            REPEATS, lambda: [indicators_from(con, AS_OF, la) for la in las_in_store]
        )
        took["duckdb_raw"], raw = best_of(
            REPEATS, lambda: indicators_from(con, AS_OF, None, suppress=False, from_raw=True)
        )
    if ours != theirs or ours != {n: (r.numerator, r.denominator) for n, r in raw.items()}:
        print(f"  MISMATCH duckdb {ours} pandas {theirs}")
        raise SystemExit(1)
    pandas_time = took["pandas"]
    print(
        f"  indicators, DuckDB         {took['duckdb']:7.3f} s  all authorities together, "
        f"best of {REPEATS} (figures equal pandas')"
    )
    print(f"  indicators, DuckDB per LA  {took['duckdb_per_la']:7.3f} s  for all {las} one by one")
    print(
        f"  indicators, pandas         {pandas_time:7.3f} s  → DuckDB "
        f"{pandas_time / took['duckdb']:.1f}× faster (target ≥ 10×, < 10 s)"
    )
    print(
        f"  indicators, DuckDB raw     {took['duckdb_raw']:7.3f} s  deriving on the fly "
        f"→ {pandas_time / took['duckdb_raw']:.1f}× faster than pandas"
    )
    shutil.rmtree(folder)
    for s in stores.values():
        s.unlink()
        s.with_name(s.name + ".key").unlink()
    return took


def main() -> int:
    print(machine())
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    scales = [int(s) for s in os.environ.get("PLANTRACKER_BENCH_SCALES", "10,33").split(",")]
    jobs = os.cpu_count() or 1
    chosen = os.environ.get("PLANTRACKER_BENCH_DIR")
    base = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="plantracker-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for las in scales:
            run_scale(base, las, jobs)
    finally:
        if not chosen:
            shutil.rmtree(base, ignore_errors=True)
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
