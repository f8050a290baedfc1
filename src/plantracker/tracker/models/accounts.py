"""Accounts: users (username = email), organisations and role memberships (ADR 0013)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plantracker.tracker.auth import normalise_username


class Role(models.TextChoices):
    """The roles (ADR 0013), widest first; an inspector's is a viewer's for a limited time
    (ADR 0080)."""

    ADMIN = "admin", "Organisation admin"
    LEAD = "lead", "Plan lead"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"
    INSPECTOR = "inspector", "Inspector"


class PlanUserManager(UserManager["User"]):
    """Sign-in by email in any letter case: usernames are stored lower-case."""

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=normalise_username(username or ""))


class User(AbstractUser):
    """A person who signs in; ``username`` is their email address, lower-case.

    A project-owned user model from the start (Django's advice) leaves room for fields such
    as notification preferences without a later swap of ``AUTH_USER_MODEL``.
    """

    objects: ClassVar[PlanUserManager] = PlanUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = normalise_username(self.username)
        if not self.email:
            self.email = self.username
        super().save(*args, **kwargs)


class Organisation(models.Model):
    """A public body (a council); it owns plans and its admins manage its users."""

    name = models.TextField(unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, today: date | None = None) -> MembershipQuerySet:
        """The memberships in force ``today`` (the local date by default): all but the
        inspectors' whose last day has passed (ADR 0080)."""
        day = today or timezone.localdate()
        return self.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))


class Membership(models.Model):
    """A user's role in an organisation, on one plan or (``plan`` null) on all its plans.

    One role per user and scope; a wider grant and a plan-specific one may coexist (viewer of
    every plan, lead of one). An inspector's role has a last day, ``ends_on``, and no other
    role has one (ADR 0080); after it the role grants nothing.
    """

    user = models.ForeignKey("tracker.User", on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    plan = models.ForeignKey(
        "tracker.PlanRecord",
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        help_text="Empty: the role applies to every plan of the organisation.",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    ends_on = models.DateField(
        null=True,
        blank=True,
        verbose_name="last day",
        help_text="An inspector's last day of access (inclusive); empty for every other role.",
    )

    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user", "plan"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(plan__isnull=True),
                name="membership_one_role_per_user_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=models.Q(plan__isnull=False),
                name="membership_one_role_per_user_plan",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="membership_role_valid",
            ),
            # Administration is organisation-wide: an admin of one plan means nothing.
            models.CheckConstraint(
                condition=~models.Q(role=Role.ADMIN, plan__isnull=False),
                name="membership_admin_covers_all_plans",
            ),
            # An inspector's access ends on a given day (ADR 0080); no other role ends.
            models.CheckConstraint(
                condition=models.Q(role=Role.INSPECTOR, ends_on__isnull=False)
                | (~models.Q(role=Role.INSPECTOR) & models.Q(ends_on__isnull=True)),
                name="membership_only_inspectors_end",
            ),
        ]

    @property
    def ended(self) -> bool:
        """An inspector's role whose last day has passed: it grants nothing (ADR 0080)."""
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    def clean(self) -> None:
        if self.plan is not None and self.plan.organisation_id != self.organisation_id:
            raise ValidationError({"plan": "The plan belongs to another organisation."})

    def __str__(self) -> str:
        scope = self.plan.slug if self.plan_id is not None and self.plan else "all plans"
        return f"{self.user} — {self.get_role_display()} ({self.organisation}, {scope})"


class InspectorVisit(models.Model):
    """One page an inspector opened on a plan they inspect (ADR 0080): who, when, which
    address. Written by the web's middleware for inspectors only; the plan's leads and its
    organisation's admins read them. Nothing a plan counts changes with it; backups keep it."""

    user = models.ForeignKey("tracker.User", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "tracker.PlanRecord", on_delete=models.CASCADE, related_name="inspector_visits"
    )
    visited_at = models.DateTimeField()
    path = models.TextField()
    method = models.CharField(max_length=10, default="GET")
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["plan", "-visited_at"], name="inspectorvisit_plan_time")]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} ({self.visited_at:%Y-%m-%d %H:%M})"


class OrganisationProvider(models.Model):
    """An organisation's own OpenID Connect provider (ADR 0075): allauth's ``SocialApp``
    record, linked to the organisation whose admins manage it.

    Signing in through it matches only that organisation's users, so one council's tenant
    cannot vouch for another council's staff.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_in_provider"
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="organisation_link"
    )

    # allauth ships no types: django-stubs cannot see the link's column on its own.
    app_id: int
    objects: ClassVar[models.Manager[OrganisationProvider]] = models.Manager()

    def __str__(self) -> str:
        return f"{self.organisation}: {self.app_id}"
