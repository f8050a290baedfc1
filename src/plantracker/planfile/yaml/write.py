"""Domain ``Plan`` → YAML plan file (docs/plan-file.md#writing).

Writes the format ``load_plan`` reads, in the plan's order, leaving out absent optional
keys. Numbers are written with their ``Decimal`` digits (``58.60``), dates ISO, and text is
quoted whenever YAML would otherwise read it as something else (``"1.10"``, ``"yes"``), so
``load_plan(dump_plan(plan))`` equals ``plan``. The emitter is hand-written rather than
``yaml.dump`` so that those choices are ours, not a YAML library's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from plantracker.domain.model import (
    Action,
    Baseline,
    Box,
    Comparators,
    Item,
    Kpi,
    KpiValue,
    Measure,
    Narrative,
    Plan,
    PublishedNames,
    Recommendation,
    Risk,
    RiskScale,
    RiskUpdate,
    Rules,
    Target,
    Update,
)
from plantracker.files import write_atomically
from plantracker.planfile.build import FORMAT_VERSION

Scalar = str | Decimal | date | int | None

# A plain scalar is safe when YAML cannot read it as anything but this text: no indicator
# first, no ": " or " #", no leading or trailing space, printable, and not a word or number
# YAML resolves to another type (checked by _RESOLVES_AS_OTHER).
_PLAIN_SAFE = re.compile(
    r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]"
    r"(?:[^\s:#]|[ ](?=.)|:(?=\S)|(?<=\S)#)*"
)
# What may appear in a plain scalar at all: printable, and no line or paragraph separator.
_PRINTABLE_LINE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_RESOLVES_AS_OTHER = re.compile(
    r"""(?x)
    ~|null|Null|NULL
    |y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?0[xob][0-9a-fA-F_]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*
    |<<|=
    """
)
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x00": "\\0",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _printable(char: str) -> bool:
    code = ord(char)
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )


def _quoted(text: str) -> str:
    parts = ['"']
    for char in text:
        if char in _ESCAPES:
            parts.append(_ESCAPES[char])
        elif _printable(char):
            parts.append(char)
        elif ord(char) <= 0xFF:
            parts.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            parts.append(f"\\u{ord(char):04x}")
        else:  # pragma: no cover - astral characters are printable
            parts.append(f"\\U{ord(char):08x}")
    parts.append('"')
    return "".join(parts)


def text_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly this text."""
    if (
        _PLAIN_SAFE.fullmatch(text)
        and _PRINTABLE_LINE.fullmatch(text)
        and not _RESOLVES_AS_OTHER.fullmatch(text)
    ):
        return text
    return _quoted(text)


def flow_text(text: str) -> str:
    """``text`` as a scalar inside a flow mapping, where ``,[]{}`` end a plain scalar."""
    written = text_scalar(text)
    if written[0] != '"' and any(char in written for char in ",[]{}"):
        return _quoted(text)
    return written


def scalar(value: Scalar) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return text_scalar(value)
    if isinstance(value, Decimal):
        return str(value)  # the digits as stored, exponent included ("58.60", "1E+3")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Lines:
    """Block-style YAML, one line at a time."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def field(self, indent: int, key: str, value: Scalar) -> None:
        self.lines.append(f"{' ' * indent}{text_scalar(key)}: {scalar(value)}")

    def optional(self, indent: int, key: str, value: Scalar) -> None:
        if value is not None:
            self.field(indent, key, value)

    def flow(self, indent: int, key: str, pairs: Iterable[tuple[str, Scalar]]) -> None:
        """``key: {a: 1, b: text}``, leaving out None values except a first ``value``."""
        written = ", ".join(
            f"{name}: {flow_text(value) if isinstance(value, str) else scalar(value)}"
            for position, (name, value) in enumerate(pairs)
            if value is not None or (position == 0 and name == "value")
        )
        self.lines.append(f"{' ' * indent}{text_scalar(key)}: {{{written}}}")

    def open(self, indent: int, key: str) -> None:
        self.lines.append(f"{' ' * indent}{text_scalar(key)}:")

    def texts(self, indent: int, key: str | int, values: Iterable[Scalar]) -> None:
        values = list(values)
        written = key if isinstance(key, int) else text_scalar(key)
        if not values:
            self.lines.append(f"{' ' * indent}{written}: []")
            return
        self.lines.append(f"{' ' * indent}{written}:")
        for value in values:
            self.lines.append(f"{' ' * indent}  - {scalar(value)}")

    def entry(self, indent: int) -> int:
        """Start a list entry that is a mapping; returns the indent of its keys."""
        self.lines.append(f"{' ' * indent}-")
        return indent + 2

    def text(self) -> str:
        # A list entry's first key goes on the dash's line: "- ref: ...".
        out: list[str] = []
        for line in self.lines:
            if out and out[-1].strip() == "-":
                dash = out.pop()
                line = dash + line[len(dash) :]
            out.append(line)
        return "\n".join(out) + "\n"


def plan_to_yaml(plan: Plan) -> str:
    """The YAML plan file of ``plan``, in the plan's order."""
    out = _Lines()
    out.field(0, "format", FORMAT_VERSION)
    out.open(0, "plan")
    out.field(2, "title", plan.title)
    out.field(2, "organisation", plan.organisation)
    if plan.rules != Rules():
        out.open(2, "rules")
        for key in ("kpi_tolerance", "dot_band", "rollup_green", "rollup_red"):
            out.field(4, key, getattr(plan.rules, key))
    if plan.risk_scale != RiskScale():
        # docs/plan-file.md#risk-scale
        out.open(2, "risk_scale")
        out.texts(4, "likelihood", plan.risk_scale.likelihood)
        out.texts(4, "impact", plan.risk_scale.impact)
        out.open(4, "bands")
        for band in plan.risk_scale.bands:
            out.field(6, band.status.value, f"{band.low}-{band.high}")
    _committee_paper(out, plan)
    out.open(0, "periods")
    for period in plan.periods:
        indent = out.entry(2)
        out.field(indent, "id", period.id)
        out.field(indent, "label", period.label)
        out.optional(indent, "short_label", period.short_label)
        out.field(indent, "start", period.start)
        out.field(indent, "end", period.end)
        out.optional(indent, "scrutiny", period.scrutiny)
        out.optional(indent, "due", period.due)
    if plan.recommendations:
        out.open(0, "recommendations")
        for recommendation in plan.recommendations:
            _recommendation(out, recommendation)
    else:
        out.lines.append("recommendations: []")
    if plan.risks:
        out.open(0, "risks")
        for risk in plan.risks:
            _risk(out, risk, plan.risk_scale)
    if plan.narrative:
        out.open(0, "narrative")
        for period_id, narrative in plan.narrative.items():
            _narrative(out, period_id, narrative)
    return out.text()


def dump_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write ``plan`` to ``path`` atomically: a temporary file beside it, then a rename.

    Raises ``OSError`` when the folder cannot be written; the target is then untouched.
    """
    write_atomically(path, plan_to_yaml(plan))


def _committee_paper(out: _Lines, plan: Plan) -> None:
    """The plan header's committee-paper fields (docs/plan-file.md#committee-paper)."""
    if plan.contact is not None:
        out.open(2, "contact")
        out.field(4, "name", plan.contact.name)
        out.optional(4, "role", plan.contact.role)
        out.optional(4, "email", plan.contact.email)
    out.optional(2, "purpose", plan.purpose)
    out.optional(2, "order_note", plan.order_note)
    if plan.published_names is not PublishedNames.HIDDEN:
        out.field(2, "published_names", plan.published_names.value)
    if plan.glossary:
        out.open(2, "glossary")
        for term, meaning in plan.glossary.items():
            out.field(4, term, meaning)


def _recommendation(out: _Lines, recommendation: Recommendation) -> None:
    indent = out.entry(2)
    out.field(indent, "number", recommendation.number)
    out.field(indent, "title", recommendation.title)
    out.field(indent, "aim", recommendation.aim)
    out.optional(indent, "lead", recommendation.lead)
    for key, items in (
        ("actions", recommendation.actions),
        ("kpis", recommendation.kpis),
        ("quality", recommendation.quality),
        ("feedback", recommendation.feedback),
    ):
        if not items:
            continue
        out.open(indent, key)
        for item in items:
            _item(out, indent + 2, item)


def _item(out: _Lines, indent: int, item: Item) -> None:
    own = out.entry(indent)
    # Refs are always quoted, as in the example plan: they are ids, never numbers.
    out.lines.append(f"{' ' * own}ref: {_quoted(item.ref)}")
    out.field(own, "title", item.title)
    out.optional(own, "owner", item.owner)
    out.optional(own, "owner_email", item.owner_email)
    out.optional(own, "deputy_email", item.deputy_email)
    out.optional(own, "from", item.from_period)
    out.optional(own, "until", item.until_period)
    if item.expected is not None:
        out.texts(own, "expected", item.expected)
    if isinstance(item, Action):
        out.optional(own, "due", item.due)
        _updates(out, own, item.updates)
    elif isinstance(item, Kpi):
        _kpi(out, own, item)
    elif isinstance(item, Measure):
        out.optional(own, "frequency", item.frequency)
        out.optional(own, "method", item.method)
        _updates(out, own, item.updates)


def _kpi(out: _Lines, indent: int, kpi: Kpi) -> None:
    out.field(indent, "aim", kpi.aim.value)
    if kpi.better is not None:
        out.field(indent, "better", kpi.better.value)
    out.field(indent, "unit", kpi.unit.value)
    if kpi.baseline is not None:
        _baseline(out, indent, kpi.baseline)
    if kpi.target is not None:
        _target(out, indent, kpi.target)
    if kpi.targets:
        out.open(indent, "targets")
        for period_id, value in kpi.targets.items():
            out.field(indent + 2, period_id, value)
    out.optional(indent, "tolerance", kpi.tolerance)
    out.optional(indent, "tolerance_points", kpi.tolerance_points)
    out.optional(indent, "source", kpi.source)
    if kpi.disclosure is not None:
        out.field(indent, "disclosure", kpi.disclosure.value)
    if kpi.comparators is not None:
        _comparators(out, indent, kpi.comparators)
    if kpi.values:
        out.open(indent, "values")
        for period_id, entry in kpi.values.items():
            _kpi_value(out, indent + 2, period_id, entry)


def _baseline(out: _Lines, indent: int, baseline: Baseline) -> None:
    if baseline == Baseline():
        out.lines.append(f"{' ' * indent}baseline: {{}}")
        return
    out.open(indent, "baseline")
    out.optional(indent + 2, "label", baseline.label)
    out.optional(indent + 2, "value", baseline.value)
    out.optional(indent + 2, "display", baseline.display)
    if baseline.status is not None:
        out.field(indent + 2, "status", baseline.status.value)


def _target(out: _Lines, indent: int, target: Target) -> None:
    if target == Target():
        out.lines.append(f"{' ' * indent}target: {{}}")
        return
    out.open(indent, "target")
    out.optional(indent + 2, "label", target.label)
    out.optional(indent + 2, "date", target.date)
    out.optional(indent + 2, "value", target.value)
    out.optional(indent + 2, "display", target.display)


def _comparators(out: _Lines, indent: int, comparators: Comparators) -> None:
    out.flow(
        indent,
        "comparators",
        (
            ("label", comparators.label),
            ("england", comparators.england),
            ("region", comparators.region),
            ("neighbours", comparators.neighbours),
        ),
    )


def _kpi_value(out: _Lines, indent: int, period_id: str, entry: KpiValue) -> None:
    out.flow(
        indent,
        period_id,
        (
            ("value", entry.value),
            ("display", entry.display),
            ("status", entry.status.value if entry.status is not None else None),
            ("reason", entry.reason),
            ("commentary", entry.commentary),
            ("computed_from", entry.computed_from),
        ),
    )


def _updates(out: _Lines, indent: int, updates: Mapping[str, Update]) -> None:
    if not updates:
        return
    out.open(indent, "updates")
    for period_id, update in updates.items():
        out.flow(
            indent + 2,
            period_id,
            (("status", update.status.value), ("commentary", update.commentary)),
        )


def _risk(out: _Lines, risk: Risk, scale: RiskScale) -> None:
    indent = out.entry(2)
    out.field(indent, "title", risk.title)
    out.field(indent, "mitigation", risk.mitigation)
    out.optional(indent, "owner", risk.owner)
    out.optional(indent, "owner_email", risk.owner_email)
    out.optional(indent, "controls", risk.controls)
    out.optional(indent, "target_score", risk.target_score)
    out.optional(indent, "target_date", risk.target_date)
    if not risk.updates:
        return
    out.open(indent, "updates")
    for period_id, update in risk.updates.items():
        if isinstance(update, RiskUpdate) and update.score is not None:
            # A status equal to the derived one is left out, so the bands re-derive it
            # (docs/plan-file.md#risk-updates).
            derived = scale.status(update.score)
            status = None if update.status == derived else update.status.value
            out.flow(
                indent + 2,
                period_id,
                (
                    ("likelihood", update.likelihood),
                    ("impact", update.impact),
                    ("status", status),
                    ("reason", update.reason),
                    ("commentary", update.commentary),
                ),
            )
        else:
            reason = update.reason if isinstance(update, RiskUpdate) else None
            out.flow(
                indent + 2,
                period_id,
                (
                    ("status", update.status.value),
                    ("commentary", update.commentary),
                    ("reason", reason),
                ),
            )


def _narrative(out: _Lines, period_id: str, narrative: Narrative) -> None:
    if narrative == Narrative():
        out.lines.append(f"  {text_scalar(period_id)}: {{}}")
        return
    out.open(2, period_id)
    for key, values in (
        ("headlines", narrative.headlines),
        ("decisions", narrative.decisions),
        ("milestones", narrative.milestones),
        ("next_steps", narrative.next_steps),
        ("committee_recommendations", narrative.committee_recommendations),
    ):
        if values:
            out.texts(4, key, values)
    if narrative.deep_dives:
        out.lines.append(
            "    deep_dives: [" + ", ".join(str(number) for number in narrative.deep_dives) + "]"
        )
    if narrative.commentary:
        out.open(4, "commentary")
        for number, paragraphs in narrative.commentary.items():
            out.texts(6, number, paragraphs)
    for box in Box:
        status = narrative.boxes.get(box)
        if status is not None:
            out.field(4, box.value, status.value)
        reason = narrative.box_reasons.get(box)
        if reason is not None:
            out.field(4, f"{box.value}_reason", reason)
