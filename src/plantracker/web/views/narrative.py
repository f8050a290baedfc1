"""The narrative editor (docs/plan-file.md#narrative): the lead writes the period's headlines,
decisions, milestones, next steps, deep-dive choice, commentary per recommendation and any
hand-set overview status with its reason; the preview shows the report as it now stands.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from plantracker.domain.model import Box
from plantracker.reports.build import build_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import Narrative, PeriodState, Recommendation
from plantracker.tracker.selectors import period_result
from plantracker.tracker.services import ConflictError, narrative_update
from plantracker.web.forms.workflow import LIST_FIELDS, NarrativeForm, narrative_initial
from plantracker.web.views.common import (
    ErrorLink,
    crumbs,
    form_error_links,
    form_status,
    plan_and_period,
    require_lead,
)
from plantracker.web.views.refusals import service_refusal


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def narrative(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    record, chosen = plan_and_period(request, slug, period)
    user = require_lead(request, record)
    recommendations = list(
        Recommendation.objects.filter(plan=record)
        .order_by("position")
        .values_list("number", "title")
    )
    stored = Narrative.objects.filter(period=chosen).first()
    version = stored.version if stored is not None else 0
    closed = chosen.state == PeriodState.CLOSED
    errors: list[ErrorLink] = []
    conflict: ConflictError | None = None
    status = 200
    if request.method == "POST":
        form = NarrativeForm(request.POST, recommendations=recommendations)
        if form.is_valid():
            with service_refusal() as refused:
                narrative_update(
                    actor=user,
                    period=chosen,
                    expected_version=form.cleaned_data["version"],
                    headlines=form.lines("headlines"),
                    decisions=form.lines("decisions"),
                    milestones=form.lines("milestones"),
                    next_steps=form.lines("next_steps"),
                    deep_dives=form.cleaned_data["deep_dives"],
                    commentary=form.commentary(),
                    boxes=form.boxes(),
                    box_reasons=form.box_reasons(),
                )
            if refused.conflict is not None:
                conflict = refused.conflict
                data = request.POST.copy()
                data["version"] = str(conflict.version)
                form = NarrativeForm(data, recommendations=recommendations)
                form.is_valid()
                errors.append(ErrorLink("conflict", str(conflict)))
                status = refused.status
            elif refused.invalid:
                refused.on_form(form)
            elif refused:
                errors.extend(ErrorLink("main-content", text) for text in refused.messages)
                status = refused.status
            else:
                messages.success(request, f"The narrative of {chosen.label} is saved")
                return redirect(reverse("web:narrative", args=[record.slug, chosen.code]))
        errors.extend(form_error_links(form, "main-content"))
    else:
        form = NarrativeForm(
            initial=narrative_initial(stored, version), recommendations=recommendations
        )
    result = period_result(plan_record=record, period_code=chosen.code)
    boxes = [
        {
            "box": box,
            "status": form[box.value],
            "reason": form[f"{box.value}_reason"],
            "calculated": result.boxes[box].calculated,
        }
        for box in Box
    ]
    return render(
        request,
        "web/workflow/narrative.html",
        {
            "record": record,
            "period": chosen,
            "closed": closed,
            "form": form,
            "lists": [form[name] for name in LIST_FIELDS],
            "commentary": [form[f"commentary_{number}"] for number, _ in recommendations],
            "boxes": boxes,
            "errors": errors,
            "conflict": conflict,
            "crumbs": crumbs(record, chosen),
            "section": "plans",
        },
        status=form_status(errors, status),
    )


@login_required
@require_safe
def narrative_preview(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """The period's report as a web page, shown in the browser rather than downloaded."""
    record, chosen = plan_and_period(request, slug, period)
    content = RENDERERS["html"].render(
        build_report(period_result(plan_record=record, period_code=chosen.code))
    )
    response = HttpResponse(content, content_type=RENDERERS["html"].media_type)
    response["Cache-Control"] = "private, no-store"
    return response
