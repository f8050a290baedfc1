"""Indicator results as JSON data and as a table for the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rich.table import Table

from plantracker.statutory.indicators import Indicator, Window


def _number(value: Any) -> Any:
    """Decimals as JSON numbers: whole values as int, others as float of their text."""
    if value is None:
        return None
    return (
        int(value)
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0
        else float(str(value))
    )


def indicators_json(
    results: Mapping[str, Indicator], as_of: date, la: str | None
) -> dict[str, Any]:
    window = Window.to(as_of)
    return {
        "as_of": as_of.isoformat(),
        "period": {"after": window.start.isoformat(), "to": window.as_of.isoformat()},
        "la": la,
        "indicators": {
            name: {
                "title": r.title,
                "unit": r.unit,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "value": _number(r.value),
                "suppressed": r.suppressed,
                "display": r.display,
                "notes": list(r.notes),
            }
            for name, r in results.items()
        },
    }


def indicators_table(results: Mapping[str, Indicator], as_of: date, la: str | None) -> Table:
    window = Window.to(as_of)
    scope = f"authority {la}" if la else "all authorities in the store"
    table = Table(
        title=f"Statutory indicators, 12 months to {as_of.isoformat()} ({scope})",
        caption=f"Period: after {window.start.isoformat()} up to {as_of.isoformat()}. "
        "c = suppressed (a count of 1 to 5).",
    )
    table.add_column("indicator")
    table.add_column("numerator", justify="right")
    table.add_column("denominator", justify="right")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for name, r in results.items():
        shown = r.display or "–"
        num = "c" if r.suppressed else ("" if r.numerator is None else str(r.numerator))
        den = "c" if r.suppressed else ("" if r.denominator is None else str(r.denominator))
        table.add_row(
            name, num, den, shown, {"percent": "%", "rate": "per 10,000"}.get(r.unit, r.unit)
        )
    return table
