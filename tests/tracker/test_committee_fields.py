"""The committee paper's fields in the database (ADR 0066): imported, exported, kept by a
closed period's snapshot and by the closed-period check, backed up, and left alone by the
narrative editor."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest
from tests.tracker.workflow_site import Q1, Q2, WorkflowSite, make_workflow_site

from plantracker.domain.model import Contact, Narrative, Plan
from plantracker.planfile import load_plan_text, plan_to_yaml
from plantracker.tracker.models import Narrative as NarrativeRow
from plantracker.tracker.models import PeriodSnapshot, PlanRecord
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import (
    ServiceError,
    narrative_update,
    period_close,
    plan_import,
)
from plantracker.tracker.services.backup import backup_document

pytestmark = pytest.mark.django_db

CONTACT = Contact(name="Alex Example", role="Performance Officer", email="pi@example.org")
GLOSSARY = MappingProxyType({"CSE": "Child sexual exploitation", "yes": "a term like YAML's"})


def _with_paper(plan: Plan) -> Plan:
    narrative = dict(plan.narrative)
    for code, texts in ((Q1, ("Note the Q1 report.",)), (Q2, ("Note Q2.", "Decide on CSE."))):
        narrative[code] = replace(narrative.get(code, Narrative()), committee_recommendations=texts)
    return replace(
        plan,
        contact=CONTACT,
        purpose="To update the committee.",
        glossary=GLOSSARY,
        order_note="in the order of the published report",
        narrative=MappingProxyType(narrative),
    )


def _stored(site: WorkflowSite) -> Plan:
    """The plan as the database holds it now (the site's record object is older)."""
    return plan_domain(plan_record=PlanRecord.objects.get(pk=site.plan.pk))


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    plan_import(plan=_with_paper(_stored(site)), slug="cip")
    return site


def test_the_fields_go_into_the_database_and_come_back_the_same(site: WorkflowSite) -> None:
    stored = _stored(site)
    assert stored.contact == CONTACT
    assert stored.purpose == "To update the committee."
    assert list(stored.glossary.items()) == list(GLOSSARY.items())
    assert stored.order_note == "in the order of the published report"
    assert stored.narrative[Q2].committee_recommendations == ("Note Q2.", "Decide on CSE.")
    record = PlanRecord.objects.get(pk=site.plan.pk)
    assert record.glossary == [[term, meaning] for term, meaning in GLOSSARY.items()]
    # The export is the file again.
    again = load_plan_text(plan_to_yaml(stored))
    assert again == stored


def test_an_import_without_them_removes_them(site: WorkflowSite) -> None:
    bare = replace(
        _stored(site),
        contact=None,
        purpose=None,
        glossary=MappingProxyType({}),
        order_note=None,
    )
    plan_import(plan=bare, slug="cip")
    stored = _stored(site)
    assert (stored.contact, stored.purpose, dict(stored.glossary), stored.order_note) == (
        None,
        None,
        {},
        None,
    )


def test_a_closed_periods_snapshot_keeps_them_and_an_import_cannot_change_its_recommendations(
    site: WorkflowSite,
) -> None:
    period = site.period(Q1)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    snapshot = PeriodSnapshot.objects.filter(period__code=Q1, period__plan=site.plan).latest()
    kept = load_plan_text(snapshot.plan_yaml)
    assert kept.contact == CONTACT
    assert kept.order_note == "in the order of the published report"
    assert list(kept.glossary) == ["CSE", "yes"]
    assert kept.narrative[Q1].committee_recommendations == ("Note the Q1 report.",)

    current = _stored(site)
    narrative = dict(current.narrative)
    narrative[Q1] = replace(narrative[Q1], committee_recommendations=("Rewritten later.",))
    with pytest.raises(ServiceError) as refused:
        plan_import(plan=replace(current, narrative=MappingProxyType(narrative)), slug="cip")
    assert f"{Q1} is closed" in refused.value.messages[0]
    assert "the narrative" in refused.value.messages[0]


def test_editing_the_narrative_keeps_the_recommendations_to_the_committee(
    site: WorkflowSite,
) -> None:
    period = site.period(Q2)
    row = NarrativeRow.objects.get(period=period)
    narrative_update(
        actor=site.users["lead"],
        period=period,
        expected_version=row.version,
        headlines=["A new headline"],
    )
    stored = _stored(site).narrative[Q2]
    assert stored.headlines == ("A new headline",)
    assert stored.committee_recommendations == ("Note Q2.", "Decide on CSE.")


def test_a_backup_holds_them(site: WorkflowSite) -> None:
    rows = backup_document()["objects"]
    plan = next(r for r in rows if r["model"] == "tracker.planrecord" and r["pk"] == site.plan.pk)
    assert plan["fields"]["contact_email"] == "pi@example.org"
    assert plan["fields"]["glossary"][0] == ["CSE", "Child sexual exploitation"]
    narratives = [r["fields"] for r in rows if r["model"] == "tracker.narrative"]
    assert ["Note Q2.", "Decide on CSE."] in [n["committee_recommendations"] for n in narratives]
