"""plan_import and plan_domain: a plan survives file → database → domain unchanged."""

from __future__ import annotations

import importlib
from dataclasses import replace
from decimal import Decimal

import pytest
from tests.builders import Q1, Q2, Q3, exact, frozen
from tests.tracker.factories import MembershipFactory, UserFactory
from tests.tracker.plans import rich_plan

from plantracker.domain.model import Action, Status, Update
from plantracker.domain.model import KpiValue as DomainKpiValue
from plantracker.tracker.models import (
    EntryState,
    Item,
    KpiValue,
    Organisation,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
)
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import ServiceError, plan_import

pytestmark = pytest.mark.django_db


def test_every_field_survives_the_database() -> None:
    plan = rich_plan()
    record = plan_import(plan=plan, slug=None)
    assert record.slug == "rich-plan"
    assert exact(plan_domain(plan_record=record)) == exact(plan)


def test_decimals_keep_the_digits_written() -> None:
    record = plan_import(plan=rich_plan())
    kpi = plan_domain(plan_record=record).recommendations[0].kpis[0]
    assert str(kpi.values[Q2].value) == "58.60"
    assert str(kpi.baseline.value) == "58.60"  # type: ignore[union-attr]
    assert str(kpi.targets[Q1]) == "1E+2"
    assert str(kpi.tolerance) == "7.50"
    assert str(KpiValue.objects.get(item__ref="1.K1", period__code=Q2).value) == "58.60"


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, PlanRecord, Period, Recommendation, Item, Risk, KpiValue)
    }


def test_entries_come_back_in_period_order() -> None:
    plan = rich_plan()
    action = plan.recommendations[0].actions[0]
    reordered = replace(action, updates=frozen(dict(reversed(list(action.updates.items())))))
    recommendation = replace(
        plan.recommendations[0], actions=(reordered, *plan.recommendations[0].actions[1:])
    )
    record = plan_import(
        plan=replace(plan, recommendations=(recommendation, plan.recommendations[1]))
    )
    back = plan_domain(plan_record=record).recommendations[0].actions[0]
    assert list(back.updates) == [Q1, Q2]


def test_organisation_is_created_once_and_reused() -> None:
    first = plan_import(plan=rich_plan(title="Plan A"))
    second = plan_import(plan=rich_plan(title="Plan B"))
    assert first.organisation_id == second.organisation_id
    assert first.organisation.name == "Rich Borough Council"
    assert first.organisation.slug == "rich-borough-council"
    assert Organisation.objects.count() == 1


def test_reimport_updates_the_same_plan_in_place() -> None:
    plan = rich_plan()
    record = plan_import(plan=plan)
    item_ids = dict(Item.objects.values_list("ref", "pk"))
    owner = UserFactory()
    MembershipFactory(user=owner, organisation=record.organisation)
    Item.objects.filter(ref="1.Q1").update(owner_user=owner)

    kpi = plan.recommendations[0].kpis[0]
    changed_kpi = replace(
        kpi, values=frozen({**kpi.values, Q2: DomainKpiValue(value=Decimal("61.20"))})
    )
    recommendation = replace(
        plan.recommendations[0],
        title="EET renamed",
        actions=plan.recommendations[0].actions[:1],  # 1.1 is gone
        kpis=(changed_kpi, *plan.recommendations[0].kpis[1:]),
    )
    changed = replace(plan, recommendations=(recommendation, plan.recommendations[1]))

    again = plan_import(plan=changed, slug="rich-plan")

    assert again.pk == record.pk
    assert PlanRecord.objects.count() == 1
    # The file names no owner_email: the link is kept, and the plan read back names it
    # (docs/plan-file.md#owners).
    linked = replace(
        recommendation,
        quality=tuple(
            replace(q, owner_email=owner.username) if q.ref == "1.Q1" else q
            for q in recommendation.quality
        ),
    )
    expected = replace(changed, recommendations=(linked, plan.recommendations[1]))
    assert exact(plan_domain(plan_record=again)) == exact(expected)
    assert "1.1" not in set(Item.objects.values_list("ref", flat=True))
    kept = dict(Item.objects.values_list("ref", "pk"))
    assert kept == {ref: pk for ref, pk in item_ids.items() if ref != "1.1"}
    assert Item.objects.get(ref="1.Q1").owner_user == owner
    value = KpiValue.objects.get(item__ref="1.K1", period__code=Q2)
    assert (str(value.value), value.version) == ("61.20", 2)


def test_unchanged_reimport_writes_no_history() -> None:
    record = plan_import(plan=rich_plan())
    history_rows = Item.history.count() + KpiValue.history.count() + Period.history.count()
    plan_import(plan=rich_plan(), slug=record.slug)
    assert Item.history.count() + KpiValue.history.count() + Period.history.count() == history_rows
    assert set(Item.objects.values_list("version", flat=True)) == {1}


def test_changing_an_owner_text_unlinks_the_owner() -> None:
    plan = rich_plan()
    record = plan_import(plan=plan)
    owner = UserFactory()
    Item.objects.filter(ref="1.10").update(owner_user=owner)
    action = replace(plan.recommendations[0].actions[0], owner="Someone else")
    recommendation = replace(
        plan.recommendations[0], actions=(action, *plan.recommendations[0].actions[1:])
    )
    plan_import(plan=replace(plan, recommendations=(recommendation, plan.recommendations[1])))
    item = Item.objects.get(plan=record, ref="1.10")
    assert (item.owner, item.owner_user) == ("Someone else", None)


def test_an_item_changing_kind_loses_its_old_columns() -> None:
    plan = rich_plan()
    plan_import(plan=plan)
    recommendation = plan.recommendations[0]
    kpi = recommendation.kpis[0]
    as_action = Action(ref=kpi.ref, title=kpi.title, updates=frozen({Q2: Update(Status.BLUE)}))
    changed = replace(
        plan,
        recommendations=(
            replace(
                recommendation,
                actions=(*recommendation.actions, as_action),
                kpis=recommendation.kpis[1:],
            ),
            plan.recommendations[1],
        ),
    )
    record = plan_import(plan=changed)
    assert exact(plan_domain(plan_record=record)) == exact(changed)
    assert not KpiValue.objects.filter(item__ref=kpi.ref).exists()


def test_entries_in_review_are_not_reported_and_survive_reimport() -> None:
    plan = rich_plan()
    record = plan_import(plan=plan)
    q3 = Period.objects.get(plan=record, code=Q3)
    draft = KpiValue.objects.create(
        item=Item.objects.get(ref="1.K2"), period=q3, value=Decimal("3"), state=EntryState.DRAFT
    )
    assert exact(plan_domain(plan_record=record)) == exact(plan)
    plan_import(plan=plan)
    assert KpiValue.objects.filter(pk=draft.pk, state=EntryState.DRAFT).exists()


def test_a_failure_part_way_leaves_the_database_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    record = plan_import(plan=rich_plan(title="First"))
    before = _counts()
    domain_before = exact(plan_domain(plan_record=record))

    module = importlib.import_module("plantracker.tracker.services.plan_import")
    real_sync = module.sync_rows

    def sync_then_fail(model, **kwargs):  # type: ignore[no-untyped-def]
        result = real_sync(model, **kwargs)
        if model is KpiValue:  # periods, recommendations, items and updates written by now
            raise RuntimeError("disk full")
        return result

    monkeypatch.setattr(module, "sync_rows", sync_then_fail)
    changed = rich_plan(title="First", organisation="Rich Borough Council")
    changed = replace(
        changed, periods=(*changed.periods[:2], replace(changed.periods[2], label="Q3 changed"))
    )
    with pytest.raises(RuntimeError):
        plan_import(plan=changed, slug=record.slug)
    with pytest.raises(RuntimeError):
        plan_import(plan=rich_plan(title="Second", organisation="New Council"))

    assert _counts() == before
    assert exact(plan_domain(plan_record=record)) == domain_before
    assert not Organisation.objects.filter(name="New Council").exists()


def test_a_slug_of_another_organisation_is_refused() -> None:
    plan_import(plan=rich_plan(), slug="shared")
    with pytest.raises(ServiceError) as error:
        plan_import(plan=rich_plan(organisation="Other Council"), slug="shared")
    assert "belongs to Rich Borough Council" in str(error.value)
    assert not Organisation.objects.filter(name="Other Council").exists()


@pytest.mark.parametrize("slug", ["", "Upper", "has space", "a--b", "-a", "plan.yaml", "x" * 101])
def test_a_bad_slug_is_refused(slug: str) -> None:
    with pytest.raises(ServiceError) as error:
        plan_import(plan=rich_plan(), slug=slug)
    assert f"slug '{slug}'" in str(error.value)
    assert PlanRecord.objects.count() == 0


def test_dangling_references_are_refused_with_their_place() -> None:
    plan = rich_plan()
    action = replace(
        plan.recommendations[0].actions[0], updates=frozen({"2030-Q9": Update(Status.RED)})
    )
    recommendation = replace(plan.recommendations[0], actions=(action,))
    narrative = replace(plan.narrative[Q2], deep_dives=(99,))
    bad = replace(
        plan,
        recommendations=(recommendation, plan.recommendations[1]),
        narrative=frozen({Q2: narrative}),
    )
    with pytest.raises(ServiceError) as error:
        plan_import(plan=bad)
    assert error.value.messages == (
        "recommendations[0].actions[0].updates: period '2030-Q9' is not declared in periods",
        f"narrative.{Q2}: recommendation 99 is not in the plan",
    )
    assert PlanRecord.objects.count() == 0


def test_reimport_removes_periods_recommendations_and_risks_the_file_dropped() -> None:
    plan = rich_plan()
    record = plan_import(plan=plan)
    first = plan.recommendations[0]
    kpi = first.kpis[0]
    smaller = replace(
        plan,
        periods=plan.periods[:2],
        recommendations=(
            replace(
                first,
                actions=(replace(first.actions[1], until_period=Q2), first.actions[0]),
                kpis=(
                    replace(kpi, values=frozen({k: v for k, v in kpi.values.items() if k != Q3})),
                    *first.kpis[1:],
                ),
            ),
        ),
        risks=plan.risks[1:],
        narrative=frozen(
            {Q2: replace(plan.narrative[Q2], deep_dives=(10,), commentary=frozen({}))}
        ),
    )
    again = plan_import(plan=smaller)
    assert again.pk == record.pk
    assert exact(plan_domain(plan_record=again)) == exact(smaller)
    assert list(Period.objects.values_list("code", flat=True)) == [Q1, Q2]
    assert list(Recommendation.objects.values_list("number", flat=True)) == [10]
    assert list(Risk.objects.values_list("title", flat=True)) == ["Second risk"]
    assert Period.history.filter(history_type="-", code=Q3).count() == 1


def test_every_imported_row_is_audited_with_its_importer() -> None:
    importer = UserFactory()
    plan_import(plan=rich_plan(), user=importer)
    for model in (PlanRecord, Period, Recommendation, Item, KpiValue, Risk):
        records = model.history.all()  # type: ignore[attr-defined]
        assert records.exists()
        assert {(r.history_type, r.history_user_id) for r in records} == {("+", importer.pk)}
        assert {r.history_change_reason for r in records} == {"plan import"}


def test_scored_risks_and_the_risk_scale_survive_the_database() -> None:
    # docs/rules.md#risk-scores: positions, an override's reason, controls, target, bands.
    from datetime import date

    from tests.builders import scored

    from plantracker.domain.model import RiskBand, RiskScale

    G, A, R = Status.GREEN, Status.AMBER, Status.RED
    scale = RiskScale(bands=(RiskBand(G, 1, 4), RiskBand(A, 5, 10), RiskBand(R, 12, 25)))
    plan = rich_plan()
    risk = replace(
        plan.risks[0],
        controls="Weekly review",
        target_score=4,
        target_date=date(2019, 3, 31),
        updates=frozen({Q1: scored(4, 4, scale=scale), Q2: scored(2, 2, R, "Backlog")}),
    )
    plan = replace(plan, risk_scale=scale, risks=(risk, *plan.risks[1:]))
    record = plan_import(plan=plan, slug=None)
    assert exact(plan_domain(plan_record=record)) == exact(plan)
