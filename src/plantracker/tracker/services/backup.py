"""Backup and restore of the whole application database (ADR 0060).

A backup is one JSON document: a small header (format, version, when, from which database
engine, which migrations made its schema) and every row of every table the application
owns, as Django's serializers write them (the ``dumpdata`` format). It is read in one
transaction (a consistent snapshot on PostgreSQL and SQLite alike) and restores into
SQLite or PostgreSQL, whichever made it. Restoring replaces the application's data all or
nothing: one transaction empties the tables and loads the rows, and any failure leaves the
database exactly as it was.

Evidence files (ADR 0078) travel in the same document: ``files`` maps each file's name in
the evidence storage to its bytes in base64, and a restore writes them back to the storage.
A backup made before evidence has no ``files`` and restores as before.

Left out, because they are rebuilt or belong to the running system, not to the data:
content types and permissions (``migrate`` recreates them; rows refer to them by natural
key), sessions (a restore signs everybody out), django-axes' sign-in attempts, and the
background tasks' queue and report builds in progress (ADR 0067). Nor is a
plan's data version, which counts this database's writes rather than being data: a restore
gives every plan one above any held before (ADR 0062).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from plantracker.files import write_atomically
from plantracker.tracker.services.data_version import data_version_ceiling, data_version_set_all
from plantracker.tracker.services.errors import ServiceError

FORMAT = "plantracker-backup"
VERSION = 1
_EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes", "django_tasks_db"})
_EXCLUDED_MODELS = frozenset(
    {"auth.permission", "tracker.reportbuild", "tracker.emailsend", "tracker.leaddigest"}
)
# Left out of a backup but emptied by a restore: the workflow emails' outbox and digests
# (ADR 0077) name the accounts the restore replaces.
_CLEARED_BY_RESTORE = ("tracker.emailsend", "tracker.leaddigest")
# Columns that describe this database, not the data (ADR 0062).
_EXCLUDED_FIELDS = {"tracker.planrecord": ("data_version",)}


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds or a restore loaded: rows per model label."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backup_models() -> list[type[Model]]:
    """The models whose rows a backup holds; a model whose rows others name by natural key
    (users) comes first. Other links are checked once every row is in."""
    chosen: list[type[Model]] = []
    for config in apps.get_app_configs():
        if config.label in _EXCLUDED_APPS:
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.label_lower in _EXCLUDED_MODELS:
                continue
            chosen.append(model)
    app_list: dict[Any, list[type[Model]] | None] = {}
    for model in chosen:
        app_list.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)  # type: ignore[union-attr]
    return list(serializers.sort_dependencies(app_list.items(), allow_cycles=True))


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def backup_document() -> dict[str, Any]:
    """The backup as a JSON-ready dict, read in one consistent transaction."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # READ COMMITTED would let each table's query see a different moment.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        objects: list[dict[str, Any]] = []
        for model in backup_models():
            rows = model._default_manager.order_by("pk")
            objects.extend(
                _without_excluded_fields(
                    serializers.serialize("python", rows.iterator(), use_natural_foreign_keys=True)
                )
            )
        migrations = _applied_migrations()
        files = _evidence_files()
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "migrations": migrations,
        "objects": objects,
        "files": files,
    }


def _evidence_files() -> dict[str, str]:
    """Every evidence file the rows name (removed ones kept until their period closes too),
    by its name in the evidence storage, as base64 (ADR 0078)."""
    from plantracker.tracker.models import Evidence
    from plantracker.tracker.services.evidence import evidence_storage

    storage = evidence_storage()
    files: dict[str, str] = {}
    names = Evidence.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    for name in names.order_by("pk").iterator():
        with storage.open(name, "rb") as stream:
            files[name] = base64.b64encode(stream.read()).decode("ascii")
    return files


def _files_restore(where: str, files: dict[str, str]) -> None:
    """Write the backup's evidence files back to the evidence storage under their names."""
    from django.core.files.base import ContentFile

    from plantracker.tracker.services.evidence import evidence_storage

    storage = evidence_storage()
    decoded: dict[str, bytes] = {}
    for name, text in files.items():
        try:
            decoded[name] = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError(
                f"{where}: the evidence file {name} is not valid base64; the database is unchanged"
            ) from None
    for name, data in decoded.items():
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            raise ServiceError(f"{where}: the evidence file {name} could not be kept as {name}")


def _without_excluded_fields(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        for name in _EXCLUDED_FIELDS.get(row["model"], ()):
            row["fields"].pop(name, None)
    return rows


def backup_write(*, path: Path) -> BackupSummary:
    """Write the backup to ``path`` all at once (a temporary file renamed into place)."""
    document = backup_document()
    text = json.dumps(document, cls=_Encoder, ensure_ascii=False) + "\n"
    # Only its owner may read it: it holds every account's password hash and personal data.
    write_atomically(path, text, mode=0o600)
    return BackupSummary(rows=_count(document["objects"]))


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds, so
    an audit entry's time would not survive a round trip)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _count(objects: Iterable[dict[str, Any]]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for entry in objects:
        rows[entry["model"]] = rows.get(entry["model"], 0) + 1
    return rows


def backup_read(*, path: Path) -> dict[str, Any]:
    """The backup document at ``path``, checked to be one; ServiceError says what is wrong."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ServiceError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ServiceError(f"{where}: is a folder, not a backup file") from None
    except UnicodeDecodeError:
        raise ServiceError(f"{where}: not a plantracker backup (not UTF-8 text)") from None
    except OSError as exc:
        raise ServiceError(f"{where}: cannot be read: {exc.strerror or exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ServiceError(
            f"{where}: not a plantracker backup (not JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); is the file complete?"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ServiceError(f"{where}: not a plantracker backup (no 'format: {FORMAT}' header)")
    if document.get("version") != VERSION:
        raise ServiceError(
            f"{where}: backup format version {document.get('version')!r}; this plantracker "
            f"reads version {VERSION}"
        )
    problems = []
    if not isinstance(document.get("objects"), list):
        problems.append(f"{where}: 'objects' must be a list of rows")
    files = document.setdefault("files", {})
    if not isinstance(files, dict) or not all(
        isinstance(name, str) and isinstance(text, str) for name, text in files.items()
    ):
        problems.append(f"{where}: 'files' must map each evidence file's name to its base64")
    migrations = document.get("migrations")
    if not isinstance(migrations, dict) or not all(
        isinstance(names, list) for names in migrations.values()
    ):
        problems.append(f"{where}: 'migrations' must map each app to its migration names")
    if problems:
        raise ServiceError(problems)
    return document


def _schema_problems(where: str, migrations: dict[str, list[str]]) -> list[str]:
    """Migrations the backup's schema had that this database lacks (a newer plantracker's)."""
    applied = {(app, name) for app, names in _applied_migrations().items() for name in names}
    unknown = [
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in names
        if (app, name) not in applied
    ]
    if not unknown:
        return []
    return [
        f"{where}: made by a newer plantracker (migrations {', '.join(sorted(unknown))} are not "
        "in this database); upgrade plantracker, run `plantracker migrate`, then restore"
    ]


def backup_restore(*, document: dict[str, Any], where: str) -> BackupSummary:
    """Replace the application's data with a backup ``document`` (from ``backup_read``) read
    from ``where``, all or nothing.

    The schema must be migrated first (the restore command runs ``migrate``). On any failure
    the transaction is rolled back and ServiceError says why; the database is unchanged.
    """
    problems = _schema_problems(where, document["migrations"])
    if problems:
        raise ServiceError(problems)
    models = backup_models()
    labels = {model._meta.label_lower for model in models}
    strays = sorted(
        {
            str(entry.get("model")) if isinstance(entry, dict) else "a row that is not an object"
            for entry in document["objects"]
            if not isinstance(entry, dict) or entry.get("model") not in labels
        }
    )
    if strays:
        raise ServiceError(
            f"{where}: rows of tables a backup does not hold: {', '.join(strays[:10])}"
        )
    try:
        with transaction.atomic():
            before = data_version_ceiling()
            _empty([*models, *(apps.get_model(label) for label in _CLEARED_BY_RESTORE)])
            _load(document["objects"])
            _reset_sequences(models)
            # Every restored plan counts as changed: above any version held before or in the
            # backup, so no cache keyed by a plan's data version serves the old figures.
            data_version_set_all(above=before)
            _files_restore(where, document.get("files") or {})
    except (DeserializationError, DatabaseError, ValueError, TypeError, KeyError) as exc:
        # A row that does not fit (a broken or edited file): nothing was changed.
        message = " ".join(str(exc).split())[:500] or type(exc).__name__
        raise ServiceError(
            f"{where}: cannot be restored, the database is unchanged: {message}"
        ) from None
    return BackupSummary(rows=_count(document["objects"]))


def _tables(models: Iterable[type[Model]]) -> list[str]:
    tables: list[str] = []
    for model in models:
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    return tables


def _empty(models: list[type[Model]]) -> None:
    existing = set(connection.introspection.table_names())
    tables = [table for table in _tables(models) if table in existing]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending from
            # earlier in the same transaction; run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # Back to checking links at the end: rows load in any order.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _needs_save(model: type[Model]) -> bool:
    """Rows that ``bulk_create`` cannot store as they were: it would stamp auto_now fields
    with the present time (plans, tokens: a handful of rows, saved one by one)."""
    return any(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in model._meta.concrete_fields
    )


def _load(objects: list[dict[str, Any]]) -> None:
    """Store every row as it was (no auto_now, no audit entries), then check the links.

    Rows come table by table (``backup_models`` order); each table's rows are inserted in
    batches, and written before the next table is read, because reading a row looks up the
    users it names by natural key.
    """
    batch: list[Model] = []

    def flush() -> None:
        if batch:
            type(batch[0])._base_manager.bulk_create(batch, batch_size=500)
            batch.clear()

    with connection.constraint_checks_disabled():
        deferred = []
        for item in PythonDeserializer(objects, handle_forward_references=True):
            row = item.object
            if batch and type(batch[0]) is not type(row):
                flush()
            if item.deferred_fields or item.m2m_data or _needs_save(type(row)):
                flush()
                item.save()
                if item.deferred_fields:
                    deferred.append(item)
            else:
                batch.append(row)
        flush()
        for item in deferred:
            item.save_deferred_fields()
    # Links between rows (checked once all are in, as loaddata does).
    connection.check_constraints()


def _reset_sequences(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
