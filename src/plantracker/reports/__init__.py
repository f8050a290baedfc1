"""The quarterly report: a report model built once from the rules' results, and one
renderer per format (docs/rules.md#report)."""

from plantracker.reports.build import build_report, report_for
from plantracker.reports.model import Report
from plantracker.reports.registry import RENDERERS, Renderer, formats

__all__ = ["RENDERERS", "Renderer", "Report", "build_report", "formats", "report_for"]
