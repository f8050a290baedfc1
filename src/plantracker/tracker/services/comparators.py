"""A stored plan's KPI comparators, set by a lead (ADR 0017).

Comparators are plan data, like a KPI's baseline: this service writes them into the KPIs'
rows in one transaction, each changed row with its version bumped and an audit entry
naming who set them and why. Only a lead of the plan (or an operator) may; every refusal
is raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from plantracker.domain.exact import within_number_limits
from plantracker.domain.model import Comparators, Kind
from plantracker.domain.texts import text_too_long
from plantracker.statutory.plan_comparators import figure_mismatches
from plantracker.tracker.models import Item, PlanRecord, User
from plantracker.tracker.permissions import can_edit
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.sync import same
from plantracker.tracker.services.workflow_errors import NotAllowed

CHANGE_REASON = "comparators set"
_KIND_NAMES = {
    Kind.ACTION.value: "an action",
    Kind.QUALITY.value: "a quality measure",
    Kind.FEEDBACK.value: "a feedback measure",
}


@dataclass(frozen=True)
class ComparatorsWritten:
    """One KPI's row after the write; ``changed`` is False when it already held them."""

    item: Item
    changed: bool


def check_may_set(actor: User, plan: PlanRecord) -> None:
    """``NotAllowed`` unless ``actor`` is a lead of ``plan`` (or an operator)."""
    if not can_edit(actor, plan):
        raise NotAllowed(
            f"{actor.username} may not set the comparators of plan {plan.slug}: "
            "only a lead of the plan may"
        )


def comparators_refusals(
    *, plan: PlanRecord, refs: list[str], figures: Mapping[str, str] | None = None
) -> list[str]:
    """Why comparators cannot be written to these refs of ``plan`` (one line each); with
    ``figures`` (ref → published column), also a KPI paired with another indicator's."""
    rows = Item.objects.filter(plan=plan, ref__in=refs).values_list("ref", "kind", "source")
    kinds = {ref: kind for ref, kind, _source in rows}
    problems: list[str] = []
    for ref in refs:
        kind = kinds.get(ref)
        if kind is None:
            problems.append(f"{ref}: the plan {plan.slug} has no item with this ref")
        elif kind != Kind.KPI.value:
            problems.append(f"{ref}: {_KIND_NAMES.get(kind, kind)}, not a KPI")
    if figures:
        problems += figure_mismatches({ref: source for ref, _kind, source in rows}, figures)
    return problems


def _number_problem(ref: str, name: str, value: Decimal | None) -> str | None:
    """The plan file's limits (docs/plan-file.md#limits), so that the plan still exports."""
    if value is None:
        return None
    if not value.is_finite():
        return f"{ref}: the {name} figure is not a finite number"
    if not within_number_limits(value):
        return f"{ref}: the {name} figure {value} is beyond the plan file's exact numbers"
    return None


def _content_problems(ref: str, comparators: Comparators | None) -> list[str]:
    if comparators is None:
        return []
    problems: list[str] = []
    label = comparators.label
    if not label.strip() or "\x00" in label:  # a database stores no NUL in text
        problems.append(f"{ref}: the comparators need a label (the published period)")
    elif problem := text_too_long(label):  # docs/plan-file.md#limits
        problems.append(f"{ref}: the comparators' label {problem}")
    for name in ("england", "region", "neighbours"):
        problem = _number_problem(ref, name, getattr(comparators, name))
        if problem is not None:
            problems.append(problem)
    return problems


def _columns(comparators: Comparators | None) -> dict[str, object]:
    if comparators is None:
        return dict.fromkeys(
            (
                "comparators_label",
                "comparators_england",
                "comparators_region",
                "comparators_neighbours",
            )
        )
    return {
        "comparators_label": comparators.label,
        "comparators_england": comparators.england,
        "comparators_region": comparators.region,
        "comparators_neighbours": comparators.neighbours,
    }


@transaction.atomic
def kpi_comparators_set(
    *,
    actor: User,
    plan: PlanRecord,
    comparators: Mapping[str, Comparators | None],
    reason: str = CHANGE_REASON,
) -> list[ComparatorsWritten]:
    """Give the KPIs (by ref) these comparators (None removes them), all or nothing.

    A KPI that already holds exactly these figures (digits included) is left as it is: no
    new version, no audit entry.
    """
    check_may_set(actor, plan)
    refs = list(comparators)
    problems = comparators_refusals(plan=plan, refs=refs)
    for ref, given in comparators.items():
        problems += _content_problems(ref, given)
    if problems:
        raise ServiceError(problems)
    items = {
        item.ref: item
        for item in Item.objects.select_for_update(of=("self",)).filter(plan=plan, ref__in=refs)
    }
    written: list[ComparatorsWritten] = []
    for ref, given in comparators.items():
        item = items[ref]
        columns = _columns(given)
        changed = [name for name, value in columns.items() if not same(getattr(item, name), value)]
        if changed:
            for name in changed:
                setattr(item, name, columns[name])
            item.version += 1
            item._history_user = actor  # type: ignore[attr-defined]
            item._change_reason = reason  # type: ignore[attr-defined]
            item.save(update_fields=[*changed, "version"])
        written.append(ComparatorsWritten(item=item, changed=bool(changed)))
    if any(one.changed for one in written):
        data_version_bump(plan_ids=[plan.pk])
    return written
