"""`plantracker backup` and `plantracker restore` (ADR 0060).

A restore gives back exactly what was backed up: the same plan export, byte for byte, and
the same rows (audit trail and accounts included); a file that cannot be restored changes
nothing. The subprocess test runs on SQLite and, under `make test-postgres`, on PostgreSQL,
where it also restores a backup made on SQLite.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from tests.databases import plantracker, postgres_url, scratch_database

from plantracker.tracker.models import Item, PlanRecord, User

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
SLUG = "childrens-improvement-plan"


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def rows_of(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "plantracker-backup"
    return list(document["objects"])


def export(tmp_path: Path, name: str, slug: str = SLUG) -> str:
    path = tmp_path / name
    command("export", slug, "--format", "yaml", "-o", str(path))
    return path.read_text(encoding="utf-8")


@pytest.fixture
def filled(db: None, tmp_path: Path) -> Path:
    """The example plan (with an audit entry per row) and a user, backed up."""
    command("import", str(EXAMPLE))
    command("user", "add", "lead@example.gov.uk", "--role", "lead", "--plan", SLUG)
    backup = tmp_path / "backup.json"
    output = command("backup", "-o", str(backup))
    assert output.startswith(f"{backup}: backup of ")
    return backup


def test_restore_brings_back_exactly_what_was_backed_up(filled: Path, tmp_path: Path) -> None:
    before = export(tmp_path, "before.yaml")
    rows_before = rows_of(filled)

    # Change everything a restore must undo: a plan's items, another plan, an account.
    Item.objects.filter(plan__slug=SLUG).update(title="changed after the backup")
    command("import", str(EXAMPLE), "--slug", "second-plan")
    User.objects.filter(username="lead@example.gov.uk").delete()

    output = command("restore", str(filled))

    assert output.startswith(f"restored {len(rows_before):,} rows into ")
    assert export(tmp_path, "after.yaml") == before
    assert not PlanRecord.objects.filter(slug="second-plan").exists()
    assert User.objects.filter(username="lead@example.gov.uk").exists()
    command("backup", "-o", str(tmp_path / "again.json"))
    assert rows_of(tmp_path / "again.json") == rows_before


def test_a_backup_holds_the_audit_trail_with_its_exact_times(filled: Path) -> None:
    rows = rows_of(filled)
    history = [row for row in rows if row["model"] == "tracker.historicalitem"]
    assert len(history) == Item.history.count() >= Item.objects.count() > 0
    stored = Item.history.order_by("history_id").values_list("history_date", flat=True)
    assert [row["fields"]["history_date"] for row in history] == [
        moment.isoformat() for moment in stored
    ]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], "not JSON"),
        (lambda text: "[]", "no 'format: plantracker-backup' header"),
        (lambda text: text.replace('"version": 1', '"version": 99', 1), "format version 99"),
        (lambda text: text.replace('"format"', '"formats"', 1), "not a plantracker backup"),
    ],
    ids=["cut-short", "not-a-backup", "newer-format", "no-header"],
)
def test_a_damaged_file_is_refused_and_changes_nothing(
    filled: Path, tmp_path: Path, damage: Any, message: str
) -> None:
    before = export(tmp_path, "before.yaml")
    Item.objects.filter(plan__slug=SLUG, ref="1.A1").update(title="kept")
    damaged = tmp_path / "damaged.json"
    damaged.write_text(damage(filled.read_text(encoding="utf-8")), encoding="utf-8")

    with pytest.raises(CommandError, match=message) as caught:
        command("restore", str(damaged))

    assert str(caught.value).startswith(f"{damaged}: ")
    assert Item.objects.get(plan__slug=SLUG, ref="1.A1").title == "kept"
    assert export(tmp_path, "after.yaml") != before  # the change above is still there


def test_a_row_that_does_not_fit_rolls_the_whole_restore_back(filled: Path, tmp_path: Path) -> None:
    document = json.loads(filled.read_text(encoding="utf-8"))
    items = [row for row in document["objects"] if row["model"] == "tracker.item"]
    items[-1]["fields"]["recommendation"] = 999_999  # a link to a row that is not there
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    command("import", str(EXAMPLE), "--slug", "made-after-the-backup")

    with pytest.raises(CommandError, match="cannot be restored, the database is unchanged"):
        command("restore", str(broken))

    assert PlanRecord.objects.filter(slug="made-after-the-backup").exists()
    assert Item.objects.filter(plan__slug=SLUG).count() == len(items)


def test_a_backup_from_a_newer_schema_is_refused(filled: Path, tmp_path: Path) -> None:
    document = json.loads(filled.read_text(encoding="utf-8"))
    document["migrations"]["tracker"].append("9999_from_the_future")
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError, match="made by a newer plantracker"):
        command("restore", str(newer))


def test_backup_into_a_missing_folder_writes_nothing(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        command("backup", "-o", str(tmp_path / "no" / "such" / "backup.json"))
    assert list(tmp_path.iterdir()) == []


def test_restore_of_a_missing_file_says_so(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        command("restore", str(tmp_path / "absent.json"))


@pytest.mark.database
@pytest.mark.slow
def test_the_commands_round_trip_into_an_empty_database(tmp_path: Path) -> None:
    """As an operator would: back up, restore into a brand-new database, compare exports."""
    with scratch_database(tmp_path / "one") as source, scratch_database(tmp_path / "two") as target:
        for args in (("migrate", "--verbosity", "0"), ("import", str(EXAMPLE))):
            done = plantracker(source, tmp_path, *args)
            assert done.returncode == 0, done.stderr
        backup = plantracker(source, tmp_path, "backup", "-o", "backup.json")
        assert backup.returncode == 0, backup.stderr
        assert plantracker(source, tmp_path, "export", SLUG, "--format", "yaml", "-o", "a.yaml")

        restored = plantracker(target, tmp_path, "restore", "backup.json")

        assert restored.returncode == 0, restored.stderr
        exported = plantracker(target, tmp_path, "export", SLUG, "--format", "yaml", "-o", "b.yaml")
        assert exported.returncode == 0, exported.stderr
        assert (tmp_path / "b.yaml").read_bytes() == (tmp_path / "a.yaml").read_bytes()

        (tmp_path / "cut.json").write_bytes((tmp_path / "backup.json").read_bytes()[:1000])
        refused = plantracker(target, tmp_path, "restore", "cut.json")
        assert refused.returncode == 1
        assert refused.stderr.startswith("CommandError: cut.json: not a plantracker backup")
        assert "Traceback" not in refused.stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_a_backup_made_on_sqlite_restores_into_postgresql(tmp_path: Path) -> None:
    url = postgres_url()
    assert url is not None
    with scratch_database(tmp_path / "pg") as target:
        sqlite = {key: value for key, value in target.items() if key != "DATABASE_URL"}
        sqlite["PLANTRACKER_VAR_DIR"] = str(tmp_path / "sqlite")
        for args in (
            ("migrate", "--verbosity", "0"),
            ("import", str(EXAMPLE)),
            ("backup", "-o", "backup.json"),
            ("export", SLUG, "--format", "yaml", "-o", "a.yaml"),
        ):
            done = plantracker(sqlite, tmp_path, *args)
            assert done.returncode == 0, done.stderr

        restored = plantracker(target, tmp_path, "restore", "backup.json")
        assert restored.returncode == 0, restored.stderr
        exported = plantracker(target, tmp_path, "export", SLUG, "--format", "yaml", "-o", "b.yaml")
        assert exported.returncode == 0, exported.stderr
        assert (tmp_path / "b.yaml").read_bytes() == (tmp_path / "a.yaml").read_bytes()


def test_evidence_files_travel_in_the_backup_and_restore_brings_them_back(
    db: None, tmp_path: Path
) -> None:
    """ADR 0078: the one document gains the evidence files; a restore writes them back."""
    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.evidence_files import PDF

    from plantracker.tracker.models import Evidence, Period
    from plantracker.tracker.services.evidence import evidence_file_add

    command("import", str(EXAMPLE))
    command("user", "add", "lead@example.gov.uk", "--role", "lead", "--plan", SLUG)
    lead = User.objects.get(username="lead@example.gov.uk")
    item = Item.objects.get(plan__slug=SLUG, ref="1.A1")
    period = Period.objects.filter(plan__slug=SLUG, state="open").order_by("-position").first()
    assert period is not None
    added = evidence_file_add(
        actor=lead,
        item=item,
        period=period,
        upload=SimpleUploadedFile("audit.pdf", PDF),
        description="Case file audit",
    )
    backup = tmp_path / "backup.json"
    command("backup", "-o", str(backup))
    assert json.loads(backup.read_text(encoding="utf-8"))["files"].keys() == {added.stored_name}

    storage = storages["evidence"]
    storage.delete(added.stored_name)
    Evidence.objects.all().delete()
    command("restore", str(backup))

    restored = Evidence.objects.get()
    assert restored.filename == "audit.pdf"
    assert storage.open(restored.stored_name).read() == PDF
