"""A lead's owners pages (ADR 0068): the people who may own the plan's items, a person's
page to tick the items and risks they own, and an item's owner and deputy.

Assigning owners is plan work (a lead's, ADR 0013): anybody else who may view the plan gets
403, another organisation's plan is a 404. Every write is a service call (``owners_assign``,
``item_owners_set``), its refusal mapped by ``service_refusal``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from plantracker.tracker.models import PlanRecord, User
from plantracker.tracker.selectors import item_by_ref
from plantracker.tracker.selectors.owners import (
    Group,
    owned_counts,
    owner_candidate,
    owner_candidates,
    ownership_groups,
)
from plantracker.tracker.services import item_owners_set, owners_assign
from plantracker.web.access import request_plan
from plantracker.web.forms.owners import ItemOwnersForm, OwnedForm
from plantracker.web.views.common import Crumb, crumbs, form_status, require_lead
from plantracker.web.views.refusals import service_refusal


def _people_crumbs(record: PlanRecord) -> list[Crumb]:
    return [*crumbs(record), Crumb("Owners", reverse("web:owners", args=[record.slug]))]


@login_required
@require_safe
def people(request: HttpRequest, slug: str) -> HttpResponse:
    """The accounts that may own the plan's items (search by email), with what each owns."""
    record = request_plan(request, slug)
    require_lead(request, record)
    search = request.GET.get("q", "")[:200]
    candidates = list(owner_candidates(plan=record, search=search))
    counts = owned_counts(plan=record)
    return render(
        request,
        "web/owners/people.html",
        {
            "record": record,
            "search": search,
            "people": [(person, counts[person.pk]) for person in candidates],
            "crumbs": crumbs(record),
            "section": "plans",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Tick the items and risks ``pk`` owns; the unticked ones they owned are unlinked."""
    record = request_plan(request, slug)
    lead = require_lead(request, record)
    member = owner_candidate(plan=record, pk=pk)
    if member is None:
        raise Http404("No such person among those who may own this plan's items")
    groups = ownership_groups(plan=record)
    item_ids = [c.pk for g in groups if g.field == "items" for c in g.choices]
    risk_ids = [c.pk for g in groups if g.field == "risks" for c in g.choices]
    form = OwnedForm(request.POST or None, item_ids=item_ids, risk_ids=risk_ids)
    status = 200
    if request.method == "POST" and form.is_valid():
        with service_refusal() as refused:
            done = owners_assign(
                actor=lead,
                plan=record,
                user=member,
                item_ids=form.cleaned_data["items"],
                risk_ids=form.cleaned_data["risks"],
                replace=True,
            )
        if not refused:
            messages.success(
                request,
                f"{member.username} now owns {done.linked} more and "
                f"{done.unlinked} fewer item{'s' if done.unlinked != 1 else ''}",
            )
            return redirect("web:owner", record.slug, member.pk)
        refused.on_form(form, field="items")
        status = refused.status
    ticked = _ticked(form, member, groups)
    return render(
        request,
        "web/owners/person.html",
        {
            "record": record,
            "member": member,
            "groups": [
                (group, [(c, f"{group.field}-{c.pk}" in ticked) for c in group.choices])
                for group in groups
            ],
            "form": form,
            "crumbs": _people_crumbs(record),
            "section": "plans",
        },
        status=form_status(form.errors, status),
    )


def _ticked(form: OwnedForm, member: User, groups: list[Group]) -> set[str]:
    """The boxes shown ticked: what was posted, or else what the person owns now."""
    if form.is_bound:
        data = form.data
        assert isinstance(data, QueryDict)  # a posted form
        return {f"items-{pk}" for pk in data.getlist("items")} | {
            f"risks-{pk}" for pk in data.getlist("risks")
        }
    return {
        f"{group.field}-{choice.pk}"
        for group in groups
        for choice in group.choices
        if choice.owner == member.username
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_owners(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """An item's owner and deputy accounts."""
    record = request_plan(request, slug)
    lead = require_lead(request, record)
    item = item_by_ref(plan_record=record, ref=ref)
    if item is None:
        raise Http404("This plan has no such item")
    candidates = owner_candidates(plan=record)
    initial = {"owner": item.owner_user_id, "deputy": item.deputy_user_id}
    form = ItemOwnersForm(request.POST or None, candidates=candidates, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        with service_refusal() as refused:
            item_owners_set(
                actor=lead,
                item=item,
                owner=form.cleaned_data["owner"],
                deputy=form.cleaned_data["deputy"],
            )
        if not refused:
            messages.success(request, f"The owner of {item.ref} was saved")
            return redirect("web:item", record.slug, item.ref)
        refused.on_form(form)
        status = refused.status
    return render(
        request,
        "web/owners/item.html",
        {
            "record": record,
            "item": item,
            "form": form,
            "crumbs": [
                *crumbs(record),
                Crumb(f"{item.ref} {item.title}", reverse("web:item", args=[slug, item.ref])),
            ],
            "section": "plans",
        },
        status=form_status(form.errors, status),
    )
