"""How long the quarterly report takes to build (docs/benchmarks.md).

In-process, after imports: evaluate + build the report model + render, for the example plan
(HTML and PDF) and for synthetic plans at several scales (HTML), each from a cold chart
cache (every chart drawn afresh) and again warm. Then one profile of the example's PDF, to
say where the time goes: charts (matplotlib), templates (Django), layout (WeasyPrint).

    .venv/bin/python -m benchmarks report

With ``BENCH_REPORT_EXAMPLE=1`` only the example's lines are run (HTML and PDF, cold and
warm, and the profile), about half a minute on a quiet machine:

    BENCH_REPORT_EXAMPLE=1 .venv/bin/python -m benchmarks report
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.reports import charts
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html
from plantracker.reports.pdf import render_pdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
EXAMPLE_PERIOD = "2018-19-Q2"
SCALES = (1, 5, 10, 20)
TARGETS = {"example html": 1.0, "example pdf": 4.0, "synth 20 html": 15.0}


def _load(path: Path) -> Plan:
    from plantracker.planfile import load_plan

    return load_plan(path)


def _synth(scale: int) -> Plan:
    """A synthetic plan ``scale`` times the example's size (``plantracker synth``)."""
    from plantracker.synth import synth_plan

    return synth_plan(scale, seed=1)


def _time(work: Callable[[], object], *, cold: bool, repeat: int = 3) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of ``repeat`` runs (best: least disturbed by
    whatever else the machine is doing). ``cold`` forgets the drawn charts before each."""
    walls, cpus = [], []
    for _ in range(repeat):
        if cold:
            charts.clear_cache()
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def _html(plan: Plan, period: str) -> Callable[[], object]:
    return lambda: render_html(build_report(evaluate(plan, period)))


def _pdf(plan: Plan, period: str) -> Callable[[], object]:
    return lambda: render_pdf(build_report(evaluate(plan, period)))


def _line(name: str, cold: tuple[float, float], warm: tuple[float, float], extra: str = "") -> None:
    target = TARGETS.get(name)
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:g} s: {'met' if cold[0] < target else 'MISSED'}"
    print(
        f"{name:<16} cold {cold[0]:7.3f} s (cpu {cold[1]:6.3f})   "
        f"warm {warm[0]:7.3f} s (cpu {warm[1]:6.3f}){extra}{verdict}"
    )


def _profile(plan: Plan, period: str) -> None:
    charts.clear_cache()
    profiler = cProfile.Profile()
    profiler.enable()
    _pdf(plan, period)()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = sum(row[3] for row in stats.stats.values() if row[4] == {})  # type: ignore[attr-defined]
    buckets = {"charts (matplotlib)": 0.0, "templates (Django)": 0.0, "WeasyPrint": 0.0}
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        if filename.endswith("reports/charts.py") and function in {
            "_donut_drawing",
            "_trend_drawing",
        }:
            buckets["charts (matplotlib)"] += cumulative
        elif filename.endswith("reports/html.py") and function == "render_html":
            buckets["templates (Django)"] += cumulative
        elif filename.endswith("reports/pdf.py") and function == "render_pdf":
            buckets["WeasyPrint"] += cumulative
    # render_html includes the charts it draws; render_pdf includes render_html.
    charts_s = buckets["charts (matplotlib)"]
    templates_s = buckets["templates (Django)"] - charts_s
    weasy_s = buckets["WeasyPrint"] - buckets["templates (Django)"]
    print(f"\nprofile of the example's PDF (cold charts; {total:.2f} s under the profiler):")
    for name, seconds in (
        ("charts (matplotlib)", charts_s),
        ("templates (Django)", templates_s),
        ("WeasyPrint layout + PDF", weasy_s),
        ("rules + report model", total - charts_s - templates_s - weasy_s),
    ):
        print(f"  {name:<26} {seconds:6.2f} s  {100 * seconds / total:4.0f} %")


def main() -> int:
    example = _load(EXAMPLE)
    # Warm the imports and the template cache, as a long-running process would be.
    _pdf(example, EXAMPLE_PERIOD)()

    for name, work in (
        ("example html", _html(example, EXAMPLE_PERIOD)),
        ("example pdf", _pdf(example, EXAMPLE_PERIOD)),
    ):
        _line(name, _time(work, cold=True), _time(work, cold=False))

    previous: tuple[int, float] | None = None
    for scale in () if os.environ.get("BENCH_REPORT_EXAMPLE") else SCALES:
        plan = _synth(scale)
        period = plan.periods[-1].id
        items = sum(
            len(rec.actions) + len(rec.kpis) + len(rec.quality) + len(rec.feedback)
            for rec in plan.recommendations
        )
        work = _html(plan, period)
        cold = _time(work, cold=True, repeat=2)
        extra = f"   {items:6d} items  {1000 * cold[1] / items:5.2f} cpu ms/item"
        if previous is not None:
            extra += f"   ×{cold[1] / previous[1]:.1f} cpu for ×{items / previous[0]:.1f} items"
        _line(f"synth {scale} html", cold, _time(work, cold=False, repeat=2), extra)
        previous = (items, cold[1])

    _profile(example, EXAMPLE_PERIOD)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
