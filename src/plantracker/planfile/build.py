"""Neutral ``Node`` tree → domain ``Plan``, strictly (docs/plan-file.md#errors).

Every error of the file is collected, each with its path
(``recommendations[8].kpis[1].values.2018-19-Q2.value``), what was expected, what was found
and where it was written; ``build_plan`` raises them together as ``PlanFileError``. The same
validator serves every source format: it sees only ``Node`` trees.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, TypeVar

from plantracker.domain.computed import parse_computed_mark
from plantracker.domain.model import (
    POSSIBLE_SCORES,
    SCALE_POINTS,
    STATUTORY_PREFIX,
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    Comparators,
    Contact,
    Disclosure,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Narrative,
    Period,
    Plan,
    PublishedNames,
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
    band_errors,
)
from plantracker.planfile import scalars
from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.tree import Node, Shape

FORMAT_VERSION = 1

TOP_KEYS = ("format", "plan", "periods", "recommendations", "risks", "narrative")
PLAN_KEYS = (
    "title",
    "organisation",
    "rules",
    "risk_scale",
    "contact",
    "purpose",
    "glossary",
    "order_note",
    "published_names",
)
RISK_SCALE_KEYS = ("likelihood", "impact", "bands")
BAND_PATTERN = re.compile(r"(\d+)\s*[-–]\s*(\d+)")
CONTACT_KEYS = ("name", "role", "email")
RULES_KEYS = ("kpi_tolerance", "dot_band", "rollup_green", "rollup_red")
PERIOD_KEYS = ("id", "label", "short_label", "start", "end", "scrutiny", "due")
SHORT_LABEL_MAX = 12  # a chart tick's room (docs/plan-file.md#periods)
RECOMMENDATION_KEYS = ("number", "title", "aim", "lead", "actions", "kpis", "quality", "feedback")
ITEM_KEYS = ("ref", "title", "owner", "owner_email", "deputy_email", "from", "until", "expected")
ACTION_KEYS = (*ITEM_KEYS, "due", "updates")
KPI_KEYS = (
    *ITEM_KEYS,
    "aim",
    "better",
    "unit",
    "baseline",
    "target",
    "targets",
    "tolerance",
    "tolerance_points",
    "source",
    "comparators",
    "values",
    "disclosure",
)
MEASURE_KEYS = (*ITEM_KEYS, "frequency", "method", "updates")
RISK_KEYS = (
    "title",
    "mitigation",
    "owner",
    "owner_email",
    "controls",
    "target_score",
    "target_date",
    "updates",
)
UPDATE_KEYS = ("status", "commentary")
RISK_UPDATE_KEYS = ("status", "commentary", "likelihood", "impact", "reason")
VALUE_KEYS = ("value", "display", "status", "reason", "commentary", "computed_from")
BASELINE_KEYS = ("label", "value", "display", "status")
TARGET_KEYS = ("label", "date", "value", "display")
COMPARATORS_KEYS = ("label", "england", "region", "neighbours")
NARRATIVE_LISTS = (
    "headlines",
    "decisions",
    "milestones",
    "next_steps",
    "committee_recommendations",
)
BOX_REASON_KEYS = tuple(f"{box.value}_reason" for box in Box)
NARRATIVE_KEYS = (
    *NARRATIVE_LISTS,
    "deep_dives",
    "commentary",
    *(box.value for box in Box),
    *BOX_REASON_KEYS,
)

T = TypeVar("T")


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _names(values: Sequence[object], limit: int = 12) -> str:
    shown = [str(value) for value in values[:limit]]
    if len(values) > limit:
        shown.append(f"… ({len(values)} in all)")
    return ", ".join(shown) if shown else "none"


class _Builder:
    """Walks one tree, collecting errors; the domain objects it builds are used only if none."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[tuple[int, int, PlanError]] = []
        self.periods: dict[str, int] = {}
        self.period_order: list[str] = []
        self.refs: dict[str, str] = {}
        self.numbers: dict[int, str] = {}
        # When a period id or recommendation number itself is unreadable, references to
        # it cannot be judged: saying "undeclared" would only repeat the first error.
        self.periods_known = True
        # The plan's risk scale, read from the header before the risks that use it.
        self.scale = RiskScale()
        self.numbers_known = True

    # -- reporting ------------------------------------------------------------------------

    def error(self, path: str, node: Node, message: str) -> None:
        self.errors.append(
            (node.line, node.column, PlanError(self.file, path, f"{message} ({node.location})"))
        )

    def read(self, reader: Callable[[Node], T], node: Node, path: str) -> T | None:
        """``reader(node)``, or None after recording its complaint."""
        try:
            return reader(node)
        except scalars.Invalid as exc:
            self.error(path, node, str(exc))
            return None

    # -- structure ------------------------------------------------------------------------

    def fields(
        self,
        node: Node,
        path: str,
        allowed: Sequence[str],
        required: Sequence[str],
        what: str,
    ) -> dict[str, Node] | None:
        """A mapping's entries by key, refusing unknown, repeated and missing keys."""
        if node.shape is not Shape.MAPPING:
            self.error(path, node, f"expected {what} (a mapping), found {scalars.describe(node)}")
            return None
        found: dict[str, Node] = {}
        for key, value in node.entries:
            name = key.text
            if name in found:
                self.error(join(path, name), key, f"the key {name!r} appears twice")
            elif name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(
                    join(path, name),
                    key,
                    f"unknown key {name!r}{hint}; {what} allows: {', '.join(allowed)}",
                )
            else:
                found[name] = value
        for name in required:
            if name not in found:
                self.error(path, node, f"{what} is missing the required key {name!r}")
        return found

    def sequence(self, node: Node, path: str, what: str) -> tuple[Node, ...]:
        if node.shape is not Shape.SEQUENCE:
            self.error(path, node, f"expected a list of {what}, found {scalars.describe(node)}")
            return ()
        return node.items

    def keyed(self, node: Node, path: str, what: str) -> list[tuple[str, Node, Node]]:
        """A mapping keyed by period id: (id, key node, value node) for declared periods."""
        if node.shape is not Shape.MAPPING:
            self.error(
                path, node, f"expected {what} keyed by period id, found {scalars.describe(node)}"
            )
            return []
        entries: list[tuple[str, Node, Node]] = []
        seen: set[str] = set()
        for key, value in node.entries:
            period_id = key.text
            if period_id in seen:
                self.error(join(path, period_id), key, f"the period {period_id!r} appears twice")
                continue
            seen.add(period_id)
            if self.period(key, join(path, period_id)) is not None:
                entries.append((period_id, key, value))
        return entries

    def period(self, node: Node, path: str) -> str | None:
        """A declared period id, or None after an error naming the plan's periods."""
        period_id = self.read(scalars.text, node, path)
        if period_id is None:
            return None
        if period_id not in self.periods:
            if not self.periods_known:
                return None
            self.error(
                path,
                node,
                f"expected a period declared under periods ({_names(self.period_order)}), "
                f"found {period_id!r}",
            )
            return None
        return period_id

    def optional(
        self, found: dict[str, Node], key: str, path: str, reader: Callable[[Node], T]
    ) -> T | None:
        """An optional scalar: absent or null → None."""
        node = found.get(key)
        if node is None or (node.shape is Shape.SCALAR and node.null):
            return None
        return self.read(reader, node, join(path, key))

    def required(
        self, found: dict[str, Node], key: str, path: str, reader: Callable[[Node], T]
    ) -> T | None:
        """A required value (its absence was reported by ``fields``)."""
        node = found.get(key)
        if node is None:
            return None
        return self.read(reader, node, join(path, key))

    def texts(self, found: dict[str, Node], key: str, path: str) -> tuple[str, ...]:
        node = found.get(key)
        if node is None:
            return ()
        values: list[str] = []
        for index, item in enumerate(self.sequence(node, join(path, key), "texts")):
            value = self.read(scalars.text, item, f"{join(path, key)}[{index}]")
            if value is not None:
                values.append(value)
        return tuple(values)

    # -- the plan -------------------------------------------------------------------------

    def plan(self, root: Node) -> Plan | None:
        top = self.fields(
            root,
            "",
            TOP_KEYS,
            ("format", "plan", "periods", "recommendations"),
            "a plan file",
        )
        if top is None:
            return None
        if "format" in top:
            node = top["format"]
            if node.shape is not Shape.SCALAR or node.quoted or node.text != str(FORMAT_VERSION):
                self.error(
                    "format",
                    node,
                    f"expected format {FORMAT_VERSION} (the only version there is), "
                    f"found {scalars.describe(node)}",
                )
        title, organisation, rules = "", "", Rules()
        paper: dict[str, Any] = {}
        if "plan" in top:
            header = self.fields(
                top["plan"], "plan", PLAN_KEYS, ("title", "organisation"), "the plan header"
            )
            if header is not None:
                title = self.required(header, "title", "plan", scalars.required_text) or ""
                organisation = (
                    self.required(header, "organisation", "plan", scalars.required_text) or ""
                )
                if "rules" in header:
                    rules = self.rules(header["rules"], "plan.rules")
                if "risk_scale" in header and not header["risk_scale"].null:
                    self.scale = self.risk_scale(header["risk_scale"], "plan.risk_scale")
                paper = self.committee_paper(header)
                names = self.optional(
                    header,
                    "published_names",
                    "plan",
                    lambda n: scalars.choice(n, PublishedNames, "published_names"),
                )
                if names is not None:
                    paper["published_names"] = names
        periods: tuple[Period, ...] = ()
        if "periods" in top:
            periods = self.periods_list(top["periods"])
        else:
            self.periods_known = False
        recommendations: list[Recommendation] = []
        if "recommendations" not in top or top["recommendations"].shape is not Shape.SEQUENCE:
            self.numbers_known = False
        if "recommendations" in top:
            nodes = self.sequence(top["recommendations"], "recommendations", "recommendations")
            for index, node in enumerate(nodes):
                recommendation = self.recommendation(node, f"recommendations[{index}]")
                if recommendation is not None:
                    recommendations.append(recommendation)
        risks: list[Risk] = []
        if "risks" in top:
            for index, node in enumerate(self.sequence(top["risks"], "risks", "risks")):
                risk = self.risk(node, f"risks[{index}]")
                if risk is not None:
                    risks.append(risk)
        narrative: dict[str, Narrative] = {}
        if "narrative" in top and not top["narrative"].null:
            for period_id, _key, node in self.keyed(top["narrative"], "narrative", "narrative"):
                narrative[period_id] = self.narrative(node, join("narrative", period_id))
        return Plan(
            title=title,
            organisation=organisation,
            rules=rules,
            periods=periods,
            recommendations=tuple(recommendations),
            risks=tuple(risks),
            narrative=MappingProxyType(narrative),
            risk_scale=self.scale,
            **paper,
        )

    def committee_paper(self, header: dict[str, Node]) -> dict[str, Any]:
        """The plan header's optional committee-paper fields: ``contact``, ``purpose``,
        ``glossary`` and ``order_note`` (docs/plan-file.md#committee-paper)."""
        paper: dict[str, Any] = {
            "purpose": self.optional(header, "purpose", "plan", scalars.required_text),
            "order_note": self.optional(header, "order_note", "plan", scalars.required_text),
        }
        node = header.get("contact")
        if node is not None and not node.null:
            found = self.fields(node, "plan.contact", CONTACT_KEYS, ("name",), "the contact")
            if found is not None:
                name = self.required(found, "name", "plan.contact", scalars.required_text)
                role = self.optional(found, "role", "plan.contact", scalars.required_text)
                email = self.optional(found, "email", "plan.contact", _email)
                if name is not None:
                    paper["contact"] = Contact(name=name, role=role, email=email)
        node = header.get("glossary")
        glossary: dict[str, str] = {}
        if node is not None and not node.null:
            if node.shape is not Shape.MAPPING:
                self.error(
                    "plan.glossary",
                    node,
                    "expected the glossary as terms and their meanings (a mapping), "
                    f"found {scalars.describe(node)}",
                )
            else:
                for key, value in node.entries:
                    path = join("plan.glossary", key.text)
                    term = self.read(_term, key, path)
                    if term is None:
                        continue
                    if term in glossary:
                        self.error(path, key, f"the term {term!r} appears twice")
                        continue
                    meaning = self.read(
                        lambda n: scalars.required_text(n, "the term's meaning"), value, path
                    )
                    if meaning is not None:
                        glossary[term] = meaning
        paper["glossary"] = MappingProxyType(glossary)
        return paper

    def rules(self, node: Node, path: str) -> Rules:
        found = self.fields(node, path, RULES_KEYS, (), "rules")
        if found is None:
            return Rules()
        values: dict[str, Decimal] = {}
        for key in RULES_KEYS:
            value = self.optional(found, key, path, scalars.number)
            if value is None:
                continue
            percent_share = key.startswith("rollup_")
            if value < 0 or (percent_share and value > 100):
                bounds = "between 0 and 100" if percent_share else "of at least 0"
                self.error(
                    join(path, key), found[key], f"expected a percentage {bounds}, found {value}"
                )
                continue
            values[key] = value
        return Rules(**values)

    def risk_scale(self, node: Node, path: str) -> RiskScale:
        """The plan's likelihood and impact labels and score bands
        (docs/plan-file.md#risk-scale); a key left out keeps its default."""
        found = self.fields(node, path, RISK_SCALE_KEYS, (), "a risk scale")
        default = RiskScale()
        if found is None:
            return default
        labels: dict[str, tuple[str, ...]] = {}
        for key in ("likelihood", "impact"):
            if key not in found:
                continue
            node = found[key]
            if node.shape is Shape.SCALAR and not node.null:
                # One text of labels separated by semicolons (a workbook cell).
                joined = self.read(scalars.text, node, join(path, key)) or ""
                texts = tuple(part.strip() for part in joined.split(";") if part.strip())
            else:
                texts = self.texts(found, key, path)
            if len(texts) != SCALE_POINTS:
                self.error(
                    join(path, key),
                    found[key],
                    f"expected {SCALE_POINTS} labels (for 1 to {SCALE_POINTS}), found {len(texts)}",
                )
                continue
            labels[key] = texts
        bands = default.bands
        if "bands" in found:
            bands = self.bands(found["bands"], join(path, "bands")) or default.bands
        return RiskScale(
            likelihood=labels.get("likelihood", default.likelihood),
            impact=labels.get("impact", default.impact),
            bands=bands,
        )

    def bands(self, node: Node, path: str) -> tuple[RiskBand, ...] | None:
        """``{green: 1-6, amber: 8-12, red: 15-25}``: every possible score in one band."""
        colours = tuple(status.value for status in (Status.GREEN, Status.AMBER, Status.RED))
        found = self.fields(node, path, colours, colours, "score bands")
        if found is None or len(found) != len(colours):
            return None
        bands: list[RiskBand] = []
        for colour in colours:
            text = self.read(scalars.text, found[colour], join(path, colour))
            match = BAND_PATTERN.fullmatch(text.strip()) if text is not None else None
            if match is None:
                if text is not None:
                    self.error(
                        join(path, colour),
                        found[colour],
                        f"expected a range of scores such as 8-12, found {text!r}",
                    )
                return None
            bands.append(RiskBand(Status(colour), int(match[1]), int(match[2])))
        problems = band_errors(tuple(bands))
        for problem in problems:
            self.error(path, node, problem)
        return None if problems else tuple(bands)

    def periods_list(self, node: Node) -> tuple[Period, ...]:
        nodes = self.sequence(node, "periods", "periods")
        if node.shape is not Shape.SEQUENCE:
            self.periods_known = False
        if node.shape is Shape.SEQUENCE and not nodes:
            self.error("periods", node, "expected at least one period, found an empty list")
        periods: list[Period] = []
        previous: Period | None = None
        for index, item in enumerate(nodes):
            path = f"periods[{index}]"
            found = self.fields(
                item, path, PERIOD_KEYS, ("id", "label", "start", "end"), "a period"
            )
            if found is None:
                self.periods_known = False
                continue
            period_id = self.required(found, "id", path, _period_id)
            if period_id is None:
                self.periods_known = False
            else:
                if period_id in self.periods:
                    self.error(
                        join(path, "id"),
                        found["id"],
                        f"expected a new period id, found {period_id!r} again "
                        f"(periods[{self.periods[period_id]}] has it)",
                    )
                else:
                    self.periods[period_id] = index
                    self.period_order.append(period_id)
            label = self.required(found, "label", path, scalars.required_text)
            start = self.required(found, "start", path, scalars.calendar_date)
            end = self.required(found, "end", path, scalars.calendar_date)
            short_label = self.optional(found, "short_label", path, _short_label)
            scrutiny = self.optional(found, "scrutiny", path, scalars.calendar_date)
            due = self.optional(found, "due", path, scalars.calendar_date)
            if start is not None and end is not None and start > end:
                self.error(
                    join(path, "start"),
                    found["start"],
                    f"expected a start on or before the end ({end.isoformat()}), "
                    f"found {start.isoformat()}",
                )
            if period_id is None or label is None or start is None or end is None:
                continue
            period = Period(period_id, label, start, end, scrutiny, due, short_label)
            if previous is not None and start <= previous.start:
                self.error(
                    join(path, "start"),
                    found["start"],
                    f"expected periods oldest first: this period starts {start.isoformat()}, "
                    f"not after {previous.id} ({previous.start.isoformat()})",
                )
            previous = period
            periods.append(period)
        return tuple(periods)

    # -- recommendations and items --------------------------------------------------------

    def recommendation(self, node: Node, path: str) -> Recommendation | None:
        found = self.fields(
            node, path, RECOMMENDATION_KEYS, ("number", "title", "aim"), "a recommendation"
        )
        if found is None:
            self.numbers_known = False
            return None
        number = self.required(found, "number", path, lambda n: scalars.whole(n, "a whole number"))
        if number is None:
            self.numbers_known = False
        else:
            if number in self.numbers:
                self.error(
                    join(path, "number"),
                    found["number"],
                    f"expected a new recommendation number, found {number} again "
                    f"({self.numbers[number]} has it)",
                )
            else:
                self.numbers[number] = path
        title = self.required(found, "title", path, scalars.required_text)
        aim = self.required(found, "aim", path, scalars.required_text)
        lead = self.optional(found, "lead", path, scalars.text)
        actions = self.items(found, "actions", path, self.action)
        kpis = self.items(found, "kpis", path, self.kpi)
        quality = self.items(found, "quality", path, self.quality)
        feedback = self.items(found, "feedback", path, self.feedback)
        if number is None or title is None or aim is None:
            return None
        return Recommendation(
            number=number,
            title=title,
            aim=aim,
            lead=lead,
            actions=actions,
            kpis=kpis,
            quality=quality,
            feedback=feedback,
        )

    def items(
        self,
        found: dict[str, Node],
        key: str,
        path: str,
        reader: Callable[[Node, str], T | None],
    ) -> tuple[T, ...]:
        node = found.get(key)
        if node is None or (node.shape is Shape.SCALAR and node.null):
            return ()
        built: list[T] = []
        for index, item in enumerate(self.sequence(node, join(path, key), key)):
            value = reader(item, f"{join(path, key)}[{index}]")
            if value is not None:
                built.append(value)
        return tuple(built)

    def item_fields(self, found: dict[str, Node], path: str) -> dict[str, Any] | None:
        """The fields every kind shares; None when a required one is unusable."""
        ref = self.required(found, "ref", path, _ref)
        if ref is not None:
            if ref in self.refs:
                self.error(
                    join(path, "ref"),
                    found["ref"],
                    f"expected a ref unique in the plan, found {ref!r} again "
                    f"({self.refs[ref]} has it)",
                )
            else:
                self.refs[ref] = path
        title = self.required(found, "title", path, scalars.required_text)
        owner = self.optional(found, "owner", path, scalars.text)
        owner_email = self.optional(found, "owner_email", path, scalars.email)
        deputy_email = self.optional(found, "deputy_email", path, scalars.email)
        if owner_email is not None and owner_email == deputy_email:
            self.error(
                join(path, "deputy_email"),
                found["deputy_email"],
                "expected a deputy other than the owner, found the owner's email again",
            )
        start = self.optional(found, "from", path, lambda n: n)
        end = self.optional(found, "until", path, lambda n: n)
        from_period = self.period(start, join(path, "from")) if start is not None else None
        until_period = self.period(end, join(path, "until")) if end is not None else None
        if (
            from_period is not None
            and until_period is not None
            and self.periods[from_period] > self.periods[until_period]
        ):
            assert end is not None
            self.error(
                join(path, "until"),
                end,
                f"expected a period no earlier than from ({from_period}), found {until_period!r}",
            )
        expected: tuple[str, ...] | None = None
        if "expected" in found and not found["expected"].null:
            expected_path = join(path, "expected")
            ids: list[str] = []
            for index, entry in enumerate(
                self.sequence(found["expected"], expected_path, "periods")
            ):
                period_id = self.period(entry, f"{expected_path}[{index}]")
                if period_id is None:
                    continue
                if period_id in ids:
                    self.error(
                        f"{expected_path}[{index}]",
                        entry,
                        f"the period {period_id!r} is listed twice",
                    )
                    continue
                ids.append(period_id)
            expected = tuple(ids)
        if ref is None or title is None:
            return None
        return {
            "ref": ref,
            "title": title,
            "owner": owner,
            "owner_email": owner_email,
            "deputy_email": deputy_email,
            "from_period": from_period,
            "until_period": until_period,
            "expected": expected,
        }

    def action(self, node: Node, path: str) -> Action | None:
        found = self.fields(node, path, ACTION_KEYS, ("ref", "title"), "an action")
        if found is None:
            return None
        common = self.item_fields(found, path)
        due = self.optional(found, "due", path, scalars.calendar_date)
        updates = self.updates(found, path)
        if common is None:
            return None
        return Action(**common, due=due, updates=updates)

    def quality(self, node: Node, path: str) -> QualityMeasure | None:
        return self._measure(node, path, QualityMeasure, "a quality measure")

    def feedback(self, node: Node, path: str) -> FeedbackMeasure | None:
        return self._measure(node, path, FeedbackMeasure, "a feedback measure")

    def _measure(
        self, node: Node, path: str, kind: type[QualityMeasure] | type[FeedbackMeasure], what: str
    ) -> Any:
        found = self.fields(node, path, MEASURE_KEYS, ("ref", "title"), what)
        if found is None:
            return None
        common = self.item_fields(found, path)
        frequency = self.optional(found, "frequency", path, scalars.text)
        method = self.optional(found, "method", path, scalars.text)
        updates = self.updates(found, path)
        if common is None:
            return None
        return kind(**common, frequency=frequency, method=method, updates=updates)

    def updates(self, found: dict[str, Node], path: str) -> MappingProxyType[str, Update]:
        node = found.get("updates")
        result: dict[str, Update] = {}
        if node is None or node.null:
            return MappingProxyType(result)
        updates_path = join(path, "updates")
        for period_id, _key, value in self.keyed(node, updates_path, "updates"):
            entry_path = join(updates_path, period_id)
            entry = self.fields(value, entry_path, UPDATE_KEYS, ("status",), "an update")
            if entry is None:
                continue
            status = self.required(entry, "status", entry_path, _status)
            commentary = self.optional(entry, "commentary", entry_path, scalars.text)
            if status is not None:
                result[period_id] = Update(status=status, commentary=commentary)
        return MappingProxyType(result)

    def kpi(self, node: Node, path: str) -> Kpi | None:
        found = self.fields(node, path, KPI_KEYS, ("ref", "title", "aim"), "a KPI")
        if found is None:
            return None
        common = self.item_fields(found, path)
        aim = self.required(found, "aim", path, lambda n: scalars.choice(n, Aim, "an aim"))
        better = self.optional(found, "better", path, lambda n: scalars.choice(n, Better, "better"))
        unit = self.optional(found, "unit", path, lambda n: scalars.choice(n, Unit, "a unit"))
        if aim is Aim.MAINTAIN and better is None and "better" not in found:
            self.error(
                path,
                node,
                "a KPI with aim 'maintain' needs 'better' (higher, lower or closer), found none",
            )
        baseline = self.baseline(found, path)
        target = self.target(found, path)
        targets: dict[str, Decimal] = {}
        if "targets" in found and not found["targets"].null:
            targets_path = join(path, "targets")
            for period_id, _key, value in self.keyed(found["targets"], targets_path, "targets"):
                number = self.read(scalars.number, value, join(targets_path, period_id))
                if number is not None:
                    targets[period_id] = number
        tolerance = self.optional(found, "tolerance", path, _non_negative)
        points = self.optional(found, "tolerance_points", path, _non_negative)
        if "tolerance" in found and "tolerance_points" in found:
            self.error(
                join(path, "tolerance_points"),
                found["tolerance_points"],
                "expected either tolerance (percent) or tolerance_points (units), found both",
            )
        source = self.optional(found, "source", path, scalars.text)
        disclosure = self.optional(
            found, "disclosure", path, lambda n: scalars.choice(n, Disclosure, "a disclosure")
        )
        comparators = self.comparators(found, path)
        values = self.kpi_values(found, path)
        if common is None or aim is None:
            return None
        return Kpi(
            **common,
            aim=aim,
            better=better,
            unit=unit or Unit.NUMBER,
            baseline=baseline,
            target=target,
            targets=MappingProxyType(targets),
            tolerance=tolerance,
            tolerance_points=points,
            source=source,
            comparators=comparators,
            values=values,
            disclosure=disclosure,
        )

    def baseline(self, found: dict[str, Node], path: str) -> Baseline | None:
        node = found.get("baseline")
        if node is None or node.null:
            return None
        own = join(path, "baseline")
        entry = self.fields(node, own, BASELINE_KEYS, (), "a baseline")
        if entry is None:
            return None
        return Baseline(
            label=self.optional(entry, "label", own, scalars.text),
            value=self.optional(entry, "value", own, scalars.number),
            display=self.optional(entry, "display", own, scalars.display_text),
            status=self.optional(entry, "status", own, _status),
        )

    def target(self, found: dict[str, Node], path: str) -> Target | None:
        node = found.get("target")
        if node is None or node.null:
            return None
        own = join(path, "target")
        entry = self.fields(node, own, TARGET_KEYS, (), "a target")
        if entry is None:
            return None
        return Target(
            label=self.optional(entry, "label", own, scalars.text),
            date=self.optional(entry, "date", own, scalars.calendar_date),
            value=self.optional(entry, "value", own, scalars.number),
            display=self.optional(entry, "display", own, scalars.display_text),
        )

    def comparators(self, found: dict[str, Node], path: str) -> Comparators | None:
        """Published figures beside the KPI (docs/plan-file.md#comparators): the period they are for
        is required, each figure is optional (not published, or suppressed)."""
        node = found.get("comparators")
        if node is None or node.null:
            return None
        own = join(path, "comparators")
        entry = self.fields(node, own, COMPARATORS_KEYS, ("label",), "comparators")
        if entry is None:
            return None
        label = self.required(entry, "label", own, scalars.required_text)
        england = self.optional(entry, "england", own, scalars.number)
        region = self.optional(entry, "region", own, scalars.number)
        neighbours = self.optional(entry, "neighbours", own, scalars.number)
        if label is None:
            return None
        return Comparators(label=label, england=england, region=region, neighbours=neighbours)

    def kpi_values(self, found: dict[str, Node], path: str) -> MappingProxyType[str, KpiValue]:
        node = found.get("values")
        result: dict[str, KpiValue] = {}
        if node is None or node.null:
            return MappingProxyType(result)
        values_path = join(path, "values")
        for period_id, _key, value in self.keyed(node, values_path, "values"):
            entry_path = join(values_path, period_id)
            entry = self.fields(value, entry_path, VALUE_KEYS, (), "a KPI value")
            if entry is None:
                continue
            result[period_id] = KpiValue(
                value=self.optional(entry, "value", entry_path, scalars.number),
                display=self.optional(entry, "display", entry_path, scalars.display_text),
                status=self.optional(entry, "status", entry_path, _status),
                reason=self.optional(entry, "reason", entry_path, scalars.text),
                commentary=self.optional(entry, "commentary", entry_path, scalars.text),
                computed_from=self.optional(entry, "computed_from", entry_path, _computed_from),
            )
        return MappingProxyType(result)

    # -- risks and narrative --------------------------------------------------------------

    def risk(self, node: Node, path: str) -> Risk | None:
        found = self.fields(node, path, RISK_KEYS, ("title", "mitigation"), "a risk")
        if found is None:
            return None
        title = self.required(found, "title", path, scalars.required_text)
        mitigation = self.required(found, "mitigation", path, scalars.required_text)
        owner = self.optional(found, "owner", path, scalars.text)
        owner_email = self.optional(found, "owner_email", path, scalars.email)
        controls = self.optional(found, "controls", path, scalars.text)
        target_score = self.optional(found, "target_score", path, _score)
        target_date = self.optional(found, "target_date", path, scalars.calendar_date)
        updates = self.risk_updates(found, path)
        if title is None or mitigation is None:
            return None
        return Risk(
            title=title,
            mitigation=mitigation,
            owner=owner,
            updates=updates,
            owner_email=owner_email,
            controls=controls,
            target_score=target_score,
            target_date=target_date,
        )

    def risk_updates(self, found: dict[str, Node], path: str) -> MappingProxyType[str, Update]:
        """A risk's updates, maybe scored (docs/plan-file.md#risk-updates): ``status`` may
        be left out when ``likelihood`` and ``impact`` are given (the bands derive it)."""
        node = found.get("updates")
        result: dict[str, Update] = {}
        if node is None or node.null:
            return MappingProxyType(result)
        updates_path = join(path, "updates")
        for period_id, _key, value in self.keyed(node, updates_path, "updates"):
            entry_path = join(updates_path, period_id)
            entry = self.fields(value, entry_path, RISK_UPDATE_KEYS, (), "a risk update")
            if entry is None:
                continue
            likelihood = self.optional(entry, "likelihood", entry_path, _point)
            impact = self.optional(entry, "impact", entry_path, _point)
            scored = likelihood is not None and impact is not None
            for key, given in (("likelihood", likelihood), ("impact", impact)):
                other = "impact" if key == "likelihood" else "likelihood"
                if given is not None and other not in entry:
                    self.error(
                        entry_path,
                        value,
                        f"'{key}' is given without '{other}': give both or neither",
                    )
            if "status" not in entry and "likelihood" not in entry and "impact" not in entry:
                # As any update's (docs/plan-file.md#updates): scores may stand in for it.
                self.error(entry_path, value, "an update is missing the required key 'status'")
            status = self.optional(entry, "status", entry_path, _status)
            commentary = self.optional(entry, "commentary", entry_path, scalars.text)
            reason = self.optional(entry, "reason", entry_path, scalars.text)
            if scored and likelihood is not None and impact is not None:
                derived = self.scale.status(likelihood * impact)
                result[period_id] = RiskUpdate(
                    status=status or derived,
                    commentary=commentary,
                    likelihood=likelihood,
                    impact=impact,
                    reason=reason,
                )
            elif status is not None and reason is not None:
                result[period_id] = RiskUpdate(status=status, commentary=commentary, reason=reason)
            elif status is not None:  # unscored: the plain update it always was
                result[period_id] = Update(status=status, commentary=commentary)
        return MappingProxyType(result)

    def recommendation_number(
        self, node: Node, path: str, reader: Callable[[Node], int]
    ) -> int | None:
        number = self.read(reader, node, path)
        if number is None:
            return None
        if number not in self.numbers:
            if not self.numbers_known:
                return None
            self.error(
                path,
                node,
                f"expected the number of a recommendation in the plan "
                f"({_names(sorted(self.numbers))}), found {number}",
            )
            return None
        return number

    def narrative(self, node: Node, path: str) -> Narrative:
        if node.null:
            return Narrative()
        found = self.fields(node, path, NARRATIVE_KEYS, (), "a period's narrative")
        if found is None:
            return Narrative()
        lists = {key: self.texts(found, key, path) for key in NARRATIVE_LISTS}
        deep_dives: list[int] = []
        if "deep_dives" in found and not found["deep_dives"].null:
            dives_path = join(path, "deep_dives")
            for index, entry in enumerate(
                self.sequence(found["deep_dives"], dives_path, "recommendation numbers")
            ):
                number = self.recommendation_number(
                    entry,
                    f"{dives_path}[{index}]",
                    lambda n: scalars.whole(n, "a recommendation number"),
                )
                if number is not None:
                    deep_dives.append(number)
        commentary: dict[int, tuple[str, ...]] = {}
        if "commentary" in found and not found["commentary"].null:
            commentary_node = found["commentary"]
            commentary_path = join(path, "commentary")
            if commentary_node.shape is not Shape.MAPPING:
                self.error(
                    commentary_path,
                    commentary_node,
                    "expected commentary keyed by recommendation number (a mapping), "
                    f"found {scalars.describe(commentary_node)}",
                )
            else:
                for key, value in commentary_node.entries:
                    entry_path = join(commentary_path, key.text)
                    number = self.recommendation_number(
                        key, entry_path, lambda n: scalars.whole_key(n, "a recommendation number")
                    )
                    if number is None:
                        continue
                    if number in commentary:
                        self.error(entry_path, key, f"recommendation {number} appears twice")
                        continue
                    paragraphs: list[str] = []
                    for index, item in enumerate(self.sequence(value, entry_path, "paragraphs")):
                        paragraph = self.read(scalars.text, item, f"{entry_path}[{index}]")
                        if paragraph is not None:
                            paragraphs.append(paragraph)
                    commentary[number] = tuple(paragraphs)
        boxes: dict[Box, Status] = {}
        reasons: dict[Box, str] = {}
        for box in Box:
            status = self.optional(found, box.value, path, _status)
            if status is not None:
                boxes[box] = status
            reason_key = f"{box.value}_reason"
            reason = self.optional(found, reason_key, path, scalars.text)
            if reason is None:
                continue
            if box.value not in found or found[box.value].null:
                self.error(
                    join(path, reason_key),
                    found[reason_key],
                    f"expected {reason_key} only beside a hand-set {box.value} status, "
                    f"found no {box.value}",
                )
            reasons[box] = reason
        return Narrative(
            headlines=lists["headlines"],
            decisions=lists["decisions"],
            milestones=lists["milestones"],
            next_steps=lists["next_steps"],
            deep_dives=tuple(deep_dives),
            commentary=MappingProxyType(commentary),
            boxes=MappingProxyType(boxes),
            box_reasons=MappingProxyType(reasons),
            committee_recommendations=lists["committee_recommendations"],
        )


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TERM = re.compile(r"\w(?:.*\w)?", re.DOTALL)


def _email(node: Node) -> str:
    """An email address: one ``@``, a dot in the domain, no spaces."""
    value = scalars.text(node, "an email address")
    if not _EMAIL.fullmatch(value):
        raise scalars.Invalid(
            f"expected an email address such as improvement@example.org, found {value!r}"
        )
    return value


def _term(node: Node) -> str:
    """A glossary term: a word or words, starting and ending with a letter or digit, on
    one line (the report finds it in its text as a whole word)."""
    value = scalars.text(node, "a term")
    if not _TERM.fullmatch(value) or "\n" in value:
        raise scalars.Invalid(
            "expected a term starting and ending with a letter or digit, on one line "
            f"(for example CSE), found {value!r}"
        )
    return value


def _period_id(node: Node) -> str:
    return scalars.identifier(node, "a period id")


def _ref(node: Node) -> str:
    return scalars.identifier(node, "a ref")


def _status(node: Node) -> Status:
    return scalars.choice(node, Status, "a status")


def _computed_from(node: Node) -> str:
    mark = scalars.text(node)
    if parse_computed_mark(mark) is None:
        raise scalars.Invalid(
            f"expected {STATUTORY_PREFIX}<indicator> (the statutory indicator the value was "
            f"computed from), optionally followed by '; N children, M with errors' "
            f"(M at most N), found {scalars.describe(node)}"
        )
    return mark


def _point(node: Node) -> int:
    """A likelihood or impact: a whole number 1 to 5 (docs/plan-file.md#risk-updates)."""
    value = scalars.whole(node, f"a whole number from 1 to {SCALE_POINTS}")
    if not 1 <= value <= SCALE_POINTS:
        raise scalars.Invalid(f"expected a whole number from 1 to {SCALE_POINTS}, found {value}")
    return value


def _score(node: Node) -> int:
    """A target score: a product of two points, 1 to 25 (docs/plan-file.md#risks)."""
    value = scalars.whole(node, "a score from 1 to 25")
    if value not in POSSIBLE_SCORES:
        raise scalars.Invalid(
            f"expected a score likelihood × impact can give (1 to 25, e.g. 6 or 12), found {value}"
        )
    return value


def _non_negative(node: Node) -> Decimal:
    value = scalars.number(node)
    if value < 0:
        raise scalars.Invalid(f"expected a number of at least 0, found {node.text!r}")
    return value


def build_plan(root: Node, file: str, early: Sequence[PlanError] = ()) -> Plan:
    """The domain ``Plan`` of a tree, or ``PlanFileError`` with all its errors.

    ``early`` are errors the source reader already found (bad YAML tags, odd keys); they are
    reported first, with the validator's own in file order after them.
    """
    builder = _Builder(file)
    plan = builder.plan(root)
    errors = list(early)
    errors += [error for _line, _column, error in sorted(builder.errors, key=_position)]
    if errors or plan is None:
        raise PlanFileError(errors)
    return plan


def _position(entry: tuple[int, int, PlanError]) -> tuple[int, int]:
    return entry[0], entry[1]


def _short_label(node: Node) -> str:
    """A period's name on a chart's time axis: short text, e.g. ``Q2 18/19``."""
    value = scalars.required_text(node, "a short label")
    if len(value) > SHORT_LABEL_MAX:
        raise scalars.Invalid(
            f"expected a short label of at most {SHORT_LABEL_MAX} characters (a chart's "
            f"tick), found {len(value)}: {value!r}"
        )
    return value
