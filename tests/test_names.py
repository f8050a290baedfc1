"""In the Django app, a name that a database model and a domain class share means the model.

``Item``, ``KpiValue``, ``Narrative``, ``Period``, ``Recommendation``, ``Risk``,
``RiskUpdate`` and ``Update`` are both tables (``plantracker.tracker.models``) and domain classes
(``plantracker.domain.model``). In ``tracker``, ``web`` and ``api`` the bare name is the
table; the domain class is written ``domain.KpiValue`` after ``from plantracker.domain
import model as domain`` (ARCHITECTURE.md, fixed rules). No class is renamed on import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import plantracker
from plantracker.domain import model as domain
from plantracker.tracker import models

SOURCE = Path(plantracker.__file__).parent
DJANGO_SIDE = ("tracker", "web", "api")


def _shared_names() -> set[str]:
    """Classes defined in the domain model whose names the app's models also define."""
    return {
        name
        for name, value in vars(domain).items()
        if isinstance(value, type)
        and value.__module__ == domain.__name__
        and getattr(models, name, None) is not None
        and getattr(models, name).__module__.startswith(models.__name__)
    }


def _departures(path: Path, shared: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        for alias in node.names:
            if node.module == "plantracker.domain.model" and (alias.name in shared or alias.asname):
                found.append(f"from {node.module} import {alias.name}")
            elif node.module == "plantracker.domain" and alias.name == "model":
                if alias.asname != "domain":
                    found.append(f"from plantracker.domain import model as {alias.asname}")
            elif alias.asname and (
                node.module.startswith(models.__name__)
                or (node.module == "plantracker.tracker" and alias.name == "models")
            ):
                found.append(f"from {node.module} import {alias.name} as {alias.asname}")
    return found


def test_the_shared_names_are_the_known_ones() -> None:
    assert _shared_names() == {
        "Item",
        "KpiValue",
        "Narrative",
        "Period",
        "Recommendation",
        "Risk",
        "RiskUpdate",
        "Update",
    }


def test_the_django_side_means_the_table_by_a_shared_name() -> None:
    shared = _shared_names()
    departures = {}
    for package in DJANGO_SIDE:
        for path in sorted((SOURCE / package).rglob("*.py")):
            relative = path.relative_to(SOURCE).as_posix()
            if "migrations" in path.parts:
                continue
            found = _departures(path, shared)
            if found:
                departures[relative] = found
    assert departures == {}
