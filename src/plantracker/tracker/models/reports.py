"""Report files being built in the background (ADR 0067)."""

from __future__ import annotations

from django.db import models


class ReportBuild(models.Model):
    """One report file being built: the lock that lets only one request queue its build.

    ``key`` is the report cache's key (``reports_cache.report_key``: a digest of the data, the
    period, the format and the report code, ADR 0061), unique, so two requests for the same
    file cannot both insert a row. The row exists from the request that queued the build
    until the worker has stored the file; a build that failed keeps it with ``failure`` set
    until a request has said so. Not plan data: backups leave it out.
    """

    key = models.CharField(max_length=200, unique=True)
    requested_at = models.DateTimeField()
    failure = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.key
