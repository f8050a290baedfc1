"""The JSON API (docs/api.md, ADR 0050): django-ninja endpoints under ``/api/v1/`` over the
tracker's selectors and services, authenticated by per-user bearer tokens
(``plantracker.api.tokens``).
"""
