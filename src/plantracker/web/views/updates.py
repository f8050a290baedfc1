""" "My updates": every item and risk a person owns, for one period, on one page; and a
lead's "Plan updates" view of every item of the period, the same form (ADR 0069).

One form holds every item the person may still change: "Save all drafts" saves each
changed item, "Submit all complete" also sends each complete one for review, and each
item's own submit button saves the others' changes too, so nothing typed is lost. With
JavaScript (``web/static/web/updates.js``) each change is also saved as it is made, and
leaving with unsaved changes asks first. Validation is the service's (``update_send``):
its refusals come back in the GOV.UK error-summary pattern with
the person's input kept; a conflict with someone else's change shows both versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.reports.text import position_words
from plantracker.tracker.models import (
    EntryState,
    Item,
    Period,
    PeriodState,
    PlanRecord,
    RiskUpdate,
    User,
)
from plantracker.tracker.permissions import can_contribute, can_edit
from plantracker.tracker.selectors.evidence import evidence_counts
from plantracker.tracker.selectors.owners import owner_candidates
from plantracker.tracker.selectors.update_rows import UpdateRow, my_update_rows, plan_update_rows
from plantracker.tracker.selectors.workflow import open_periods, plan_recommendations
from plantracker.tracker.services import ConflictError, update_send
from plantracker.tracker.services.updates import update_awaits_sending, update_is_complete
from plantracker.web.forms.workflow import (
    EntryForm,
    KpiEntryForm,
    PlanUpdatesFilter,
    RiskEntryForm,
)
from plantracker.web.views.common import (
    STATE_TAGS,
    ErrorLink,
    crumbs,
    form_error_links,
    form_status,
    plan_and_period,
    require_lead,
    signed_in_user,
)
from plantracker.web.views.refusals import service_refusal


def _initial(row: UpdateRow) -> dict[str, Any]:
    entry = row.entry
    initial: dict[str, Any] = {"version": row.version}
    if entry is None:
        return initial
    initial["status"] = entry.status or ""
    initial["commentary"] = entry.commentary or ""
    if row.is_kpi:
        initial["value"] = "" if entry.value is None else str(entry.value)  # type: ignore[union-attr]
        initial["display"] = entry.display or ""  # type: ignore[union-attr]
        initial["reason"] = entry.reason or ""  # type: ignore[union-attr]
    if isinstance(entry, RiskUpdate):
        initial["likelihood"] = "" if entry.likelihood is None else str(entry.likelihood)
        initial["impact"] = "" if entry.impact is None else str(entry.impact)
        initial["reason"] = entry.reason or ""
        if row.assessment is not None and not row.assessment.overridden:
            initial["status"] = ""  # the status the score gives, not one chosen by hand
    return initial


def _form(row: UpdateRow, data: Any = None) -> EntryForm:
    # The stored content as initial: ``has_changed`` tells what the person altered.
    if row.is_risk and row.scale is not None:
        return RiskEntryForm(data, initial=_initial(row), prefix=row.key, scale=row.scale)
    form_class = KpiEntryForm if row.is_kpi else EntryForm
    return form_class(data, initial=_initial(row), prefix=row.key)


def _editable(row: UpdateRow, period: Period) -> bool:
    return period.state == PeriodState.OPEN and row.state != EntryState.SUBMITTED


# The page's buttons: "draft" saves every changed item, "submit-all" also sends each
# complete one for review, "submit:<key>" saves every changed item and submits that one.
SAVE_ALL = "draft"
SUBMIT_ALL = "submit-all"
SUBMIT_ONE = "submit:"


@dataclass
class _Outcome:
    """What one POST did to the page's items: saved or submitted names, and each failed
    row's bound form (the person's words kept) with its conflict, if any."""

    saved: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    unchanged_approved: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    failed: dict[str, EntryForm] = field(default_factory=dict)
    conflicts: dict[str, ConflictError] = field(default_factory=dict)
    status: int = 200

    def message(self) -> str:
        parts: list[str] = []
        if len(self.submitted) == 1 and not self.saved:
            parts.append(f"{self.submitted[0]} submitted for review")
        elif self.submitted:
            parts.append(f"Submitted for review: {', '.join(self.submitted)}")
        if len(self.saved) == 1 and not self.submitted:
            parts.append(f"{self.saved[0]} saved as a draft")
        elif self.saved:
            parts.append(f"Saved as drafts: {', '.join(self.saved)}")
        if self.unchanged_approved:
            names = ", ".join(self.unchanged_approved)
            parts.append(f"{names} unchanged: the approved update stands")
        if self.incomplete:
            parts.append(f"Not complete, so not submitted: {', '.join(self.incomplete)}")
        return ". ".join(parts) or "Nothing had changed since you last saved"


def _posted(row: UpdateRow, data: Any) -> bool:
    """The POST carries this row's fields (a page shows only editable rows' inputs)."""
    return f"{row.key}-version" in data


def _send_all(
    user: User,
    rows: list[UpdateRow],
    period: Period,
    data: Any,
    action: str,
    *,
    plan_view: bool = False,
) -> _Outcome:
    """Save every editable row whose posted content differs from what is stored, each
    through ``update_send`` (ADR 0063) in its own transaction, and submit as ``action``
    asks; a refused row keeps its bound form, the others are saved. On a lead's Plan
    updates view (``plan_view``), "Submit all complete" sends only what the lead changed or
    drafted, never an owner's draft in progress (ADR 0069)."""
    outcome = _Outcome()
    for row in rows:
        if not _posted(row, data):
            continue
        form = _form(row, data)
        if not form.is_valid():
            outcome.failed[row.key] = form
            continue
        content = {name: form.cleaned_data.get(name) for name in form.content_fields}
        if row.is_risk:
            # A page without the score's fields (a copy opened before they were asked)
            # says nothing of the score, which is kept; a cleared choice clears it (ADR 0084).
            for name in ("likelihood", "impact", "reason"):
                if f"{row.key}-{name}" not in data:
                    content[name] = None
        # Compared with what is stored now: a page whose script saved the same words a
        # moment earlier (an older version in the form) changes nothing and conflicts not.
        changed = any(name != "version" for name in form.changed_data)
        version = form.cleaned_data["version"] if changed else row.version
        if action == SUBMIT_ALL:
            waiting = update_awaits_sending(actor=user, entry=row.entry, own_only=plan_view)
            pending = changed or waiting
            submit = pending and update_is_complete(subject=row.subject, content=content)
            if pending and not submit:
                outcome.incomplete.append(row.name)
        else:
            submit = action == f"{SUBMIT_ONE}{row.key}"
        if not changed and not submit and _editable(row, period):
            continue  # a page read before the period closed or the item was submitted: refused
        with service_refusal() as refused:
            entry = update_send(
                actor=user,
                subject=row.subject,
                period=period,
                expected_version=version,
                submit=submit,
                **content,
            )
        if refused.conflict is not None:
            # Keep the person's words; take the current version so that saving again
            # knowingly replaces the other person's.
            again = data.copy()
            again[f"{row.key}-version"] = str(refused.conflict.version)
            form = _form(row, again)
            form.is_valid()
            outcome.conflicts[row.key] = refused.conflict
            outcome.failed[row.key] = form
            outcome.status = max(outcome.status, refused.status)
        elif refused:
            refused.on_form(form)
            outcome.failed[row.key] = form
            outcome.status = max(outcome.status, refused.status)
        elif submit and entry.state == EntryState.APPROVED:
            outcome.unchanged_approved.append(row.name)
        elif submit:
            outcome.submitted.append(row.name)
        else:
            outcome.saved.append(row.name)
    return outcome


def _action(data: Any) -> str:
    """The button pressed; the per-item form of earlier pages (``subject`` and ``submit``)
    means that item's submit."""
    action = str(data.get("action") or SAVE_ALL)
    if action == "submit" and data.get("subject"):
        return f"{SUBMIT_ONE}{data['subject']}"
    return action


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_updates(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """The items and risks linked to the person, as owner or deputy."""
    record, chosen = plan_and_period(request, slug, period)
    user = signed_in_user(request)
    if not can_contribute(user, record):
        raise PermissionDenied("Only contributors and leads give updates")

    def rows() -> list[UpdateRow]:
        return my_update_rows(user=user, plan_record=record, period=chosen)

    url = reverse("web:my-updates", args=[record.slug, chosen.code])
    return _updates_page(request, record, chosen, user, rows, url, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_updates(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """A lead's Plan updates view (ADR 0069): every item and risk of the period, filtered,
    to enter or correct anyone's update; what the lead writes for an item they do not own
    is recorded as entered on its owner's behalf."""
    record, chosen = plan_and_period(request, slug, period)
    user = require_lead(request, record)
    filters = PlanUpdatesFilter(
        request.GET,
        recommendations=[(r.number, r.title) for r in plan_recommendations(plan_record=record)],
        owners=[(account.pk, account.username) for account in owner_candidates(plan=record)],
    )
    chosen_filters = filters.chosen()

    def rows() -> list[UpdateRow]:
        return plan_update_rows(user=user, plan_record=record, period=chosen, **chosen_filters)

    url = reverse("web:plan-updates", args=[record.slug, chosen.code])
    query = request.GET.urlencode()
    return _updates_page(
        request, record, chosen, user, rows, f"{url}?{query}" if query else url, filters
    )


def _updates_page(
    request: HttpRequest,
    record: PlanRecord,
    chosen: Period,
    user: User,
    read_rows: Callable[[], list[UpdateRow]],
    url: str,
    filters: PlanUpdatesFilter | None,
) -> HttpResponse:
    """My updates, or with ``filters`` a lead's Plan updates view: the page, and what its
    buttons (or its script) post."""
    plan_view = filters is not None
    rows = read_rows()
    errors: list[ErrorLink] = []
    outcome = _Outcome()
    if request.method == "POST":
        action = _action(request.POST)
        keys = {row.key for row in rows}
        if action.startswith(SUBMIT_ONE) and action[len(SUBMIT_ONE) :] not in keys:
            raise PermissionDenied("That is not one of your items in this period")
        if action not in (SAVE_ALL, SUBMIT_ALL) and not action.startswith(SUBMIT_ONE):
            raise PermissionDenied("Unknown action")
        outcome = _send_all(user, rows, chosen, request.POST, action, plan_view=plan_view)
        if request.headers.get("X-Autosave") == "1":
            return _autosave_answer(read_rows(), outcome)
        if not outcome.failed:
            messages.success(request, outcome.message())
            anchor = f"#{action[len(SUBMIT_ONE) :]}" if action.startswith(SUBMIT_ONE) else ""
            return redirect(f"{url}{anchor}")
        if outcome.saved or outcome.submitted or outcome.unchanged_approved:
            messages.success(request, outcome.message())
        # Read again: the saved rows' new versions and states.
        rows = read_rows()
    forms = {row.key: outcome.failed.get(row.key) or _form(row) for row in rows}
    for row in rows:
        if row.key in outcome.conflicts:
            conflict = outcome.conflicts[row.key]
            errors.append(ErrorLink(f"{row.key}-conflict", str(conflict)))
        if row.key in outcome.failed:
            errors.extend(form_error_links(forms[row.key], f"{row.key}-actions", hidden=row.key))
    editable = any(_editable(row, chosen) for row in rows)
    return render(
        request,
        "web/workflow/my_updates.html",
        {
            "record": record,
            "period": chosen,
            "closed": chosen.state == PeriodState.CLOSED,
            "groups": _groups(
                rows, forms, outcome.conflicts, chosen, evidence_counts(period=chosen)
            ),
            "editable": editable,
            "errors": errors,
            "other_periods": [p for p in open_periods(plan_record=record) if p.pk != chosen.pk],
            "lead": can_edit(user, record),
            "plan_view": plan_view,
            "filters": filters,
            "filtered": plan_view and bool(request.GET),
            "post_url": url,
            "crumbs": crumbs(record, chosen),
            "section": "plans",
        },
        # Rows saved before a refused one keep their message above; the page is still a 400.
        status=form_status(errors or outcome.failed, outcome.status),
    )


def _autosave_answer(rows: list[UpdateRow], outcome: _Outcome) -> JsonResponse:
    """The page script's answer (saved on change): each row's version now, the messages
    of the rows that could not be saved, and a risk's score as saved (the domain's words);
    the page keeps what was typed. Nothing saved because of an error answers 400 (409 for
    someone else's change), as the page itself would (``form_status``); some rows saved
    and others not is a 200 whose rows say which (ADR 0084)."""
    answer: dict[str, Any] = {}
    for row in rows:
        form = outcome.failed.get(row.key)
        problems = [] if form is None else [str(e) for f in form for e in f.errors]
        if form is not None:
            problems.extend(str(e) for e in form.non_field_errors())
        if row.key in outcome.conflicts:
            problems.insert(0, str(outcome.conflicts[row.key]))
        answer[row.key] = {
            "version": row.version if row.key not in outcome.conflicts else None,
            "errors": problems,
            "state": STATE_TAGS[row.state][0],
        }
        if row.is_risk and row.scale is not None:
            entry = row.entry
            answer[row.key]["score"] = position_words(
                getattr(entry, "likelihood", None), getattr(entry, "impact", None), row.scale
            )
    written = outcome.saved or outcome.submitted or outcome.unchanged_approved
    status = 200 if written else form_status(outcome.failed, outcome.status)
    return JsonResponse({"rows": answer, "message": outcome.message()}, status=status)


def _groups(
    rows: list[UpdateRow],
    forms: dict[str, EntryForm],
    conflicts: dict[str, ConflictError],
    period: Period,
    evidence: dict[int, int],
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows by recommendation (risks last), each with its form, tag, conflict and, for an
    item, its evidence count (ADR 0078)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        label, tag = STATE_TAGS[row.state]
        groups.setdefault(row.recommendation or "Risks", []).append(
            {
                "row": row,
                "form": forms[row.key],
                "editable": _editable(row, period),
                "tag_label": label,
                "tag_class": tag,
                "conflict": conflicts.get(row.key),
                "evidence_ref": row.subject.ref if isinstance(row.subject, Item) else None,
                "evidence": evidence.get(row.subject.pk, 0) if isinstance(row.subject, Item) else 0,
            }
        )
    return list(groups.items())
