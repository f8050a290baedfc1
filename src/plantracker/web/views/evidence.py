"""Evidence pages (ADR 0078): an item's evidence for a period (list, attach a file or a
link, remove) and the download of a file, only ever as an attachment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.tracker.downloads import evidence_file_response
from plantracker.tracker.models import Evidence, PeriodState
from plantracker.tracker.permissions import can_update_item
from plantracker.tracker.selectors import item_by_ref
from plantracker.tracker.selectors.evidence import evidence_list
from plantracker.tracker.services import InvalidInput
from plantracker.tracker.services.evidence import (
    evidence_file_add,
    evidence_link_add,
    evidence_remove,
)
from plantracker.tracker.uploads import UploadRefused
from plantracker.web.access import request_plan
from plantracker.web.forms.evidence import EvidenceFileForm, EvidenceLinkForm
from plantracker.web.views.common import (
    Crumb,
    crumbs,
    form_error_links,
    plan_and_period,
    signed_in_user,
)
from plantracker.web.views.refusals import service_refusal

# A downloaded file is never shown, run or framed on our origin.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_page(request: HttpRequest, slug: str, period: str, ref: str) -> HttpResponse:
    """``ref``'s evidence for ``period``: every reader sees it; its owner, deputy and the
    plan's leads attach and remove it while the period is open."""
    record, found_period = plan_and_period(request, slug, period)
    item = item_by_ref(plan_record=record, ref=ref)
    if item is None:
        raise Http404("This plan has no such item")
    user = signed_in_user(request)
    may_change = can_update_item(user, item) and found_period.state != PeriodState.CLOSED
    file_form = EvidenceFileForm()
    link_form = EvidenceLinkForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        here = reverse("web:evidence", args=[slug, period, item.ref])
        with service_refusal() as refused:
            if action == "file":
                file_form = EvidenceFileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    added = evidence_file_add(
                        actor=user,
                        item=item,
                        period=found_period,
                        upload=file_form.cleaned_data["file"],
                        description=file_form.cleaned_data["description"],
                    )
                    messages.success(request, f"{added.filename} was attached")
                    return redirect(here)
            elif action == "link":
                link_form = EvidenceLinkForm(request.POST)
                if link_form.is_valid():
                    evidence_link_add(
                        actor=user,
                        item=item,
                        period=found_period,
                        url=link_form.cleaned_data["url"],
                        description=link_form.cleaned_data["description"],
                    )
                    messages.success(request, "The link was attached")
                    return redirect(here)
            elif action == "remove":
                evidence = get_object_or_404(
                    Evidence,
                    pk=_int(request.POST.get("evidence")),
                    item=item,
                    period=found_period,
                    removed_at__isnull=True,
                )
                evidence_remove(actor=user, evidence=evidence)
                messages.success(request, f"{evidence.name} was removed")
                return redirect(here)
            else:
                raise Http404("No such action")
        # Not stored: the form again with why. Bad input (a refused upload among it) is 400;
        # a state that refuses any input (the period closed meanwhile) is 409.
        form = link_form if action == "link" else file_form
        refused.on_form(form)
        conflict = refused and not isinstance(refused.error, (UploadRefused, InvalidInput))
        status = 409 if conflict else 400
    return render(
        request,
        "web/evidence.html",
        {
            "record": record,
            "period": found_period,
            "item": item,
            "evidence": evidence_list(item=item, period=found_period),
            "may_change": may_change,
            "file_form": file_form,
            "link_form": link_form,
            # A form's own errors link to its first field (the file, the address).
            "errors": [
                *form_error_links(file_form, file_form["file"].id_for_label),
                *form_error_links(link_form, link_form["url"].id_for_label),
            ],
            "crumbs": [
                *crumbs(record, found_period),
                Crumb(f"{item.ref} {item.title}", reverse("web:item", args=[slug, item.ref])),
            ],
            "section": "plans",
        },
        status=status,
    )


def _int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Http404("No such evidence") from None


@login_required
@require_http_methods(["GET", "HEAD"])
def evidence_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """An evidence file, for readers of its plan only (anyone else: 404), as an attachment
    that the browser neither sniffs nor renders (ADR 0078)."""
    record = request_plan(request, slug)
    return evidence_file_response(plan_record=record, pk=pk)
