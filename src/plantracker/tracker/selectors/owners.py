"""Reads for assigning owners (ADR 0068): who may own a plan's items, and what each owns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from plantracker.domain.model import Kind
from plantracker.tracker.models import Item, PlanRecord, Risk, Role, User


def owner_candidates(*, plan: PlanRecord, search: str = "") -> QuerySet[User]:
    """Active accounts that may own the plan's items: its contributors and leads (on the plan
    or on every plan of its organisation), whose email contains ``search``; one query."""
    reach = Q(memberships__plan=plan) | Q(
        memberships__plan__isnull=True, memberships__organisation_id=plan.organisation_id
    )
    found = User.objects.filter(
        reach, is_active=True, memberships__role__in=[Role.LEAD, Role.CONTRIBUTOR]
    )
    if search.strip():
        found = found.filter(username__icontains=search.strip())
    return found.distinct().order_by("username")


def owner_candidate(*, plan: PlanRecord, pk: int) -> User | None:
    """The account ``pk`` if it may own the plan's items, else None."""
    return owner_candidates(plan=plan).filter(pk=pk).first()


def owned_counts(*, plan: PlanRecord) -> Counter[int]:
    """How many of the plan's items and risks each account owns (deputies not counted)."""
    counts: Counter[int] = Counter()
    for owner_id in Item.objects.filter(plan=plan, owner_user__isnull=False).values_list(
        "owner_user_id", flat=True
    ):
        counts[owner_id] += 1
    for owner_id in Risk.objects.filter(plan=plan, owner_user__isnull=False).values_list(
        "owner_user_id", flat=True
    ):
        counts[owner_id] += 1
    return counts


@dataclass(frozen=True)
class Choice:
    """An item or risk as a box to tick on a person's page."""

    pk: int
    label: str  # "Action 1.A1 Set up the panel"
    owner: str | None  # the owner's email, when linked
    deputy: str | None


@dataclass(frozen=True)
class Group:
    """The items of one recommendation (or the plan's risks) on a person's page."""

    heading: str
    field: str  # "items" or "risks"
    choices: list[Choice]


def ownership_groups(*, plan: PlanRecord) -> list[Group]:
    """The plan's items by recommendation, then its risks, each with its owner; two
    queries."""
    items = (
        Item.objects.filter(plan=plan)
        .select_related("recommendation", "owner_user", "deputy_user")
        .order_by("recommendation__position", "kind", "position")
    )
    kinds = [kind.value for kind in Kind]
    groups: dict[int, Group] = {}
    for item in sorted(
        items, key=lambda i: (i.recommendation.position, kinds.index(i.kind), i.position)
    ):
        rec = item.recommendation
        group = groups.setdefault(
            rec.pk, Group(f"Recommendation {rec.number}. {rec.title}", "items", [])
        )
        group.choices.append(
            Choice(
                pk=item.pk,
                label=f"{Kind(item.kind).label} {item.ref} {item.title}",
                owner=item.owner_user.username if item.owner_user else None,
                deputy=item.deputy_user.username if item.deputy_user else None,
            )
        )
    result = list(groups.values())
    risks = [
        Choice(
            pk=risk.pk,
            label=f"Risk {risk.position + 1}: {risk.title}",
            owner=risk.owner_user.username if risk.owner_user else None,
            deputy=None,
        )
        for risk in Risk.objects.filter(plan=plan).select_related("owner_user").order_by("position")
    ]
    if risks:
        result.append(Group("Risks", "risks", risks))
    return result


@dataclass(frozen=True)
class ItemAccounts:
    """The accounts linked to an item as its owner and its deputy (ADR 0068)."""

    owner_user: User | None
    deputy_user: User | None


def item_accounts(*, owner_user_id: int | None, deputy_user_id: int | None) -> ItemAccounts:
    """The accounts of an item's owner and deputy, from the ids its row holds (the item
    page has them in ``ItemKeys``, read once per data version: linking an owner bumps it);
    one query, none when neither is linked."""
    ids = {pk for pk in (owner_user_id, deputy_user_id) if pk is not None}
    found = {user.pk: user for user in User.objects.filter(pk__in=ids)} if ids else {}
    return ItemAccounts(
        owner_user=found.get(owner_user_id) if owner_user_id is not None else None,
        deputy_user=found.get(deputy_user_id) if deputy_user_id is not None else None,
    )


def plan_owners(*, plan: PlanRecord) -> tuple[list[Item], list[Risk]]:
    """The plan's items (in plan order) and risks with their linked accounts; two queries."""
    kinds = [kind.value for kind in Kind]
    items = sorted(
        Item.objects.filter(plan=plan).select_related(
            "recommendation", "owner_user", "deputy_user"
        ),
        key=lambda i: (i.recommendation.position, kinds.index(i.kind), i.position),
    )
    risks = list(Risk.objects.filter(plan=plan).select_related("owner_user").order_by("position"))
    return items, risks
