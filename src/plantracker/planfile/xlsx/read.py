"""Read a plan workbook (``.xlsx``) into the domain ``Plan``.

``load_workbook_plan`` reads the cells (``cells``), nests them into the plan file's tree
(``parse``) and hands it to the YAML file's validator (``planfile.build``); every error is
then placed at its sheet, row and column.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from plantracker.domain.model import Plan
from plantracker.planfile.build import build_plan
from plantracker.planfile.errors import PlanError, PlanFileError
from plantracker.planfile.xlsx.cells import MAX_BYTES
from plantracker.planfile.xlsx.parse import WorkbookReader

SUFFIX = ".xlsx"
_LOCATION = re.compile(r" \(([^()]+)\)$")
_MISSING_KEY = re.compile(r"is missing the required key '([^']+)'$")


def load_workbook_plan(path: str | os.PathLike[str]) -> Plan:
    """The plan in the workbook at ``path``; ``PlanFileError`` if unreadable or invalid."""
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PlanFileError([PlanError(name, "", "no such file")]) from None
    except IsADirectoryError:
        raise PlanFileError([PlanError(name, "", "is a folder, not a plan file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PlanFileError([PlanError(name, "", f"cannot be read: {reason}")]) from None
    return load_workbook_bytes(data, name)


def load_workbook_bytes(data: bytes, name: str = "<workbook>") -> Plan:
    """The plan in ``data`` (a workbook's bytes); ``name`` is used in error messages."""
    if len(data) > MAX_BYTES:
        raise PlanFileError(
            [PlanError(name, "", f"the workbook is larger than {MAX_BYTES // 2**20} MB")]
        )
    reader = WorkbookReader(name)
    root = reader.read(data)
    try:
        plan = build_plan(root, name)
    except PlanFileError as exc:
        for error in exc.errors:
            _relocate(reader, error)
        raise PlanFileError(_sorted(reader)) from None
    if reader.errors:
        raise PlanFileError(_sorted(reader))
    return plan


def _relocate(reader: WorkbookReader, error: PlanError) -> None:
    """A validator error, placed at its cell: ``Sheet!D14: message`` rather than the plan
    file path, which names nothing a workbook's reader can find."""
    match = _LOCATION.search(error.message)
    if match is not None and match.group(1) in reader.positions:
        message = error.message[: match.start()]
        missing = _MISSING_KEY.search(message)
        if missing is not None and (match.group(1), missing.group(1)) in reader.refused:
            return  # the cell was refused already, saying why
        reader.error(match.group(1), message)
    else:
        reader.errors.append((0, 0, error))


def _sorted(reader: WorkbookReader) -> list[PlanError]:
    unique: dict[str, PlanError] = {}
    for *_, error in sorted(reader.errors, key=lambda entry: (entry[0], entry[1])):
        unique.setdefault(str(error), error)
    return list(unique.values())
