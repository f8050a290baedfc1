"""Bulk writes: each row through ``update_send``, all rows or none.

Each row is one call of ``update_send`` (the same service, rules, permissions, audit trail
and version check as the web's *My updates*), so what a contributor sends awaits the lead's
review. The rows run in one transaction; when any row is refused, every row's problem is
reported and nothing is kept. This module only parses the rows and sorts the service's
refusals into the API's answers:

- a row the user may not update (``NotAllowed``) → 403 naming the refs;
- a row whose entry changed since ``expected_version`` (``ConflictError``), or that awaits
  review, or holds another person's draft or returned update while the row gives no
  ``expected_version`` (``StateConflict``) → 409;
- anything else about a row (unknown ref, wrong kind of item, an override without a reason,
  an item not running in the period) → 422, one error per bad field naming index and ref.

A role that gives no updates on the plan is 403 and a closed period 409 before any row is
read (``plantracker.api.errors`` maps the services' refusals to answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
from django.db import transaction

from plantracker.api.errors import Conflict, InvalidRows, RowError
from plantracker.api.schemas import KpiValueIn, UpdateIn
from plantracker.domain import model as domain
from plantracker.domain.model import Kind, Status
from plantracker.domain.rating import KpiRating
from plantracker.tracker.models import (
    Item,
    KpiValue,
    Period,
    PlanRecord,
    Update,
    User,
)
from plantracker.tracker.permissions import can_contribute
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    ServiceError,
    StateConflict,
    update_send,
)
from plantracker.tracker.services.updates import kpi_draft_rating, locked_open_period

Row = KpiValueIn | UpdateIn
Entry = KpiValue | Update


@dataclass
class _Outcome:
    written: list[tuple[Row, Entry]] = field(default_factory=list)
    invalid: list[RowError] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    def refused(self, index: int, row: Row, refusal: ServiceError) -> None:
        """A row's refusal, kept with the others of its answer (403, 409 or 422)."""
        if isinstance(refusal, NotAllowed):
            self.forbidden.append(row.ref)
        elif isinstance(refusal, ConflictError | StateConflict):
            self.conflicts.append(str(refusal))
        elif isinstance(refusal, InvalidInput):
            self.invalid.extend(
                RowError(index=index, ref=row.ref, field=name, message=message)
                for name, message in refusal.errors.items()
            )
        else:
            self.invalid.extend(
                RowError(index=index, ref=row.ref, field="ref", message=message)
                for message in refusal.messages
            )


def _items(plan: PlanRecord, rows: Sequence[Row]) -> dict[str, Item]:
    refs = {row.ref for row in rows}
    return {
        item.ref: item
        for item in Item.objects.filter(plan=plan, ref__in=refs).select_related("plan")
    }


def _row_kind_error(index: int, row: Row, item: Item | None, kpis: bool) -> RowError | None:
    message = None
    if item is None:
        message = f"the plan has no item {row.ref}"
    elif kpis and item.kind != Kind.KPI:
        message = f"{row.ref} is not a KPI; send its update to the updates endpoint"
    elif not kpis and item.kind == Kind.KPI:
        message = f"{row.ref} is a KPI; send its value to the kpi-values endpoint"
    if message is None:
        return None
    return RowError(index=index, ref=row.ref, field="ref", message=message)


def _arguments(row: Row) -> dict[str, Any]:
    if isinstance(row, KpiValueIn):
        return {
            "value": row.value,
            "display": row.display,
            "status": row.status,
            "reason": row.reason,
            "commentary": row.commentary,
        }
    return {"status": row.status, "commentary": row.commentary}


def _write_row(
    user: User, period: Period, index: int, row: Row, item: Item, submit: bool, out: _Outcome
) -> None:
    try:
        entry = update_send(
            actor=user,
            subject=item,
            period=period,
            expected_version=row.expected_version,
            submit=submit,
            **_arguments(row),
        )
    except ServiceError as exc:
        out.refused(index, row, exc)
    else:
        assert isinstance(entry, KpiValue | Update)
        out.written.append((row, entry))


def _parsed(raw: Sequence[Any], kpis: bool, out: _Outcome) -> list[tuple[int, Row]]:
    """The rows that have the body's shape; each other row's problems go to ``out``."""
    schema: type[Row] = KpiValueIn if kpis else UpdateIn
    rows: list[tuple[int, Row]] = []
    for index, given in enumerate(raw):
        if not isinstance(given, dict):
            out.invalid.append(RowError(index=index, field="row", message="expected an object"))
            continue
        try:
            rows.append((index, schema.model_validate(given)))
        except pydantic.ValidationError as exc:
            ref = given.get("ref")
            out.invalid.extend(
                RowError(
                    index=index,
                    ref=ref if isinstance(ref, str) else None,
                    field=".".join(str(part) for part in error["loc"]) or "row",
                    message=error["msg"].removeprefix("Value error, "),
                )
                for error in exc.errors(include_url=False)
            )
    return rows


def entries_write(
    *,
    user: User,
    plan: PlanRecord,
    period: Period,
    raw_rows: Sequence[Any],
    kpis: bool,
    submit: bool,
) -> list[Entry]:
    """Write every row or none; raises NotAllowed, StateConflict, Conflict or InvalidRows.

    Every row is checked in the one pass, so the answer names all bad rows at once.
    """
    if not can_contribute(user, plan):
        raise NotAllowed("your role on this plan does not allow updates")
    out = _Outcome()
    rows = _parsed(raw_rows, kpis, out)
    items = _items(plan, [row for _, row in rows])
    seen: set[str] = set()
    with transaction.atomic():
        # Held until the rows are written: a period closed meanwhile takes none of them.
        period = locked_open_period(period)
        for index, row in rows:
            item = items.get(row.ref)
            problem = _row_kind_error(index, row, item, kpis)
            if problem is None and row.ref in seen:
                problem = RowError(
                    index=index, ref=row.ref, field="ref", message=f"{row.ref} is given twice"
                )
            seen.add(row.ref)
            if problem is not None:
                out.invalid.append(problem)
                continue
            assert item is not None
            _write_row(user, period, index, row, item, submit, out)
        # Rolled back whole on any refusal: the client fixes the rows and sends them again.
        if out.forbidden:
            raise NotAllowed(
                "you may not update " + ", ".join(out.forbidden) + "; nothing was written"
            )
        if out.conflicts:
            raise Conflict([*out.conflicts, "nothing was written"])
        if out.invalid:
            raise InvalidRows(sorted(out.invalid, key=lambda error: error.index or 0))
    return [entry for _, entry in out.written]


def ratings(plan: PlanRecord, period: Period, entries: Sequence[Entry]) -> dict[str, KpiRating]:
    """Each written KPI value's rating by the plan's rules, as the web shows after saving."""
    kpi_entries = [entry for entry in entries if isinstance(entry, KpiValue)]
    if not kpi_entries:
        return {}
    domain_plan = plan_domain(plan_record=plan)
    return {
        entry.item.ref: kpi_draft_rating(
            domain_plan,
            entry.item.ref,
            period.code,
            domain.KpiValue(
                value=entry.value,
                display=entry.display,
                status=None if entry.status is None else Status(entry.status),
                reason=entry.reason,
                commentary=entry.commentary,
            ),
        )
        for entry in kpi_entries
    }
