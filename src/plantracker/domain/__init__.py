"""The pure core: the plan as data and the rules (docs/rules.md).

Standard library only (import-linter keeps Django, YAML and the rest of plantracker out).
Start with ``evaluate(plan, period_id)``; every output reads the ``PeriodResult`` it returns.
"""

from plantracker.domain.counting import percent
from plantracker.domain.direction import (
    kpi_direction,
    status_direction,
    status_rank,
    value_direction,
)
from plantracker.domain.evaluate import evaluate, most_concern
from plantracker.domain.existence import exists_in
from plantracker.domain.item_status import UpdateOutcome, item_status, risk_status
from plantracker.domain.model import (
    RATED,
    STATUS_ORDER,
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    Direction,
    FeedbackMeasure,
    Item,
    Kind,
    Kpi,
    KpiValue,
    Measure,
    Narrative,
    Period,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    RiskBand,
    RiskScale,
    RiskUpdate,
    Rules,
    Status,
    Target,
    Unit,
    Update,
)
from plantracker.domain.periods import PeriodIndex, UnknownPeriod, one_year_before
from plantracker.domain.problems import is_past_due
from plantracker.domain.rating import (
    KpiRating,
    comparison_point,
    kpi_rating,
    rate_value,
    tolerance_band,
)
from plantracker.domain.results import (
    BoxResult,
    Counts,
    ItemResult,
    PeriodResult,
    Problem,
    RecommendationResult,
    RiskResult,
)
from plantracker.domain.rollup import count_statuses, rollup_status
from plantracker.domain.summary import summary_dict

__all__ = [
    "RATED",
    "STATUS_ORDER",
    "Action",
    "Aim",
    "Baseline",
    "Better",
    "Box",
    "BoxResult",
    "Counts",
    "Direction",
    "FeedbackMeasure",
    "Item",
    "ItemResult",
    "Kind",
    "Kpi",
    "KpiRating",
    "KpiValue",
    "Measure",
    "Narrative",
    "Period",
    "PeriodIndex",
    "PeriodResult",
    "Plan",
    "Problem",
    "QualityMeasure",
    "Recommendation",
    "RecommendationResult",
    "Risk",
    "RiskBand",
    "RiskResult",
    "RiskScale",
    "RiskUpdate",
    "Rules",
    "Status",
    "Target",
    "Unit",
    "UnknownPeriod",
    "Update",
    "UpdateOutcome",
    "comparison_point",
    "count_statuses",
    "evaluate",
    "exists_in",
    "is_past_due",
    "item_status",
    "kpi_direction",
    "kpi_rating",
    "most_concern",
    "one_year_before",
    "percent",
    "rate_value",
    "risk_status",
    "rollup_status",
    "status_direction",
    "status_rank",
    "summary_dict",
    "tolerance_band",
    "value_direction",
]
