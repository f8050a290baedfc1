"""Report files are built by the background worker, never in a request (ADR 0067).

A closed period's five files are queued when it closes and built by the worker; an open
period's file is queued by the first request, which, like every request until the worker
has built it, gets a page saying it is being prepared (the web, refreshing itself) or 202
with Retry-After (the API). However many ask, one build is queued and the file is rendered
once. The worker here is django-tasks-db's own, run in the test until the queue is empty.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.tasks import queued, run_worker
from tests.web.conftest import Site

from plantracker.api.tokens import token_create
from plantracker.reports.registry import RENDERERS
from plantracker.tracker import reports_cache
from plantracker.tracker.models import Item, KpiValue, Period, ReportBuild
from plantracker.tracker.services import period_close
from plantracker.tracker.services.data_version import data_version_bump

Q2 = "2018-19-Q2"


class CountingRenderer:
    """A registered renderer, counting its calls; ``broken`` makes it fail."""

    def __init__(self, fmt: str) -> None:
        self.calls = 0
        self.broken = False
        self.real = RENDERERS[fmt]
        self.media_type = self.real.media_type
        self.suffix = self.real.suffix
        self.name = self.real.name

    def render(self, report: Any) -> bytes:
        self.calls += 1
        if self.broken:
            raise RuntimeError("the renderer broke")
        return self.real.render(report)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, CountingRenderer]:
    renderers = {fmt: CountingRenderer(fmt) for fmt in RENDERERS}
    for fmt, renderer in renderers.items():
        monkeypatch.setitem(reports_cache.RENDERERS, fmt, renderer)
    return renderers


def web_url(fmt: str = "html", slug: str = "cip", period: str = Q2) -> str:
    return reverse("web:report", args=[slug, period, fmt])


def api_client(site: Site, who: str = "viewer") -> Client:
    user = site.outsider if who == "outsider" else site.users[who]
    secret = token_create(user=user, name="builds").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def api_url(fmt: str = "html", slug: str = "cip", period: str = Q2) -> str:
    return f"/api/v1/plans/{slug}/periods/{period}/report?format={fmt}"


def test_a_file_not_built_is_being_prepared_then_served(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    viewer = site.client("viewer")

    first = viewer.get(web_url("pdf"))

    assert first.status_code == 202
    assert first["Retry-After"] == str(reports_cache.RETRY_AFTER)
    assert first["Content-Type"].startswith("text/html")
    page = first.content.decode()
    assert "The report is being prepared" in page
    # It asks again by itself (the Refresh header, no script), unless the person says not to.
    assert first["Refresh"] == str(reports_cache.RETRY_AFTER)
    assert "<script" not in page
    assert "?refresh=off" in page
    still = viewer.get(web_url("pdf"), {"refresh": "off"})
    assert still.status_code == 202 and not still.has_header("Refresh")
    assert "does not check again by itself" in still.content.decode()
    assert counting["pdf"].calls == 0  # nothing rendered in the request
    assert len(queued()) == 1

    assert run_worker() == 1

    second = viewer.get(web_url("pdf"))
    assert second.status_code == 200
    assert second.content.startswith(b"%PDF-")
    assert second["Content-Disposition"] == 'attachment; filename="cip-2018-19-Q2.pdf"'
    assert counting["pdf"].calls == 1
    assert not ReportBuild.objects.exists()  # the lock is released


def test_the_api_answers_202_with_retry_after_then_the_file(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    api = api_client(site)

    first = api.get(api_url("xlsx"))

    assert first.status_code == 202
    assert first["Retry-After"] == str(reports_cache.RETRY_AFTER)
    assert first.json() == {
        "detail": f"the xlsx report of {Q2} is being prepared; "
        f"ask again in {reports_cache.RETRY_AFTER} seconds",
        "errors": [],
    }
    run_worker()
    second = api.get(api_url("xlsx"))
    assert second.status_code == 200
    assert second["Content-Type"] == RENDERERS["xlsx"].media_type
    assert second.content[:2] == b"PK"  # a workbook (a zip)


def test_many_requests_queue_one_build_and_render_once(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    web = [site.client(who) for who in ("viewer", "lead", "admin")]
    api = api_client(site, "contributor")

    answers = [client.get(web_url("docx")).status_code for client in web]
    answers.append(api.get(api_url("docx")).status_code)

    assert answers == [202, 202, 202, 202]
    assert len(queued()) == 1
    assert ReportBuild.objects.count() == 1
    run_worker()
    files = {client.get(web_url("docx")).content for client in web}
    files.add(api.get(api_url("docx")).content)
    assert len(files) == 1 and next(iter(files))[:2] == b"PK"
    assert counting["docx"].calls == 1


def test_closing_a_period_builds_its_five_files_in_the_worker(
    site: Site,
    counting: dict[str, CountingRenderer],
    django_capture_on_commit_callbacks: Any,
) -> None:
    period = Period.objects.get(plan=site.plan, code=Q2)
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    assert [task.task_path for task in queued()] == [
        "plantracker.tracker.tasks.period_reports_build"
    ]
    assert all(renderer.calls == 0 for renderer in counting.values())  # not in the request

    run_worker()

    assert {fmt: renderer.calls for fmt, renderer in counting.items()} == dict.fromkeys(
        RENDERERS, 1
    )
    viewer = site.client("viewer")
    for fmt, renderer in RENDERERS.items():
        response = viewer.get(web_url(fmt))
        assert response.status_code == 200, fmt
        assert response["Content-Type"] == renderer.media_type
    assert not queued()  # served from what the worker built; nothing asked of it again
    assert sum(renderer.calls for renderer in counting.values()) == len(RENDERERS)


def test_a_request_before_the_close_build_runs_is_not_built_twice(
    site: Site,
    counting: dict[str, CountingRenderer],
    django_capture_on_commit_callbacks: Any,
) -> None:
    period = Period.objects.get(plan=site.plan, code=Q2)
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=site.users["lead"], period=period, expected_version=period.version)

    assert site.client("viewer").get(web_url("pdf")).status_code == 202  # before the worker
    run_worker()

    assert counting["pdf"].calls == 1
    assert {fmt: r.calls for fmt, r in counting.items()} == dict.fromkeys(RENDERERS, 1)
    assert site.client("viewer").get(web_url("pdf")).status_code == 200


def test_another_organisation_gets_404_and_queues_nothing(site: Site) -> None:
    assert site.client("outsider").get(web_url("pdf")).status_code == 404
    assert api_client(site, "outsider").get(api_url("pdf")).status_code == 404
    # The other organisation's own plan is theirs: the first organisation cannot see it.
    assert site.client("viewer").get(web_url("pdf", slug="other")).status_code == 404
    assert not queued()
    assert not ReportBuild.objects.exists()


def test_a_failed_build_is_said_once_then_built_again(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    viewer = site.client("viewer")
    api = api_client(site)
    counting["html"].broken = True
    assert viewer.get(web_url()).status_code == 202
    run_worker()

    failed = viewer.get(web_url())

    assert failed.status_code == 500
    assert "The report could not be prepared" in failed.content.decode()
    assert not failed.has_header("Refresh")  # no refreshing into a loop
    # Said once: the next request queues it again, and this time it builds.
    counting["html"].broken = False
    assert api.get(api_url()).status_code == 202
    run_worker()
    assert api.get(api_url()).status_code == 200
    assert counting["html"].calls == 2


def test_the_api_says_a_failed_build_in_its_error_shape(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    api = api_client(site)
    counting["html"].broken = True
    api.get(api_url())
    run_worker()

    failed = api.get(api_url())

    assert failed.status_code == 500
    assert failed.json() == {
        "detail": f"the html report of {Q2} could not be built; ask again to build it again",
        "errors": [],
    }


def test_a_build_whose_worker_died_is_queued_again(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    viewer = site.client("viewer")
    viewer.get(web_url())
    # The worker died with the task: it is never run, and its lock grows old.
    queued()[0].delete()
    assert viewer.get(web_url()).status_code == 202
    assert not queued()  # still within its time: not queued twice
    ReportBuild.objects.update(
        requested_at=timezone.now() - reports_cache.BUILD_STALE - timedelta(seconds=1)
    )

    assert viewer.get(web_url()).status_code == 202
    assert len(queued()) == 1
    run_worker()
    assert viewer.get(web_url()).status_code == 200


def test_data_changed_before_the_worker_ran_builds_the_new_data_only(
    site: Site, counting: dict[str, CountingRenderer]
) -> None:
    viewer = site.client("viewer")
    viewer.get(web_url())
    item = Item.objects.filter(plan=site.plan, kind="kpis").first()
    assert item is not None
    with transaction.atomic():  # as an approval writes it: the data and its version
        KpiValue.objects.filter(item=item, period__code=Q2).update(value="12345")
        data_version_bump(plan_ids=[site.plan.pk])

    run_worker()  # the queued file's data is gone: nothing rendered

    assert counting["html"].calls == 0
    assert not ReportBuild.objects.exists()
    assert viewer.get(web_url()).status_code == 202  # the new data's file is queued
    run_worker()
    response = viewer.get(web_url())
    assert response.status_code == 200
    assert b"12,345" in response.content or b"12345" in response.content
    assert counting["html"].calls == 1


def test_backups_leave_out_the_queue_and_the_builds_in_progress(site: Site) -> None:
    from django_tasks_db.models import DBTaskResult

    from plantracker.tracker.services.backup import backup_document

    site.client("viewer").get(web_url())
    assert DBTaskResult.objects.exists() and ReportBuild.objects.exists()

    labels = {row["model"] for row in backup_document()["objects"]}

    assert "tracker.planrecord" in labels
    assert not {"tracker.reportbuild", "django_tasks_db.dbtaskresult"} & labels


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_render_the_file_once(
    site: Site, counting: dict[str, CountingRenderer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL, two requests in two connections, both having found no file, try to take
    the lock at the same moment: one queues the build, the other waits for it (ADR 0067)."""
    real_claim = reports_cache._claim
    both_missed = threading.Barrier(2, timeout=60)

    def claim_together(key: str) -> Any:
        both_missed.wait()  # neither takes the lock before the other has missed the cache
        return real_claim(key)

    monkeypatch.setattr(reports_cache, "_claim", claim_together)
    clients = [site.client("viewer"), api_client(site, "lead")]
    urls = [web_url("pptx"), api_url("pptx")]
    answers: list[object] = [None, None]

    def ask(index: int) -> None:
        try:
            answers[index] = clients[index].get(urls[index]).status_code
        except Exception as exc:  # the outcome under test
            answers[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert answers == [202, 202]
    assert len(queued()) == 1
    assert ReportBuild.objects.count() == 1
    monkeypatch.setattr(reports_cache, "_claim", real_claim)
    run_worker()
    files = {clients[i].get(urls[i]).content for i in range(2)}
    assert len(files) == 1 and next(iter(files))[:2] == b"PK"  # one presentation
    assert counting["pptx"].calls == 1
