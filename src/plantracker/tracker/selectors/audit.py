"""The audit trail: every change to a plan's records — who, when,
old → new — read from django-simple-history's tables.

Each history table is read in one query; consecutive versions of a row are compared here
field by field. Identity columns (primary and parent keys), the optimistic-concurrency
``version`` and the internal ``approved_copy`` are left out: they say nothing a reader needs.
Values with choices (statuses, review states) are shown in the plan's words; texts carry a
word-level difference (``Change.words``). People are named by name, with their email address
only when the reader may see staff addresses (ADR 0070): ``emails`` on every selector here.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils import timezone

from plantracker.domain.model import Kind
from plantracker.tracker.models import (
    Evidence,
    Item,
    KpiTarget,
    KpiValue,
    Narrative,
    Period,
    PlanRecord,
    Publication,
    Recommendation,
    Risk,
    RiskUpdate,
    Update,
    User,
)

_SKIPPED = {
    "id",
    "version",
    "approved_copy",
    "plan",
    "item",
    "risk",
    "period",
    "recommendation",
    "created",
    "updated",
    "data_version",  # not audited (ADR 0062)
    "stored_name",  # where the storage keeps an evidence file: says nothing a reader needs
    "snapshot",  # a published version's copy of its period's snapshot (ADR 0081)
    "files",  # where the storage keeps a published version's files
}
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
_USER_FIELDS = {
    "owner_user",
    "lead_user",
    "author",
    "entered_for",
    "submitted_by",
    "reviewed_by",
    "added_by",
    "removed_by",
    "published_by",
    "withdrawn_by",
}


class AuditKind(StrEnum):
    """What kind of record a change was to: the audit page's "kind of change" filter."""

    UPDATES = "updates"
    VALUES = "values"
    TARGETS = "targets"
    NARRATIVE = "narrative"
    EVIDENCE = "evidence"
    PERIODS = "periods"
    PUBLISHING = "publishing"
    PLAN = "plan"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AuditKind.UPDATES: "Updates of actions, measures and risks",
    AuditKind.VALUES: "KPI values",
    AuditKind.TARGETS: "KPI targets",
    AuditKind.NARRATIVE: "Narrative",
    AuditKind.EVIDENCE: "Evidence attached and removed",
    AuditKind.PERIODS: "Periods opened, closed and reopened",
    AuditKind.PUBLISHING: "Reports published and unpublished",
    AuditKind.PLAN: "The plan, its recommendations, items and risks",
}
_MODEL_KINDS: dict[type[models.Model], AuditKind] = {
    Update: AuditKind.UPDATES,
    RiskUpdate: AuditKind.UPDATES,
    KpiValue: AuditKind.VALUES,
    KpiTarget: AuditKind.TARGETS,
    Narrative: AuditKind.NARRATIVE,
    Evidence: AuditKind.EVIDENCE,
    Period: AuditKind.PERIODS,
    Publication: AuditKind.PUBLISHING,
    PlanRecord: AuditKind.PLAN,
    Recommendation: AuditKind.PLAN,
    Item: AuditKind.PLAN,
    Risk: AuditKind.PLAN,
}

_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Words:
    """A run of a text's difference: ``kind`` is "same", "removed" or "added"."""

    kind: str
    text: str


CONTEXT = 8
"""Unchanged words kept on each side of a change; longer unchanged stretches are elided."""


def _context(tokens: list[str], first: bool, last: bool) -> str:
    """An unchanged run, with only ``CONTEXT`` words kept next to each change."""
    words = [index for index, token in enumerate(tokens) if not token.isspace()]
    keep_start = 0 if first else CONTEXT
    keep_end = 0 if last else CONTEXT
    if len(words) <= keep_start + keep_end + 1:
        return "".join(tokens)
    head = "".join(tokens[: words[keep_start - 1] + 1]) if keep_start else ""
    tail = "".join(tokens[words[len(words) - keep_end] :]) if keep_end else ""
    return " ".join(part for part in (head, "…", tail) if part)


def word_diff(old: str, new: str) -> tuple[Words, ...]:
    """``old`` → ``new`` as runs of unchanged, removed and added words (difflib's opcodes
    over words and the spaces between them), so a reader sees what changed in a long text;
    unchanged stretches keep ``CONTEXT`` words beside each change and elide the rest (…)."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[Words] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    codes = _joined(matcher.get_opcodes(), before)
    for position, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            first, last = position == 0, position == len(codes) - 1
            runs.append(Words("same", _context(before[i1:i2], first, last)))
            continue
        if i2 > i1:
            runs.append(Words("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(Words("added", "".join(after[j1:j2])))
    return tuple(runs)


Opcode = tuple[str, int, int, int, int]


def _joined(codes: Sequence[Opcode], before: list[str]) -> list[Opcode]:
    """difflib's opcodes with changes separated only by a space made one change, so that
    "Two employers" → "The council" reads as one removal and one addition."""
    joined: list[Opcode] = []
    for code in codes:
        tag, _, i2, _, j2 = code
        if tag != "equal" and joined and joined[-1][0] != "equal":
            start = joined.pop()
            joined.append(("replace", start[1], i2, start[3], j2))
            continue
        spaces = len(joined) >= 2 and joined[-1][0] == "equal"
        if (
            tag != "equal"
            and spaces
            and all(t.isspace() for t in before[joined[-1][1] : joined[-1][2]])
        ):
            joined.pop()
            start = joined.pop()
            joined.append(("replace", start[1], i2, start[3], j2))
            continue
        joined.append(code)
    return joined


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str
    text: bool = False  # a free text, shown as a word-level difference

    @property
    def words(self) -> tuple[Words, ...] | None:
        """The difference word by word for a text changed from one wording to another;
        None when it was set or cleared (old → new says it all) or is not a text."""
        if not self.text or EMPTY in (self.old, self.new):
            return None
        return word_diff(self.old, self.new)


EMPTY = "—"


@dataclass(frozen=True)
class AuditRow:
    when: datetime
    who: str  # the person's name (and email for ADR 0070's readers), "plan import", "system"
    what: str  # "KPI 9.K2, 2018-19-Q2", "Period 2018-19-Q2", ...
    action: str  # created, changed, deleted
    changes: tuple[Change, ...]
    reason: str | None
    kind: AuditKind = AuditKind.PLAN
    who_id: int | None = None  # the account that made the change, if any
    period_id: int | None = None  # the period the changed record belongs to, if any


@dataclass(frozen=True)
class Person:
    """An account as the trail names it: its name, and its email address when shown."""

    pk: int
    name: str
    email: str

    def label(self, emails: bool) -> str:
        if not emails:
            return self.name
        return self.email if self.name == _local_part(self.email) else f"{self.name} ({self.email})"


def _local_part(email: str) -> str:
    return email.split("@", 1)[0]


def _shown(value: Any, users: dict[int, str], choices: dict[Any, str] | None = None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if choices and value in choices:
        return choices[value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        # As the page's "When" column writes a moment, in the site's time zone.
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{moment.day} {moment:%b %Y %H:%M:%S}"
    if isinstance(value, (date, Decimal, int)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(
            f"{item[0]}: {' / '.join(item[1])}"
            if isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)
            else str(item)
            for item in value
        )
    return str(value)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if field.name not in _SKIPPED]


def _rows(
    records: Iterable[Any],
    model: type[models.Model],
    name: Any,
    users: dict[int, str],
) -> list[AuditRow]:
    """Audit rows of one table's history records (any order), each against its predecessor."""
    by_object: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    fields = _fields(model)
    choices = {field.attname: {k: str(v) for k, v in field.flatchoices} for field in fields}
    texts = {
        field.attname
        for field in fields
        if isinstance(field, models.TextField | models.JSONField) and field.name != "display"
    }
    kind = _MODEL_KINDS[model]
    rows: list[AuditRow] = []
    for history in by_object.values():
        history.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in history:
            changes = []
            for field in fields:
                attname = field.attname
                new = getattr(record, attname)
                old = getattr(previous, attname) if previous is not None else None
                if record.history_type == "-":
                    new, old = None, getattr(record, attname)
                if field.name in _USER_FIELDS:
                    new = users.get(new) if new is not None else None
                    old = users.get(old) if old is not None else None
                if previous is None and record.history_type != "-" and new in (None, "", []):
                    continue
                if record.history_type == "-" and old in (None, "", []):
                    continue
                if old == new and not (isinstance(old, Decimal) and str(old) != str(new)):
                    continue
                changes.append(
                    Change(
                        field=str(field.verbose_name),
                        old=_shown(old, users, choices[attname]),
                        new=_shown(new, users, choices[attname]),
                        text=attname in texts,
                    )
                )
            previous = record
            if record.history_type == "~" and not changes:
                continue
            rows.append(
                AuditRow(
                    when=record.history_date,
                    who=users.get(record.history_user_id, "") or _nobody(record),
                    what=name(record),
                    action=_ACTIONS.get(record.history_type, record.history_type),
                    changes=tuple(changes),
                    reason=record.history_change_reason,
                    kind=kind,
                    who_id=record.history_user_id,
                    period_id=record.id if model is Period else getattr(record, "period_id", None),
                )
            )
    return rows


def _nobody(record: Any) -> str:
    return "plan import" if record.history_change_reason == "plan import" else "system"


def people(ids: Iterable[int | None]) -> dict[int, Person]:
    """The accounts of ``ids`` as the trail names them: the name given on the account, else
    the part of the email address before the @ (ADR 0070)."""
    wanted = {pk for pk in ids if pk is not None}
    found = User.objects.filter(pk__in=wanted).values_list(
        "pk", "username", "first_name", "last_name"
    )
    return {pk: _person(pk, username, first, last) for pk, username, first, last in found}


def person(account: User) -> Person:
    """``account`` as the trail names it, from the account already read (ADR 0070): what
    the web pages show for an update's author, its reviewer or an evidence's adder."""
    return _person(account.pk, account.username, account.first_name, account.last_name)


def _person(pk: int, username: str, first: str, last: str) -> Person:
    return Person(pk=pk, name=f"{first} {last}".strip() or _local_part(username), email=username)


def _labels(ids: Iterable[int | None], emails: bool) -> dict[int, str]:
    return {pk: person.label(emails) for pk, person in people(ids).items()}


def _user_ids(records: Sequence[Any]) -> list[int | None]:
    ids: list[int | None] = []
    for record in records:
        ids.append(record.history_user_id)
        for name in _USER_FIELDS:
            ids.append(getattr(record, f"{name}_id", None))
    return ids


class _Names:
    """Labels for rows of the plan, including rows deleted since (from their history)."""

    def __init__(self, plan_record: PlanRecord) -> None:
        self.items: dict[int, str] = {}
        for record in Item.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.items[record.id] = f"{Kind(record.kind).label} {record.ref}"
        self.periods: dict[int, str] = {}
        for record in Period.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.periods[record.id] = record.code
        self.risks: dict[int, str] = {}
        for record in Risk.history.filter(plan_id=plan_record.pk).order_by("history_date"):
            self.risks[record.id] = f"Risk {record.position + 1}"

    def item(self, pk: int) -> str:
        return self.items.get(pk, f"Item #{pk}")

    def period(self, pk: int) -> str:
        return self.periods.get(pk, f"period #{pk}")

    def risk(self, pk: int) -> str:
        return self.risks.get(pk, f"Risk #{pk}")


def _collect(
    sources: Sequence[tuple[type[models.Model], Any, Any]],
    emails: bool,
) -> list[AuditRow]:
    """``(model, history queryset, naming function)`` → audit rows, newest first."""
    loaded = [(model, list(records), name) for model, records, name in sources]
    users = _labels((pk for _, records, _ in loaded for pk in _user_ids(records)), emails)
    rows = [row for model, records, name in loaded for row in _rows(records, model, name, users)]
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows if emails else _reasons_by_name(rows)


_ADDRESS = re.compile(r"[^\s@:,;()]+@[^\s@:,;()]+")


def _reasons_by_name(rows: list[AuditRow]) -> list[AuditRow]:
    """Rows whose reasons name accounts by address ("owner assigned: a@b.org", written by
    the services) with the accounts' names instead (ADR 0070)."""
    addresses = {found for row in rows if row.reason for found in _ADDRESS.findall(row.reason)}
    if not addresses:
        return rows
    by_address = User.objects.filter(username__in={a.lower() for a in addresses}).values_list(
        "pk", flat=True
    )
    names = {person.email: person.name for person in people(by_address).values()}

    def named(match: re.Match[str]) -> str:
        address = match.group(0)
        return names.get(address.lower(), _local_part(address))

    return [
        replace(row, reason=_ADDRESS.sub(named, row.reason)) if row.reason else row for row in rows
    ]


def item_audit(*, plan_record: PlanRecord, item: Item, emails: bool) -> list[AuditRow]:
    """Every change to ``item`` and to its updates, values and targets, newest first."""
    names = _Names(plan_record)
    label = names.item(item.pk)
    return _collect(
        [
            (Item, Item.history.filter(id=item.pk), lambda r: label),
            (
                Update,
                Update.history.filter(item_id=item.pk),
                lambda r: f"{label}, {names.period(r.period_id)}",
            ),
            (
                KpiValue,
                KpiValue.history.filter(item_id=item.pk),
                lambda r: f"{label}, {names.period(r.period_id)}",
            ),
            (
                KpiTarget,
                KpiTarget.history.filter(item_id=item.pk),
                lambda r: f"{label} target, {names.period(r.period_id)}",
            ),
            (
                Evidence,
                Evidence.history.filter(item_id=item.pk),
                lambda r: f"{label} evidence, {names.period(r.period_id)}",
            ),
        ],
        emails,
    )


def period_audit(*, plan_record: PlanRecord, period: Period, emails: bool) -> list[AuditRow]:
    """Every change to ``period``, its narrative and its entries, newest first."""
    names = _Names(plan_record)
    code = period.code
    return _collect(
        [
            (Period, Period.history.filter(id=period.pk), lambda r: f"Period {code}"),
            (
                Narrative,
                Narrative.history.filter(period_id=period.pk),
                lambda r: f"Narrative, {code}",
            ),
            (
                Update,
                Update.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)}, {code}",
            ),
            (
                KpiValue,
                KpiValue.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)}, {code}",
            ),
            (
                RiskUpdate,
                RiskUpdate.history.filter(period_id=period.pk),
                lambda r: f"{names.risk(r.risk_id)}, {code}",
            ),
            (
                Evidence,
                Evidence.history.filter(period_id=period.pk),
                lambda r: f"{names.item(r.item_id)} evidence, {code}",
            ),
            (
                Publication,
                Publication.history.filter(period_id=period.pk),
                lambda r: f"Published report, {code}",
            ),
        ],
        emails,
    )


def plan_audit(*, plan_record: PlanRecord, emails: bool) -> list[AuditRow]:
    """Every change to the plan and everything in it, newest first (the inspectors' CSV)."""
    names = _Names(plan_record)
    # Subqueries rather than lists of ids: a large plan's ids exceed SQLite's parameter limit.
    item_ids = Item.history.filter(plan_id=plan_record.pk).values("id")
    risk_ids = Risk.history.filter(plan_id=plan_record.pk).values("id")
    period_ids = Period.history.filter(plan_id=plan_record.pk).values("id")

    def entry(r: Any) -> str:
        return f"{names.item(r.item_id)}, {names.period(r.period_id)}"

    return _collect(
        [
            (PlanRecord, PlanRecord.history.filter(id=plan_record.pk), lambda r: "Plan"),
            (
                Period,
                Period.history.filter(plan_id=plan_record.pk),
                lambda r: f"Period {r.code}",
            ),
            (
                Recommendation,
                Recommendation.history.filter(plan_id=plan_record.pk),
                lambda r: f"Recommendation {r.number}",
            ),
            (Item, Item.history.filter(plan_id=plan_record.pk), lambda r: names.item(r.id)),
            (Risk, Risk.history.filter(plan_id=plan_record.pk), lambda r: names.risk(r.id)),
            (
                Narrative,
                Narrative.history.filter(period_id__in=period_ids),
                lambda r: f"Narrative, {names.period(r.period_id)}",
            ),
            (Update, Update.history.filter(item_id__in=item_ids), entry),
            (KpiValue, KpiValue.history.filter(item_id__in=item_ids), entry),
            (
                KpiTarget,
                KpiTarget.history.filter(item_id__in=item_ids),
                lambda r: f"{names.item(r.item_id)} target, {names.period(r.period_id)}",
            ),
            (
                RiskUpdate,
                RiskUpdate.history.filter(risk_id__in=risk_ids),
                lambda r: f"{names.risk(r.risk_id)}, {names.period(r.period_id)}",
            ),
            (
                Evidence,
                Evidence.history.filter(item_id__in=item_ids),
                lambda r: f"{names.item(r.item_id)} evidence, {names.period(r.period_id)}",
            ),
            (
                Publication,
                Publication.history.filter(plan_id=plan_record.pk),
                lambda r: f"Published report, {names.period(r.period_id)}",
            ),
        ],
        emails,
    )


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page narrows the trail to; None: not narrowed by that."""

    item: Item | None = None
    period: Period | None = None
    person: int | None = None  # an account's pk
    kind: AuditKind | None = None
    since: date | None = None  # changes on or after this day (the installation's time zone)
    until: date | None = None  # changes on or before this day


@dataclass(frozen=True)
class AuditSearch:
    rows: list[AuditRow]  # the matching changes, newest first
    people: list[Person]  # everyone who made a change to the item or period chosen, by name


def audit_search(*, plan_record: PlanRecord, search: AuditFilter, emails: bool) -> AuditSearch:
    """The plan's trail narrowed by ``search``: an item's or a period's records are read
    alone; person, kind and dates narrow the rows read."""
    if search.item is not None:
        rows = item_audit(plan_record=plan_record, item=search.item, emails=emails)
    elif search.period is not None:
        rows = period_audit(plan_record=plan_record, period=search.period, emails=emails)
    else:
        rows = plan_audit(plan_record=plan_record, emails=emails)
    # Only people in this part of the trail: a pk typed into the address names nobody else.
    found = people(row.who_id for row in rows)
    listed = sorted(found.values(), key=lambda person: (person.name.lower(), person.email))

    def wanted(row: AuditRow) -> bool:
        both = search.item is not None and search.period is not None
        if both and search.period is not None and row.period_id != search.period.pk:
            return False
        if search.person is not None and row.who_id != search.person:
            return False
        if search.kind is not None and row.kind is not search.kind:
            return False
        day = timezone.localdate(row.when)
        if search.since is not None and day < search.since:
            return False
        return search.until is None or day <= search.until

    return AuditSearch(rows=[row for row in rows if wanted(row)], people=listed)


def audit_choices(
    *, plan_record: PlanRecord
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The audit filter's items and periods, in the plan's order, as (value, text); two
    queries."""
    items = [
        (ref, f"{Kind(kind).label} {ref}: {_short(title)}")
        for ref, kind, title in Item.objects.filter(plan=plan_record).values_list(
            "ref", "kind", "title"
        )
    ]
    periods = list(
        Period.objects.filter(plan=plan_record).order_by("position").values_list("code", "label")
    )
    return items, periods


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
