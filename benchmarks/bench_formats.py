"""How long the committee formats take (docs/benchmarks.md).

In-process, after imports: for the example plan, evaluate + build the report model + render
as Word, PowerPoint and Excel (each from a cold chart cache: every chart drawn afresh), and
write and read the plan workbook. Then the plan workbook at synthetic scales. Each figure is
the best of three runs, wall clock and CPU (CPU time is what a busy machine does not
inflate). Target: each format of the example under 2 s.

    .venv/bin/python -m benchmarks formats
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.planfile import load_plan
from plantracker.planfile.xlsx import load_workbook_bytes
from plantracker.planfile.xlsx.write import workbook_bytes
from plantracker.reports import charts
from plantracker.reports.build import build_report
from plantracker.reports.docx import render_docx
from plantracker.reports.pptx import render_pptx
from plantracker.reports.xlsx import render_xlsx
from plantracker.synth import synth_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
PERIOD = "2018-19-Q2"
TARGET = 2.0
SCALES = (1, 5, 10)


def _best(work: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of ``repeat`` runs, each with no chart drawn."""
    walls, cpus = [], []
    for _ in range(repeat):
        charts.clear_cache()
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def _line(name: str, timing: tuple[float, float], extra: str = "", target: bool = True) -> bool:
    wall, cpu = timing
    verdict = ""
    if target:
        verdict = f"  target < {TARGET:g} s: {'met' if wall < TARGET else 'MISSED'}"
    print(f"{name:<28} {wall:7.3f} s (cpu {cpu:6.3f}){extra}{verdict}")
    return not target or wall < TARGET


def _report(plan: Plan, render: Callable[..., bytes]) -> Callable[[], object]:
    return lambda: render(build_report(evaluate(plan, PERIOD)))


def main() -> int:
    plan = load_plan(EXAMPLE)
    # Warm the imports and font caches (not the chart caches) before measuring.
    render_xlsx(build_report(evaluate(plan, PERIOD)))
    render_pptx(build_report(evaluate(plan, PERIOD)))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = True
    sizes = {}
    for name, render in (("docx", render_docx), ("pptx", render_pptx), ("xlsx", render_xlsx)):
        sizes[name] = len(render(build_report(evaluate(plan, PERIOD))))
        ok &= _line(
            f"example report {name}", _best(_report(plan, render)), f"  {sizes[name]:,} bytes"
        )
    data = workbook_bytes(plan)
    ok &= _line(
        "example plan workbook write", _best(lambda: workbook_bytes(plan)), f"  {len(data):,} bytes"
    )
    ok &= _line("example plan workbook read", _best(lambda: load_workbook_bytes(data, "x")))
    for scale in SCALES:
        big = synth_plan(scale, seed=1)
        items = sum(
            len(rec.actions) + len(rec.kpis) + len(rec.quality) + len(rec.feedback)
            for rec in big.recommendations
        )
        written = workbook_bytes(big)
        _line(
            f"synth {scale:>2} workbook write",
            _best(lambda b=big: workbook_bytes(b), 1),
            f"  {items:,} items, {len(written):,} bytes",
            target=False,
        )
        _line(
            f"synth {scale:>2} workbook read",
            _best(lambda w=written: load_workbook_bytes(w, "x"), 1),
            target=False,
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
