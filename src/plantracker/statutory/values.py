"""Parsing the coded values of the returns: dates, booleans, counts, code lists."""

from __future__ import annotations

from datetime import date

# SSDA903 codes (DfE, "Children looked after return: guide"). OC3 activity: F = full time,
# P = part time; 1 higher education, 2 other education, 3 training or employment (earlier
# returns), 4 apprenticeship and 5 training or employment (later returns, replacing 3);
# G4-G6 not in education, employment or training; 0 no information.
ACTIVITY_CODES = frozenset(
    {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}
)
EET_ACTIVITY_CODES = frozenset({"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5"})
HIGHER_EDUCATION_ACTIVITY_CODES = frozenset({"F1", "P1"})
IN_TOUCH_CODES = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
# Care leavers who died or went home to their parents for six months or more are not part
# of the group the department reports on.
IN_TOUCH_EXCLUDED = frozenset({"DIED", "RHOM"})

_TRUE = {"true": True, "1": True, "false": False, "0": False}


def iso_date(text: str) -> date | None:
    """``YYYY-MM-DD`` (the CIN census format) → date; None when it is not one."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def uk_date(text: str) -> date | None:
    """``DD/MM/YYYY`` (the SSDA903 format), also ``YYYY-MM-DD`` → date; None otherwise."""
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        try:
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            return None
    return iso_date(text)


def month_of(day: date) -> date:
    """A date of birth cut to its month: the store keeps no day of birth."""
    return day.replace(day=1)


def xml_boolean(text: str) -> bool | None:
    """An xs:boolean (true/false/1/0) → bool; None when it is not one."""
    return _TRUE.get(text.lower())


def count(text: str) -> int | None:
    """A non-negative whole number → int; None when it is not one."""
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)
