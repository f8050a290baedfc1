"""Scalars read from their source text (docs/plan-file.md#scalars).

Refs and ids stay text however they look; numbers become ``Decimal`` from the digits as
written (``58.60`` keeps its trailing zero, never via a float); dates must be written
``YYYY-MM-DD`` and exist. Each reader raises ``Invalid`` with "expected …, found …".
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from plantracker.domain.exact import MAX_DIGITS, MAX_MAGNITUDE
from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT
from plantracker.planfile.tree import Node, Shape

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]")
_WHOLE = re.compile(r"0|[1-9][0-9]{0,8}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NOT_FINITE = frozenset({".nan", ".inf", "-.inf", "+.inf", "nan", "inf", "-inf", "infinity"})

E = TypeVar("E", bound=StrEnum)


class Invalid(Exception):
    """A scalar that does not fit: ``str()`` says what was expected and what was found."""


def describe(node: Node) -> str:
    """What a node is, for "found …" in messages."""
    if node.shape is Shape.MAPPING:
        return "a mapping"
    if node.shape is Shape.SEQUENCE:
        return "a list"
    if node.null:
        return "nothing (an empty value)" if node.text == "" else f"null ({node.text})"
    shown = node.text if len(node.text) <= 60 else node.text[:57] + "..."
    return f"the text {shown!r}" if node.quoted else repr(shown)


def text(node: Node, what: str = "text", limit: int = MAX_TEXT) -> str:
    """Any non-null scalar's text, as written (``yes``, ``1.10`` and ``2019`` stay text), at
    most ``limit`` characters (docs/plan-file.md#limits)."""
    if node.shape is not Shape.SCALAR or node.null:
        raise Invalid(f"expected {what}, found {describe(node)}")
    if len(node.text) > limit:
        raise Invalid(
            f"expected {what} of at most {limit:,} characters, found {len(node.text):,} characters"
        )
    return node.text


def display_text(node: Node) -> str:
    """The text a value is shown as, at most ``MAX_DISPLAY`` characters."""
    return text(node, "display text", MAX_DISPLAY)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email(node: Node) -> str:
    """An account's email address, lower-case as usernames are (docs/plan-file.md#owners)."""
    value = text(node, "an email address").strip()
    if not _EMAIL.fullmatch(value):
        raise Invalid(f"expected an email address, found {value!r}")
    return value.lower()


def required_text(node: Node, what: str = "text") -> str:
    value = text(node, what)
    if not value.strip():
        raise Invalid(f"expected {what}, found an empty text")
    return value


def identifier(node: Node, what: str) -> str:
    """A period id or ref: text on one line, without spaces around it (``1.10``, ``9.K2``)."""
    value = required_text(node, what)
    if value != value.strip() or "\n" in value or "\r" in value:
        raise Invalid(f"expected {what} without surrounding spaces or line breaks, found {value!r}")
    return value


def number(node: Node) -> Decimal:
    """A finite decimal from a plain scalar's digits (quoted text is not a number)."""
    if node.shape is not Shape.SCALAR or node.null:
        raise Invalid(f"expected a number, found {describe(node)}")
    written = node.text
    if node.quoted:
        raise Invalid(
            f"expected a number, found {describe(node)} (quoted, so it is text; remove the quotes)"
        )
    if written.lower() in _NOT_FINITE:
        raise Invalid(f"expected a finite number, found {written!r}")
    if not _NUMBER.fullmatch(written):
        raise Invalid(f"expected a decimal number such as 58.6 or -3, found {describe(node)}")
    if _LEADING_ZERO.match(written):
        raise Invalid(
            f"expected a number without leading zeros, found {written!r} (YAML reads a "
            "leading zero as octal)"
        )
    try:
        value = Decimal(written)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise Invalid(f"expected a number, found {written!r}") from None
    if not value.is_finite():  # pragma: no cover - the pattern admits only finite literals
        raise Invalid(f"expected a finite number, found {written!r}")
    if len(value.as_tuple().digits) > MAX_DIGITS:
        raise Invalid(
            f"expected a number with at most {MAX_DIGITS} significant digits, found {written!r}"
        )
    if value and abs(value.adjusted()) > MAX_MAGNITUDE:
        raise Invalid(
            f"expected a number between 1e-{MAX_MAGNITUDE} and 1e{MAX_MAGNITUDE} in size, "
            f"found {written!r}"
        )
    return value


def whole(node: Node, what: str = "a whole number") -> int:
    """A non-negative whole number written plainly (``6``, not ``6.0`` or ``06``)."""
    if node.shape is not Shape.SCALAR or node.null or node.quoted:
        raise Invalid(f"expected {what}, found {describe(node)}")
    if not _WHOLE.fullmatch(node.text):
        raise Invalid(f"expected {what}, found {describe(node)}")
    return int(node.text)


def whole_key(node: Node, what: str) -> int:
    """A whole number used as a key: ``6`` or ``"6"`` (keys are often quoted)."""
    if node.shape is not Shape.SCALAR or node.null or not _WHOLE.fullmatch(node.text):
        raise Invalid(f"expected {what}, found {describe(node)}")
    return int(node.text)


def calendar_date(node: Node) -> date:
    """A real date written ``YYYY-MM-DD`` (quoted or not)."""
    if node.shape is not Shape.SCALAR or node.null:
        raise Invalid(f"expected a date written YYYY-MM-DD, found {describe(node)}")
    match = _DATE.fullmatch(node.text)
    if match is None:
        raise Invalid(f"expected a date written YYYY-MM-DD, found {describe(node)}")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(
            f"expected a date written YYYY-MM-DD, found {node.text!r}, which is not a real date"
        ) from None


def choice(node: Node, options: type[E], what: str) -> E:
    """One of an enumeration's lower-case words (statuses, aim, better, unit)."""
    allowed = ", ".join(option.value for option in options)
    if node.shape is not Shape.SCALAR or node.null:
        raise Invalid(f"expected {what} (one of {allowed}), found {describe(node)}")
    try:
        return options(node.text)
    except ValueError:
        raise Invalid(f"expected {what} (one of {allowed}), found {describe(node)}") from None
