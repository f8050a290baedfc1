"""The per-plan data version (ADR 0062): every service that changes what a plan counts adds
one to the plan's ``data_version`` in its own transaction; a restore leaves every plan above
any version it had before and any in the backup.

The walk runs each writing service of ``plantracker.tracker.services`` on the example plan,
fingerprints what every plan counts before and after (the approved plan, and each period's
state and result, read through the selectors), and fails when a fingerprint changed but the
plan's data version did not go up. A public function added to the services must be listed
here: in ``WALK`` with a call, or in ``NOT_WRITES`` with the reason it changes nothing a
plan counts.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

import plantracker.tracker.services as services
from plantracker.domain.model import Comparators
from plantracker.domain.model import KpiValue as DomainKpiValue
from plantracker.planfile import load_plan
from plantracker.statutory.plan_values import ComputedValue
from plantracker.tracker.models import (
    Item,
    KpiValue,
    Membership,
    Narrative,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
    Role,
    Update,
    User,
)
from plantracker.tracker.selectors import period_result, plan_domain
from plantracker.tracker.services import (
    data_version_bump,
    item_owner_link,
    item_owners_set,
    member_add,
    narrative_update,
    owners_assign,
    period_close,
    period_open,
    period_reopen,
    plan_import,
    recommendation_lead_link,
    risk_owner_link,
    risk_owner_set,
    role_grant,
    role_revoke,
    update_approve,
    update_bulk_approve,
    update_return,
    update_save_draft,
    update_send,
    update_submit,
    user_add,
)
from plantracker.tracker.services.accounts import user_set_active
from plantracker.tracker.services.backup import backup_document, backup_restore
from plantracker.tracker.services.comparators import kpi_comparators_set
from plantracker.tracker.services.statutory import statutory_apply

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
Q1, Q2 = "2018-19-Q1", "2018-19-Q2"
EET = "care_leavers_eet"


@dataclass
class Site:
    """The example plan, its leads ``lead`` and ``lead2``, and ``contributor``, the owner of
    KPI 1.K1 (computed from the statutory returns), action 1.A1 and the first risk."""

    plan: PlanRecord
    users: dict[str, User]

    def period(self, code: str = Q2) -> Period:
        return Period.objects.get(plan=self.plan, code=code)

    def item(self, ref: str) -> Item:
        return Item.objects.get(plan=self.plan, ref=ref)

    def value(self, ref: str = "1.K1", code: str = Q2) -> KpiValue:
        return KpiValue.objects.get(item__plan=self.plan, item__ref=ref, period__code=code)

    def update(self, ref: str = "1.A1", code: str = Q2) -> Update:
        return Update.objects.get(item__plan=self.plan, item__ref=ref, period__code=code)


@pytest.fixture
def site() -> Site:
    record = plan_import(plan=load_plan(EXAMPLE))
    users = {
        name: member_add(
            email=f"{name}@example.org", role=role, plan=record, organisation=record.organisation
        ).user
        for name, role in (
            ("lead", Role.LEAD),
            ("lead2", Role.LEAD),
            ("contributor", Role.CONTRIBUTOR),
        )
    }
    made = Site(record, users)
    for ref in ("1.K1", "1.A1"):
        item_owner_link(item=made.item(ref), user=users["contributor"])
    risk_owner_link(risk=Risk.objects.get(plan=record, position=0), user=users["contributor"])
    Item.objects.filter(plan=record, ref="1.K1").update(source=f"statutory:{EET}")
    return made


# --- what a plan counts -------------------------------------------------------------------


def counted() -> dict[int, str]:
    """Each plan's counted data as a digest: its approved plan, each period's state and
    what the period reports (a closed one's snapshot)."""
    prints: dict[int, str] = {}
    for record in PlanRecord.objects.order_by("pk"):
        live = plan_domain(plan_record=record)
        parts = [repr(live)]
        for period in Period.objects.filter(plan=record).order_by("position"):
            result = period_result(plan_record=record, period_code=period.code, live=live)
            parts += [f"{period.code} {period.state}", repr(result)]
        prints[record.pk] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return prints


def versions() -> dict[int, int]:
    return dict(PlanRecord.objects.values_list("pk", "data_version"))


# --- the walk: each writing service, called once on the site ------------------------------

Act = Callable[[], object]
Step = Callable[[Site], Act]
WALK: list[tuple[str, str, Step]] = []


def walk(service: str, case: str = "") -> Callable[[Step], Step]:
    """Register a step: it prepares the site (not measured) and returns the call to measure."""

    def register(step: Step) -> Step:
        WALK.append((service, case, step))
        return step

    return register


def _submitted(site: Site, ref: str = "1.K1") -> Any:
    subject = site.item(ref)
    content = {"value": "90.5"} if ref == "1.K1" else {"status": "green"}
    return update_send(
        actor=site.users["contributor"],
        subject=subject,
        period=site.period(),
        expected_version=None,
        submit=True,
        **content,
    )


@walk("update_send", "submitted")
def _send(site: Site) -> Act:
    return lambda: _submitted(site)


@walk("update_send", "a risk's draft")
def _send_risk(site: Site) -> Act:
    risk = Risk.objects.get(plan=site.plan, position=0)
    return lambda: update_send(
        actor=site.users["lead"],
        subject=risk,
        period=site.period(Q1),
        expected_version=None,
        submit=False,
        status="red",
        reason="Court backlog",  # the example scores it amber: red is set by hand (ADR 0084)
    )


@walk("update_save_draft")
def _save_draft(site: Site) -> Act:
    value = site.value()
    return lambda: update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.K1"),
        period=site.period(),
        expected_version=value.version,
        value="12.5",
    )


@walk("update_submit")
def _submit(site: Site) -> Act:
    value = site.value()
    draft = update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.K1"),
        period=site.period(),
        expected_version=value.version,
        value="12.5",
    )
    return lambda: update_submit(
        actor=site.users["contributor"], entry=draft, expected_version=draft.version
    )


@walk("update_return")
def _return(site: Site) -> Act:
    entry = _submitted(site)
    return lambda: update_return(
        actor=site.users["lead"], entry=entry, expected_version=entry.version, comment="Check it"
    )


@walk("update_approve")
def _approve(site: Site) -> Act:
    entry = _submitted(site)
    return lambda: update_approve(
        actor=site.users["lead"], entry=entry, expected_version=entry.version
    )


@walk("update_bulk_approve")
def _bulk_approve(site: Site) -> Act:
    entries = [_submitted(site, "1.K1"), _submitted(site, "1.A1")]
    return lambda: update_bulk_approve(
        actor=site.users["lead"], entries=[(entry, entry.version) for entry in entries]
    )


@walk("plan_import", "changed")
def _import_changed(site: Site) -> Act:
    plan = replace(load_plan(EXAMPLE), title="Children's Improvement Plan, revised")
    return lambda: plan_import(plan=plan, slug=site.plan.slug)


@walk("plan_import", "unchanged")
def _import_unchanged(site: Site) -> Act:
    return lambda: plan_import(plan=plan_domain(plan_record=site.plan), slug=site.plan.slug)


@walk("plan_import", "new plan")
def _import_new(site: Site) -> Act:
    return lambda: plan_import(plan=load_plan(EXAMPLE), slug="another-plan")


@walk("period_open")
def _open(site: Site) -> Act:
    period = site.period()
    return lambda: period_open(
        actor=site.users["lead"],
        period=period,
        due=date(2018, 10, 15),
        expected_version=period.version,
    )


@walk("period_close")
def _close(site: Site) -> Act:
    period = site.period()
    return lambda: period_close(
        actor=site.users["lead"], period=period, expected_version=period.version
    )


@walk("period_reopen")
def _reopen(site: Site) -> Act:
    period = site.period()
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    period.refresh_from_db()
    return lambda: period_reopen(
        actor=site.users["lead"],
        period=period,
        reason="A late figure",
        expected_version=period.version,
    )


@walk("narrative_update")
def _narrative(site: Site) -> Act:
    period = site.period()
    narrative = Narrative.objects.get(period=period)
    return lambda: narrative_update(
        actor=site.users["lead"],
        period=period,
        expected_version=narrative.version,
        headlines=["One headline in place of the others"],
    )


@walk("kpi_comparators_set")
def _comparators(site: Site) -> Act:
    published = Comparators(label="2023-24", england=Decimal("54.0"))
    return lambda: kpi_comparators_set(
        actor=site.users["lead"], plan=site.plan, comparators={"1.K1": published}
    )


@walk("statutory_apply")
def _statutory(site: Site) -> Act:
    value = DomainKpiValue(Decimal("60.0"), None, commentary="Computed: 60 of 100.")
    return lambda: statutory_apply(
        actor=site.users["lead"],
        plan_record=site.plan,
        period=site.period(),
        values=[ComputedValue("1.K1", EET, value)],
        replace_manual=True,
    )


@walk("backup_restore")
def _restore(site: Site) -> Act:
    document = backup_document()
    entry = _submitted(site)
    update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
    return lambda: backup_restore(document=document, where="backup.json")


@walk("item_owner_link")
def _item_owner(site: Site) -> Act:
    return lambda: item_owner_link(item=site.item("1.K2"), user=site.users["contributor"])


@walk("risk_owner_link")
def _risk_owner(site: Site) -> Act:
    risk = Risk.objects.get(plan=site.plan, position=0)
    return lambda: risk_owner_link(risk=risk, user=None)


@walk("owners_assign")
def _owners_assign(site: Site) -> Act:
    items = [site.item("1.K2").pk, site.item("1.A1").pk]
    return lambda: owners_assign(
        actor=site.users["lead"],
        plan=site.plan,
        user=site.users["contributor"],
        item_ids=items,
        risk_ids=[],
        replace=True,
    )


@walk("item_owners_set")
def _item_owners(site: Site) -> Act:
    return lambda: item_owners_set(
        actor=site.users["lead"],
        item=site.item("1.K2"),
        owner=site.users["contributor"],
        deputy=site.users["lead2"],
    )


@walk("risk_owner_set")
def _risk_owner_set(site: Site) -> Act:
    risk = Risk.objects.get(plan=site.plan, position=0)
    return lambda: risk_owner_set(actor=site.users["lead"], risk=risk, owner=None)


@walk("recommendation_lead_link")
def _recommendation_lead(site: Site) -> Act:
    recommendation = Recommendation.objects.get(plan=site.plan, number=1)
    return lambda: recommendation_lead_link(recommendation=recommendation, user=site.users["lead"])


@walk("user_add")
def _user_add(site: Site) -> Act:
    return lambda: user_add(email="new@example.org", password="a long enough password")


@walk("member_add")
def _member_add(site: Site) -> Act:
    return lambda: member_add(
        email="viewer@example.org", role=Role.VIEWER, organisation=site.plan.organisation
    )


@walk("role_grant")
def _role_grant(site: Site) -> Act:
    return lambda: role_grant(user=site.users["contributor"], role=Role.LEAD, plan=site.plan)


@walk("role_revoke")
def _role_revoke(site: Site) -> Act:
    membership = Membership.objects.get(user=site.users["lead2"])
    return lambda: role_revoke(membership=membership)


@walk("user_set_active")
def _deactivate(site: Site) -> Act:
    return lambda: user_set_active(user=site.users["contributor"], active=False)


# Public functions of the services that change nothing a plan counts, each with the reason.
NOT_WRITES = {
    "email_errors": "checks an address",
    "user_organisation": "reads",
    "backup_document": "reads the database in one transaction",
    "backup_models": "lists models",
    "backup_read": "reads a file",
    "backup_write": "reads the database and writes a file",
    "check_may_set": "checks a permission",
    "comparators_refusals": "checks input",
    "data_version_bump": "the data version itself",
    "data_version_ceiling": "reads the data version",
    "data_version_set_all": "the data version itself (a restore's)",
    "narrative_content": "reads",
    "closed_period_changes": "checks a plan",
    "plan_reference_errors": "checks a plan",
    "slug_errors": "checks a slug",
    "slug_for_title": "makes a slug",
    "item_row": "domain object to columns",
    "kpi_value_row": "domain object to columns",
    "narrative_row": "domain object to columns",
    "period_row": "domain object to columns",
    "plan_row": "domain object to columns",
    "recommendation_row": "domain object to columns",
    "risk_row": "domain object to columns",
    "risk_scale_json": "domain object to columns",
    "risk_update_row": "domain object to columns",
    "update_row": "domain object to columns",
    "reminder_messages": "composes emails",
    "reminders_send": "sends emails; writes only the outbox (EmailSend)",
    "reminder_round": "chooses the reminders due; reads the outbox",
    # Workflow emails (ADR 0077): the outbox, the leads' digests and people's choices are
    # no plan data.
    "absolute_url": "makes a link",
    "approved_notice_queue": "queues emails",
    "email_deliver": "sends an email; writes its outbox row",
    "email_html": "composes an email",
    "email_text": "composes an email",
    "emails_queue": "queues emails",
    "emails_send_again": "queues emails again",
    "lead_digest_send": "queues a lead's digest email",
    "notification_preferences_set": "a person's email choices",
    "preferences_of": "reads",
    "returned_notice_queue": "queues emails",
    "submitted_notice_queue": "schedules a lead's digest email",
    "text_html": "composes an email",
    "wants": "reads a person's email choices",
    "same": "compares two values",
    "sync_rows": "a step of plan_import, which bumps",
    "delete_rows": "a step of plan_import, which bumps",
    "computed_note": "words for the audit trail",
    "latest_change": "reads the audit trail",
    "locked_open_period": "locks a period row; writes nothing",
    "may_update": "checks a permission",
    "update_is_complete": "checks an update's content",
    "update_awaits_sending": "checks an update's state",
    "is_owner": "checks a link",
    # Sign-in (ADR 0075): who may sign in and how, nothing a plan counts.
    "provider_id_for": "names a provider",
    "organisation_provider_set": "an organisation's sign-in provider record",
    "organisation_provider_remove": "an organisation's sign-in provider record",
    "two_factor_enable": "a person's authenticator",
    "two_factor_disable": "a person's authenticator",
    "two_factor_check": "checks a code (marks a recovery code used)",
    "recovery_codes_renew": "a person's recovery codes",
    # Evidence (ADR 0078) is not counted: no figure, status or report changes with it.
    "evidence_file_add": "attaches evidence, which a plan does not count",
    "evidence_link_add": "attaches evidence, which a plan does not count",
    "evidence_remove": "removes evidence, which a plan does not count",
    "evidence_purge": "a step of period_close, which bumps",
    "evidence_storage": "names the storage",
    # Inspectors (ADR 0080): the record of their visits is no plan data.
    "inspector_visit_record": "records a page an inspector opened",
    # Publishing (ADR 0081) copies a closed period's snapshot to the public; nothing a plan
    # counts changes.
    "publication_publish": "publishes a closed period's snapshot, which a plan does not count",
    "publication_withdraw": "withdraws a published report, which a plan does not count",
    "publication_files_build": "stores a published report's files",
    "publication_storage": "names the storage",
    "published_formats": "reads a setting",
}


def _service_functions() -> set[str]:
    """Every public function defined in a module of ``plantracker.tracker.services``."""
    names: set[str] = set()
    for found in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{found.name}")
        names.update(
            name
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and not name.startswith("_")
        )
    return names


def test_every_service_is_walked_or_said_to_change_no_counted_data() -> None:
    walked = {service for service, _case, _step in WALK}
    functions = _service_functions()
    unlisted = functions - walked - set(NOT_WRITES)
    assert not unlisted, (
        f"new services {sorted(unlisted)}: add a step to WALK in this file (and bump the data "
        "version if they change what a plan counts), or list them in NOT_WRITES with why not"
    )
    assert walked | set(NOT_WRITES) <= functions, "WALK or NOT_WRITES names no service"
    assert not walked & set(NOT_WRITES)


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(step, id=f"{service}[{case}]" if case else service)
        for service, case, step in WALK
    ],
)
def test_a_service_that_changes_counted_data_bumps_the_data_version(site: Site, step: Step) -> None:
    act = step(site)
    prints, before = counted(), versions()
    act()
    after_prints, after = counted(), versions()
    ceiling = max(before.values())
    for pk, version in after.items():
        if pk not in before:
            # A new plan starts above every plan's version: no (plan, version) pair repeats.
            assert version > ceiling, f"new plan {pk} has data version {version}"
        elif after_prints[pk] != prints[pk]:
            assert version > before[pk], f"plan {pk} changed but kept data version {version}"


def test_the_walk_sees_a_change_made_without_a_bump(site: Site) -> None:
    """The fingerprint notices counted data changed behind the services' back."""
    prints, before = counted(), versions()
    Item.objects.filter(plan=site.plan, ref="1.K1").update(title="Changed behind their back")
    assert counted()[site.plan.pk] != prints[site.plan.pk]
    assert versions() == before


def test_an_approval_bumps_once_in_its_transaction(site: Site) -> None:
    entry = _submitted(site)
    before = versions()[site.plan.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        update_approve(actor=site.users["lead"], entry=entry, expected_version=entry.version)
        assert versions()[site.plan.pk] == before + 1
        raise RuntimeError("rolled back")
    assert versions()[site.plan.pk] == before  # the bump rolled back with the approval


def test_a_new_plan_starts_above_every_plans_version(site: Site) -> None:
    with transaction.atomic():
        data_version_bump(plan_ids=[site.plan.pk])
    record = plan_import(plan=load_plan(EXAMPLE), slug="second")
    assert record.data_version == versions()[site.plan.pk] + 1


def test_a_backup_holds_no_data_version(site: Site) -> None:
    plans = [row for row in backup_document()["objects"] if row["model"] == "tracker.planrecord"]
    assert plans
    assert all("data_version" not in row["fields"] for row in plans)


def test_a_restore_leaves_every_plan_above_any_version_it_had(site: Site) -> None:
    second = plan_import(plan=load_plan(EXAMPLE), slug="second")
    document = backup_document()
    seen = set(versions().values())
    for _ in range(5):  # changes after the backup: versions above those it was taken at
        with transaction.atomic():
            data_version_bump(plan_ids=[site.plan.pk])
    seen |= set(versions().values())
    # A backup from another database (or a hand-edited one) may carry higher versions.
    for row in document["objects"]:
        if row["model"] == "tracker.planrecord":
            row["fields"]["data_version"] = 1000
    seen.add(1000)

    backup_restore(document=document, where="backup.json")

    restored = versions()
    assert set(restored) == {site.plan.pk, second.pk}
    assert all(version > max(seen) for version in restored.values()), restored


def test_a_repair_in_the_django_admin_bumps_the_plans_data_version(site: Site) -> None:
    from django.contrib.admin import site as admin_site
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/")
    request.user = User.objects.create_superuser("ops@example.org", password="x")
    before = versions()[site.plan.pk]
    item = site.item("1.K1")
    item.title = "Repaired by an operator"
    admin_site._registry[Item].save_model(request, item, form=None, change=True)
    assert versions()[site.plan.pk] == before + 1
    updates = Update.objects.filter(item__plan=site.plan, item__ref="1.A1")
    admin_site._registry[Update].delete_queryset(request, updates)
    assert versions()[site.plan.pk] == before + 2
