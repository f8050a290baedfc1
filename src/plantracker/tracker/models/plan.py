"""The plan's structure: the plan, its periods, recommendations, items, risks, narrative.

Every field of ``plantracker.domain.model`` has a column here, so a plan file survives
file → database → file unchanged. Optional text is nullable because the domain
tells ``None`` from ``""``. Decimals use DecimalTextField (ADR 0012); the four kinds of item
share one table (ADR 0011).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from plantracker.tracker.models.accounts import Organisation
from plantracker.tracker.models.choices import (
    AIM_CHOICES,
    BETTER_CHOICES,
    KIND_CHOICES,
    STATUS_CHOICES,
    UNIT_CHOICES,
    PeriodState,
)
from plantracker.tracker.models.fields import DecimalTextField


class PlanRecord(models.Model):
    """An improvement plan held in the database (the domain's ``Plan``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.TextField()
    kpi_tolerance = DecimalTextField(default="10")
    dot_band = DecimalTextField(default="2")
    rollup_green = DecimalTextField(default="75")
    rollup_red = DecimalTextField(default="25")
    # The plan's risk scale (docs/plan-file.md#risk-scale): {"likelihood": [5 labels],
    # "impact": [5 labels], "bands": [[status, low, high], ...]}; null is the default scale.
    risk_scale = models.JSONField(null=True, blank=True)
    # The committee paper's fields (docs/plan-file.md#committee-paper); the glossary is an
    # array of [term, meaning] pairs, because PostgreSQL's jsonb does not keep key order.
    contact_name = models.TextField(null=True, blank=True)
    contact_role = models.TextField(null=True, blank=True)
    contact_email = models.TextField(null=True, blank=True)
    purpose = models.TextField(null=True, blank=True)
    order_note = models.TextField(null=True, blank=True)
    glossary = models.JSONField(default=list, blank=True)
    # Whether the published report names owners and leads
    # (docs/plan-file.md#published-names, ADR 0081): "hidden" unless the plan says "shown".
    published_names = models.CharField(
        max_length=10, choices=[("hidden", "Hidden"), ("shown", "Shown")], default="hidden"
    )
    version = models.PositiveIntegerField(default=1)
    # Not a column: what the last ``plan_import`` of this object reported without refusing
    # it, one line each (an owner_email that matches no account, ADR 0068).
    import_warnings: tuple[str, ...] = ()
    # One more with every write that can change what the plan counts (ADR 0062): a cache
    # of the evaluated plan keyed by it never serves old figures. Written only by
    # ``services.data_version`` (an UPDATE of ``F() + 1``), never by a form; not audited.
    data_version = models.PositiveBigIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["organisation__name", "title"]

    def __str__(self) -> str:
        return self.title


class Period(models.Model):
    """A reporting period; ``code`` is the plan file's period ``id`` (``2018-19-Q2``)."""

    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="periods")
    position = models.PositiveIntegerField()
    code = models.TextField(verbose_name="period id")
    label = models.TextField()
    # The period's name on a chart's time axis (docs/plan-file.md#periods); None: the
    # month and year it ends.
    short_label = models.TextField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField()
    scrutiny = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)
    # Why the lead last reopened the period (ADR 0041); audited with the state.
    reopen_reason = models.TextField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.code


class Recommendation(models.Model):
    """A recommendation (workstream) of the plan."""

    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveIntegerField()
    number = models.IntegerField()
    title = models.TextField()
    aim = models.TextField()
    lead = models.TextField(null=True, blank=True)
    lead_user = models.ForeignKey(
        "tracker.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_recommendations",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="recommendation_number_unique_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Item(models.Model):
    """An action, KPI, quality measure or feedback measure (``kind``); see ADR 0011.

    Columns of the other kinds are null. ``expected`` is the list of period ids in which an
    update is due, in file order, or null for "every period".
    """

    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="items")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    position = models.PositiveIntegerField(help_text="Order within its recommendation and kind.")
    ref = models.TextField()
    title = models.TextField()
    owner = models.TextField(null=True, blank=True)
    owner_user = models.ForeignKey(
        "tracker.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_items",
    )
    # A second account who may also update the item (ADR 0068): stands in for the owner.
    deputy_user = models.ForeignKey(
        "tracker.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy_items",
    )
    from_period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    until_period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected = models.JSONField(null=True, blank=True)

    # Actions
    due = models.DateField(null=True, blank=True)

    # Quality and feedback measures
    frequency = models.TextField(null=True, blank=True)
    method = models.TextField(null=True, blank=True)

    # KPIs
    aim = models.CharField(max_length=10, choices=AIM_CHOICES, null=True, blank=True)
    better = models.CharField(max_length=10, choices=BETTER_CHOICES, null=True, blank=True)
    unit = models.CharField(max_length=10, choices=UNIT_CHOICES, null=True, blank=True)
    has_baseline = models.BooleanField(default=False)
    baseline_label = models.TextField(null=True, blank=True)
    baseline_value = DecimalTextField(null=True, blank=True)
    baseline_display = models.TextField(null=True, blank=True)
    baseline_status = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    has_target = models.BooleanField(default=False)
    target_label = models.TextField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    target_value = DecimalTextField(null=True, blank=True)
    target_display = models.TextField(null=True, blank=True)
    tolerance = DecimalTextField(null=True, blank=True)
    tolerance_points = DecimalTextField(null=True, blank=True)
    source = models.TextField(null=True, blank=True)
    # "suppress": the published report withholds small counts (docs/plan-file.md#disclosure).
    disclosure = models.CharField(
        max_length=10, choices=[("suppress", "Suppress")], null=True, blank=True
    )
    # Published comparators (ADR 0017): all null when the KPI has none.
    comparators_label = models.TextField(null=True, blank=True)
    comparators_england = DecimalTextField(null=True, blank=True)
    comparators_region = DecimalTextField(null=True, blank=True)
    comparators_neighbours = DecimalTextField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "recommendation__position", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="item_ref_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(kind="kpis", aim__isnull=False, unit__isnull=False)
                | (
                    ~models.Q(kind="kpis")
                    & models.Q(aim__isnull=True, unit__isnull=True, has_baseline=False)
                    & models.Q(has_target=False)
                ),
                name="item_kpi_fields_only_on_kpis",
            ),
            models.CheckConstraint(
                condition=models.Q(tolerance__isnull=True)
                | models.Q(tolerance_points__isnull=True),
                name="item_one_kind_of_tolerance",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_user"], name="item_owner_user_idx"),
            models.Index(fields=["deputy_user"], name="item_deputy_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Risk(models.Model):
    """A risk to the plan, with its mitigation."""

    plan = models.ForeignKey(PlanRecord, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveIntegerField()
    title = models.TextField()
    mitigation = models.TextField()
    owner = models.TextField(null=True, blank=True)
    owner_user = models.ForeignKey(
        "tracker.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_risks",
    )
    # The scored register (docs/rules.md#risk-scores).
    controls = models.TextField(null=True, blank=True)
    target_score = models.PositiveSmallIntegerField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.title


class Narrative(models.Model):
    """The lead's words for one period (docs/plan-file.md#narrative).

    Lists are JSON arrays of text in the lead's order. ``commentary`` is an array of
    ``[recommendation number, [paragraph, ...]]`` pairs rather than an object, because
    PostgreSQL's jsonb does not keep an object's key order.
    """

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="narrative")
    headlines = models.JSONField(default=list, blank=True)
    decisions = models.JSONField(default=list, blank=True)
    milestones = models.JSONField(default=list, blank=True)
    next_steps = models.JSONField(default=list, blank=True)
    deep_dives = models.JSONField(default=list, blank=True)
    commentary = models.JSONField(default=list, blank=True)
    # What the committee is asked to note or decide (ADR 0066).
    committee_recommendations = models.JSONField(default=list, blank=True)
    overall = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    overall_reason = models.TextField(null=True, blank=True)
    progress = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    progress_reason = models.TextField(null=True, blank=True)
    risks = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    risks_reason = models.TextField(null=True, blank=True)
    finance = models.CharField(max_length=10, choices=STATUS_CHOICES, null=True, blank=True)
    finance_reason = models.TextField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Narrative {self.period}"
