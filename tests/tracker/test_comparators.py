"""KPI comparators are plan data (ADR 0017): they travel file → database → file, survive a
backup, stay in a closed period's snapshot, and only a lead sets them, with an audit entry."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.tracker.workflow_site import Q2, WorkflowSite

from plantracker.domain.model import Comparators
from plantracker.planfile import load_plan, plan_to_yaml
from plantracker.tracker.models import Item
from plantracker.tracker.selectors import period_plan, plan_domain
from plantracker.tracker.selectors.audit import item_audit
from plantracker.tracker.services import NotAllowed, ServiceError, period_close
from plantracker.tracker.services.comparators import kpi_comparators_set

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
PUBLISHED = Comparators(
    label="2023-24", england=Decimal("54.0"), region=Decimal("55.10"), neighbours=Decimal("52.3")
)


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _kpi_comparators(site: WorkflowSite, ref: str = "1.K1") -> Comparators | None:
    plan = plan_domain(plan_record=site.plan)
    (kpi,) = [k for r in plan.recommendations for k in r.kpis if k.ref == ref]
    return kpi.comparators


def test_a_plan_file_with_comparators_imports_and_exports_unchanged(tmp_path: Path) -> None:
    plan = load_plan(EXAMPLE)
    first = plan.recommendations[0].kpis[0]
    # Give the first KPI comparators the way a person would type them into the file.
    lines = plan_to_yaml(plan).splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == f'- ref: "{first.ref}"')
    values = next(i for i in range(at, len(lines)) if lines[i].strip() == "values:")
    indent = lines[values][: len(lines[values]) - len(lines[values].lstrip())]
    lines.insert(values, f"{indent}comparators: {{label: 2023-24, england: 54.0, region: 55.10}}\n")
    source = tmp_path / "compared.yaml"
    source.write_text("".join(lines), encoding="utf-8")

    command("import", str(source), "--slug", "compared")
    exported = tmp_path / "exported.yaml"
    command("export", "compared", "--format", "yaml", "-o", str(exported))
    assert exported.read_text(encoding="utf-8") == plan_to_yaml(load_plan(source))
    assert "comparators: {label: 2023-24, england: 54.0, region: 55.10}" in exported.read_text(
        encoding="utf-8"
    )
    stored = Item.objects.get(plan__slug="compared", ref=first.ref)
    assert (stored.comparators_label, str(stored.comparators_region)) == ("2023-24", "55.10")
    assert stored.comparators_neighbours is None
    workbook = tmp_path / "exported.xlsx"
    command("export", "compared", "--format", "xlsx", "-o", str(workbook))
    assert plan_to_yaml(load_plan(workbook)) == plan_to_yaml(load_plan(source))


def test_a_lead_sets_them_once_with_an_audit_entry_and_a_new_version(site: WorkflowSite) -> None:
    lead = site.users["lead"]
    version = site.item("1.K1").version
    entries = site.item("1.K1").history.count()
    (written,) = kpi_comparators_set(
        actor=lead, plan=site.plan, comparators={"1.K1": PUBLISHED}, reason="from 202324"
    )
    assert written.changed
    assert _kpi_comparators(site) == PUBLISHED
    assert str(_kpi_comparators(site).region) == "55.10"  # type: ignore[union-attr]
    item = site.item("1.K1")
    assert item.version == version + 1
    latest = item.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (lead, "from 202324")
    row = item_audit(plan_record=site.plan, item=item, emails=True)[0]
    assert (row.who, row.action, row.reason) == (lead.username, "changed", "from 202324")
    assert {(c.field, c.old, c.new) for c in row.changes} >= {
        ("comparators label", "—", "2023-24"),
        ("comparators england", "—", "54.0"),
        ("comparators region", "—", "55.10"),
    }

    # The same figures again change nothing: no new version, no audit entry.
    (again,) = kpi_comparators_set(actor=lead, plan=site.plan, comparators={"1.K1": PUBLISHED})
    assert not again.changed
    assert site.item("1.K1").version == version + 1
    assert item.history.count() == entries + 1

    # None removes them.
    kpi_comparators_set(actor=lead, plan=site.plan, comparators={"1.K1": None})
    assert _kpi_comparators(site) is None
    assert site.item("1.K1").comparators_england is None


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin", "outsider"])
def test_only_a_lead_of_the_plan_may_set_them(site: WorkflowSite, who: str) -> None:
    # The contributor owns 1.K1 and may give its values, but comparators are the plan's.
    entries = site.item("1.K1").history.count()
    with pytest.raises(NotAllowed, match="only a lead of the plan may"):
        kpi_comparators_set(actor=site.users[who], plan=site.plan, comparators={"1.K1": PUBLISHED})
    assert _kpi_comparators(site) is None
    assert site.item("1.K1").history.count() == entries


def test_unknown_refs_and_other_kinds_are_refused_and_nothing_is_written(
    site: WorkflowSite,
) -> None:
    entries = site.item("1.K1").history.count()
    with pytest.raises(ServiceError) as refused:
        kpi_comparators_set(
            actor=site.users["lead"],
            plan=site.plan,
            comparators={
                "1.K1": PUBLISHED,
                "1.K9": PUBLISHED,
                "1.A1": PUBLISHED,
                "1.K2": Comparators(label="2023-24", england=Decimal("1E+99")),
                "2.K1": Comparators(label="x" * 10_001),  # docs/plan-file.md#limits
            },
        )
    assert refused.value.messages == (
        "1.K9: the plan cip has no item with this ref",
        "1.A1: an action, not a KPI",
        "1.K2: the england figure 1E+99 is beyond the plan file's exact numbers",
        "2.K1: the comparators' label is 10,001 characters long; the most is 10,000",
    )
    assert _kpi_comparators(site) is None  # 1.K1 was fine, but nothing is written
    assert site.item("1.K1").history.count() == entries


def test_a_closed_period_keeps_the_comparators_it_reported(site: WorkflowSite) -> None:
    lead = site.users["lead"]
    kpi_comparators_set(actor=lead, plan=site.plan, comparators={"1.K1": PUBLISHED})
    period = site.period(Q2)
    period_close(actor=lead, period=period, expected_version=period.version)
    newer = Comparators(label="2024-25", england=Decimal("53.2"))
    kpi_comparators_set(actor=lead, plan=site.plan, comparators={"1.K1": newer})

    assert _kpi_comparators(site) == newer  # the live plan has the new figures ...
    closed = period_plan(plan_record=site.plan, period_code=Q2)
    (kpi,) = [k for r in closed.recommendations for k in r.kpis if k.ref == "1.K1"]
    assert kpi.comparators == PUBLISHED  # ... the closed period what it reported
    assert str(kpi.comparators.region) == "55.10"  # type: ignore[union-attr]
    snapshot = site.period(Q2).snapshots.get()
    assert "comparators: {label: 2023-24, england: 54.0, region: 55.10, neighbours: 52.3}" in (
        snapshot.plan_yaml
    )


def test_a_backup_restores_the_comparators(site: WorkflowSite, tmp_path: Path) -> None:
    kpi_comparators_set(actor=site.users["lead"], plan=site.plan, comparators={"1.K1": PUBLISHED})
    backup = tmp_path / "backup.json"
    command("backup", "-o", str(backup))
    Item.objects.filter(pk=site.item("1.K1").pk).update(
        comparators_label=None, comparators_england=None, comparators_region=None
    )
    assert _kpi_comparators(site) is None
    command("restore", str(backup))
    assert _kpi_comparators(site) == PUBLISHED
    assert str(_kpi_comparators(site).region) == "55.10"  # type: ignore[union-attr]
