"""The lead's words for a period (docs/plan-file.md#narrative).

Headlines, decisions, milestones, next steps, the deep-dive choice, commentary per
recommendation and the overview boxes set by hand. A hand-set box needs its reason here:
a hand-set status without a reason is a problem in the report (docs/rules.md#overview-boxes),
and the editor prevents it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from plantracker.domain.model import Box, Status
from plantracker.domain.texts import text_too_long
from plantracker.tracker.models import Narrative, Period, PeriodState, Recommendation, User
from plantracker.tracker.permissions import can_edit
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.updates import latest_change
from plantracker.tracker.services.workflow_errors import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    StateConflict,
)

NARRATIVE_LISTS = ("headlines", "decisions", "milestones", "next_steps")


def _lines(values: Sequence[str]) -> list[str]:
    # NUL would make PostgreSQL refuse the write; it is never meant.
    return [line.replace("\x00", "").strip() for line in values if line and line.strip()]


def _check_lines(errors: dict[str, str], field: str, lines: Sequence[str]) -> None:
    for number, line in enumerate(lines, start=1):
        if problem := text_too_long(line):
            errors[field] = f"Line {number} {problem}"
            return


def narrative_content(narrative: Narrative | None) -> dict[str, object]:
    """The narrative's fields as stored, for conflict reports and forms."""
    if narrative is None:
        return {}
    content: dict[str, object] = {name: getattr(narrative, name) for name in NARRATIVE_LISTS}
    content["deep_dives"] = narrative.deep_dives
    content["commentary"] = narrative.commentary
    for box in Box:
        content[box.value] = getattr(narrative, box.value)
        content[f"{box.value}_reason"] = getattr(narrative, f"{box.value}_reason")
    return content


@transaction.atomic
def narrative_update(
    *,
    actor: User,
    period: Period,
    expected_version: int,
    headlines: Sequence[str] = (),
    decisions: Sequence[str] = (),
    milestones: Sequence[str] = (),
    next_steps: Sequence[str] = (),
    deep_dives: Sequence[int] = (),
    commentary: Mapping[int, Sequence[str]] | None = None,
    boxes: Mapping[Box | str, Status | str | None] | None = None,
    box_reasons: Mapping[Box | str, str | None] | None = None,
) -> Narrative:
    """Replace the period's narrative with the given one (0 as version: none existed).

    ``commentary`` maps recommendation numbers to paragraphs; ``boxes`` the overview boxes
    (overall, progress, risks, finance) to a hand-set status, or None for the calculated one.
    """
    if not can_edit(actor, period.plan):
        raise NotAllowed(f"Only a lead of the plan may change the narrative of {period.label}")
    period = Period.objects.select_for_update(of=("self",)).select_related("plan").get(pk=period.pk)
    if period.state == PeriodState.CLOSED:
        raise StateConflict(f"{period.label} is closed; a lead may reopen it with a reason")
    narrative = Narrative.objects.select_for_update(of=("self",)).filter(period=period).first()
    current_version = narrative.version if narrative is not None else 0
    if current_version != expected_version:
        who, when = latest_change(narrative) if narrative is not None else (None, None)
        raise ConflictError(
            what=f"The narrative of {period.label}",
            version=current_version,
            changed_by=who,
            changed_at=when,
            current=narrative_content(narrative),
        )

    numbers = list(
        Recommendation.objects.filter(plan=period.plan)
        .order_by("position")
        .values_list("number", flat=True)
    )
    errors: dict[str, str] = {}
    dives = list(dict.fromkeys(deep_dives))
    unknown = [number for number in dives if number not in numbers]
    if unknown:
        errors["deep_dives"] = "The plan has no recommendation " + ", ".join(map(str, unknown))
    commentary = commentary or {}
    for number in commentary:
        if number not in numbers:
            errors[f"commentary_{number}"] = f"The plan has no recommendation {number}"
    lists: dict[str, list[str]] = {
        name: _lines(value)
        for name, value in (
            ("headlines", headlines),
            ("decisions", decisions),
            ("milestones", milestones),
            ("next_steps", next_steps),
        )
    }
    # One text limit wherever a text comes in (docs/plan-file.md#limits).
    for name, lines in lists.items():
        _check_lines(errors, name, lines)
    for number, paragraphs in commentary.items():
        _check_lines(errors, f"commentary_{number}", _lines(paragraphs))
    fields: dict[str, object] = dict(lists)
    fields["deep_dives"] = [number for number in numbers if number in dives]
    fields["commentary"] = [
        [number, _lines(commentary[number])]
        for number in numbers
        if number in commentary and _lines(commentary[number])
    ]
    given_boxes = {Box(key): value for key, value in (boxes or {}).items()}
    given_reasons = {Box(key): value for key, value in (box_reasons or {}).items()}
    for box in Box:
        raw = given_boxes.get(box)
        status: Status | None = None
        if raw not in (None, ""):
            try:
                status = Status(raw)
            except ValueError:
                errors[box.value] = f"'{raw}' is not a status"
        reason = (given_reasons.get(box) or "").replace("\x00", "").strip() or None
        if reason and (problem := text_too_long(reason)):
            errors[f"{box.value}_reason"] = f"The reason {problem}"
        if status is not None and reason is None:
            errors[f"{box.value}_reason"] = (
                f"Give the reason for setting the {box.value} status by hand"
            )
        fields[box.value] = None if status is None else status.value
        fields[f"{box.value}_reason"] = reason if status is not None else None
    if errors:
        raise InvalidInput(errors)

    if narrative is None:
        narrative = Narrative(period=period, version=0)
    for name, value in fields.items():
        setattr(narrative, name, value)
    narrative.version += 1
    narrative._history_user = actor  # type: ignore[attr-defined]
    narrative._change_reason = "narrative edited"  # type: ignore[attr-defined]
    narrative.save()
    data_version_bump(plan_ids=[period.plan_id])
    return narrative
