"""What closing a period would leave out of its report: items and risks with no update
given, updates awaiting the lead's review, and updates still with their owners (draft or
returned). Only approved updates count (docs/rules.md); the close page lists these, with
links, before the lead confirms (ADR 0041)."""

from __future__ import annotations

from dataclasses import dataclass

from plantracker.domain.model import Status
from plantracker.tracker.models import EntryState, Item, Period, PlanRecord, Risk
from plantracker.tracker.selectors.update_rows import subject_key
from plantracker.tracker.selectors.workflow import (
    entry_subject,
    period_entries,
    period_result,
    subject_name,
)


@dataclass(frozen=True)
class LeftOut:
    name: str  # "Action 9.A1", "Risk 2"
    title: str
    ref: str | None  # an item's ref (its page); None for a risk
    key: str  # "item-12": its place on the review page


@dataclass(frozen=True)
class LeftOutOfReport:
    missing: tuple[LeftOut, ...]  # no update reported (none approved)
    awaiting: tuple[LeftOut, ...]  # submitted, not yet approved
    with_owners: tuple[LeftOut, ...]  # draft or returned

    @property
    def empty(self) -> bool:
        return not (self.missing or self.awaiting or self.with_owners)


def left_out_of_report(*, plan_record: PlanRecord, period: Period) -> LeftOutOfReport:
    """A fixed number of queries: the period's entries, its result, its items and risks."""
    entries = period_entries(plan_record=plan_record, period=period)
    pending: dict[str, list[LeftOut]] = {"awaiting": [], "with_owners": []}
    has_entry: set[str] = set()
    for entry in entries:
        subject = entry_subject(entry)
        key = subject_key(subject)
        has_entry.add(key)
        if entry.state == EntryState.APPROVED:
            continue
        left = LeftOut(
            name=subject_name(subject),
            title=subject.title,
            ref=subject.ref if isinstance(subject, Item) else None,
            key=key,
        )
        pending["awaiting" if entry.state == EntryState.SUBMITTED else "with_owners"].append(left)
    result = period_result(plan_record=plan_record, period_code=period.code)
    items = {item.ref: item for item in Item.objects.filter(plan=plan_record)}
    missing: list[LeftOut] = []
    for outcome in result.items():
        item = items.get(outcome.ref)
        if outcome.status is not Status.MISSING or item is None:
            continue
        if f"item-{item.pk}" in has_entry:
            continue
        missing.append(LeftOut(subject_name(item), outcome.title, item.ref, f"item-{item.pk}"))
    risks = list(Risk.objects.filter(plan=plan_record))
    for risk_result, risk in zip(result.risks, risks, strict=False):
        if risk_result.status is Status.MISSING and f"risk-{risk.pk}" not in has_entry:
            missing.append(LeftOut(subject_name(risk), risk.title, None, f"risk-{risk.pk}"))
    return LeftOutOfReport(
        missing=tuple(missing),
        awaiting=tuple(pending["awaiting"]),
        with_owners=tuple(pending["with_owners"]),
    )
