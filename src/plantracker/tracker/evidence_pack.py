"""A period's evidence pack (ADR 0080): one zip with the period's report PDF, an index of
every item (CSV and HTML: its status, its update's text and its evidence) and the evidence
files themselves, a folder per recommendation.

Built by the background worker, never in a request, exactly as report files are (ADR 0067):
``evidence_pack`` finds the pack in the evidence storage (``settings.STORAGES["evidence"]``,
shared by every app server) or queues its build once, under the report builds' lock
(``reports_cache.build_claim``), and says it is being prepared. A pack is named by a digest
of what it holds: the domain Plan the period reports (a closed period's snapshot, or the
approved data now, so a new data version makes a new pack), the period, the evidence of the
period (each file's SHA-256, each link, their descriptions) and the code that builds it. So
nothing needs invalidating: a change of data or evidence asks for a pack of another name,
and building it removes the period's older packs.

Inside the zip no name comes from a user unchanged: every folder and file name is made of
safe characters only (``_part``), and every CSV cell that a spreadsheet would take for a
formula is quoted (``plantracker.files.csv_cell``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind, Plan, Unit
from plantracker.domain.results import ItemResult
from plantracker.files import csv_cell
from plantracker.reports.text import shown, status_text
from plantracker.tracker import reports_cache
from plantracker.tracker.models import Evidence, Period, PlanRecord
from plantracker.tracker.selectors import period_plan
from plantracker.tracker.services.evidence import evidence_storage

# Not a plan's folder: a slug (the first part of an evidence file's name) has no dot.
FOLDER = ".evidence-packs"
INDEX_COLUMNS = (
    "recommendation",
    "ref",
    "kind",
    "title",
    "status",
    "update",
    "evidence",
    "description",
    "file in this pack",
    "link",
)
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()&,+-]+")
_NAME_LIMIT = 80


@cache
def _fingerprint() -> str:
    """The report code's fingerprint and this module's: a new builder makes new packs."""
    digest = hashlib.sha256(reports_cache.code_fingerprint().encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _evidence(record: PlanRecord, period: Period) -> list[Evidence]:
    return list(
        Evidence.objects.filter(item__plan=record, period=period, removed_at__isnull=True)
        .select_related("item")
        .order_by("item__ref", "added_at", "pk")
    )


def pack_key(plan_sha: str, period_code: str, evidence: list[Evidence]) -> str:
    """The build lock's key of the pack of the plan whose ``plan_digest`` is ``plan_sha``
    for ``period_code`` with ``evidence``."""
    digest = hashlib.sha256(_fingerprint().encode())
    digest.update(period_code.encode("utf-8") + b"\x00")
    digest.update(plan_sha.encode("ascii"))
    for found in evidence:
        row = (found.pk, found.item.ref, found.kind, found.filename, found.sha256)
        digest.update(repr((*row, found.url, found.description)).encode("utf-8"))
    return f"pack:{digest.hexdigest()}"


def _stored_name(record: PlanRecord, period_code: str, key: str) -> str:
    period = hashlib.sha256(period_code.encode("utf-8")).hexdigest()[:16]
    return f"{FOLDER}/{record.pk}/{period}/{key.removeprefix('pack:')[:40]}.zip"


@dataclass(frozen=True)
class PackFile:
    """What a request for a pack gets: its name in the evidence storage once built; without
    it, ``failed`` says the last build failed (asking again builds it again), else it is
    being prepared."""

    name: str | None
    failed: bool = False


def evidence_pack(*, plan_record: PlanRecord, period: Period) -> PackFile:
    """The period's pack from the storage, or its build queued once for the worker.

    The plan's digest is the one a report file's key is made of, worked out once per data
    version (``reports_cache.period_digest``, ADR 0064); the evidence is not counted data
    and is read each time."""
    digest = reports_cache.period_digest(plan_record=plan_record, period_code=period.code)
    key = pack_key(digest, period.code, _evidence(plan_record, period))
    name = _stored_name(plan_record, period.code, key)
    storage = evidence_storage()
    if storage.exists(name):
        return PackFile(name)
    # The lock and the queued task commit together or not at all.
    with transaction.atomic():
        claim = reports_cache.build_claim(key)
        if claim is reports_cache.Claim.OURS:
            from plantracker.tracker.tasks import evidence_pack_build

            evidence_pack_build.enqueue(plan_id=plan_record.pk, period_code=period.code, key=key)
    if claim is reports_cache.Claim.FAILED:
        return PackFile(None, failed=True)
    # A backend that runs tasks at once (the tests') has built it already.
    return PackFile(name if storage.exists(name) else None)


def evidence_pack_build(*, plan_id: int, period_code: str, key: str) -> str:
    """The worker's half of ``evidence_pack``: build the pack of ``key``, store it, remove
    the period's older packs and release the lock. Nothing is built when the data or the
    evidence changed since it was asked for: whoever asks again queues the new pack."""
    record = PlanRecord.objects.filter(pk=plan_id).first()
    period = Period.objects.filter(plan_id=plan_id, code=period_code).first()
    if record is None or period is None:
        reports_cache.build_release(key)
        return "not built: the plan or the period no longer exists"
    try:
        plan = period_plan(plan_record=record, period_code=period_code)
        evidence = _evidence(record, period)
        if pack_key(reports_cache.plan_digest(plan), period_code, evidence) != key:
            reports_cache.build_release(key)
            return "not built: the data changed since it was asked for"
        name = _stored_name(record, period_code, key)
        _store(name, record, plan, period_code, evidence)
    except Exception as exc:
        reports_cache.build_fail(key, exc)
        raise
    reports_cache.build_release(key)
    return f"built the evidence pack of {record.slug} {period_code}"


def _store(
    name: str, record: PlanRecord, plan: Plan, period_code: str, evidence: list[Evidence]
) -> None:
    storage = evidence_storage()
    folder = name.rpartition("/")[0]
    with tempfile.TemporaryFile() as spool:
        pack_write(spool, record, plan, period_code, evidence)
        spool.seek(0)
        if not storage.exists(name):
            storage.save(name, File(spool, name=name.rpartition("/")[2]))
    # Older packs of the period are never asked for again.
    for other in storage.listdir(folder)[1]:
        if f"{folder}/{other}" != name:
            storage.delete(f"{folder}/{other}")


def _part(text: str, limit: int = _NAME_LIMIT) -> str:
    """A file or folder name of safe characters: no folder parts, no control characters,
    no leading dot."""
    cleaned = " ".join(_UNSAFE.sub("_", text).split()).strip(". ")
    return cleaned[:limit].rstrip(". ") or "file"


@dataclass(frozen=True)
class _Row:
    recommendation: str
    result: ItemResult
    evidence: Evidence | None
    path: str  # the file's path inside the pack; "" for a link or no evidence


def pack_write(
    target: IO[bytes],
    record: PlanRecord,
    plan: Plan,
    period_code: str,
    evidence: list[Evidence],
) -> None:
    """Write the pack's zip to the binary file ``target``."""
    result = evaluate(plan, period_code)
    report = reports_cache.report_content(plan=plan, period_code=period_code, fmt="pdf")
    by_ref: dict[str, list[Evidence]] = {}
    for found in evidence:
        by_ref.setdefault(found.item.ref, []).append(found)
    storage = evidence_storage()
    base = _part(f"{record.slug}-{period_code}")
    rows: list[_Row] = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{base}-report.pdf", report)
        for rec in result.recommendations:
            heading = f"{rec.number}. {rec.recommendation.title}"
            folder = _part(f"Recommendation {rec.number:02d}", 40)
            for item in (found for kind in Kind for found in rec.items.get(kind, ())):
                attached = by_ref.get(item.item.ref, [])
                if not attached:
                    rows.append(_Row(heading, item, None, ""))
                for found in attached:
                    path = ""
                    if found.kind == Evidence.FILE:
                        path = f"{folder}/{_part(f'{item.item.ref} {found.pk} {found.filename}')}"
                        with (
                            storage.open(found.stored_name, "rb") as source,
                            archive.open(path, "w") as copy,
                        ):
                            while chunk := source.read(1 << 20):
                                copy.write(chunk)
                    rows.append(_Row(heading, item, found, path))
        archive.writestr("index.csv", _index_csv(rows))
        archive.writestr("index.html", _index_html(record, plan, period_code, rows, base))


def _update_text(item: ItemResult) -> str:
    """The value as the report prints it (its display text, or the number in its unit),
    then the commentary."""
    if item.display or item.value is not None:
        value = shown(item.value, item.display, getattr(item.item, "unit", Unit.NUMBER))
        return f"{value}. {item.commentary}" if item.commentary else value
    return item.commentary or ""


def _cells(row: _Row) -> list[str]:
    item, found = row.result, row.evidence
    return [
        row.recommendation,
        item.item.ref,
        item.kind.value,
        item.item.title,
        status_text(item.status, item.na_reason),
        _update_text(item),
        "" if found is None else found.get_kind_display(),
        "" if found is None else found.description,
        row.path,
        found.url if found is not None and found.kind == Evidence.LINK else "",
    ]


def _index_csv(rows: list[_Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(INDEX_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in _cells(row)])
    return buffer.getvalue()


def _index_html(
    record: PlanRecord, plan: Plan, period_code: str, rows: list[_Row], base: str
) -> str:
    label = plan.period(period_code).label
    made = timezone.localtime().strftime("%d %B %Y %H:%M")
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Evidence pack: {escape(record.title)}, {escape(label)}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #505a5f;padding:.3em .5em;text-align:left;vertical-align:top}"
        "</style></head><body><main>",
        f"<h1>Evidence pack: {escape(record.title)}, {escape(label)}</h1>",
        f"<p>Made {escape(made)}. The report: "
        f'<a href="{escape(base)}-report.pdf">{escape(base)}-report.pdf</a>. '
        'The same index as a spreadsheet: <a href="index.csv">index.csv</a>.</p>',
        "<table><caption>Every item, its status, its update and its evidence</caption>",
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(column)}</th>' for column in INDEX_COLUMNS[:8])
        + '<th scope="col">File or link</th></tr></thead><tbody>',
    ]
    for row in rows:
        cells = _cells(row)
        if row.path:
            where = f'<a href="{escape(row.path)}">{escape(row.path)}</a>'
        elif cells[9]:
            where = f'<a href="{escape(cells[9])}">{escape(cells[9])}</a>'
        else:
            where = ""
        lines.append(
            "<tr>"
            + "".join(f"<td>{escape(cell)}</td>" for cell in cells[:8])
            + f"<td>{where}</td></tr>"
        )
    lines.append("</tbody></table></main></body></html>")
    return "\n".join(lines)
