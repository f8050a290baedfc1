"""An organisation admin's users page: list, add, change a role, remove a role, deactivate.

Only admins of the organisation (``can_manage_users``) reach these views; anybody else
signed in gets 403, and a user of another organisation is a 404. Every write is a service
call (``member_add``, ``role_grant``, ``role_revoke``, ``user_set_active``); a refused
write shows the service's message and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plantracker.tracker.models import Organisation, PlanRecord, Role, User
from plantracker.tracker.permissions import can_manage_users
from plantracker.tracker.selectors import organisation_users, plans_for_user
from plantracker.tracker.services import (
    member_add,
    role_grant,
    role_revoke,
    user_organisation,
)
from plantracker.tracker.services.accounts import user_set_active
from plantracker.web.forms.accounts import MembershipForm, RoleFields, UserAddForm
from plantracker.web.views.common import Crumb, form_status
from plantracker.web.views.refusals import service_refusal


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation whose users the signed-in admin manages; 403 for anybody else."""
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    organisation = user_organisation(user)
    if organisation is None or not can_manage_users(user, organisation):
        raise PermissionDenied("Only your organisation's admins manage its users")
    return organisation


def _plans(request: HttpRequest, organisation: Organisation) -> list[PlanRecord]:
    return [
        plan
        for plan in plans_for_user(user=request.user)
        if plan.organisation_id == organisation.pk
    ]


def _member(organisation: Organisation, pk: int) -> User:
    """A user of ``organisation`` with their memberships; 404 for anyone else's."""
    member = organisation_users(organisation=organisation).filter(pk=pk).first()
    if member is None:
        raise Http404("No such user in your organisation")
    return member


def _crumbs() -> list[Crumb]:
    return [Crumb("Users", reverse("web:user-list"))]


@login_required
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "web/users/list.html",
        {
            "organisation": organisation,
            "members": organisation_users(organisation=organisation),
            "section": "users",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_add(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    plans = _plans(request, organisation)
    form = UserAddForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        with service_refusal() as refused:
            added = member_add(
                email=form.cleaned_data["email"],
                role=form.chosen_role(),
                plan=form.chosen_plan(),
                organisation=organisation,
                password=form.cleaned_data["password"],
                ends_on=form.chosen_ends_on(),
            )
        if refused:
            refused.on_form(form)
        else:
            if not added.created:
                messages.success(
                    request,
                    f"{added.user.username} already had an account: "
                    "the role was given and the password changed",
                )
            else:
                messages.success(request, f"{added.user.username} was added")
            return redirect("web:user-detail", added.user.pk)
    return render(
        request,
        "web/users/add.html",
        {"form": form, "crumbs": _crumbs(), "section": "users", "first_field": "id_email"},
        status=form_status(form.errors),
    )


@login_required
@require_safe
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request)
    member = _member(organisation, pk)
    return _detail(request, organisation, member, RoleFields(plans=_plans(request, organisation)))


def _detail(
    request: HttpRequest, organisation: Organisation, member: User, form: RoleFields
) -> HttpResponse:
    return render(
        request,
        "web/users/detail.html",
        {
            "organisation": organisation,
            "member": member,
            "memberships": list(member.memberships.all()),
            "roles": Role.choices,
            "form": form,
            "is_self": member.pk == request.user.pk,
            "crumbs": _crumbs(),
            "section": "users",
        },
        status=form_status(form.errors),
    )


@login_required
@require_POST
def role_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the user a role on a scope, replacing the role they had on that scope."""
    organisation = _organisation(request)
    member = _member(organisation, pk)
    form = RoleFields(request.POST, plans=_plans(request, organisation))
    if form.is_valid():
        role = form.chosen_role()
        if member.pk == request.user.pk and role is not Role.ADMIN:
            # An admin who demoted themselves could not undo it; another admin must.
            form.add_error(None, "You cannot change your own admin role")
        else:
            with service_refusal() as refused:
                role_grant(
                    user=member,
                    role=role,
                    organisation=organisation,
                    plan=form.chosen_plan(),
                    ends_on=form.chosen_ends_on(),
                )
            if refused:
                refused.on_form(form)
            else:
                messages.success(request, f"{member.username}'s roles were changed")
                return redirect("web:user-detail", member.pk)
    return _detail(request, organisation, member, form)


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request)
    member = _member(organisation, pk)
    form = MembershipForm(request.POST)
    membership = None
    if form.is_valid():
        membership = next(
            (m for m in member.memberships.all() if m.pk == form.cleaned_data["membership"]),
            None,
        )
    if membership is None:
        raise Http404("No such role")
    if member.pk == request.user.pk and membership.role == Role.ADMIN:
        raise PermissionDenied("You cannot remove your own admin role")
    role_revoke(membership=membership)
    messages.success(request, f"A role of {member.username} was removed")
    return redirect("web:user-detail", member.pk)


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) an account."""
    organisation = _organisation(request)
    member = _member(organisation, pk)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        return HttpResponse("active must be 0 or 1", status=400, content_type="text/plain")
    if member.pk == request.user.pk:
        raise PermissionDenied("You cannot deactivate your own account")
    user_set_active(user=member, active=active == "1")
    state = "reactivated" if active == "1" else "deactivated: they can no longer sign in"
    messages.success(request, f"{member.username} was {state}")
    return redirect("web:user-detail", member.pk)
