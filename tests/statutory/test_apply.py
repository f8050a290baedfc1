"""`plantracker statutory apply`: computed values into a plan in the database, end to end on
synthetic returns and the synthetic plan that `synth` writes beside them."""

from __future__ import annotations

import html as html_module
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import write_cin

from plantracker.api.tokens import token_create
from plantracker.statutory import compute_indicators, load_paths
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.validation import RULE_INDICATORS, FileValidation, RuleFinding
from plantracker.statutory.validation_store import record_validations
from plantracker.tracker.models import EntryState, Item, KpiValue, PlanRecord, Role, User
from plantracker.tracker.services import (
    item_owner_link,
    member_add,
    period_close,
    update_approve,
    update_bulk_approve,
    update_save_draft,
    update_submit,
)

pytestmark = pytest.mark.django_db

PERIOD = "2024-25-Q4"
AS_OF = date(2025, 3, 31)
LEAD, LEAD2, VIEWER = "lead@example.org", "lead2@example.org", "viewer@example.org"
REFS = {name: f"1.K{n}" for n, name in enumerate(DEFINITIONS, 1)}


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,  # the evidence storage of tests/conftest.py
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None


@pytest.fixture
def plan(synthetic: Synthetic) -> PlanRecord:
    """The synthetic plan imported as ``synthetic``, with two leads and a viewer."""
    call_command(
        "import", str(synthetic.returns / "plan.yaml"), "--slug", "synthetic", stdout=io.StringIO()
    )
    record = PlanRecord.objects.get(slug="synthetic")
    for email, role in ((LEAD, Role.LEAD), (LEAD2, Role.LEAD), (VIEWER, Role.VIEWER)):
        member_add(email=email, role=role, plan=record)
    return record


def _apply(store: Path, *extra: str, user: str = LEAD, period: str = PERIOD) -> list[str]:
    out = io.StringIO()
    call_command(
        "statutory", "apply", "synthetic", "--store", str(store), "--period", period,
        "--user", user, *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue().splitlines()


def _refused(store: Path, *extra: str, user: str = LEAD, period: str = PERIOD) -> str:
    with pytest.raises(CommandError) as refused:
        _apply(store, *extra, user=user, period=period)
    return str(refused.value)


def _values(period: str = PERIOD) -> dict[str, KpiValue]:
    rows = KpiValue.objects.filter(item__plan__slug="synthetic", period__code=period)
    return {row.item.ref: row for row in rows.select_related("item")}


def _user(email: str) -> User:
    return User.objects.get(username=email)


def _approve_all(by: str = LEAD2) -> int:
    rows = [(row, row.version) for row in _values().values() if row.state == EntryState.SUBMITTED]
    return len(update_bulk_approve(actor=_user(by), entries=rows))


def _summary() -> dict[str, Any]:
    out = io.StringIO()
    call_command("summary", "synthetic", "--period", PERIOD, "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _text(body: bytes | str) -> str:
    text = body.decode() if isinstance(body, bytes) else body
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_values_are_submitted_for_review_then_reported_once_approved(
    plan: PlanRecord, synthetic: Synthetic, tmp_path: Path
) -> None:
    results = compute_indicators(synthetic.store, AS_OF, "101")
    lines = _apply(synthetic.store, "--la", "101")
    assert lines[0] == (
        f"authority 101, 12 months to 2025-03-31 (period {PERIOD} of synthetic), as {LEAD}:"
    )
    rows = lines[1 : 1 + len(DEFINITIONS)]
    for line, (name, ref) in zip(rows, REFS.items(), strict=True):
        result = results[name]
        assert line.split()[:4] == ["KPI", ref, name, result.display or "not available"]
        figures = f"{result.numerator}/{result.denominator}"
        assert (figures if result.denominator is not None else str(result.numerator)) in line
        assert line.endswith("submitted for review")
    notes = [line for line in lines if line.startswith("note (")]
    assert len(notes) == sum(len(r.notes) for r in results.values())
    assert lines[-1] == (
        f"8 value(s) submitted for review: a lead of the plan other than {LEAD} approves them "
        f"on the Review page (/plans/synthetic/{PERIOD}/review/)"
    )

    values = _values()
    assert set(values) == set(REFS.values())
    for name, ref in REFS.items():
        row = values[ref]
        assert (row.state, row.computed_from) == (EntryState.SUBMITTED, f"statutory:{name}")
        assert row.value == results[name].value and row.submitted_by == _user(LEAD)
        trail = row.history.order_by("history_date", "history_id")
        assert [(h.history_user.username, h.history_change_reason) for h in trail] == [
            # No owner's account is linked; the lead enters it on the owner's behalf (ADR 0069).
            (
                LEAD,
                f"draft saved on behalf of the owner: computed from the statutory returns ({name})",
            ),
            (LEAD, f"submitted for review: computed from the statutory returns ({name})"),
        ]
    # Not reported until a lead approves them, like any update.
    assert _summary()["totals"]["kpis"]["missing"] == len(DEFINITIONS)

    assert _approve_all() == len(DEFINITIONS)
    summary = _summary()
    assert summary["totals"]["kpis"]["missing"] == 0
    reported = {row["ref"]: row["value"] for row in summary["kpis"]}
    for name, ref in REFS.items():
        assert Decimal(str(reported[ref])) == results[name].value
    report = tmp_path / "report.html"
    call_command(
        "report", "synthetic", "--period", PERIOD, "--format", "html", "-o", str(report),
        stdout=io.StringIO(),
    )  # fmt: skip
    text = _text(report.read_text())
    for name in ("re_referrals_12m", "care_leavers_eet"):  # in the deep dive's KPI table
        assert f"{results[name].value}%" in text

    # Again: nothing new, no version, no audit entry.
    versions = {ref: (row.version, row.history.count()) for ref, row in _values().items()}
    again = _apply(synthetic.store, "--la", "101")
    assert all(line.endswith("unchanged (approved)") for line in again[1:9])
    assert again[-1] == "nothing new to review"
    assert {ref: (r.version, r.history.count()) for ref, r in _values().items()} == versions


def test_the_only_authority_of_a_store_is_the_default(plan: PlanRecord, tmp_path: Path) -> None:
    """A store holding one authority's CIN census with one child: the figures it cannot give
    are written as not available, with the reason in a note and in the commentary."""
    path = write_cin(tmp_path, "201", 2025, [{"id": "SYN000000001"}])
    store = tmp_path / "one.duckdb"
    load_paths([path], store)
    lines = _apply(store)
    assert lines[0].startswith("authority 201, ")
    by_ref = {line.split()[1]: line.split() for line in lines[1:9]}
    assert by_ref["1.K5"][3:5] == ["0", "0"]  # no child on a plan: zero is shown
    for ref in ("1.K1", "1.K6", "1.K7"):  # no referral; no population; no OC3 table
        assert by_ref[ref][3:5] == ["not", "available"]
    assert "note (KPI 1.K7, care_leavers_eet): no SSDA903 OC3 (care leavers) table" in "\n".join(
        lines
    )
    eet = _values()["1.K7"]
    assert eet.value is None and eet.computed_from == "statutory:care_leavers_eet"
    assert "no SSDA903 OC3" in (eet.commentary or "")


@pytest.mark.parametrize(
    ("extra", "user", "period", "message"),
    [
        ([], LEAD, PERIOD, "the store holds several authorities (101, 102): choose the plan's"),
        (
            ["--la", "103"],
            LEAD,
            PERIOD,
            "authority 103 is not in the store (authorities: 101, 102)",
        ),
        (["--la", "101"], "nobody@example.org", PERIOD, "no active user 'nobody@example.org'"),
        (["--la", "101"], LEAD, "2030-31-Q1", "plan synthetic has no period '2030-31-Q1'"),
    ],
)
def test_wrong_arguments_are_refused(
    plan: PlanRecord,
    synthetic: Synthetic,
    extra: list[str],
    user: str,
    period: str,
    message: str,
) -> None:
    assert message in _refused(synthetic.store, *extra, user=user, period=period)
    assert not _values(period)


def test_a_plan_file_is_refused_with_the_import_to_run(synthetic: Synthetic) -> None:
    plan_file = str(synthetic.returns / "plan.yaml")
    with pytest.raises(CommandError) as refused:
        call_command(
            "statutory", "apply", plan_file, "--store", str(synthetic.store),
            "--period", PERIOD, "--user", LEAD, "--la", "101",
        )  # fmt: skip
    assert str(refused.value) == (
        f"{plan_file}: apply writes into a plan in the database, not a file; import it first "
        f"with `plantracker import {plan_file}` and give the plan's slug"
    )


def test_the_command_line_refuses_in_one_line_without_a_traceback(
    synthetic: Synthetic, tmp_path: Path
) -> None:
    plan_file = str(synthetic.returns / "plan.yaml")
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "plantracker"),
            "statutory", "apply", plan_file, "--period", PERIOD, "--user", LEAD,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PLANTRACKER_VAR_DIR": str(tmp_path / "var")},
    )  # fmt: skip
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.strip() == (
        f"CommandError: {plan_file}: apply writes into a plan in the database, not a file; "
        f"import it first with `plantracker import {plan_file}` and give the plan's slug"
    )
    assert not (tmp_path / "var").exists()


def test_a_viewer_may_not_and_nothing_is_written(plan: PlanRecord, synthetic: Synthetic) -> None:
    lines = _refused(synthetic.store, "--la", "101", user=VIEWER).splitlines()
    assert lines[:-1] == [
        f"KPI {ref}, {PERIOD}: {VIEWER} may not update it (a lead of the plan may, or the "
        "contributor linked to the KPI as its owner)"
        for ref in REFS.values()
    ]
    assert lines[-1] == "nothing was written"
    assert not _values()


def test_a_closed_period_is_refused(plan: PlanRecord, synthetic: Synthetic) -> None:
    period = plan.periods.get(code=PERIOD)
    period_close(actor=_user(LEAD), period=period, expected_version=period.version)
    message = _refused(synthetic.store, "--la", "101")
    label = plan.periods.get(code=PERIOD).label
    assert message.splitlines()[0] == (
        f"{label} is closed and its updates can no longer change; a lead may reopen it with "
        "a reason"
    )
    assert not _values()


def _typed(ref: str, value: str, *, approve: bool) -> None:
    """``value`` entered by hand for ``ref`` by the second lead (approved by the first)."""
    entry = update_save_draft(
        actor=_user(LEAD2),
        subject=Item.objects.get(plan__slug="synthetic", ref=ref),
        period=PlanRecord.objects.get(slug="synthetic").periods.get(code=PERIOD),
        expected_version=0,
        value=value,
    )
    entry = update_submit(actor=_user(LEAD2), entry=entry, expected_version=entry.version)
    if approve:
        update_approve(actor=_user(LEAD), entry=entry, expected_version=entry.version)


def test_a_value_awaiting_review_is_refused(plan: PlanRecord, synthetic: Synthetic) -> None:
    _typed("1.K1", "12.5", approve=False)
    message = _refused(synthetic.store, "--la", "101", "--replace-manual")
    assert message.splitlines()[0] == (
        f"KPI 1.K1, {PERIOD}: a different value awaits the lead's review; once it is approved "
        "or returned, run apply again"
    )
    assert list(_values()) == ["1.K1"] and str(_values()["1.K1"].value) == "12.5"


def test_a_value_entered_by_hand_is_replaced_only_with_the_flag(
    plan: PlanRecord, synthetic: Synthetic
) -> None:
    computed = compute_indicators(synthetic.store, AS_OF, "101")["care_leavers_eet"].value
    _typed("1.K7", "12.5", approve=True)
    message = _refused(synthetic.store, "--la", "101")
    assert message.splitlines() == [
        f"KPI 1.K7, {PERIOD}: holds a value entered by hand (12.5) that differs from the "
        f"computed {computed}; give --replace-manual to replace it",
        "nothing was written",
    ]
    assert list(_values()) == ["1.K7"]
    lines = _apply(synthetic.store, "--la", "101", "--replace-manual")
    assert next(line for line in lines if " 1.K7 " in line).endswith("submitted for review")
    entry = _values()["1.K7"]
    assert (entry.value, entry.computed_from) == (computed, "statutory:care_leavers_eet")
    assert entry.approved_copy is not None and entry.approved_copy["value"] == "12.5"


def test_pages_show_the_mark_and_a_hand_edit_clears_it(
    plan: PlanRecord, synthetic: Synthetic
) -> None:
    mark = "Computed from the statutory returns (re_referrals_12m)"
    _apply(synthetic.store, "--la", "101")
    reviewer = Client()
    reviewer.force_login(_user(LEAD2))
    assert mark in _text(reviewer.get(reverse("web:review", args=["synthetic", PERIOD])).content)
    _approve_all()
    item_url = reverse("web:item", args=["synthetic", "1.K1"])
    assert mark in _text(reviewer.get(item_url).content)

    lead = _user(LEAD)
    item = Item.objects.get(plan=plan, ref="1.K1")
    item_owner_link(item=item, user=lead)
    client = Client()
    client.force_login(lead)
    updates_url = reverse("web:my-updates", args=["synthetic", PERIOD])
    page = _text(client.get(updates_url).content)
    assert f"{mark}. A value you change here is recorded as entered by hand." in page
    entry = _values()["1.K1"]
    key = f"item-{item.pk}"
    response = client.post(
        updates_url,
        {
            "subject": key,
            "action": "submit",
            f"{key}-version": str(entry.version),
            f"{key}-value": "17.0",
            f"{key}-commentary": "Recounted by hand",
        },
    )
    assert response.status_code == 302
    entry = _values()["1.K1"]
    assert (str(entry.value), entry.computed_from, entry.state) == ("17.0", None, "submitted")
    # Until the revision is approved the page shows the approved, computed value and its mark.
    assert mark in _text(reviewer.get(item_url).content)
    update_approve(actor=_user(LEAD2), entry=entry, expected_version=entry.version)
    assert mark not in _text(reviewer.get(item_url).content)
    assert "Computed from the statutory returns (repeat_cp_plans)" in _text(
        reviewer.get(reverse("web:item", args=["synthetic", "1.K2"])).content
    )


def test_the_api_shows_the_mark_and_never_takes_it(plan: PlanRecord, synthetic: Synthetic) -> None:
    _apply(synthetic.store, "--la", "101")
    secret = token_create(user=_user(LEAD2), name="test").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    url = f"/api/v1/plans/synthetic/periods/{PERIOD}/kpi-values"
    rows = {row["ref"]: row for row in client.get(url).json()}
    assert {ref: rows[ref]["computed_from"] for ref in REFS.values()} == {
        ref: f"statutory:{name}" for name, ref in REFS.items()
    }
    _approve_all()
    body = [{"ref": "1.K1", "value": 1, "computed_from": "statutory:re_referrals_12m"}]
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert _values()["1.K1"].computed_from == "statutory:re_referrals_12m"
    assert str(_values()["1.K1"].value) != "1"


def test_a_viewer_learns_nothing_of_values_already_there(
    plan: PlanRecord, synthetic: Synthetic
) -> None:
    """Refused before anything about an entry is said: no "unchanged", no figure typed."""
    _typed("1.K7", "12.5", approve=True)
    _apply(synthetic.store, "--la", "101", "--replace-manual")
    _approve_all()
    message = _refused(synthetic.store, "--la", "101", user=VIEWER)
    assert "unchanged" not in message and "12.5" not in message
    assert all("may not update it" in line for line in message.splitlines()[:-1])


def test_a_draft_with_the_same_figure_is_said_to_wait_for_its_owner(
    plan: PlanRecord, synthetic: Synthetic
) -> None:
    computed = compute_indicators(synthetic.store, AS_OF, "101")["care_leavers_eet"].value
    update_save_draft(
        actor=_user(LEAD2),
        subject=Item.objects.get(plan__slug="synthetic", ref="1.K7"),
        period=PlanRecord.objects.get(slug="synthetic").periods.get(code=PERIOD),
        expected_version=0,
        value=str(computed),
    )
    lines = _apply(synthetic.store, "--la", "101")
    assert next(line for line in lines if " 1.K7 " in line).endswith(
        "unchanged (entered by hand with the same figure, a draft)"
    )
    assert lines[-1] == (
        "1 value(s) are drafts (or returned) with their owners: they are reported once "
        "submitted and approved"
    )


def _validated_copy(synthetic: Synthetic, tmp_path: Path) -> Path:
    """The shared store copied, with validations recorded as `statutory load` records them:
    the 2024-25 census of 1000 children, 60 breaking rule 1105 (referral and plan dates),
    and the SSDA903 return of 200 children with no error."""
    store = tmp_path / "validated.duckdb"
    shutil.copy(synthetic.store, store)
    shutil.copy(
        synthetic.store.with_name("statutory.duckdb.key"), tmp_path / "validated.duckdb.key"
    )
    affected = RULE_INDICATORS[("cin", "1105")]
    census = FileValidation(
        "cin", ("cin_census_101_2025.xml",), "101", 2025, "ok", validator="csc-validator-be-cin",
        ruleset="cin2024_25", children=1000, rules_run=109,
        findings=(
            RuleFinding("1105", "plan before referral", "error", "child", 60, 60, affected),
            RuleFinding("8569Q", "a query", "query", "child", 900, 900, ()),
        ),
        indicator_children=tuple((name, 60) for name in affected),
    )  # fmt: skip
    ssda903 = FileValidation(
        "903", ("ssda903_101_2025_header.csv",), "101", 2025, "ok", ruleset="lac2024_25",
        children=200, rules_run=305,
    )  # fmt: skip
    record_validations(store, [census, ssda903], [])
    return store


def test_the_data_quality_of_the_returns_travels_with_the_value_and_flags_the_review(
    plan: PlanRecord, synthetic: Synthetic, tmp_path: Path, settings: Any
) -> None:
    store = _validated_copy(synthetic, tmp_path)
    affected = RULE_INDICATORS[("cin", "1105")]
    lines = _apply(store, "--la", "101")
    words = "computed from 1000 children; 60 with errors in rules that affect it"
    for name, ref in REFS.items():
        quality = (
            f"{words}: more than 5%, flagged on the Review page"
            if name in affected
            else "computed from 200 children; 0 with errors in rules that affect it"
            if name.startswith("care_leavers")
            else "computed from 1000 children; 0 with errors in rules that affect it"
        )
        assert f"data quality (KPI {ref}, {name}): {quality}" in lines
    values = _values()
    assert (
        values["1.K1"].computed_from == "statutory:re_referrals_12m; 1000 children, 60 with errors"
    )
    assert values["1.K7"].computed_from == "statutory:care_leavers_eet; 200 children, 0 with errors"

    # The lead reviewing sees the flag on each value above the threshold, and only there.
    reviewer = Client()
    reviewer.force_login(_user(LEAD2))
    review_url = reverse("web:review", args=["synthetic", PERIOD])
    page = reviewer.get(review_url).content.decode()
    assert page.count('data-quality="flagged"') == len(affected)
    assert (
        "Data quality: 60 of the 1000 children in the returns this value was computed from "
        "(6.0%) break DfE validation rules that affect it: more than 5%."
    ) in _text(page)
    settings.STATUTORY_ERROR_THRESHOLD = Decimal(10)
    assert 'data-quality="flagged"' not in reviewer.get(review_url).content.decode()

    # The API, the KPI page, the plan file and every report's computed-value note carry it.
    secret = token_create(user=_user(LEAD2), name="test").secret
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    rows = {
        r["ref"]: r for r in api.get(f"/api/v1/plans/synthetic/periods/{PERIOD}/kpi-values").json()
    }
    assert rows["1.K1"]["computed_from"] == values["1.K1"].computed_from
    _approve_all()
    item_page = _text(reviewer.get(reverse("web:item", args=["synthetic", "1.K1"])).content)
    assert f"Computed from the statutory returns (re_referrals_12m): {words}" in item_page
    mark = "statutory:re_referrals_12m; 1000 children, 60 with errors"
    exported = tmp_path / "plan.yaml"
    call_command("export", "synthetic", "--format", "yaml", "-o", str(exported),
                 stdout=io.StringIO())  # fmt: skip
    assert mark in exported.read_text()
    workbook = tmp_path / "plan.xlsx"
    call_command("export", "synthetic", "--format", "xlsx", "-o", str(workbook),
                 stdout=io.StringIO())  # fmt: skip
    cells = {c.value for sheet in load_workbook(workbook) for row in sheet.iter_rows() for c in row}
    assert mark in cells
    report = tmp_path / "report.html"
    call_command(
        "report", "synthetic", "--period", PERIOD, "--format", "html", "-o", str(report),
        stdout=io.StringIO(),
    )  # fmt: skip
    assert f"1.K1 ({words})" in _text(report.read_text())
