"""The plan workbook's sheets and columns: one definition, read by the reader and the writer.

docs/plan-file.md#workbook: the workbook holds the same content as the YAML file, one sheet per
list. Each column names the YAML key it holds (``key``, a path inside the row's mapping), the
kind of cell it takes and the help text the README sheet prints. Columns whose ``key`` is
empty are the workbook's own links between sheets (the recommendation an item belongs to,
the item an update belongs to); they have no YAML key of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from plantracker.domain.model import Aim, Better, Box, Status, Unit


class CellKind(Enum):
    TEXT = "text"
    NUMBER = "number"  # an exact decimal: a number cell, or text that is a number
    INTEGER = "integer"
    DATE = "date"
    CHOICE = "choice"  # one of ``choices``; a drop-down list in the sheet
    PERIODS = "periods"  # period ids separated by commas


STATUSES = tuple(status.value for status in Status)
AIMS = tuple(aim.value for aim in Aim)
BETTERS = tuple(better.value for better in Better)
UNITS = tuple(unit.value for unit in Unit)
BOXES = tuple(box.value for box in Box)
NARRATIVE_LISTS = (
    "headlines",
    "decisions",
    "milestones",
    "next_steps",
    "committee_recommendations",
)
NARRATIVE_SECTIONS = (*NARRATIVE_LISTS, "deep_dives", "commentary", *BOXES)


@dataclass(frozen=True)
class Column:
    header: str
    key: tuple[str, ...]
    kind: CellKind
    width: float  # in Excel's character widths
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def yaml_key(self) -> str:
        return ".".join(self.key)


@dataclass(frozen=True)
class Sheet:
    name: str
    purpose: str
    columns: tuple[Column, ...]

    def column(self, header: str) -> Column:
        for column in self.columns:
            if column.header == header:
                return column
        raise KeyError(header)


def _text(header: str, key: str, width: float, help: str, *, required: bool = False) -> Column:
    return Column(
        header, tuple(key.split(".")) if key else (), CellKind.TEXT, width, help, required
    )


def _number(header: str, key: str, help: str) -> Column:
    return Column(header, tuple(key.split(".")), CellKind.NUMBER, 12, help)


def _date(header: str, key: str, help: str, *, required: bool = False) -> Column:
    return Column(header, tuple(key.split(".")), CellKind.DATE, 12, help, required)


def _choice(
    header: str, key: str, choices: tuple[str, ...], help: str, *, required: bool = False
) -> Column:
    width = max(10, max(len(choice) for choice in choices) + 3)
    return Column(
        header,
        tuple(key.split(".")) if key else (),
        CellKind.CHOICE,
        width,
        help,
        required,
        choices,
    )


RECOMMENDATION_LINK = Column(
    "Recommendation",
    (),
    CellKind.INTEGER,
    15,
    "The number of the recommendation the item belongs to (a number on the Recommendations sheet).",
    required=True,
)

_ITEM_HEAD = (
    RECOMMENDATION_LINK,
    _text(
        "Ref",
        "ref",
        9,
        "The item's reference, unique in the plan (for example 9.A1). "
        "Always text: 1.10 is not 1.1.",
        required=True,
    ),
    _text("Title", "title", 60, "What the item is.", required=True),
    _text("Owner", "owner", 28, "Who is accountable for it (optional)."),
    _text(
        "Owner email",
        "owner_email",
        28,
        "The owner's account, by email: they give its updates (optional).",
    ),
    _text(
        "Deputy email",
        "deputy_email",
        28,
        "A deputy's account, by email, who may give its updates too (optional).",
    ),
)
_ITEM_TAIL = (
    _text("From", "from", 12, "The first period the item exists in (a period id; optional)."),
    _text("Until", "until", 12, "The last period the item exists in (a period id; optional)."),
    Column(
        "Expected",
        ("expected",),
        CellKind.PERIODS,
        20,
        "The periods in which an update is due, separated by commas (optional; empty: "
        "every period). In other periods an item without an update is 'none', not "
        '\'missing\'. Write [] for no period at all, and ["id", "id"] for ids that '
        "hold a comma or start or end with a space.",
    ),
)
_MEASURE = (
    *_ITEM_HEAD,
    _text("Frequency", "frequency", 16, "How often it is measured (for example Quarterly)."),
    _text("Method", "method", 30, "How it is collected (for example Standard monthly audits)."),
    *_ITEM_TAIL,
)

PLAN = Sheet(
    "Plan",
    "The plan itself: one row under the headings.",
    (
        Column(
            "Format",
            ("format",),
            CellKind.INTEGER,
            9,
            "The version of the plan file format: always 1.",
            required=True,
        ),
        _text("Title", "plan.title", 40, "The plan's title.", required=True),
        _text(
            "Organisation",
            "plan.organisation",
            32,
            "The public body whose plan it is.",
            required=True,
        ),
        _number(
            "KPI tolerance",
            "plan.rules.kpi_tolerance",
            "Percent of the target within which a KPI is amber rather than red (default 10).",
        ),
        _number(
            "DoT band",
            "plan.rules.dot_band",
            "Percent change within which a KPI's direction of travel is 'same' (default 2).",
        ),
        _number(
            "Roll-up green",
            "plan.rules.rollup_green",
            "Percent of rated items that must be green (and none red) for a green "
            "roll-up (default 75).",
        ),
        _number(
            "Roll-up red",
            "plan.rules.rollup_red",
            "Percent of rated items that are red from which a roll-up is red (default 25).",
        ),
        _text(
            "Contact name",
            "plan.contact.name",
            24,
            "The report's author and contact officer, printed on the cover (optional; "
            "needed when a contact role or email is given).",
        ),
        _text(
            "Contact role",
            "plan.contact.role",
            28,
            "The contact officer's role, for example Performance and Improvement Officer.",
        ),
        _text("Contact email", "plan.contact.email", 28, "The contact officer's email address."),
        _text(
            "Purpose",
            "plan.purpose",
            60,
            "The purpose of the report, printed on the cover (optional).",
        ),
        _text(
            "Order note",
            "plan.order_note",
            40,
            "Why the recommendations are in the order they are, when it is not by number "
            "(optional), for example: in the order of the published report.",
        ),
        _choice(
            "Published names",
            "plan.published_names",
            ("hidden", "shown"),
            "Whether the published report names owners and leads: shown, or hidden (the "
            "default when empty).",
        ),
        # The risk scale (docs/plan-file.md#risk-scale): all optional, defaults when empty.
        _text(
            "Likelihood labels",
            "plan.risk_scale.likelihood",
            30,
            "The words for likelihood 1 to 5, separated by semicolons (default Rare; "
            "Unlikely; Possible; Likely; Almost certain).",
        ),
        _text(
            "Impact labels",
            "plan.risk_scale.impact",
            30,
            "The words for impact 1 to 5, separated by semicolons (default Negligible; "
            "Minor; Moderate; Major; Severe).",
        ),
        *(
            _text(
                f"{colour.capitalize()} scores",
                f"plan.risk_scale.bands.{colour}",
                12,
                f"The risk scores that are {colour}, as LOW-HIGH (default {default}); give "
                "all three bands or none.",
            )
            for colour, default in (("green", "1-6"), ("amber", "8-12"), ("red", "15-25"))
        ),
    ),
)
PERIODS = Sheet(
    "Periods",
    "The reporting periods, oldest first.",
    (
        _text("Id", "id", 13, "The period's id, for example 2018-19-Q2.", required=True),
        _text(
            "Label",
            "label",
            28,
            "How reports name it, for example Q2 July – September 2018.",
            required=True,
        ),
        _date("Start", "start", "First day of the period.", required=True),
        _date("End", "end", "Last day of the period.", required=True),
        _date("Scrutiny", "scrutiny", "Date of the scrutiny committee meeting (optional)."),
        _date("Due", "due", "Date the quarterly updates are due (optional)."),
        _text(
            "Short label",
            "short_label",
            12,
            "Its name on a chart's time axis, at most 12 characters (optional; without it "
            "the month and year the period ends, for example Sep 2018).",
        ),
    ),
)
RECOMMENDATIONS = Sheet(
    "Recommendations",
    "The recommendations (workstreams), in report order.",
    (
        Column(
            "Number",
            ("number",),
            CellKind.INTEGER,
            9,
            "The recommendation's number.",
            required=True,
        ),
        _text("Title", "title", 30, "Its short name, for example CSE.", required=True),
        _text("Aim", "aim", 70, "The recommendation's full text.", required=True),
        _text("Lead", "lead", 30, "The senior officer accountable (optional)."),
    ),
)
ACTIONS = Sheet(
    "Actions",
    "Actions: things to do. Their quarterly updates are on the Updates sheet.",
    (*_ITEM_HEAD, _date("Due", "due", "The date the action is due (optional)."), *_ITEM_TAIL),
)
KPIS = Sheet(
    "KPIs",
    "Key performance indicators. Values per period are on 'KPI values', per-period targets "
    "on 'KPI targets'.",
    (
        *_ITEM_HEAD,
        _choice("Aim", "aim", AIMS, "What the report prints as 'Figure will'.", required=True),
        _choice(
            "Better",
            "better",
            BETTERS,
            "Which way is better: higher, lower or closer to the target. Optional, "
            "except when the aim is maintain.",
        ),
        _choice("Unit", "unit", UNITS, "count, percent, rate or number."),
        _text(
            "Baseline label",
            "baseline.label",
            16,
            "When the baseline was measured, for example March 2018.",
        ),
        _number("Baseline value", "baseline.value", "The baseline's value."),
        _text(
            "Baseline display",
            "baseline.display",
            16,
            "Text printed instead of the baseline's value, for example 66 (611).",
        ),
        _choice("Baseline status", "baseline.status", STATUSES, "The baseline's status."),
        _text(
            "Target label", "target.label", 16, "When the target applies, for example March 2019."
        ),
        _date("Target date", "target.date", "The date the target applies to."),
        _number(
            "Target value",
            "target.value",
            "The target. Leave empty for 'better than the baseline'.",
        ),
        _text(
            "Target display",
            "target.display",
            18,
            "Text printed instead of the target's value, for example Increase.",
        ),
        _number(
            "Tolerance",
            "tolerance",
            "This KPI's tolerance in percent of the target (optional; instead of the plan's).",
        ),
        _number(
            "Tolerance points",
            "tolerance_points",
            "Or: the tolerance in units of the KPI itself (not with Tolerance).",
        ),
        _text("Source", "source", 18, "Where the values are computed from (optional)."),
        _choice(
            "Disclosure",
            "disclosure",
            ("suppress",),
            "suppress: the published report withholds counts of 1 to 5 and the shares "
            "derived from them (optional).",
        ),
        _text(
            "Comparators label",
            "comparators.label",
            16,
            "The published period of the comparators, for example 2023-24 (needed when "
            "any comparator is given).",
        ),
        _number("Comparators England", "comparators.england", "England's published figure."),
        _number(
            "Comparators region", "comparators.region", "The authority's region's published figure."
        ),
        _number(
            "Comparators neighbours",
            "comparators.neighbours",
            "The mean of the statistical neighbours' published figures.",
        ),
        *_ITEM_TAIL,
    ),
)
KPI_VALUES = Sheet(
    "KPI values",
    "One row per KPI and period with a value (or a reason there is none).",
    (
        _text("KPI", "", 9, "The KPI's ref (on the KPIs sheet).", required=True),
        _text("Period", "", 13, "The period's id (on the Periods sheet).", required=True),
        _number("Value", "value", "The value. Leave empty when not available (then 'na')."),
        _text("Display", "display", 16, "Text printed instead of the value, for example NYA."),
        _choice(
            "Status",
            "status",
            STATUSES,
            "A status given by hand (optional). If it differs from the calculated one it "
            "is an override and needs a reason; 'none' marks a period without a value.",
        ),
        _text("Reason", "reason", 40, "Why the status was set by hand."),
        _text("Commentary", "commentary", 50, "Commentary on the value (optional)."),
        _text(
            "Computed from",
            "computed_from",
            26,
            "statutory:<indicator> when 'plantracker statutory apply' computed the value "
            "from the statutory returns; empty when it was typed.",
        ),
    ),
)
KPI_TARGETS = Sheet(
    "KPI targets",
    "Optional per-period targets (a trajectory) for KPIs.",
    (
        _text("KPI", "", 9, "The KPI's ref (on the KPIs sheet).", required=True),
        _text("Period", "", 13, "The period's id (on the Periods sheet).", required=True),
        Column("Target", (), CellKind.NUMBER, 12, "The target for that period.", required=True),
    ),
)
QUALITY = Sheet(
    "Quality",
    "Quality measures: results of audits. Updates are on the Updates sheet.",
    _MEASURE,
)
FEEDBACK = Sheet(
    "Feedback",
    "Feedback measures: what children, families or staff say. Updates are on the Updates sheet.",
    _MEASURE,
)
UPDATES = Sheet(
    "Updates",
    "Quarterly updates of actions, quality and feedback measures, and risks: one row per "
    "item and period.",
    (
        _text(
            "Ref",
            "",
            9,
            "The ref of the action or measure, or of the risk (on the Risks sheet).",
            required=True,
        ),
        _text("Period", "", 13, "The period's id.", required=True),
        _choice("Status", "status", STATUSES, "The item's status in that period.", required=True),
        _text("Commentary", "commentary", 60, "What happened (needed when red or amber)."),
        # A risk's scored update (docs/plan-file.md#risk-updates); empty for items.
        Column(
            "Likelihood",
            ("likelihood",),
            CellKind.INTEGER,
            11,
            "Risks only: how likely, 1 to 5 (with Impact); Status may then be left empty.",
        ),
        Column("Impact", ("impact",), CellKind.INTEGER, 9, "Risks only: how bad, 1 to 5."),
        _text(
            "Reason",
            "reason",
            30,
            "Risks only: why Status differs from the RAG the score gives.",
        ),
    ),
)
RISKS = Sheet(
    "Risks",
    "The plan's risks. Their updates are on the Updates sheet, under the risk's ref.",
    (
        _text(
            "Ref",
            "",
            9,
            "A short name for the risk, used only on the Updates sheet "
            "(for example RISK-1); it may not be an item's ref.",
            required=True,
        ),
        _text("Title", "title", 50, "The risk.", required=True),
        _text("Mitigation", "mitigation", 60, "How it is mitigated.", required=True),
        _text("Owner", "owner", 28, "Who owns it (optional)."),
        _text(
            "Owner email",
            "owner_email",
            28,
            "The owner's account, by email: they give its updates (optional).",
        ),
        _text("Controls", "controls", 40, "The controls in place (optional)."),
        Column(
            "Target score",
            ("target_score",),
            CellKind.INTEGER,
            12,
            "The score the mitigation aims for, likelihood × impact (optional).",
        ),
        _date("Target date", "target_date", "When the target score should be reached."),
    ),
)
NARRATIVE = Sheet(
    "Narrative",
    "The plan lead's words for each period: one row per headline, decision, milestone, "
    "next step, recommendation to the committee, deep dive, commentary paragraph or "
    "hand-set overview status.",
    (
        _text("Period", "", 13, "The period's id.", required=True),
        _choice(
            "Section",
            "",
            NARRATIVE_SECTIONS,
            "headlines, decisions, milestones, next_steps, committee_recommendations (what "
            "the committee is asked to note or decide): one line of text each. "
            "deep_dives: a recommendation chosen for a deep dive. commentary: a "
            "paragraph on a recommendation. overall, progress, risks, finance: an "
            "overview box set by hand (Status) and the reason (Text).",
            required=True,
        ),
        Column(
            "Recommendation",
            (),
            CellKind.INTEGER,
            15,
            "For deep_dives and commentary: the recommendation's number.",
        ),
        _choice(
            "Status", "", STATUSES, "For overall, progress, risks, finance: the status set by hand."
        ),
        _text("Text", "", 80, "The line of text; for an overview box, the reason."),
    ),
)
GLOSSARY = Sheet(
    "Glossary",
    "The plan's terms and what they mean, in the order the report lists them; a report "
    "lists those its text uses. This sheet may be left out.",
    (
        _text("Term", "", 16, "The term as the plan writes it, for example CSE.", required=True),
        _text(
            "Meaning",
            "",
            60,
            "What it means, for example Child sexual exploitation.",
            required=True,
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    PLAN,
    PERIODS,
    RECOMMENDATIONS,
    ACTIONS,
    KPIS,
    KPI_VALUES,
    KPI_TARGETS,
    QUALITY,
    FEEDBACK,
    UPDATES,
    RISKS,
    NARRATIVE,
    GLOSSARY,
)
OPTIONAL_SHEETS = (GLOSSARY.name,)
"""Sheets a workbook may leave out: they came after the first workbooks were written."""
README = "README"
SHEET_NAMES = tuple(sheet.name for sheet in SHEETS)
ITEM_SHEETS = {"actions": ACTIONS, "kpis": KPIS, "quality": QUALITY, "feedback": FEEDBACK}
DATE_FORMAT = "yyyy-mm-dd"
EMPTY_LIST = "[]"
"""What the Expected column holds for ``expected: []`` (an empty cell means no key)."""
EMPTY_MAPPING = "{}"
"""What a Baseline or Target label holds for ``baseline: {}`` / ``target: {}``: present,
with nothing in it (a target without a value means "better than the baseline")."""

# The report palette's status colours (reports/palette.py; tests/planfile/test_xlsx.py checks
# they agree), as Excel's hex digits. Kept here so reading a plan never imports the reports.
STATUS_FILL = {
    Status.GREEN: "00703C",
    Status.AMBER: "F5A700",
    Status.RED: "D4351C",
    Status.BLUE: "1D70B8",
    Status.NONE: "E6E8E9",
    Status.NA: "B1B4B6",
    Status.MISSING: "6F3C97",
}
STATUS_INK = {
    Status.GREEN: "FFFFFF",
    Status.AMBER: "0B0C0C",
    Status.RED: "FFFFFF",
    Status.BLUE: "FFFFFF",
    Status.NONE: "0B0C0C",
    Status.NA: "0B0C0C",
    Status.MISSING: "FFFFFF",
}
