"""Per-period entries: updates of actions, measures and risks; KPI values and targets.

One row per (item, period). ``state`` is the review workflow's (ADR 0041): the domain
plan is built from approved rows only. ``version`` serves optimistic concurrency.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from plantracker.tracker.models.choices import STATUS_CHOICES
from plantracker.tracker.models.fields import DecimalTextField
from plantracker.tracker.models.plan import Item, Period, Risk
from plantracker.tracker.models.workflow import ReviewFields


class Update(ReviewFields):
    """A period's update of an action or a quality/feedback measure (status required)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    commentary = models.TextField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "period__position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period"], name="update_one_per_item_period"),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} {self.period.code}: {self.status}"


class KpiValue(ReviewFields):
    """A KPI's entry for a period; ``value`` null means not available."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="kpi_values")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    value = DecimalTextField(null=True, blank=True)
    display = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    commentary = models.TextField(null=True, blank=True)
    # "statutory:<indicator>" when the value was computed by ``statutory apply``; None when
    # a person entered it (a hand edit of a computed value clears it).
    computed_from = models.TextField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "period__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period"], name="kpi_value_one_per_item_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} {self.period.code}: {self.value}"


class KpiTarget(models.Model):
    """A KPI's target for one period, overriding the plan target there."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="kpi_targets")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    value = DecimalTextField()
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "period__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period"], name="kpi_target_one_per_item_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} {self.period.code} target {self.value}"


class RiskUpdate(ReviewFields):
    """A period's status (and optional commentary) of a risk."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    commentary = models.TextField(null=True, blank=True)
    # A scored update (docs/rules.md#risk-scores): 1-5 each, both or neither; ``reason``
    # explains a status that overrides the RAG the score derives.
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "period__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "period"], name="risk_update_one_per_risk_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk} {self.period.code}: {self.status}"
