"""The limits of a plan's texts, the same wherever a text enters (docs/plan-file.md#limits).

The plan file and the workbook, the web forms, the API and the services behind them all
refuse a longer text with the same words, naming where it was. A commentary, a narrative
line, a review comment, a reason or a title is at most ``MAX_TEXT`` characters; the text a
KPI value is shown as (``display``, printed in a table cell instead of the number) at most
``MAX_DISPLAY``. Characters, not bytes: what a person counts when they shorten it.
"""

from __future__ import annotations

MAX_TEXT = 10_000
"""Characters in any one text: about four pages, far beyond a quarterly commentary."""

MAX_DISPLAY = 200
"""Characters in a value's display text, which stands in a report's table cell."""


def text_too_long(value: str, limit: int = MAX_TEXT) -> str | None:
    """What is wrong with ``value`` if it is longer than ``limit`` characters, else None."""
    if len(value) <= limit:
        return None
    return f"is {len(value):,} characters long; the most is {limit:,}"
