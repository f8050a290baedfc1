"""``plan_domain``: the whole domain Plan of a PlanRecord in a fixed number of queries.

Entries are read unordered (``order_by()``) and put in period order here, which saves the
database a join and a sort. They are read as plain rows (``values()``), not model
instances: a large plan has tens of thousands, and building a model instance for each was
most of the time of a dashboard.

One query per table (at most ten) whatever the plan's size, with no per-item query, so pages,
reports and exports cost the same number of queries at any scale (ADR 0030). Only approved content
is read: what awaits review is not reported (ADR 0041); an approved entry under revision reports its
last approved copy.

Every row is read each time, but an item's domain object is built only when its rows differ
from the last read of the plan in this process (ADR 0087): each is remembered under the exact
content it was built from (its item row, its reported entries and targets, with decimals as
their text), so an approval that changes one entry builds one item again, and an item is
never answered from rows other than those just read.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeVar, cast

from django.db.models import Exists, OuterRef, Q
from django.db.models.sql.constants import MULTI

from plantracker.domain import model as domain
from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    Comparators,
    Disclosure,
    FeedbackMeasure,
    Kind,
    Kpi,
    Plan,
    PublishedNames,
    QualityMeasure,
    Rules,
    Status,
    Target,
    Unit,
)
from plantracker.planfile.yaml.read import collector_paused
from plantracker.tracker.models import (
    EntryState,
    Item,
    KpiTarget,
    KpiValue,
    Narrative,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
    RiskUpdate,
    Update,
    User,
)
from plantracker.tracker.models.workflow import (
    KPI_CONTENT,
    RISK_CONTENT,
    UPDATE_CONTENT,
    reported_content,
)

V = TypeVar("V")
Row = dict[str, Any]
Raw = tuple[Any, ...]  # a row as read (``values_list``)


_STATUSES = {status.value: status for status in Status}


def _status(value: str | None) -> Status | None:
    return None if value is None else _STATUSES[value]


def _reported_rows(queryset: Any, parent: str, content: Sequence[str]) -> dict[int, list[Row]]:
    """Each entry's reported content (``reported_content``) and period, by parent id."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in queryset.values(parent, "period_id", "state", "approved_copy", *content):
        shown = reported_content({n: row[n] for n in content}, row["state"], row["approved_copy"])
        groups[row[parent]].append({**shown, "period_id": row["period_id"]})
    return groups


class _Table:
    """A query's rows (``values_list(*names)``) as the database gave them, grouped by
    ``group(row)``; ``convert`` turns rows into the Python values ``values_list`` gives.

    Only the rows of an item built again are converted (ADR 0089): most of a read's time
    was converting every row of the plan, although only the rows of items whose rows
    differ are ever used. The rows are compared as given, which is exact: a decimal is
    stored as its text (``DecimalTextField``), and a value converts as it is given.
    """

    __slots__ = ("_compiler", "_converters", "groups")

    def __init__(
        self, queryset: Any, names: Sequence[str], group: Callable[[Raw], Hashable] = itemgetter(0)
    ) -> None:
        query = queryset.values_list(*names)
        self._compiler = query.query.get_compiler(using=query.db)
        self._converters: dict[int, Any] | None = None
        self.groups: dict[Hashable, list[Raw]] = defaultdict(list)
        for row in chain.from_iterable(self._compiler.execute_sql(MULTI)):
            self.groups[group(row)].append(tuple(row))

    def get(self, key: Hashable, default: Any = None) -> Any:
        return self.groups.get(key, default)

    def convert(self, rows: Iterable[Raw]) -> list[Raw]:
        """``rows`` as ``values_list`` gives them."""
        compiler = self._compiler
        if self._converters is None:
            self._converters = compiler.get_converters(
                [selected[0] for selected in compiler.select[: compiler.col_count]]
            )
        if not self._converters:
            return list(rows)
        return [tuple(row) for row in compiler.apply_converters(rows, self._converters)]


def _entry_rows(queryset: Any, parent: str, content: Sequence[str]) -> _Table:
    """Each entry's row as read (parent, period, state, approved copy, content), by parent."""
    return _Table(queryset, (parent, "period_id", "state", "approved_copy", *content))


def _shown(rows: Iterable[Raw], content: Sequence[str]) -> list[Row]:
    """What each of ``_entry_rows``'s rows reports (``reported_content``), with its period."""
    found = []
    for _parent, period_id, state, copy, *values in rows:
        shown = reported_content(dict(zip(content, values, strict=True)), state, copy)
        found.append({**shown, "period_id": period_id})
    return found


class _ItemRow:
    """An item's row as read, its columns as attributes."""

    __slots__ = ("_row",)

    def __init__(self, row: Row) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None


# The columns of an item row that the domain item is built from, and the accounts' emails.
_ITEM_COLUMNS = tuple(
    field.attname for field in Item._meta.concrete_fields if field.attname != "version"
)
_ITEM_NAMES = (*_ITEM_COLUMNS, "owner_user__username", "deputy_user__username")
_ITEM_ID = _ITEM_NAMES.index("id")
_ITEM_GROUP = itemgetter(_ITEM_NAMES.index("recommendation_id"), _ITEM_NAMES.index("kind"))

# Per process: plan pk → (its periods as read, {the exact rows an item was built from: the
# domain item}), as of the last read of that plan; a few plans at most (ADR 0087).
_BUILT: OrderedDict[int, tuple[Hashable, dict[Hashable, Any]]] = OrderedDict()
_BUILT_PLANS = 8
_BUILT_LOCK = Lock()


@dataclass(frozen=True)
class _Loaded:
    """Every row of one plan, grouped by parent, with the period lookups."""

    code: Mapping[int, str]
    position: Mapping[int, int]
    updates: _Table  # ``_entry_rows``
    values: _Table  # ``_entry_rows``
    targets: _Table  # (item, period, value)
    risk_updates: Mapping[int, list[Row]]
    items: _Table  # ``_ITEM_NAMES``, by recommendation and kind
    built: Mapping[Hashable, Any]  # the last read's domain objects, by what they came from
    used: dict[Hashable, Any]  # this read's domain objects, by what they came from

    def by_period(
        self,
        entries: Iterable[Any],
        convert: Callable[[Any], V],
        period_of: Callable[[Any], int] = itemgetter("period_id"),
    ) -> Mapping[str, V]:
        """``{period id: convert(entry)}`` in the plan's period order."""
        ordered = sorted(entries, key=lambda entry: self.position[period_of(entry)])
        return MappingProxyType({self.code[period_of(e)]: convert(e) for e in ordered})

    def period_code(self, period_id: int | None) -> str | None:
        return None if period_id is None else self.code[period_id]

    def item(self, row: Raw, build: Callable[[_ItemRow, _Loaded], V]) -> V:
        """The domain item of the item row ``row``: the one the last read of this plan built
        from exactly the same rows as the database gave them (the item's, its entries' and
        targets'), or one built now.

        The rows are compared as given: text (decimals are stored as their text, JSON as
        its text), whole numbers, flags, dates and times, each column of one type, so equal
        rows are the same content. A value that cannot be hashed is compared by ``repr``.
        """
        pk = row[_ITEM_ID]
        rows = (row, self.updates.get(pk, ()), self.values.get(pk, ()), self.targets.get(pk, ()))
        key: Hashable = (row, *map(tuple, rows[1:]))
        try:
            found = self.built.get(key)
        except TypeError:  # a value of a type that cannot be hashed
            key = repr(rows)
            found = self.built.get(key)
        if found is None:
            (converted,) = self.items.convert((row,))
            found = build(_ItemRow(dict(zip(_ITEM_NAMES, converted, strict=True))), self)
        self.used[key] = found
        return cast(V, found)

    def updates_of(self, item: _ItemRow) -> list[Row]:
        return _shown(self.updates.convert(self.updates.get(item.id, ())), UPDATE_CONTENT)

    def values_of(self, item: _ItemRow) -> list[Row]:
        return _shown(self.values.convert(self.values.get(item.id, ())), KPI_CONTENT)

    def targets_of(self, item: _ItemRow) -> list[Row]:
        rows = self.targets.convert(self.targets.get(item.id, ()))
        return [{"period_id": p, "value": v} for _i, p, v in rows]


def plan_domain(
    *, plan_record: PlanRecord, recommendation: int | None = None, holding: str | None = None
) -> Plan:
    """The domain Plan stored in ``plan_record``, equal to the one imported into it.

    With ``recommendation`` (a number) or ``holding`` (an item's reference), the same plan
    with only that recommendation, or the one holding that item (none if the plan has no
    such), and no risks: read in as many queries but only that recommendation's rows, for
    a recommendation's or an item's page (ADR 0089).

    The cyclic garbage collector is paused while the rows are read and the objects built
    (``collector_paused``): the tens of thousands of rows and lists a read holds for a
    moment form no cycles, and would otherwise be moved to the collector's oldest
    generation and bring on a full pass over the whole process every few reads (ADR 0089).
    """
    with collector_paused():
        return _plan_domain(plan_record, recommendation, holding)


def _plan_domain(plan_record: PlanRecord, recommendation: int | None, holding: str | None) -> Plan:
    organisation = plan_record.organisation  # no query when the caller used select_related
    periods = list(Period.objects.filter(plan=plan_record).order_by("position"))
    # Approved rows, and rows whose revision is in review: those report their last approved
    # content (``reported_content``) until the revision is approved.
    reported = Q(state=EntryState.APPROVED) | Q(approved_copy__isnull=False)
    periods_read = tuple((period.pk, period.code, period.position) for period in periods)
    chosen = Recommendation.objects.filter(plan=plan_record).order_by("position")
    whole = recommendation is None and holding is None
    of_items = Q(item__plan=plan_record)
    if recommendation is not None:
        chosen = chosen.filter(number=recommendation)
    if holding is not None:
        items_held = Item.objects.filter(plan=plan_record, ref=holding)
        chosen = chosen.filter(pk__in=items_held.values("recommendation_id"))
    if not whole:
        of_items &= Q(item__recommendation__in=chosen.order_by().values("pk"))
    items = Item.objects.filter(plan=plan_record).order_by("position", "pk")
    if not whole:
        items = items.filter(recommendation__in=chosen.order_by().values("pk"))
    with _BUILT_LOCK:
        last = _BUILT.get(plan_record.pk)
    loaded = _Loaded(
        code={period.pk: period.code for period in periods},
        position={period.pk: period.position for period in periods},
        updates=_entry_rows(
            Update.objects.filter(reported, of_items).order_by(), "item_id", UPDATE_CONTENT
        ),
        values=_entry_rows(
            KpiValue.objects.filter(reported, of_items).order_by(), "item_id", KPI_CONTENT
        ),
        targets=_grouped_targets(of_items),
        risk_updates=_reported_rows(
            RiskUpdate.objects.filter(reported, risk__plan=plan_record).order_by(),
            "risk_id",
            RISK_CONTENT,
        )
        if whole
        else {},
        items=_Table(items, _ITEM_NAMES, _ITEM_GROUP),
        built=last[1] if last is not None and last[0] == periods_read else {},
        used={},
    )
    recommendations = tuple(_recommendation(found, loaded) for found in chosen)
    risks = tuple(
        domain.Risk(
            title=risk.title,
            mitigation=risk.mitigation,
            owner=risk.owner,
            updates=loaded.by_period(loaded.risk_updates.get(risk.pk, []), _risk_update),
            owner_email=_email(risk.owner_user),
            controls=risk.controls,
            target_score=risk.target_score,
            target_date=risk.target_date,
        )
        for risk in (
            Risk.objects.filter(plan=plan_record).select_related("owner_user").order_by("position")
            if whole
            else ()
        )
    )
    narratives = Narrative.objects.filter(period__plan=plan_record).order_by()
    if whole:  # a part read uses the last whole read's objects, and keeps it
        with _BUILT_LOCK:
            _BUILT[plan_record.pk] = (periods_read, loaded.used)
            _BUILT.move_to_end(plan_record.pk)
            while len(_BUILT) > _BUILT_PLANS:
                _BUILT.popitem(last=False)
    return Plan(
        title=plan_record.title,
        organisation=organisation.name,
        rules=Rules(
            kpi_tolerance=plan_record.kpi_tolerance,
            dot_band=plan_record.dot_band,
            rollup_green=plan_record.rollup_green,
            rollup_red=plan_record.rollup_red,
        ),
        periods=tuple(_period(period) for period in periods),
        recommendations=recommendations,
        risks=risks,
        narrative=loaded.by_period(narratives, _narrative, lambda n: n.period_id),
        contact=_contact(plan_record),
        purpose=plan_record.purpose,
        glossary=MappingProxyType({term: meaning for term, meaning in plan_record.glossary}),
        order_note=plan_record.order_note,
        published_names=PublishedNames(plan_record.published_names),
        risk_scale=risk_scale_of(plan_record.risk_scale),
    )


def plan_periods(*, plan_record: PlanRecord) -> tuple[domain.Period, ...]:
    """The plan's periods, as ``plan_domain(plan_record=plan_record).periods``."""
    return tuple(
        _period(period) for period in Period.objects.filter(plan=plan_record).order_by("position")
    )


def reported_period_codes(*, plan_record: PlanRecord) -> frozenset[str]:
    """``reported_period_ids(plan_domain(plan_record=plan_record))`` without reading the
    plan: the periods with a narrative, a risk's update, an action's or measure's update or
    a KPI's value that ``plan_domain`` reads (for a plan read in part, ADR 0089)."""
    reported = Q(state=EntryState.APPROVED) | Q(approved_copy__isnull=False)
    here = OuterRef("pk")
    updates = Update.objects.filter(reported, period=here, item__plan=plan_record)
    values = KpiValue.objects.filter(reported, period=here, item__plan=plan_record)
    found = Period.objects.filter(plan=plan_record).filter(
        Exists(Narrative.objects.filter(period=here))
        | Exists(RiskUpdate.objects.filter(reported, period=here, risk__plan=plan_record))
        | Exists(updates.exclude(item__kind=Kind.KPI))
        | Exists(values.filter(item__kind=Kind.KPI))
    )
    return frozenset(found.values_list("code", flat=True))


def _contact(plan_record: PlanRecord) -> domain.Contact | None:
    if plan_record.contact_name is None:
        return None
    return domain.Contact(
        name=plan_record.contact_name,
        role=plan_record.contact_role,
        email=plan_record.contact_email,
    )


def _grouped_targets(of_items: Q) -> _Table:
    return _Table(KpiTarget.objects.filter(of_items).order_by(), ("item_id", "period_id", "value"))


def _update(entry: Row) -> domain.Update:
    return domain.Update(status=_STATUSES[entry["status"]], commentary=entry["commentary"])


def risk_scale_of(stored: dict[str, Any] | None) -> domain.RiskScale:
    """The domain scale of a stored ``risk_scale`` (``plan_rows.risk_scale_json``'s inverse)."""
    if not stored:
        return domain.RiskScale()
    return domain.RiskScale(
        likelihood=tuple(stored["likelihood"]),
        impact=tuple(stored["impact"]),
        bands=tuple(
            domain.RiskBand(domain.Status(status), low, high)
            for status, low, high in stored["bands"]
        ),
    )


def _risk_update(entry: Row) -> domain.Update:
    """A risk's update: scored or with a reason, a ``RiskUpdate``; else the plain update
    it always was (docs/rules.md#risk-scores)."""
    likelihood, impact, reason = entry.get("likelihood"), entry.get("impact"), entry.get("reason")
    if likelihood is None and impact is None and reason is None:
        return _update(entry)
    return domain.RiskUpdate(
        status=Status(entry["status"]),
        commentary=entry["commentary"],
        likelihood=likelihood,
        impact=impact,
        reason=reason,
    )


def _period(period: Period) -> domain.Period:
    return domain.Period(
        id=period.code,
        label=period.label,
        start=period.start,
        end=period.end,
        scrutiny=period.scrutiny,
        due=period.due,
        short_label=period.short_label,
    )


def _recommendation(recommendation: Recommendation, loaded: _Loaded) -> domain.Recommendation:
    """The domain recommendation: the last read's same object when its row and every one
    of its items are the same as then (so that an evaluation can reuse its results, ADR
    0089), else a new one."""

    def rows(kind: Kind) -> list[Raw]:
        return loaded.items.get((recommendation.pk, kind.value), [])

    actions = tuple(loaded.item(row, _action) for row in rows(Kind.ACTION))
    kpis = tuple(loaded.item(row, _kpi) for row in rows(Kind.KPI))
    quality = tuple(loaded.item(row, _quality) for row in rows(Kind.QUALITY))
    feedback = tuple(loaded.item(row, _feedback) for row in rows(Kind.FEEDBACK))
    # The row's text fields and the identities of the items (the items are compared by
    # their rows already, in ``_Loaded.item``).
    key = (
        "recommendation",
        recommendation.pk,
        recommendation.number,
        recommendation.title,
        recommendation.aim,
        recommendation.lead,
        tuple(id(item) for group in (actions, kpis, quality, feedback) for item in group),
        tuple(map(len, (actions, kpis, quality, feedback))),
    )
    found = loaded.built.get(key)
    if found is None:
        found = domain.Recommendation(
            number=recommendation.number,
            title=recommendation.title,
            aim=recommendation.aim,
            lead=recommendation.lead,
            actions=actions,
            kpis=kpis,
            quality=quality,
            feedback=feedback,
        )
    loaded.used[key] = found
    return cast(domain.Recommendation, found)


def _email(user: User | None) -> str | None:
    """An owner's account as the plan file names it (docs/plan-file.md#owners)."""
    return user.username if user is not None else None


def _common(item: _ItemRow, loaded: _Loaded) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "title": item.title,
        "owner": item.owner,
        # The accounts as the plan file names them (docs/plan-file.md#owners).
        "owner_email": item.owner_user__username,
        "deputy_email": item.deputy_user__username,
        "from_period": loaded.period_code(item.from_period_id),
        "until_period": loaded.period_code(item.until_period_id),
        "expected": None if item.expected is None else tuple(item.expected),
    }


def _action(item: _ItemRow, loaded: _Loaded) -> Action:
    return Action(
        **_common(item, loaded),
        due=item.due,
        updates=loaded.by_period(loaded.updates_of(item), _update),
    )


M = TypeVar("M", QualityMeasure, FeedbackMeasure)


def _measure(measure: type[M], item: _ItemRow, loaded: _Loaded) -> M:
    return measure(
        **_common(item, loaded),
        frequency=item.frequency,
        method=item.method,
        updates=loaded.by_period(loaded.updates_of(item), _update),
    )


def _quality(item: _ItemRow, loaded: _Loaded) -> QualityMeasure:
    return _measure(QualityMeasure, item, loaded)


def _feedback(item: _ItemRow, loaded: _Loaded) -> FeedbackMeasure:
    return _measure(FeedbackMeasure, item, loaded)


def _kpi_value(entry: Row) -> domain.KpiValue:
    return domain.KpiValue(
        value=entry["value"],
        display=entry["display"],
        status=_status(entry["status"]),
        reason=entry["reason"],
        commentary=entry["commentary"],
        computed_from=entry["computed_from"],
    )


def _kpi(item: _ItemRow, loaded: _Loaded) -> Kpi:
    baseline = (
        Baseline(
            label=item.baseline_label,
            value=item.baseline_value,
            display=item.baseline_display,
            status=_status(item.baseline_status),
        )
        if item.has_baseline
        else None
    )
    target = (
        Target(
            label=item.target_label,
            date=item.target_date,
            value=item.target_value,
            display=item.target_display,
        )
        if item.has_target
        else None
    )
    comparators = (
        None
        if item.comparators_label is None
        else Comparators(
            label=item.comparators_label,
            england=item.comparators_england,
            region=item.comparators_region,
            neighbours=item.comparators_neighbours,
        )
    )
    assert item.aim is not None and item.unit is not None  # a check constraint on KPI rows
    return Kpi(
        **_common(item, loaded),
        aim=Aim(item.aim),
        better=None if item.better is None else Better(item.better),
        unit=Unit(item.unit),
        baseline=baseline,
        target=target,
        targets=loaded.by_period(loaded.targets_of(item), itemgetter("value")),
        tolerance=item.tolerance,
        tolerance_points=item.tolerance_points,
        source=item.source,
        disclosure=None if item.disclosure is None else Disclosure(item.disclosure),
        comparators=comparators,
        values=loaded.by_period(loaded.values_of(item), _kpi_value),
    )


def _narrative(narrative: Narrative) -> domain.Narrative:
    boxes: dict[Box, Status] = {}
    reasons: dict[Box, str] = {}
    for box in Box:
        status = getattr(narrative, box.value)
        if status is not None:
            boxes[box] = Status(status)
        reason = getattr(narrative, f"{box.value}_reason")
        if reason is not None:
            reasons[box] = reason
    return domain.Narrative(
        headlines=tuple(narrative.headlines),
        decisions=tuple(narrative.decisions),
        milestones=tuple(narrative.milestones),
        next_steps=tuple(narrative.next_steps),
        deep_dives=tuple(narrative.deep_dives),
        commentary=MappingProxyType(
            {int(number): tuple(paragraphs) for number, paragraphs in narrative.commentary}
        ),
        boxes=MappingProxyType(boxes),
        box_reasons=MappingProxyType(reasons),
        committee_recommendations=tuple(narrative.committee_recommendations),
    )
