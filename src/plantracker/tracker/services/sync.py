"""Keyed sync of one table's rows with what a plan file says (ADR 0014).

Rows are matched by their natural key (period id, recommendation number, item ref, ...):
matched rows are updated only where a column differs (``version`` + 1), new keys are
created, and rows whose key is gone are returned for the caller to delete once every table
is synced. Primary keys, owner links and audit history therefore survive a re-import, and
an unchanged re-import writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plantracker.tracker.services.plan_rows import Row

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

_BATCH = 500
CHANGE_REASON = "plan import"


def same(old: object, new: object) -> bool:
    """Equal, and for decimals also written alike (``58.60`` is not ``58.6`` here)."""
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return type(old) is type(new) and str(old) == str(new)
    return old == new


@dataclass
class SyncResult(Generic[K, M]):
    rows: dict[K, M] = field(default_factory=dict)
    stale: list[M] = field(default_factory=list)


def sync_rows(
    model: type[M],
    *,
    existing: Iterable[M],
    key: Callable[[M], K],
    desired: Mapping[K, Row],
    fixed: Row,
    user: Any,
    links: Mapping[str, str] | None = None,
    keep: Callable[[M], bool] | None = None,
) -> SyncResult[K, M]:
    """Create and update ``model`` rows so that they hold ``desired``; report the stale ones.

    ``fixed`` holds columns set on new rows only (the parent's key). ``links`` maps a text
    column to the user link that describes it (``owner`` → ``owner_user_id``): when the
    text changes, the link no longer names the right person and is cleared. ``keep`` spares
    a stale row from deletion (entries still in review).
    """
    current = {key(obj): obj for obj in existing}
    result: SyncResult[K, M] = SyncResult()
    creates: list[M] = []
    updates: list[M] = []
    changed_fields: set[str] = set()
    for row_key, row in desired.items():
        obj = current.get(row_key)
        if obj is None:
            obj = model(**fixed, **row)
            creates.append(obj)
        else:
            changed = [name for name, value in row.items() if not same(getattr(obj, name), value)]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                for text, link in (links or {}).items():
                    if text in changed and getattr(obj, link) is not None:
                        setattr(obj, link, None)
                        changed.append(link)
                obj.version += 1  # type: ignore[attr-defined]
                changed_fields.update(changed, ["version"])
                updates.append(obj)
        result.rows[row_key] = obj
    result.stale = [
        obj
        for row_key, obj in current.items()
        if row_key not in desired and not (keep is not None and keep(obj))
    ]
    if creates:
        bulk_create_with_history(
            creates,
            model,
            batch_size=_BATCH,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )
    if updates:
        bulk_update_with_history(
            updates,
            model,
            sorted(changed_fields),
            batch_size=_BATCH,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )
    return result


def delete_rows(rows: Iterable[models.Model], user: Any) -> None:
    """Delete rows one by one so that each deletion is audited with its author."""
    for obj in rows:
        obj._history_user = user  # type: ignore[attr-defined]
        obj.delete()
