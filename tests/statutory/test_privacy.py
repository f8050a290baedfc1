"""Nothing that identifies a child leaves the returns: not in the store, output, logs or errors."""

from __future__ import annotations

import io
import json
import logging
import re
import stat
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command
from tests.statutory.conftest import Synthetic
from tests.statutory.returns import cin_xml, write_cin, write_oc3
from tests.statutory.ssda903_dfe import IDS, LA_ONS, folder_of, write_return
from tests.statutory.validators import need_validators

from plantracker.statutory import StatutoryError, load_paths
from plantracker.statutory.store import TABLES
from plantracker.statutory.validation import validate_returns
from plantracker.tracker.models import KpiValue, PlanRecord, Role, User
from plantracker.tracker.services import member_add, update_bulk_approve

SYNTHETIC_ID = re.compile(r"SYN\d{9}")
UPN = "A123456789012"


def _leaks(text: str) -> list[str]:
    return SYNTHETIC_ID.findall(text) + ([UPN] if UPN in text else [])


def test_the_store_holds_no_identifier(synthetic: Synthetic) -> None:
    con = duckdb.connect(str(synthetic.store), read_only=True)
    try:
        tables = [
            t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]
        assert set(TABLES) < set(tables)
        for table in tables:
            columns = con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = ? AND data_type = 'VARCHAR'",
                [table],
            ).fetchall()
            for (column,) in columns:
                found = con.execute(
                    f"SELECT count(*) FROM {table} WHERE regexp_matches({column}, 'SYN[0-9]{{9}}')"
                ).fetchone()
                assert found == (0,), f"{table}.{column} holds a child id"
        # Every child is known by a 64-bit keyed hash, never by text.
        child_types = con.execute(
            "SELECT DISTINCT data_type FROM information_schema.columns WHERE column_name = 'child'"
        ).fetchall()
        assert child_types == [("BIGINT",)]
        # Months of birth only.
        for table in ("cin_child", "cla_child", "care_leaver"):
            assert con.execute(
                f"SELECT count(*) FROM {table} WHERE day(birth_month) <> 1"
            ).fetchone() == (0,)
        names = {
            c
            for (c,) in con.execute("SELECT column_name FROM information_schema.columns").fetchall()
        }
        assert not {n for n in names if re.search("upn|post|name_of|forename|surname", n)}
    finally:
        con.close()
    raw = synthetic.store.read_bytes()
    assert not re.search(rb"SYN\d{9}", raw)


def test_the_store_folder_holds_only_the_store_and_its_key(synthetic: Synthetic) -> None:
    assert sorted(p.name for p in synthetic.store.parent.iterdir()) == [
        "statutory.duckdb",
        "statutory.duckdb.key",
    ]
    mode = stat.S_IMODE(synthetic.store.with_name("statutory.duckdb.key").stat().st_mode)
    assert mode == 0o600


def test_commands_errors_and_logs_never_show_an_identifier(
    tmp_path: Path, synthetic: Synthetic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = tmp_path / "bad"
    bad.mkdir()
    # An id where a date belongs, an undefined entity named like an id, a broken row.
    (bad / "cin_census_201_2025.xml").write_text(
        cin_xml("201", 2025, [{"id": "SYN123456789", "birth": "SYN123456780"}]), encoding="utf-8"
    )
    (bad / "cin_census_202_2025.xml").write_text(
        cin_xml("202", 2025, [{"id": "&SYN123456781;"}]), encoding="utf-8"
    )
    write_oc3(bad, "203", 2025, [["SYN123456782", "SYN123456783", "SYN123456784", "F1", "U1"]])
    write_cin(bad, "204", 2025, [{"id": "SYN123456785", "episodes": [{"referral": "2024-05-01"}]}])
    out, err = io.StringIO(), io.StringIO()
    store = tmp_path / "store.duckdb"
    with pytest.raises(CommandError) as refused:
        call_command("statutory", "load", str(bad), "--store", str(store), stdout=out, stderr=err)
    message = str(refused.value)
    assert message.count("\n") >= 2, message  # one line per problem
    # The parser's own message named the entity; it is shown, the id in it is not.
    assert "the XML is not well-formed: Entity '…' not defined" in message
    call_command(
        "statutory",
        "indicators",
        "--store",
        str(synthetic.store),
        "--as-of",
        "2025-03-31",
        stdout=out,
        stderr=err,
    )
    call_command(
        "statutory",
        "indicators",
        "--store",
        str(synthetic.store),
        "--as-of",
        "2025-03-31",
        "--la",
        "101",
        "--json",
        stdout=out,
        stderr=err,
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (message, out.getvalue(), err.getvalue(), logged):
        assert not _leaks(text), text
    assert not re.search(rb"SYN\d{9}", store.read_bytes())
    assert UPN.encode() not in store.read_bytes()


def test_a_store_opened_with_another_key_is_refused(tmp_path: Path) -> None:
    path = write_cin(tmp_path, "201", 2025, [{"id": "SYN000000001"}])
    store = tmp_path / "s.duckdb"
    load_paths([path], store)
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    other.chmod(0o600)
    with pytest.raises(StatutoryError, match="this key is not the key of the store"):
        load_paths([path], store, key_file=other)
    store.with_name("s.duckdb.key").rename(tmp_path / "moved.key")
    with pytest.raises(StatutoryError, match="key file is missing"):
        load_paths([path], store)


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = write_cin(tmp_path, "201", 2025, [{"id": "SYN000000001"}])
    store = tmp_path / "s.duckdb"
    load_paths([path], store)
    store.with_name("s.duckdb.key").chmod(0o644)
    with pytest.raises(StatutoryError, match="readable by other users"):
        load_paths([path], store)


def test_indicator_json_has_no_child_level_data(synthetic: Synthetic) -> None:
    out = io.StringIO()
    call_command(
        "statutory",
        "indicators",
        "--store",
        str(synthetic.store),
        "--as-of",
        "2025-03-31",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    for figure in data["indicators"].values():
        assert set(figure) == {
            "title",
            "unit",
            "numerator",
            "denominator",
            "value",
            "suppressed",
            "display",
            "notes",
        }


@pytest.mark.django_db
@pytest.mark.engine_independent(
    reason="what is scanned for is what apply and approval write, the same on either engine; "
    "apply and approval themselves run on PostgreSQL in test_apply.py and the tracker tests"
)
def test_apply_puts_no_identifier_in_the_app_database_or_its_audit_trail(
    synthetic: Synthetic, caplog: pytest.LogCaptureFixture
) -> None:
    """The values `statutory apply` writes, their audit trail and the command's output hold
    figures only: every table of the application database (history tables included) is
    scanned after apply and approval."""
    caplog.set_level(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(synthetic.returns / "plan.yaml"), "--slug", "synthetic", stdout=out)
    record = PlanRecord.objects.get(slug="synthetic")
    for email in ("lead@example.org", "lead2@example.org"):
        member_add(email=email, role=Role.LEAD, plan=record)
    arguments = ["--store", str(synthetic.store), "--period", "2024-25-Q4", "--la", "101"]
    call_command(
        "statutory", "apply", "synthetic", *arguments, "--user", "lead@example.org",
        stdout=out, stderr=err,
    )  # fmt: skip
    with pytest.raises(CommandError) as refused:  # a refusal's message too
        call_command(
            "statutory", "apply", "synthetic", *arguments, "--user", "nobody@example.org",
            stdout=out, stderr=err,
        )  # fmt: skip
    rows = list(KpiValue.objects.filter(item__plan=record))
    assert len(rows) == 8
    update_bulk_approve(
        actor=User.objects.get(username="lead2@example.org"),
        entries=[(row, row.version) for row in rows],
    )
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert '"model": "tracker.historicalkpivalue"' in dump.getvalue()
    assert "statutory:care_leavers_eet" in dump.getvalue()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (dump.getvalue(), out.getvalue(), err.getvalue(), str(refused.value), logged):
        assert not _leaks(text)


@pytest.mark.slow
def test_validation_output_names_no_child_except_in_the_csv_asked_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    need_validators()
    # 2024-25 census in the older layout: rule 4180 flags every child, by id, in the validator.
    children = [
        {"id": f"SYN00000000{i}", "episodes": [{"referral": "2024-06-03"}]} for i in range(1, 4)
    ]
    census = write_cin(tmp_path, "101", 2025, children)
    caplog.set_level(logging.DEBUG)
    [result] = validate_returns([census])
    assert any(f.code == "4180" and f.children == 3 for f in result.findings)
    assert all(f.child_ids == () for f in result.findings)
    for args in ([], ["--json"]):
        out, err = io.StringIO(), io.StringIO()
        call_command("statutory", "validate", str(census), *args, stdout=out, stderr=err)
        assert "4180" in out.getvalue()
        assert _leaks(out.getvalue()) == [] and _leaks(err.getvalue()) == []
    # Validated at load: the store keeps rule codes and counts, the history shows them.
    store = tmp_path / "validated.duckdb"
    out, err = io.StringIO(), io.StringIO()
    call_command("statutory", "load", str(census), "--store", str(store), stdout=out, stderr=err)
    assert f"validated {census}: rule set cin2024_25" in out.getvalue()
    for args in ([], ["--json"]):
        call_command("statutory", "validate", "--history", "--store", str(store), *args,
                     stdout=out, stderr=err)  # fmt: skip
    assert "4180" in out.getvalue()
    assert _leaks(out.getvalue()) == [] and _leaks(err.getvalue()) == []
    assert not re.search(rb"SYN\d{9}", store.read_bytes())
    con = duckdb.connect(str(store), read_only=True)
    try:
        for table in ("validation_run", "validation_rule", "validation_indicator"):
            rows = con.execute(f"SELECT * FROM {table}").fetchall()
            assert _leaks(repr(rows)) == [], table
            # 4180 (the child's sex) is kept, by count; it affects no indicator.
            assert rows or table == "validation_indicator"
    finally:
        con.close()
    assert _leaks(caplog.text) == []
    target = tmp_path / "asked-for.csv"
    call_command("statutory", "validate", str(census), "--csv", str(target), stdout=io.StringIO())
    assert len(_leaks(target.read_text(encoding="utf-8"))) >= 3
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.slow
def test_ssda903_validation_names_no_child_except_in_the_csv_asked_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The SSDA903 validator prints rows with child ids from some rules (SW17STG2 in
    2025-26); its findings name children too. None of it reaches the output, logs or store."""
    need_validators()
    ids = {name: f"SYN31800000{n}" for n, name in enumerate(IDS, start=1)}
    returns = tmp_path / "returns"
    # 2024-25 with 2023-24's SEX codes: rule 101 flags its children, by id, in the validator.
    write_return(folder_of(returns, 2025), 2025, ids=ids, old_sex_codes=True)
    write_return(folder_of(returns, 2026), 2026, ids=ids)
    caplog.set_level(logging.DEBUG)
    # The table printed while the ids are in hand for the --csv file asked for.
    target = tmp_path / "asked-for.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("statutory", "validate", str(returns), "--la-ons", LA_ONS, "--csv", str(target),
                 stdout=out, stderr=err)  # fmt: skip
    assert "101" in out.getvalue()
    assert sorted(set(_leaks(target.read_text(encoding="utf-8")))) == sorted(
        ids[name] for name in ("A", "B", "C", "D")
    )
    outputs = [out.getvalue(), err.getvalue()]
    store = tmp_path / "validated.duckdb"
    out, err = io.StringIO(), io.StringIO()
    call_command("statutory", "load", str(returns), "--store", str(store), "--la-ons", LA_ONS,
                 stdout=out, stderr=err)  # fmt: skip
    assert "validated SSDA903 318 2025: rule set lac2024_25, 4 children, 1 errors" in out.getvalue()
    call_command("statutory", "validate", "--history", "--store", str(store), stdout=out,
                 stderr=err)  # fmt: skip
    outputs += [out.getvalue(), err.getvalue(), caplog.text]
    for text in outputs:
        assert _leaks(text) == [], text
    assert not re.search(rb"SYN\d{9}", store.read_bytes())
    con = duckdb.connect(str(store), read_only=True)
    try:
        for table in ("validation_run", "validation_rule", "validation_indicator"):
            assert _leaks(repr(con.execute(f"SELECT * FROM {table}").fetchall())) == [], table
    finally:
        con.close()
