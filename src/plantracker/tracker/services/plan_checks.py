"""Cross-references a domain Plan must satisfy before it is written to the database.

The plan file reader refuses such plans already (docs/plan-file.md#errors); this
guards ``plan_import`` against a Plan built in code, so that the database never holds a
dangling reference and the caller gets a message naming where instead of an IntegrityError.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from plantracker.domain import model as domain
from plantracker.domain.model import Action, Kind, Kpi, Measure, Plan

_KINDS = tuple(Kind)


def _duplicates(values: Iterable[object]) -> list[object]:
    return [value for value, count in Counter(values).items() if count > 1]


def plan_reference_errors(plan: Plan) -> list[str]:
    """Every dangling or duplicate reference in ``plan``, one message each."""
    errors: list[str] = []
    period_ids = {period.id for period in plan.periods}
    numbers = {recommendation.number for recommendation in plan.recommendations}

    def check_period(where: str, period_id: str) -> None:
        if period_id not in period_ids:
            errors.append(f"{where}: period '{period_id}' is not declared in periods")

    for period_id in _duplicates(period.id for period in plan.periods):
        errors.append(f"periods: period id '{period_id}' is declared more than once")
    for number in _duplicates(r.number for r in plan.recommendations):
        errors.append(f"recommendations: number {number} is used more than once")
    refs = [item.ref for r in plan.recommendations for kind in _KINDS for item in r.items(kind)]
    for ref in _duplicates(refs):
        errors.append(f"recommendations: item ref '{ref}' is used more than once")

    for r_index, recommendation in enumerate(plan.recommendations):
        for kind in _KINDS:
            for i_index, item in enumerate(recommendation.items(kind)):
                where = f"recommendations[{r_index}].{kind.value}[{i_index}]"
                for name in ("from_period", "until_period"):
                    period_id = getattr(item, name)
                    if period_id is not None:
                        check_period(f"{where}.{name}", period_id)
                for period_id in item.expected or ():
                    check_period(f"{where}.expected", period_id)
                if isinstance(item, (Action, Measure)):
                    for period_id in item.updates:
                        check_period(f"{where}.updates", period_id)
                if isinstance(item, Kpi):
                    for period_id in item.values:
                        check_period(f"{where}.values", period_id)
                    for period_id in item.targets:
                        check_period(f"{where}.targets", period_id)
    for k_index, risk in enumerate(plan.risks):
        for period_id in risk.updates:
            check_period(f"risks[{k_index}].updates", period_id)
    for period_id, narrative in plan.narrative.items():
        check_period("narrative", period_id)
        for number in (*narrative.deep_dives, *narrative.commentary):
            if number not in numbers:
                errors.append(f"narrative.{period_id}: recommendation {number} is not in the plan")
    return errors


def _period_entries(plan: Plan, code: str) -> dict[str, str]:
    """What ``plan`` holds for period ``code``, keyed by where it is, each as its exact text
    (``repr``: ``58.60`` is not ``58.6``)."""
    entries: dict[str, str] = {}
    for recommendation in plan.recommendations:
        for kind in _KINDS:
            for item in recommendation.items(kind):
                name = f"{kind.label} {item.ref}"
                if isinstance(item, (Action, Measure)) and code in item.updates:
                    entries[f"{name}: its update"] = repr(item.updates[code])
                if isinstance(item, Kpi):
                    if code in item.values:
                        entries[f"{name}: its value"] = repr(item.values[code])
                    if code in item.targets:
                        entries[f"{name}: its target"] = repr(item.targets[code])
    for position, risk in enumerate(plan.risks):
        # Risks are matched by position, as the import matches them: a reworded risk is the
        # same risk.
        if code in risk.updates:
            entries[f"Risk {position + 1}: its update"] = repr(risk.updates[code])
    if code in plan.narrative:
        entries["the narrative"] = _narrative_text(plan.narrative[code])
    return entries


def _narrative_text(narrative: domain.Narrative) -> str:
    """The narrative as text to compare: lists (and the deep dives) in their order, which is
    the report's; mappings whatever their order."""
    return repr(
        (
            narrative.headlines,
            narrative.decisions,
            narrative.milestones,
            narrative.next_steps,
            narrative.committee_recommendations,
            narrative.deep_dives,
            sorted(narrative.commentary.items()),
            sorted(narrative.boxes.items()),
            sorted(narrative.box_reasons.items()),
        )
    )


def closed_period_changes(current: Plan, new: Plan, closed: Iterable[str]) -> list[str]:
    """What importing ``new`` over ``current`` would change in the ``closed`` periods, one message
    each (docs/rules.md#snapshots, ADR 0014: a closed period changes only once a lead reopens it,
    with a reason; the import must not slip round that)."""
    problems: list[str] = []
    old_periods = {period.id: period for period in current.periods}
    new_periods = {period.id: period for period in new.periods}
    for code in closed:
        if code not in new_periods:
            problems.append(f"period {code} is closed; the file would remove it")
            continue
        if code in old_periods and old_periods[code] != new_periods[code]:
            problems.append(f"period {code} is closed; the file would change its label or dates")
        before, after = _period_entries(current, code), _period_entries(new, code)
        for where in sorted(before.keys() | after.keys()):
            if where not in after:
                change = "remove"
            elif where not in before:
                change = "add"
            elif before[where] != after[where]:
                change = "change"
            else:
                continue
            problems.append(f"{code} is closed; the file would {change} {where}")
    if problems:
        problems.append(
            "a lead may reopen a closed period (with a reason) to change it; "
            "or import a file that leaves its entries as they are (export the plan first)"
        )
    return problems
