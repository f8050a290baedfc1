"""``plantracker statutory compare``: published England, region and neighbours' figures into
a stored plan's KPIs, by a lead, audited; every refusal named and nothing written."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import PUBLISHED_HEADER, published_row, write_csv

from plantracker.domain.model import Comparators
from plantracker.planfile import load_plan
from plantracker.statutory.plan_comparators import time_period_label
from plantracker.tracker.models import Item, PlanRecord, Role
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.selectors.audit import item_audit
from plantracker.tracker.services import item_owner_link, member_add

PLAN = """\
format: 1
plan:
  title: Compared plan
  organisation: Compared Council
periods:
  - {id: 2024-25-Q4, label: Q4, start: 2025-01-01, end: 2025-03-31}
recommendations:
  - number: 1
    title: Help
    aim: Help early.
    actions:
      - {ref: "1.A1", title: Agree a protocol}
    kpis:
      - {ref: 1.K1, title: Re-referrals within 12 months, aim: decrease, unit: percent}
      - {ref: 1.K2, title: Children on a plan per 10000, aim: decrease, unit: rate}
"""
SLUG = "compared-plan"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """England, two regions and four authorities as the DfE publishes them (``c``: withheld,
    ``x``: not available)."""
    published = write_csv(
        tmp_path / "cin_la.csv",
        PUBLISHED_HEADER,
        [
            published_row("National", "", "", "", "22.4", "41.6"),
            published_row("Regional", "E12000007", "", "", "20.1", "38.0"),
            published_row("Regional", "E12000008", "", "", "23.0", "40.2"),
            published_row("Local authority", "E12000007", "201", "E09000001", "18.0", "35.5"),
            published_row("Local authority", "E12000007", "202", "E09000007", "21.0", "c"),
            published_row("Local authority", "E12000008", "826", "E06000042", "25.0", "44.0"),
            published_row("Local authority", "E12000008", "867", "E06000036", "x", "46.0"),
        ],
    )
    path = tmp_path / "statutory.duckdb"
    command("benchmarks", str(published), "--store", str(path))
    return path


@pytest.fixture
def plan(db: None, tmp_path: Path) -> PlanRecord:
    source = tmp_path / "plan.yaml"
    source.write_text(PLAN, encoding="utf-8")
    call_command("import", str(source), stdout=io.StringIO())
    record = PlanRecord.objects.get(slug=SLUG)
    organisation = record.organisation
    member_add(email="lead@example.org", role=Role.LEAD, plan=record, organisation=organisation)
    owner = member_add(
        email="owner@example.org", role=Role.CONTRIBUTOR, plan=record, organisation=organisation
    ).user
    item_owner_link(item=Item.objects.get(plan=record, ref="1.K1"), user=owner)
    member_add(email="viewer@example.org", role=Role.VIEWER, organisation=organisation)
    return record


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("statutory", *args, stdout=out)
    return out.getvalue()


def compare(store: Path, *args: str, user: str = "lead@example.org") -> str:
    return command(
        "compare", SLUG, "--store", str(store), "--published", "202324", "--user", user, *args
    )


def _stored(record: PlanRecord) -> dict[str, Comparators | None]:
    plan = plan_domain(plan_record=record)
    return {kpi.ref: kpi.comparators for kpi in plan.recommendations[0].kpis}


def _histories(record: PlanRecord) -> int:
    return sum(item.history.count() for item in Item.objects.filter(plan=record))


@pytest.mark.parametrize(
    ("time_period", "label"),
    [("202324", "2023-24"), ("199900", "1999-00"), ("2023", "2023"), ("202399", "202399")],
)
def test_the_label_is_the_published_period(time_period: str, label: str) -> None:
    assert time_period_label(time_period) == label


def test_compare_writes_england_region_and_neighbours_into_the_kpis(
    store: Path, plan: PlanRecord, tmp_path: Path
) -> None:
    version = Item.objects.get(plan=plan, ref="1.K1").version
    output = compare(
        store,
        "--la",
        "201",
        "--neighbours",
        "202,E06000042,867",
        "--figure",
        "1.K1=re_referrals_percent",
        "--figure",
        "1.K2=cpp_rate",
    )
    assert output.splitlines() == [
        # Neighbours: 202 21.0, 826 25.0, 867 not published (x) → mean of 2 of 3 = 23.0.
        "1.K1 (re_referrals_percent, 2023-24): England 22.4, London 20.1, "
        "statistical neighbours 23.0 (mean of 2 of 3)",
        # 202 withheld (c): 826 44.0 and 867 46.0 → 45.0.
        "1.K2 (cpp_rate, 2023-24): England 41.6, London 38.0, "
        "statistical neighbours 45.0 (mean of 2 of 3)",
        "2 of 2 KPI(s) changed in plan compared-plan by lead@example.org, each recorded in "
        "the KPI's history",
    ]
    assert _stored(plan) == {
        "1.K1": Comparators("2023-24", Decimal("22.4"), Decimal("20.1"), Decimal("23.0")),
        "1.K2": Comparators("2023-24", Decimal("41.6"), Decimal("38.0"), Decimal("45.0")),
    }
    item = Item.objects.get(plan=plan, ref="1.K1")
    assert item.version == version + 1
    row = item_audit(plan_record=plan, item=item, emails=True)[0]
    assert (row.who, row.reason) == (
        "lead@example.org",
        "comparators set from published 202324 figures",
    )
    assert ("comparators neighbours", "—", "23.0") in {(c.field, c.old, c.new) for c in row.changes}

    # They are plan data: the exported plan file carries them.
    exported = tmp_path / "exported.yaml"
    call_command("export", SLUG, "--format", "yaml", "-o", str(exported), stdout=io.StringIO())
    text = exported.read_text(encoding="utf-8")
    assert "comparators: {label: 2023-24, england: 22.4, region: 20.1, neighbours: 23.0}" in text
    assert load_plan(exported).recommendations[0].kpis[1].comparators == _stored(plan)["1.K2"]

    # Again: the same figures change nothing and add no history.
    before = _histories(plan)
    again = compare(store, "--la", "E09000001", "--figure", "1.K2=cpp_rate")
    assert again.splitlines()[0].endswith("statistical neighbours not published (none given)")
    assert _histories(plan) == before + 1  # 1.K2 lost its neighbours' mean: one change
    assert _stored(plan)["1.K2"] == Comparators("2023-24", Decimal("41.6"), Decimal("38.0"))
    unchanged = compare(store, "--la", "E09000001", "--figure", "1.K2=cpp_rate")
    assert unchanged.splitlines()[-1] == (
        "nothing changed: the KPIs of plan compared-plan held these figures"
    )
    assert _histories(plan) == before + 1


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            ["--la", "201", "--figure", "1.K9=cpp_rate", "--figure", "1.A1=cpp_rate"],
            [
                "1.K9: the plan compared-plan has no item with this ref",
                "1.A1: an action, not a KPI",
            ],
        ),
        (
            ["--la", "201", "--figure", "1.K1=cpp_rate", "--figure", "1.K1=re_referrals_percent"],
            ["1.K1: given twice"],
        ),
        (
            [
                "--la",
                "999",
                "--neighbours",
                "202,555,E09000001",
                "--figure",
                "1.K1=re_referrals",
                "--figure",
                "1.K2=cpp_rate",
            ],
            [
                "authority 999: no authority with this code in the published figures",
                "no published figure 're_referrals' in the store (it has: cpp_rate, "
                "re_referrals_percent); load it with `plantracker statutory benchmarks FILE.csv`",
                "statistical neighbour 555: no authority with this code in the published figures",
            ],
        ),
        (
            ["--la", "201", "--neighbours", "E09000001", "--figure", "1.K1=cpp_rate"],
            ["statistical neighbour E09000001: the authority itself"],
        ),
    ],
)
def test_refusals_name_every_problem_and_write_nothing(
    store: Path, plan: PlanRecord, args: list[str], lines: list[str]
) -> None:
    before = _histories(plan)
    with pytest.raises(CommandError) as refused:
        compare(store, *args)
    assert str(refused.value).splitlines() == lines
    assert _stored(plan) == {"1.K1": None, "1.K2": None}
    assert _histories(plan) == before


def test_an_unknown_period_is_refused_naming_the_published_ones(
    store: Path, plan: PlanRecord
) -> None:
    with pytest.raises(CommandError) as refused:
        command(
            "compare",
            SLUG,
            "--store",
            str(store),
            "--published",
            "202223",
            "--la",
            "201",
            "--figure",
            "1.K1=re_referrals_percent",
            "--user",
            "lead@example.org",
        )
    assert str(refused.value) == (
        "no period '202223' of 're_referrals_percent' in the store (it has: 202324)"
    )
    assert _stored(plan)["1.K1"] is None


@pytest.mark.parametrize(
    ("user", "message"),
    [
        # The contributor owns 1.K1 and gives its values, but comparators are the plan's.
        (
            "owner@example.org",
            "owner@example.org may not set the comparators of plan compared-plan: "
            "only a lead of the plan may",
        ),
        (
            "viewer@example.org",
            "viewer@example.org may not set the comparators of plan compared-plan: "
            "only a lead of the plan may",
        ),
        (
            "nobody@example.org",
            "no active user 'nobody@example.org'; add one with "
            "`plantracker user add EMAIL --role lead --plan compared-plan`",
        ),
    ],
)
def test_only_a_lead_may_compare(store: Path, plan: PlanRecord, user: str, message: str) -> None:
    before = _histories(plan)
    with pytest.raises(CommandError) as refused:
        compare(store, "--la", "201", "--figure", "1.K1=cpp_rate", user=user)
    assert str(refused.value) == message
    assert _stored(plan)["1.K1"] is None
    assert _histories(plan) == before


def test_a_plan_file_or_an_unknown_slug_is_refused(
    store: Path, plan: PlanRecord, tmp_path: Path
) -> None:
    source = tmp_path / "plan.yaml"
    for target, message in (
        (
            str(source),
            f"{source}: compare writes comparators into a plan in the database, not a file; "
            f"import it first with `plantracker import {source}` and give the plan's slug",
        ),
        ("no-such-plan", "no plan with slug 'no-such-plan'; `plantracker import FILE` adds one"),
    ):
        with pytest.raises(CommandError) as refused:
            command(
                "compare",
                target,
                "--store",
                str(store),
                "--published",
                "202324",
                "--la",
                "201",
                "--figure",
                "1.K1=cpp_rate",
                "--user",
                "lead@example.org",
            )
        assert str(refused.value) == message
    assert _stored(plan)["1.K1"] is None


@pytest.mark.django_db
def test_a_kpi_is_not_compared_with_another_indicator(synthetic: Synthetic) -> None:
    """The synthetic plan's 1.K7 is computed from care_leavers_eet: setting the published
    cp_rate (a rate per 10,000) beside it is refused; its own indicator is taken."""
    call_command(
        "import", str(synthetic.returns / "plan.yaml"), "--slug", "synthetic", stdout=io.StringIO()
    )
    record = PlanRecord.objects.get(slug="synthetic")
    member_add(email="lead@example.org", role=Role.LEAD, plan=record)
    store = synthetic.store
    published = str(synthetic.returns / "published.csv")
    call_command("statutory", "benchmarks", published, "--store", str(store), stdout=io.StringIO())

    def run(figure: str) -> str:
        out = io.StringIO()
        call_command(
            "statutory", "compare", "synthetic", "--store", str(store), "--published", "202425",
            "--la", "101", "--figure", figure, "--user", "lead@example.org", stdout=out,
        )  # fmt: skip
        return out.getvalue()

    with pytest.raises(CommandError) as refused:
        run("1.K7=cp_rate")
    assert str(refused.value) == (
        "1.K7: computed from care_leavers_eet (its source), but --figure names cp_rate, "
        "another indicator"
    )
    assert plan_domain(plan_record=record).recommendations[0].kpis[6].comparators is None
    assert run("1.K7=care_leavers_eet").startswith("1.K7 (care_leavers_eet, 2024-25): England ")
