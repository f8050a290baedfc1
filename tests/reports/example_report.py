"""The example plan's Q2 report, its files and ``summary --json``, built once for the report
tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import NaReason, Status
from plantracker.domain.summary import summary_dict
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.model import Report
from plantracker.reports.registry import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"
PERIOD = "2018-19-Q2"
WORDS = {"improving": "Improving", "same": "Same", "worsening": "Worsening", None: "No comparison"}


@cache
def example_report() -> Report:
    return build_report(evaluate(load_plan(EXAMPLE), PERIOD))


@cache
def example_file(fmt: str) -> bytes:
    """The example's report in one format (RENDERERS), rendered once per test process: the
    format modules, test_formats_agree and test_consistency all read the same file."""
    return RENDERERS[fmt].render(example_report())


@cache
def example_summary() -> dict[str, Any]:
    return summary_dict(evaluate(load_plan(EXAMPLE), PERIOD))


def deep_dive_kpis(summary: dict[str, Any], report: Report) -> list[dict[str, Any]]:
    """The summary's KPI entries of the deep-dive recommendations, in the report's order."""
    chosen = [dive.number for dive in report.deep_dives]
    by_rec = {n: [k for k in summary["kpis"] if k["recommendation"] == n] for n in chosen}
    return [kpi for number in chosen for kpi in by_rec[number]]


def word(status: str | None, na_reason: str | None = None) -> str | None:
    """A status as every format writes it; ``na`` says why (docs/rules.md#na-reasons)."""
    if status is None:
        return None
    return NaReason(na_reason).word if na_reason else Status(status).word


def status_text(entry: dict[str, Any]) -> tuple[str, str | None]:
    """The status word a KPI row must show, and the calculated one when overridden."""
    shown = word(entry["status"], entry.get("na_reason"))
    assert shown is not None
    calculated = Status(entry["calculated"]).word if entry["overridden"] else None
    return shown, calculated
