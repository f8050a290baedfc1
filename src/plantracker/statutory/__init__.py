"""Statutory returns (CIN census, SSDA903) → a pseudonymised DuckDB store → DfE indicators.

Pure Python with DuckDB and lxml; no Django (its command lives in
plantracker.tracker.management.commands.statutory).
"""

from plantracker.statutory.definitions import DEFINITIONS, Definition
from plantracker.statutory.errors import Problem, StatutoryError
from plantracker.statutory.indicators import Indicator, Window, compute_indicators
from plantracker.statutory.load import FileOutcome, LoadReport, load_paths
from plantracker.statutory.plan_values import ComputedValue, computed_kpi_values, statutory_kpis
from plantracker.statutory.published import Comparators, comparators, load_published

__all__ = [
    "DEFINITIONS",
    "Comparators",
    "ComputedValue",
    "Definition",
    "FileOutcome",
    "Indicator",
    "LoadReport",
    "Problem",
    "StatutoryError",
    "Window",
    "comparators",
    "compute_indicators",
    "computed_kpi_values",
    "load_paths",
    "load_published",
    "statutory_kpis",
]
