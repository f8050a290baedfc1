"""Load + validate + summarise synthetic plans at scale 1, 10 and 100 (docs/benchmarks.md).

For each scale, ``plantracker.synth`` writes a plan into a temporary folder (nothing is
written into the repository), then each stage is timed separately, as the median of
several runs:

- read: the file's bytes, decoded and checked (size, UTF-8, control characters);
- parse: YAML → neutral tree (libyaml's parser events when available);
- validate: tree → domain ``Plan`` with every check of docs/plan-file.md;
- evaluate: ``domain.evaluate`` for the latest period (ratings, roll-ups, problems);
- summary: ``domain.summary.summary_dict`` (the ``summary --json`` document);
- total: ``load_plan`` + evaluate + summary end to end, as ``plantracker summary`` does.

Target: total under 2 s at scale 10, growing no worse than linearly.
"""

from __future__ import annotations

import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind
from plantracker.domain.summary import summary_dict
from plantracker.planfile import dump_plan, load_plan
from plantracker.planfile.build import build_plan
from plantracker.planfile.yaml.parse import decode
from plantracker.planfile.yaml.read import collector_paused, parse_tree
from plantracker.synth import synth_plan

SCALES = (1, 10, 100)
RUNS = {1: 9, 10: 7, 100: 3}
SEED = 0


def median_seconds(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median wall time of ``runs`` calls, and the last call's result."""
    times = []
    result = None
    for _ in range(runs):
        result = None  # free the previous run's objects, as a real run would not have them
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(path: Path, runs: int) -> dict[str, float]:
    read_time, text = median_seconds(lambda: decode(path.read_bytes(), str(path)), runs)

    def parse() -> Any:
        with collector_paused():
            return parse_tree(text, str(path))

    parse_time, parsed = median_seconds(parse, runs)
    tree = [parsed]
    del parsed

    def validate() -> Any:
        root, early = tree[0]
        with collector_paused():
            return build_plan(root, str(path), early)

    validate_time, plan = median_seconds(validate, runs)
    # The tree is garbage once the plan is built; keeping its million nodes alive would
    # make every later garbage collection (during evaluate) walk them.
    tree.clear()
    latest = plan.periods[-1].id
    evaluate_time, result = median_seconds(lambda: evaluate(plan, latest), runs)
    summary_time, _ = median_seconds(lambda: summary_dict(result), runs)

    def end_to_end() -> Any:
        loaded = load_plan(path)
        return summary_dict(evaluate(loaded, loaded.periods[-1].id))

    total_time, _ = median_seconds(end_to_end, runs)
    return {
        "read": read_time,
        "parse": parse_time,
        "validate": validate_time,
        "evaluate": evaluate_time,
        "summary": summary_time,
        "total": total_time,
    }


def main() -> int:
    parser = "libyaml" if yaml.__with_libyaml__ else "pure Python (no libyaml)"
    print(f"YAML parser: {parser}; median of {', '.join(map(str, RUNS.values()))} runs")
    header = (
        f"{'scale':>5} {'MB':>6} {'items':>6} {'read':>7} {'parse':>7} {'validate':>8} "
        f"{'evaluate':>8} {'summary':>7} {'total':>7} {'µs/item':>7}"
    )
    print(header)
    print("-" * len(header))
    totals: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="plantracker-bench-") as folder:
        for scale in SCALES:
            plan = synth_plan(scale, SEED)
            path = Path(folder) / f"synth-{scale}.yaml"
            dump_plan(plan, path)
            items = sum(len(rec.items(kind)) for rec in plan.recommendations for kind in Kind)
            del plan
            times = measure(path, RUNS[scale])
            totals[scale] = times["total"]
            print(
                f"{scale:>5} {path.stat().st_size / 1e6:>6.2f} {items:>6} "
                f"{times['read']:>7.3f} {times['parse']:>7.3f} {times['validate']:>8.3f} "
                f"{times['evaluate']:>8.3f} {times['summary']:>7.3f} {times['total']:>7.3f} "
                f"{times['total'] / items * 1e6:>7.0f}"
            )
    print("(seconds; total = load_plan + evaluate + summary_dict, end to end)")
    for smaller, larger in itertools.pairwise(SCALES):
        growth = totals[larger] / totals[smaller]
        print(
            f"scale {smaller} → {larger}: total × {growth:.1f} for × {larger // smaller} the size"
        )
    verdict = "meets" if totals[10] < 2 else "MISSES"
    print(f"scale 10 total {totals[10]:.2f} s: {verdict} the 2 s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
