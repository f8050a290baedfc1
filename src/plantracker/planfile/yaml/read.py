"""Read a YAML plan file into the domain ``Plan`` (docs/plan-file.md#reading).

``load_plan(path)`` refuses the file whole, with every error at once, when anything in it
is wrong; the errors name the file, the path inside the plan and the line.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from plantracker.domain.model import Plan
from plantracker.planfile.build import build_plan
from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.tree import Node
from plantracker.planfile.yaml import parse as yaml_parse


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """The plan in the YAML file at ``path``; ``PlanFileError`` if unreadable or invalid.

    A path ending ``.xlsx`` is read as the plan workbook (``planfile.xlsx``).
    """
    if Path(path).suffix.lower() == ".xlsx":
        # Imported here: YAML users do not pay for loading openpyxl.
        from plantracker.planfile.xlsx import load_workbook_plan

        return load_workbook_plan(path)
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            # One byte past the limit is enough to know the file is too large.
            data = handle.read(yaml_parse.MAX_BYTES + 1)
    except FileNotFoundError:
        raise PlanFileError([PlanError(name, "", "no such file")]) from None
    except IsADirectoryError:
        raise PlanFileError([PlanError(name, "", "is a folder, not a plan file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PlanFileError([PlanError(name, "", f"cannot be read: {reason}")]) from None
    return load_plan_bytes(data, name)


def load_plan_bytes(data: bytes, name: str = "<plan>") -> Plan:
    """The plan in ``data`` (a YAML file's bytes); ``name`` is used in error messages."""
    return load_plan_text(yaml_parse.decode(data, name), name)


def load_plan_text(text: str, name: str = "<plan>") -> Plan:
    """The plan in YAML ``text``; ``name`` is used in error messages."""
    with collector_paused():
        root, early = parse_tree(text, name)
        return build_plan(root, name, early)


# Threads that are inside ``collector_paused`` now, and whether the collector was on when
# the first of them came in: the web server's threads read plans at the same time (ADR
# 0090), and each putting back what it alone saw could leave the collector off for good.
_pause_lock = threading.Lock()
_pausing = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a tree is built.

    Reading allocates a million small objects for a large plan and none of them form
    cycles (reference counting frees them); the collector's repeated full passes over the
    growing heap doubled the load time of a scale-100 synthetic plan.

    Safe across threads: the first thread in turns the collector off, the last one out
    turns it back on if it was on before.
    """
    global _pausing, _was_enabled
    with _pause_lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


def parse_tree(text: str, name: str = "<plan>") -> tuple[Node, list[PlanError]]:
    """The neutral tree of YAML ``text`` (exposed for the benchmark's parse/validate split)."""
    text = text.removeprefix("\ufeff")
    bad = yaml_parse.too_large(len(text), name) or yaml_parse.find_unprintable(text, name)
    if bad is not None:
        raise PlanFileError([bad])
    return yaml_parse.parse(text, name)
