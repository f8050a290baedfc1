"""The API's JSON shapes (OpenAPI components). Numbers are JSON numbers, never strings;
statuses and directions use the domain's words (docs/rules.md#statuses)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, PlainValidator, WithJsonSchema

from plantracker.domain.model import Aim, Better, Direction, Kind, Status, Unit
from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT, text_too_long
from plantracker.tracker.models import EntryState, PeriodState, Role

Number = int | float


def exact_number(value: object) -> Decimal | None:
    """A JSON number as the exact Decimal written (the API's parser reads numbers as
    Decimal, never through a float: docs/plan-file.md#numbers), or None for null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("expected a number or null")
    # A float arrives only from a caller that parsed the JSON itself; its repr is the
    # shortest text that reads back as the same float, the digits most likely written.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError("expected a finite number")
    return number


def plain_text(value: str) -> str:
    """Text without control characters other than tab and line breaks: NUL cannot be
    stored (PostgreSQL refuses it) and the others are never meant in a plan."""
    if any((ord(char) < 32 and char not in "\t\n\r") or char == "\x7f" for char in value):
        raise ValueError("contains a control character; send plain text")
    return value


def _within(limit: int) -> AfterValidator:
    """The plan's text limit (docs/plan-file.md#limits), with the words the services use."""

    def check(value: str) -> str:
        if problem := text_too_long(value, limit):
            raise ValueError(f"the text {problem}")
        return value

    return AfterValidator(check)


Text = Annotated[
    str,
    AfterValidator(plain_text),
    _within(MAX_TEXT),
    WithJsonSchema({"type": "string", "maxLength": MAX_TEXT}),
]
DisplayText = Annotated[
    str,
    AfterValidator(plain_text),
    _within(MAX_DISPLAY),
    WithJsonSchema({"type": "string", "maxLength": MAX_DISPLAY}),
]


ExactNumber = Annotated[
    Decimal | None,
    PlainValidator(exact_number),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "null"}]}),
]

# The version of an entry a writer last read (optimistic concurrency, ADR 0041).
ExpectedVersion = Annotated[
    int | None,
    Field(
        ge=0,
        description="The entry's version you last read (0: there was none); when it has "
        "changed since, the answer is 409 and nothing is written. Omitted: the current one.",
    ),
]


# --- errors -------------------------------------------------------------------------------


class FieldError(Schema):
    """One problem with the request: for a bulk body, one per bad field of a bad row."""

    index: int | None = Field(None, description="Position of the row in the body, from 0.")
    ref: str | None = Field(None, description="The row's item ref, when it has one.")
    field: str = Field(description="The field at fault: 'value', 'status', 'ref', …")
    message: str


class Error(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


# --- plans and periods --------------------------------------------------------------------


class Permissions(Schema):
    view: bool
    contribute: bool = Field(description="May give updates (for items linked to them).")
    edit: bool = Field(description="Lead work: any item's update, narrative, periods.")


class PlanOut(Schema):
    slug: str
    title: str
    organisation: str
    roles: list[Role]
    permissions: Permissions


class PeriodOut(Schema):
    id: str = Field(description="The period id, e.g. 2018-19-Q2.")
    label: str
    start: date
    end: date
    scrutiny: date | None
    due: date | None
    state: PeriodState


class RulesOut(Schema):
    kpi_tolerance: Number
    dot_band: Number
    rollup_green: Number
    rollup_red: Number


class ItemOut(Schema):
    """An action, KPI or measure; the fields of the other kinds are absent (null)."""

    ref: str
    kind: Kind
    title: str
    owner: str | None
    from_period: str | None = Field(alias="from")
    until_period: str | None = Field(alias="until")
    expected: list[str] | None
    may_update: bool = Field(description="Whether the token's user may give this item's update.")
    due: date | None = None
    frequency: str | None = None
    method: str | None = None
    aim: Aim | None = None
    better: Better | None = None
    unit: Unit | None = None
    baseline: BaselineOut | None = None
    target: TargetOut | None = None
    targets: dict[str, Number] | None = None
    tolerance: Number | None = None
    tolerance_points: Number | None = None
    source: str | None = None
    comparators: ComparatorsOut | None = None

    model_config = ConfigDict(populate_by_name=True)


class BaselineOut(Schema):
    label: str | None
    value: Number | None
    display: str | None
    status: Status | None


class TargetOut(Schema):
    label: str | None
    date: date | None
    value: Number | None
    display: str | None


class ComparatorsOut(Schema):
    """Published figures beside a KPI (read-only: set in the plan file or by
    ``plantracker statutory compare``)."""

    label: str = Field(description="The published period, for example 2023-24.")
    england: Number | None
    region: Number | None
    neighbours: Number | None = Field(description="The statistical neighbours' mean.")


class RecommendationOut(Schema):
    number: int
    title: str
    aim: str
    lead: str | None
    actions: list[ItemOut]
    kpis: list[ItemOut]
    quality: list[ItemOut]
    feedback: list[ItemOut]


class RiskOut(Schema):
    position: int = Field(description="The risk's place in the plan's list, from 1.")
    title: str
    mitigation: str
    owner: str | None
    controls: str | None = Field(None, description="The controls in place.")
    target_score: int | None = Field(
        None, description="The score the mitigation aims for (docs/rules.md#risk-scores)."
    )
    target_date: date | None = None


class RiskBandOut(Schema):
    status: Status
    low: int = Field(description="The band's lowest score.")
    high: int = Field(description="The band's highest score.")


class RiskScaleOut(Schema):
    """The plan's risk scale (docs/plan-file.md#risk-scale)."""

    likelihood: list[str] = Field(description="The words for likelihood 1 to 5.")
    impact: list[str] = Field(description="The words for impact 1 to 5.")
    bands: list[RiskBandOut]


class PlanStructure(Schema):
    slug: str
    title: str
    organisation: str
    rules: RulesOut
    periods: list[PeriodOut]
    recommendations: list[RecommendationOut]
    risks: list[RiskOut]
    risk_scale: RiskScaleOut


ItemOut.model_rebuild()


# --- the summary (docs/rules.md#summary-json); extra keys are allowed and passed on -------


class _Open(Schema):
    model_config = ConfigDict(extra="allow")


class CountsOut(_Open):
    count: int
    green: int
    amber: int
    red: int
    blue: int
    none: int
    na: int
    missing: int
    status: Status


class BoxOut(_Open):
    status: Status
    previous: Status | None
    direction: Direction | None


class RecommendationSummary(_Open):
    number: int
    title: str
    status: Status
    actions: CountsOut
    kpis: CountsOut
    quality: CountsOut
    feedback: CountsOut


class KpiSummary(_Open):
    ref: str
    recommendation: int
    value: Number | None
    status: Status
    calculated: Status
    overridden: bool
    direction: Direction | None


class ProblemOut(_Open):
    where: str
    message: str


class Totals(_Open):
    actions: CountsOut
    kpis: CountsOut
    quality: CountsOut
    feedback: CountsOut


class Summary(_Open):
    """Exactly ``plantracker summary PLAN --period ID --json``."""

    plan: str
    period: str
    overall: BoxOut
    totals: Totals
    recommendations: list[RecommendationSummary]
    kpis: list[KpiSummary]
    problems: list[ProblemOut]


# --- entries (per-period values and updates) ----------------------------------------------


class KpiValueIn(Schema):
    ref: Text = Field(min_length=1, description="The KPI's ref, e.g. 6.K1.")
    value: ExactNumber = Field(
        description="The value as a JSON number (kept exactly as written); null: not available."
    )
    display: DisplayText | None = Field(None, description="Text to print instead, e.g. '66 (611)'.")
    status: Status | None = Field(
        None, description="A status given by hand: an override when it differs from the rule's."
    )
    reason: Text | None = Field(None, description="Why the status was given by hand.")
    commentary: Text | None = None
    expected_version: ExpectedVersion = None

    model_config = ConfigDict(extra="forbid")


class UpdateIn(Schema):
    ref: Text = Field(min_length=1, description="The action's or measure's ref, e.g. 9.A1.")
    status: Status
    commentary: Text | None = None
    expected_version: ExpectedVersion = None

    model_config = ConfigDict(extra="forbid")


class RatingOut(Schema):
    """The KPI's status by the plan's rules were this value approved (docs/rules.md#kpi-rating,
    docs/rules.md#override)."""

    status: Status = Field(description="The status shown: the given one, else the calculated.")
    calculated: Status
    overridden: bool


class EntryOut(Schema):
    """An item's entry for the period. ``state`` is where it is in review; only approved
    content is reported. ``version`` is what to send back as ``expected_version``."""

    ref: str
    kind: Kind
    status: Status | None
    commentary: str | None
    state: EntryState
    version: int
    review_comment: str | None = Field(description="The lead's comment when returned.")
    # People by the name on their account, never an email address (``api.people``).
    entered_by: str | None = Field(
        description="Who last wrote the content, by name; null for content from the plan file."
    )
    on_behalf: bool = Field(
        description="The content was entered for the item's owner by someone else, a lead "
        "(ADR 0069); false again once the owner or deputy changes it themselves."
    )
    on_behalf_of: str | None = Field(
        description="Entered on behalf: the owner's account it was entered for, by name; "
        "null otherwise, or when no account was linked to the item as its owner."
    )


class KpiValueOut(EntryOut):
    value: Number | None
    display: str | None
    reason: str | None
    computed_from: str | None = Field(
        None,
        description="Read-only. 'statutory:<indicator>' when `plantracker statutory apply` "
        "computed the value from the statutory returns; null when a person entered it.",
    )
    rating: RatingOut | None = Field(
        None, description="Given in answer to a write: the value's status by the rules."
    )


# --- owners (ADR 0068) --------------------------------------------------------------------


class ItemOwnersOut(Schema):
    """An item's owner as the plan names it, and the accounts linked to it."""

    ref: str
    owner: str | None = Field(description="The owner as the plan names them (free text).")
    owner_email: str | None = Field(description="The owner's account, which gives updates.")
    deputy_email: str | None = Field(description="A deputy account who may update it too.")


class RiskOwnerOut(Schema):
    position: int = Field(description="The risk's position in the plan, from 0.")
    title: str
    owner: str | None
    owner_email: str | None


class OwnersOut(Schema):
    items: list[ItemOwnersOut]
    risks: list[RiskOwnerOut]


class ItemOwnersIn(Schema):
    """The accounts to link, by email (null: nobody); each a contributor or lead of the
    plan."""

    model_config = ConfigDict(extra="forbid")

    owner_email: Text | None
    deputy_email: Text | None = None


class RiskOwnerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    owner_email: Text | None


# --- evidence (ADR 0078) ------------------------------------------------------------------


class EvidenceOut(Schema):
    """A file or link attached to an item's update for the period."""

    id: int
    ref: str = Field(description="The item's ref.")
    kind: str = Field(description="'file' or 'link'.")
    description: str
    filename: str | None = Field(None, description="A file's name (normalised).")
    content_type: str | None = Field(None, description="A file's type, from its contents.")
    size: int | None = Field(None, description="A file's size in bytes.")
    sha256: str | None = Field(None, description="A file's SHA-256, hex.")
    url: str | None = Field(
        None, description="A link's address, or where a file downloads (with the token)."
    )
    added_by: str | None = Field(description="Who attached it, by name (ADR 0070).")
    added_at: datetime
