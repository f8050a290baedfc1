"""How the report writes numbers, dates, directions and counted nouns.

Presentation only: which status or direction an item has comes from the domain; this module
decides how it reads ("58.6%", "7 December 2018", "↑ Improving", "1 action is").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from plantracker.domain.model import Direction, Kind, NaReason, Period, RiskScale, Status, Unit
from plantracker.domain.risk_score import placed
from plantracker.reports.model import DirectionView

NO_VALUE = "–"
# A published comparator that is missing (not published, or suppressed): words, so that it
# reads the same aloud and in every format.
NOT_PUBLISHED = "Not published"
# Said under a KPI table beside the override notes, so councillors see which values no one
# typed (ADR 0016: ``statutory apply`` marks them ``statutory:<indicator>``).
COMPUTED_NOTE = (
    "Computed from the statutory returns (CIN census, SSDA903) with the Department for "
    "Education's definitions"
)
# The comparator columns, in the order every format prints them.
COMPARATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("england", "England"),
    ("region", "Region"),
    ("neighbours", "Statistical neighbours"),
)
# What a screen reader hears in the empty comparator cells of a KPI that has none.
NO_COMPARATORS = "No published comparators"

_ARROWS = {"up": "↑", "down": "↓", "level": "→", "": "–"}
_WORDS = {
    Direction.IMPROVING: ("Improving", "good"),
    Direction.WORSENING: ("Worsening", "bad"),
    Direction.SAME: ("Same", "same"),
}

# Singular and plural of each kind as the report's sentences count them.
KIND_NOUNS: dict[Kind, tuple[str, str]] = {
    Kind.ACTION: ("action", "actions"),
    Kind.KPI: ("KPI", "KPIs"),
    Kind.QUALITY: ("quality measure", "quality measures"),
    Kind.FEEDBACK: ("feedback measure", "feedback measures"),
}
# Headings of the donuts, after the seed's slides.
KIND_HEADINGS: dict[Kind, str] = {
    Kind.ACTION: "Actions",
    Kind.KPI: "Key Performance Indicators",
    Kind.QUALITY: "Quality (results of audits)",
    Kind.FEEDBACK: "Feedback",
}
# The short noun in a donut's centre.
KIND_CENTRE: dict[Kind, tuple[str, str]] = {
    Kind.ACTION: ("action", "actions"),
    Kind.KPI: ("KPI", "KPIs"),
    Kind.QUALITY: ("measure", "measures"),
    Kind.FEEDBACK: ("measure", "measures"),
}
# Rows of the overview's workstream table.
KIND_ROWS: dict[Kind, str] = {
    Kind.ACTION: "Actions",
    Kind.KPI: "KPIs",
    Kind.QUALITY: "Quality measures",
    Kind.FEEDBACK: "Feedback measures",
}


def counted(count: int, nouns: tuple[str, str]) -> str:
    """``1 action``, ``68 actions``."""
    return f"{count} {nouns[0] if count == 1 else nouns[1]}"


def long_date(day: date) -> str:
    """``7 December 2018`` (GOV.UK style: no leading zero, no comma)."""
    return f"{day.day} {day:%B %Y}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_year(day: date) -> str:
    """``Jun 2018``: a chart's short name for a day (the same in every locale)."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def period_tick(period: Period) -> str:
    """A period's name on a chart's time axis: its ``short_label`` if the plan gives one,
    else the month and year it ends (docs/rules.md#chart-ticks)."""
    return period.short_label or month_year(period.end)


def fixed(value: Decimal, places: int, unit: Unit) -> str:
    """``value`` written with exactly ``places`` decimals, in its unit: ``8.80%`` (a chart's
    labels of one KPI share one precision; padding never changes the number)."""
    padded = value.quantize(Decimal(1).scaleb(-places)) if places > 0 else value
    return quantity(padded, unit)


def number(value: Decimal) -> str:
    """A Decimal with the digits as written and thousands separators: ``1,234.50``."""
    return f"{value:,f}"


def unit_suffix(unit: Unit) -> str:
    return "%" if unit is Unit.PERCENT else ""


def quantity(value: Decimal, unit: Unit) -> str:
    """A measured value in its unit: ``58.6%``, ``27``."""
    return number(value) + unit_suffix(unit)


def shown(value: Decimal | None, display: str | None, unit: Unit, empty: str = NO_VALUE) -> str:
    """What the report prints for a value: its ``display`` text if given, else the number."""
    if display:
        return display
    if value is None:
        return empty
    return quantity(value, unit)


def rounded(value: Decimal, places: int) -> Decimal:
    """``value`` to ``places`` decimal places, half up (for projections, not for ratings)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def places_of(values: Sequence[Decimal]) -> int:
    """The most decimal places any of ``values`` is written with."""
    exponents = [value.as_tuple().exponent for value in values]
    return max((-e for e in exponents if isinstance(e, int) and e < 0), default=0)


def direction_view(
    direction: Direction | None, movement: str | None = None, was: Status | None = None
) -> DirectionView:
    """An arrow and a word for ``direction``.

    ``movement`` is where the value went (``up``/``down``/``level``); without one (a status,
    whose rank goes up when it improves) it follows from the direction itself. ``was`` is
    the previous status a status's direction compares with: the view then explains itself
    ("↑ Improving — was Red").
    """
    previous = f"was {was.word}" if was is not None else None
    if direction is None:
        return DirectionView(None, "", _ARROWS[""], "No comparison", "none", previous)
    word, tone = _WORDS[direction]
    if direction is Direction.SAME:
        movement = "level"
    elif movement is None or movement == "level":
        movement = "up" if direction is Direction.IMPROVING else "down"
    return DirectionView(direction, movement, _ARROWS[movement], word, tone, previous)


def value_movement(value: Decimal | None, earlier: Decimal | None) -> str | None:
    """Where a KPI's value went since ``earlier``: ``up``, ``down``, ``level`` or None."""
    if value is None or earlier is None:
        return None
    if value > earlier:
        return "up"
    return "down" if value < earlier else "level"


def status_word(status: Status) -> str:
    """A status as a lower-case word inside a sentence: ``red``, ``blue (complete)``."""
    return status.word.lower()


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- the words every format prints (one table: docs/rules.md#report) ------------------------
# HTML, PDF, Word, PowerPoint and Excel all print section titles, column headings and status
# words from here, through the report model, so no format words a thing its own way.

SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Quarter overview"),
    ("overall-plan", "Overall plan"),
    ("recommendations", "Recommendations"),
    ("all-kpis", "All other KPIs"),
    ("deep-dives", "Deep dives"),
    ("exceptions", "Exceptions"),
    ("next-steps", "Next steps"),
    ("data-quality", "Annex: data quality"),
)
SECTION_TITLES: dict[str, str] = dict(SECTIONS)
# Sub-headings inside the sections.
HEADLINES = "Headlines"
WORKSTREAMS = "Workstreams"
KEY_RISKS = "Key risks"
MILESTONES = "Planned activity and milestones"
DECISIONS = "Decisions"
KPI_TRENDS = "KPI trends"
COMMENTARY = "Commentary"
KPIS_HEADING = "Key performance indicators"
# Column headings, by column key.
KPI_HEADINGS: dict[str, str] = {
    "kpi": "KPI",
    "figure": "Figure will",
    "baseline_status": "Baseline status",
    "previous": "Previous",
    "status": "Status",
    "direction": "Direction",
    "long_direction": "Year on year",
}
MEASURE_HEADINGS: dict[str, str] = {
    "frequency": "Frequency",
    "method": "Collection method",
    "status": "Status",
    "update": "Update",
}
EXCEPTION_HEADINGS: tuple[str, ...] = (
    "Recommendation",
    "Item",
    "Owner",
    "Status",
    "Value (target)",
    "Direction",
    "Commentary",
)
WORKSTREAM_HEADINGS: tuple[str, ...] = ("Workstream", "Status", "Direction")
RISK_HEADINGS: tuple[str, ...] = ("Risk", "Mitigation", "Owner", "Status", "Direction")
# A plan whose risks are scored (docs/rules.md#risk-scores) adds two columns before Status,
# and a heat map with its text alternative, a table of each risk's position now and before.
RISK_SCORE_HEADINGS: tuple[str, ...] = ("Likelihood × impact", "Score (previous)")
SCORED_RISK_HEADINGS: tuple[str, ...] = (
    *RISK_HEADINGS[:3],
    *RISK_SCORE_HEADINGS,
    *RISK_HEADINGS[3:],
)
HEAT_MAP = "Risk heat map"
HEAT_MAP_HEADINGS: tuple[str, ...] = ("Risk", "Now", "Previous")
HEAT_MAP_CAPTION = (
    "Likelihood (across) against impact (up); a filled marker is a risk's position now, an "
    "outlined one its position in the previous period"
)
LIKELIHOOD = "Likelihood"
IMPACT = "Impact"
NOT_SCORED = "Not scored"


def position_words(likelihood: object, impact: object, scale: RiskScale) -> str:
    """A risk's position in the plan's words with its score and the RAG the bands derive
    ("Likelihood 4 Likely × Impact 3 Moderate = 12, Amber"; docs/rules.md#risk-scores), the
    same on the pages and in every format; "Not scored" without a score or off the grid
    (``risk_score.placed``)."""
    where = placed(likelihood, impact, scale)
    if where is None:
        return NOT_SCORED
    return (
        f"{LIKELIHOOD} {where.position.likelihood} {where.likelihood_word} × "
        f"{IMPACT} {where.position.impact} {where.impact_word} = {where.position.score}, "
        f"{where.derived.word}"
    )


SCORE_GIVES = "Score gives"  # before the derived RAG that a given status overrides
PROBLEM_HEADINGS: tuple[str, ...] = ("Where", "Problem")
TOTAL = "Total"
# What an empty place says.
NO_UPDATE_TEXT = "No update text."
NO_COMMENTARY = "No commentary given."
NO_EXCEPTIONS = "No action, KPI or measure is red or amber in this period."
NO_PROBLEMS = "No data-quality problems were found."
NO_NEXT_STEPS = "None recorded for this period."
EXCEPTIONS_CAPTION = (
    "Every red, then every amber, action, KPI and measure; those the deep dives show in full "
    "point to them"
)
ALL_KPIS_INTRO = (
    "Every KPI of the recommendations without a deep dive; the deep dives show their own KPIs."
)


def status_text(status: Status, na_reason: NaReason | None = None) -> str:
    """A status as the report writes it: its word, and for ``na`` the reason
    (docs/rules.md#na-reasons): "Not applicable", "Not yet available", "No target"."""
    if status is Status.NA and na_reason is not None:
        return na_reason.word
    return status.word


def recommendation_heading(number: int, title: str) -> str:
    """``Recommendation 6: CSE``."""
    return f"Recommendation {number}: {title}"


def deep_dive_heading(number: int, title: str) -> str:
    """``Deep dive: recommendation 6, CSE``."""
    return f"Deep dive: recommendation {number}, {title}"


def deep_dive_pointer(number: int) -> str:
    """What an exception row the deep dive shows in full says instead of repeating it."""
    return f"See deep dive {number}"
