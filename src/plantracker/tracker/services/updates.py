"""Quarterly updates and their review (ADR 0041).

An entry (an ``Update`` of an action or measure, a ``KpiValue``, a ``RiskUpdate``) moves
draft → submitted → returned → (draft →) submitted → approved; an approved entry may be
revised, which starts a new draft while reports keep its last approved content. Each service
is one transaction, checks who is asking, refuses closed periods, and takes the version the
person saw (``expected_version``, 0 for "no entry yet"): when the entry changed meanwhile it
raises ``ConflictError`` instead of overwriting someone else's words.

Every write of an update's content — a person's form, an API row, ``statutory apply`` —
goes through ``update_send``, which owns every rule of it. An approval changes what the plan
reports and so adds one to the plan's data version (``services.data_version``); drafts,
submissions and returns do not, as reports show only approved content.

Rules stay in the domain: a KPI's calculated status and whether a given status overrides it
come from ``plantracker.domain.rating.kpi_rating``; whether an item exists in a period from
``plantracker.domain.existence.exists_in``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from plantracker.domain import model as domain
from plantracker.domain.computed import parse_computed_mark
from plantracker.domain.exact import MAX_DIGITS, MAX_MAGNITUDE
from plantracker.domain.existence import exists_in
from plantracker.domain.model import SCALE_POINTS, Kind, Plan, Status
from plantracker.domain.periods import PeriodIndex
from plantracker.domain.risk_score import derived_status
from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT, text_too_long
from plantracker.tracker.models import (
    EntryState,
    Item,
    Period,
    PeriodState,
    PlanRecord,
    Risk,
    RiskUpdate,
    User,
)
from plantracker.tracker.models.workflow import entry_content
from plantracker.tracker.permissions import can_edit, can_update_item, can_update_risk
from plantracker.tracker.selectors.audit import person
from plantracker.tracker.selectors.cached import counted_plan
from plantracker.tracker.selectors.workflow import (
    Entry,
    Subject,
    entry_model,
    entry_name,
    entry_subject,
    kpi_draft_rating,
    subject_name,
)
from plantracker.tracker.services import notifications
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.workflow_errors import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    StateConflict,
)

# A status may be given on a KPI value only to override the calculated one (or to say
# ``none``: an annual indicator between its values); any of the seven is a valid choice.
STATUSES = tuple(status.value for status in Status)


# --- shared checks ------------------------------------------------------------------------


def may_update(actor: User, subject: Subject) -> bool:
    """The owner linked to the item or risk, or the item's deputy (as a contributor), or a
    lead of the plan (ADR 0068)."""
    if isinstance(subject, Risk):
        return can_update_risk(actor, subject)
    return can_update_item(actor, subject)


def locked_open_period(period: Period) -> Period:
    """The period, locked against a concurrent close; StateConflict when it is closed.

    Only the period's row is locked (``of=("self",)``): every write of an update takes its
    period first and its entry second, and the plan's row last (the data version), so two
    writers never wait for each other in opposite orders (docs/reliability.md#load).
    """
    locked = Period.objects.select_for_update(of=("self",)).select_related("plan").get(pk=period.pk)
    if locked.state == PeriodState.CLOSED:
        raise StateConflict(
            f"{locked.label} is closed and its updates can no longer change; "
            "a lead may reopen it with a reason"
        )
    return locked


def latest_change(record: Any) -> tuple[str | None, datetime | None]:
    """Who last changed ``record`` and when, from its audit trail: their name as the trail
    names them for every reader, never their email address (ADR 0070)."""
    last = record.history.order_by("-history_date", "-history_id").first()
    if last is None:
        return None, None
    user = last.history_user
    return (person(user).name if user is not None else None), last.history_date


def _conflict(entry: Entry | None, what: str) -> ConflictError:
    if entry is None:
        return ConflictError(
            what=what, version=0, changed_by=None, changed_at=None, current={"deleted": True}
        )
    who, when = latest_change(entry)
    current = {**entry_content(entry), "state": entry.state}
    return ConflictError(
        what=what, version=entry.version, changed_by=who, changed_at=when, current=current
    )


def _locked_entry(subject: Subject, period: Period) -> Entry | None:
    model = entry_model(subject)
    owner = {"risk": subject} if isinstance(subject, Risk) else {"item": subject}
    found: Entry | None = (
        model.objects.select_for_update(of=("self",)).filter(period=period, **owner).first()
    )
    return found


def _locked(entry: Entry) -> Entry:
    """``entry`` re-read under a row lock, with the rows its name and checks need.

    Its period is locked first, as ``update_send`` locks it, and then the entry's row alone
    (not the rows joined to it): one order of locks for every writer, so submitting,
    returning and approving never deadlock with people sending updates
    (``locked_open_period``).
    """
    model = type(entry)
    related = (
        ("risk__plan", "period") if isinstance(entry, RiskUpdate) else ("item__plan", "period")
    )
    list(Period.objects.select_for_update(of=("self",)).filter(pk=entry.period_id).values("pk"))
    locked: Entry | None = (
        model.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=entry.pk)
        .first()
    )
    if locked is None:
        raise _conflict(None, entry_name(entry))
    return locked


def _check_version(entry: Entry | None, expected_version: int, what: str) -> None:
    current = entry.version if entry is not None else 0
    if current != expected_version:
        raise _conflict(entry, what)


def _save(entry: Entry, actor: User, fields: Sequence[str], reason: str) -> None:
    entry.version += 1
    entry._history_user = actor  # type: ignore[union-attr]
    entry._change_reason = reason  # type: ignore[union-attr]
    if entry.pk is None:
        entry.save()
    else:
        entry.save(update_fields=[*fields, "version"])


# --- parsing ------------------------------------------------------------------------------


def _text(value: str | None, field: str) -> str | None:
    """Text as given without surrounding space; empty means none. NUL is refused: no
    database stores it in text (PostgreSQL refuses the whole write). So is a text beyond the
    plan's limit (docs/plan-file.md#limits), whichever way it came in."""
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidInput({field: "Remove the NUL character from the text"})
    value = value.strip()
    if problem := text_too_long(value, MAX_DISPLAY if field == "display" else MAX_TEXT):
        raise InvalidInput({field: f"The {field.replace('_', ' ')} {problem}"})
    return value or None


def _status(value: Status | str | None) -> Status | None:
    if value is None or value == "":
        return None
    try:
        return Status(value)
    except ValueError:
        raise InvalidInput(
            {"status": f"'{value}' is not a status; choose one of the list"}
        ) from None


def _number(value: Decimal | int | str | None) -> Decimal | None:
    """A KPI value exactly as written (docs/rules.md#exact-numbers); never from a float."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput({"value": "Give the value as text or a decimal, not a float"})
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if value.endswith("%"):
            value = value[:-1].strip()
        if not value:
            return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(
            {"value": "Enter the value as a number, like 58.6, or leave it empty"}
        ) from None
    if not number.is_finite():
        raise InvalidInput({"value": "Enter the value as a number, like 58.6"})
    # The plan file's limits, so that every stored value exports and snapshots faithfully.
    if len(number.as_tuple().digits) > MAX_DIGITS or (
        number and abs(number.adjusted()) > MAX_MAGNITUDE
    ):
        raise InvalidInput(
            {
                "value": f"Enter a number of at most {MAX_DIGITS} digits, "
                f"between 1e-{MAX_MAGNITUDE} and 1e{MAX_MAGNITUDE} in size"
            }
        )
    return number


# --- the KPI's rating, from the domain ----------------------------------------------------


def _check_exists(plan: Plan, subject: Subject, period: Period) -> None:
    if isinstance(subject, Risk):
        return  # risks exist in every period (ADR 0008)
    try:
        item = plan.item(subject.ref)
    except KeyError:
        return
    if item.kind is not Kind(subject.kind):
        return
    periods = PeriodIndex(plan)
    if not exists_in(item, periods.index(period.code), periods):
        raise ServiceError(
            f"{subject_name(subject)} does not run in {period.code} "
            "(see its from and until periods)"
        )


def _kpi_fields(
    plan: Plan,
    subject: Item,
    period: Period,
    *,
    status: Status | str | None,
    commentary: str | None,
    value: Decimal | int | str | None,
    display: str | None,
    reason: str | None,
) -> dict[str, Any]:
    number = _number(value)
    given = _status(status)
    reason = _text(reason, "reason")
    draft = domain.KpiValue(
        value=number,
        display=_text(display, "display"),
        status=given,
        reason=reason,
        commentary=_text(commentary, "commentary"),
    )
    rating = kpi_draft_rating(plan, subject.ref, period.code, draft)
    if rating.overridden and reason is None:
        raise InvalidInput(
            {
                "reason": f"Give the reason for setting the status to {rating.status.word.lower()} "
                f"by hand; the rules calculate {rating.calculated.word.lower()}"
            }
        )
    return {
        "value": number,
        "display": draft.display,
        "status": None if given is None else given.value,
        # A reason belongs to an override; kept only while there is one.
        "reason": reason if rating.overridden else None,
        "commentary": draft.commentary,
    }


def _update_fields(
    subject: Subject,
    *,
    status: Status | str | None,
    commentary: str | None,
    value: Decimal | int | str | None,
    display: str | None,
    reason: str | None,
) -> dict[str, Any]:
    given = _status(status)
    if given is None:
        raise InvalidInput({"status": f"Choose the status of {subject_name(subject)}"})
    extra = {"value": value, "display": display, "reason": reason}
    stray = [name for name, given_value in extra.items() if given_value not in (None, "")]
    if stray:
        raise InvalidInput(
            {name: "Only a KPI has a value, display text or reason" for name in stray}
        )
    return {"status": given.value, "commentary": _text(commentary, "commentary")}


def _unchanged(entry: Entry, fields: dict[str, Any]) -> bool:
    """The entry already holds ``fields`` (decimals compared as written: 60.0 is not 60)."""
    for name, value in fields.items():
        current = getattr(entry, name)
        if isinstance(current, Decimal) or isinstance(value, Decimal):
            if str(current) != str(value):
                return False
        elif current != value:
            return False
    return True


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def update_send(
    *,
    actor: User,
    subject: Item | Risk,
    period: Period,
    expected_version: int | None,
    submit: bool,
    status: Status | str | None = None,
    commentary: str | None = None,
    value: Decimal | int | str | None = None,
    display: str | None = None,
    reason: str | None = None,
    computed_from: str | None = None,
    likelihood: int | str | None = None,
    impact: int | str | None = None,
) -> Entry:
    """Save the owner's (or a lead's) words for ``subject`` in ``period`` as a draft, and
    with ``submit`` send them to the lead for review: the one path of every update's write
    (web, API, ``statutory apply``), owning every rule.

    Actions, measures and risks need a ``status`` (as in the plan file,
    docs/plan-file.md#updates, an update without one is refused) and take ``commentary``. KPIs
    take ``value`` (None: not available), ``display``, ``commentary`` and an optional
    ``status``; a status that differs from the calculated one is an override and needs a
    ``reason`` here. An approved entry is revised (reports keep its approved content until the
    revision is approved). A risk may also take ``likelihood`` and ``impact`` (1–5, both or
    neither): without a ``status`` the plan's bands derive it, and a status that overrides
    the derived one needs a ``reason``, as a KPI's does (docs/rules.md#risk-scores). Both
    None keeps the stored score and reason; both empty text clears the score.

    Refused, in this order: a person who may not update ``subject`` (``NotAllowed``, before
    anything about the entry is told); a closed period or an entry awaiting the lead's review
    (``StateConflict``); an entry changed since ``expected_version``, the version the person
    saw, 0 when there was none (``ConflictError``); an item not running in the period
    (``ServiceError``); bad content (``InvalidInput``). ``expected_version`` None (a feed
    that keeps no versions) writes over the entry's current version, except another
    person's draft or returned update, which only a caller that read it replaces
    (``StateConflict``).

    Unchanged content records nothing: no version, no audit entry. Submitting then sends a
    draft or returned entry for review and leaves an approved one as it stands.

    ``computed_from`` (KPIs only) is ``statutory:<indicator>`` when ``statutory apply``
    computed the value; a person's save passes None, so that a change made by hand clears
    the mark. A save whose content is unchanged keeps the mark (ADR 0016).
    """
    if subject.plan_id != period.plan_id:
        raise ServiceError(f"{subject_name(subject)} is not in the plan of period {period.code}")
    if not may_update(actor, subject):
        raise NotAllowed(f"You may not update {subject_name(subject)}")
    period = locked_open_period(period)
    entry = _locked_entry(subject, period)
    what = f"{subject_name(subject)}, {period.code}"
    if entry is not None and entry.state == EntryState.SUBMITTED:
        raise StateConflict(
            f"{what} awaits the lead's review; it can change again once it is returned"
        )
    if expected_version is None:
        expected_version = _current_version(actor, entry, what)
    _check_version(entry, expected_version, what)
    # The approved plan (the item's periods, its earlier values, the plan's rules), as of
    # the data version this transaction reads, from the cache that pages fill (ADR 0064):
    # reading the whole plan for every update sent cost more than the rest of the write.
    plan = counted_plan(plan_record=PlanRecord.objects.get(pk=subject.plan_id))
    _check_exists(plan, subject, period)
    if isinstance(entry, RiskUpdate) and likelihood is None and impact is None:
        # A write that says nothing of the score (None: a caller that does not ask for it)
        # keeps the entry's score and override reason; empty text ("", a form's cleared
        # field) clears them (docs/rules.md#risk-scores, ADR 0084).
        likelihood, impact = entry.likelihood, entry.impact
        if reason is None:
            reason = entry.reason
    fields = _fields(
        plan,
        subject,
        period,
        status=status,
        commentary=commentary,
        value=value,
        display=display,
        reason=reason,
        computed_from=computed_from,
        likelihood=likelihood,
        impact=impact,
    )
    entry = _save_draft(actor, subject, period, entry, fields)
    if submit and entry.state in (EntryState.DRAFT, EntryState.RETURNED):
        _submit(actor, entry)
    return entry


def update_save_draft(
    *,
    actor: User,
    subject: Item | Risk,
    period: Period,
    expected_version: int,
    status: Status | str | None = None,
    commentary: str | None = None,
    value: Decimal | int | str | None = None,
    display: str | None = None,
    reason: str | None = None,
    computed_from: str | None = None,
    likelihood: int | str | None = None,
    impact: int | str | None = None,
) -> Entry:
    """``update_send`` without submitting: the words are kept as a draft."""
    return update_send(
        actor=actor,
        subject=subject,
        period=period,
        expected_version=expected_version,
        submit=False,
        status=status,
        commentary=commentary,
        value=value,
        display=display,
        reason=reason,
        computed_from=computed_from,
        likelihood=likelihood,
        impact=impact,
    )


def update_is_complete(*, subject: Subject, content: Mapping[str, Any]) -> bool:
    """Enough to send for review with "Submit all complete" (ADR 0069): a status (an action,
    measure or risk), a likelihood and an impact (a risk; its status may come from the
    score, docs/rules.md#risk-scores), or a value or the text shown instead (a KPI; its
    status may come from the rules). ``content`` is what ``update_send`` would be given."""
    if isinstance(subject, Item) and subject.kind == Kind.KPI:
        return bool(content.get("value") or content.get("display") or content.get("status"))
    if isinstance(subject, Risk) and content.get("likelihood") and content.get("impact"):
        return True
    return bool(content.get("status"))


def update_awaits_sending(*, actor: User, entry: Entry | None, own_only: bool = False) -> bool:
    """A draft or returned update that "Submit all complete" sends even when unchanged; with
    ``own_only`` (a lead's Plan updates view, ADR 0069) only one ``actor`` wrote, never an
    owner's draft in progress."""
    if entry is None or entry.state not in (EntryState.DRAFT, EntryState.RETURNED):
        return False
    return not own_only or entry.author_id == actor.pk


def _current_version(actor: User, entry: Entry | None, what: str) -> int:
    """The version a caller without one writes over: the entry's, unless it holds another
    person's words in progress (a draft or a returned update)."""
    if entry is None:
        return 0
    if entry.state in (EntryState.DRAFT, EntryState.RETURNED) and entry.author_id != actor.pk:
        raise StateConflict(
            f"{what} holds a {EntryState(entry.state).label.lower()} update by another "
            f"person; send expected_version {entry.version} to replace it"
        )
    return entry.version


def _fields(
    plan: Plan,
    subject: Subject,
    period: Period,
    *,
    status: Status | str | None,
    commentary: str | None,
    value: Decimal | int | str | None,
    display: str | None,
    reason: str | None,
    computed_from: str | None,
    likelihood: int | str | None = None,
    impact: int | str | None = None,
) -> dict[str, Any]:
    """The entry's columns from what was given, checked."""
    given: dict[str, Any] = {
        "status": status,
        "commentary": commentary,
        "value": value,
        "display": display,
        "reason": reason,
    }
    if isinstance(subject, Item) and subject.kind == Kind.KPI:
        fields = _kpi_fields(plan, subject, period, **given)
        fields["computed_from"] = _text(computed_from, "computed_from")
        return fields
    if computed_from is not None:
        raise InvalidInput({"computed_from": "Only a KPI's value is computed"})
    if isinstance(subject, Risk):
        return _risk_fields(plan, subject, likelihood=likelihood, impact=impact, **given)
    if likelihood not in (None, "") or impact not in (None, ""):
        raise InvalidInput(
            {
                name: "Only a risk has a likelihood and impact"
                for name, given_value in (("likelihood", likelihood), ("impact", impact))
                if given_value not in (None, "")
            }
        )
    return _update_fields(subject, **given)


def _point(value: int | str | None, name: str) -> int | None:
    """A likelihood or impact: a whole number 1 to 5 (docs/rules.md#risk-scores)."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not 1 <= number <= SCALE_POINTS or str(number) != str(value):
        raise InvalidInput({name: f"Give the {name} as a whole number from 1 to 5, not {value!r}"})
    return number


def _risk_fields(
    plan: Plan,
    subject: Risk,
    *,
    status: Status | str | None,
    commentary: str | None,
    value: Decimal | int | str | None,
    display: str | None,
    reason: str | None,
    likelihood: int | str | None,
    impact: int | str | None,
) -> dict[str, Any]:
    """A risk update's columns: an update's, plus a score (both or neither) whose bands
    derive the status when none is given, and an override's reason
    (docs/rules.md#risk-scores)."""
    points = {"likelihood": _point(likelihood, "likelihood"), "impact": _point(impact, "impact")}
    missing = [name for name, point in points.items() if point is None]
    if len(missing) == 1:
        raise InvalidInput({missing[0]: "Give both the likelihood and the impact, or neither"})
    given = _status(status)
    reason_text = _text(reason, "reason")
    scored_l, scored_i = points["likelihood"], points["impact"]
    overridden = False
    if scored_l is not None and scored_i is not None:
        derived = derived_status(scored_l, scored_i, plan.risk_scale)
        if given is None:
            given = derived
        overridden = given is not derived
        if overridden and reason_text is None:
            raise InvalidInput(
                {
                    "reason": f"Give the reason for setting the status to {given.word.lower()} "
                    f"by hand; the score {scored_l * scored_i} gives {derived.word.lower()}"
                }
            )
    elif given is None:
        name = subject_name(subject)
        raise InvalidInput(
            {"status": f"Choose the status of {name}, or give its likelihood and impact"}
        )
    fields = _update_fields(
        subject, status=given, commentary=commentary, value=value, display=display, reason=None
    )
    # A reason belongs to an override; kept only while there is one, as a KPI's (ADR 0084).
    return {**fields, **points, "reason": reason_text if overridden else None}


def _save_draft(
    actor: User, subject: Subject, period: Period, entry: Entry | None, fields: dict[str, Any]
) -> Entry:
    """Write ``fields`` into the (locked) entry as a draft, or create it; nothing when the
    entry already holds them."""
    if entry is None:
        model = entry_model(subject)
        owner = {"risk": subject} if isinstance(subject, Risk) else {"item": subject}
        entry = model(period=period, version=0, state=EntryState.DRAFT, **owner, **fields)
        entry.author = actor
        _mark_behalf(entry, actor, subject)
        _save(entry, actor, [], _draft_reason(fields, entry))
        return entry

    # A person's save (no mark given) of unchanged content is no edit: it keeps the mark.
    compared = fields if fields.get("computed_from") else _without_mark(fields)
    if _unchanged(entry, compared):
        return entry  # nothing to record: no version, no audit entry
    if entry.state == EntryState.APPROVED:
        # A revision: keep what was approved for the reports until the revision is approved;
        # the approval's comment belongs to what was approved (the audit trail keeps it).
        entry.approved_copy = entry_content(entry)
        entry.review_comment = None
    for name, field_value in fields.items():
        setattr(entry, name, field_value)
    entry.state = EntryState.DRAFT
    entry.author = actor
    _mark_behalf(entry, actor, subject)
    _save(
        entry,
        actor,
        [
            *fields,
            "state",
            "author",
            "on_behalf",
            "entered_for",
            "approved_copy",
            "review_comment",
        ],
        _draft_reason(fields, entry),
    )
    return entry


def is_owner(user: User, subject: Subject) -> bool:
    """``user`` is the account linked to the item as owner or deputy, or to the risk."""
    if isinstance(subject, Risk):
        return subject.owner_user_id == user.pk
    return user.pk in (subject.owner_user_id, subject.deputy_user_id)


def _mark_behalf(entry: Entry, actor: User, subject: Subject) -> None:
    """Content written by someone other than the owner or deputy (a lead) is entered on
    the owner's behalf: recorded on the entry with the owner's account, if linked (ADR
    0069)."""
    entry.on_behalf = not is_owner(actor, subject)
    entry.entered_for_id = subject.owner_user_id if entry.on_behalf else None


def _without_mark(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name != "computed_from"}


def computed_note(computed_from: str) -> str:
    """The audit trail's words for a mark: "computed from the statutory returns (cp_rate)",
    with its data quality when the returns were validated: "…: computed from 4210 children;
    37 with errors in rules that affect it" (plantracker.domain.computed)."""
    parsed = parse_computed_mark(computed_from)
    if parsed is None:
        source, _, name = computed_from.partition(":")
        where = "the statutory returns" if source == "statutory" else source
        return f"computed from {where} ({name or computed_from})"
    note = f"computed from the statutory returns ({parsed.indicator})"
    return f"{note}: {parsed.quality.words}" if parsed.quality else note


def _draft_reason(fields: dict[str, Any], entry: Entry) -> str:
    reason = "draft saved"
    if entry.on_behalf:
        owner = entry.entered_for.username if entry.entered_for is not None else "the owner"
        reason = f"{reason} on behalf of {owner}"
    computed_from = fields.get("computed_from")
    return f"{reason}: {computed_note(computed_from)}" if computed_from else reason


@transaction.atomic
def update_submit(*, actor: User, entry: Entry, expected_version: int) -> Entry:
    """Send a draft (or a returned entry) to the lead for review, as it stands."""
    entry = _locked(entry)
    subject = entry_subject(entry)
    if not may_update(actor, subject):
        raise NotAllowed(f"You may not submit {entry_name(entry)}")
    locked_open_period(entry.period)
    _check_version(entry, expected_version, entry_name(entry))
    if entry.state not in (EntryState.DRAFT, EntryState.RETURNED):
        raise StateConflict(_state_refusal(entry, "submitted"))
    _submit(actor, entry)
    return entry


def _submit(actor: User, entry: Entry) -> None:
    """Send the (locked, checked) draft or returned entry for review."""
    entry.state = EntryState.SUBMITTED
    entry.submitted_by = actor
    entry.submitted_at = timezone.now()
    computed_from = getattr(entry, "computed_from", None)
    reason = "submitted for review"
    if computed_from:
        reason = f"{reason}: {computed_note(computed_from)}"
    _save(entry, actor, ["state", "submitted_by", "submitted_at"], reason)
    notifications.submitted_notice_queue(plan=entry_subject(entry).plan, submitter=actor)


def _review_checks(actor: User, entry: Entry, expected_version: int, verb: str) -> None:
    if not can_edit(actor, entry_subject(entry).plan):
        raise NotAllowed(f"Only a lead of the plan may {verb} {entry_name(entry)}")
    locked_open_period(entry.period)
    _check_version(entry, expected_version, entry_name(entry))
    if entry.state != EntryState.SUBMITTED:
        raise StateConflict(_state_refusal(entry, verb))


def _state_refusal(entry: Entry, verb: str) -> str:
    state = EntryState(entry.state).label.lower()
    return f"{entry_name(entry)} is {state}, so it cannot be {verb}"


@transaction.atomic
def update_return(*, actor: User, entry: Entry, expected_version: int, comment: str) -> Entry:
    """Send a submitted entry back to its author with the lead's comment."""
    entry = _locked(entry)
    _review_checks(actor, entry, expected_version, "returned")
    comment_text = _text(comment, "comment")
    if comment_text is None:
        raise InvalidInput({"comment": "Say what needs to change before it can be returned"})
    entry.state = EntryState.RETURNED
    entry.review_comment = comment_text
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    _save(
        entry,
        actor,
        ["state", "review_comment", "reviewed_by", "reviewed_at"],
        "returned with a comment",
    )
    notifications.returned_notice_queue(entry=entry, lead=actor)
    return entry


def _approve(actor: User, entry: Entry, expected_version: int, comment: str | None) -> Entry:
    entry = _locked(entry)
    _review_checks(actor, entry, expected_version, "approved")
    if entry.submitted_by_id == actor.pk:
        raise NotAllowed(f"{entry_name(entry)} was submitted by you; another lead must approve it")
    if entry.author_id == actor.pk:
        # Nobody approves words they wrote, a lead's entered on an owner's behalf included
        # (ADR 0069).
        raise NotAllowed(f"{entry_name(entry)} was written by you; another lead must approve it")
    comment_text = _text(comment, "comment")
    entry.state = EntryState.APPROVED
    entry.approved_copy = None
    # A return comment is answered once approved (the audit trail keeps it); the approval's
    # own comment, if any, takes its place and is shown with the item.
    entry.review_comment = comment_text
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    _save(
        entry,
        actor,
        ["state", "approved_copy", "review_comment", "reviewed_by", "reviewed_at"],
        "approved" if comment_text is None else "approved with a comment",
    )
    return entry


@transaction.atomic
def update_approve(
    *, actor: User, entry: Entry, expected_version: int, comment: str | None = None
) -> Entry:
    """Approve a submitted entry: from now on summaries and reports show it. Nobody
    approves an entry they submitted themselves. An optional ``comment`` for the owner is
    kept on the entry (and so in its audit trail) until the entry is revised. Nor does
    anybody approve an entry whose content they last wrote (ADR 0069)."""
    approved = _approve(actor, entry, expected_version, comment)
    data_version_bump(plan_ids=[entry_subject(approved).plan_id])
    notifications.approved_notice_queue(entries=[approved], lead=actor)
    return approved


@transaction.atomic
def update_bulk_approve(
    *, actor: User, entries: Sequence[tuple[Entry, int]], comment: str | None = None
) -> list[Entry]:
    """Approve several submitted entries, each with the version the lead saw, all with the
    same optional ``comment``; all or none.

    Every refusal is collected and raised together (a ServiceError listing each; a
    NotAllowed when all of them are permission refusals), having approved nothing.
    """
    approved: list[Entry] = []
    refusals: list[ServiceError] = []
    for entry, version in entries:
        try:
            with transaction.atomic():
                approved.append(_approve(actor, entry, version, comment))
        except ServiceError as exc:
            refusals.append(exc)
    if refusals:
        messages = [message for refusal in refusals for message in refusal.messages]
        if all(isinstance(refusal, NotAllowed) for refusal in refusals):
            raise NotAllowed(messages)
        raise ServiceError(messages)
    data_version_bump(plan_ids=[entry_subject(entry).plan_id for entry in approved])
    notifications.approved_notice_queue(entries=approved, lead=actor)
    return approved
