"""Exact numbers in a workbook's number cells (docs/adr/0021-exact-numbers-in-the-plan-workbook.md).

A number cell holds a binary float; the plan's numbers are decimals "as written"
(docs/plan-file.md#numbers: ``58.60`` stays exact). The workbook keeps both: the cell holds the
number, so people can compute with it, and its number format shows as many decimal places
as were written (``0.00`` for 58.60). Reading takes the shortest decimal that is the cell's
float (``repr``, never ``Decimal(float)``) and pads it with zeros to the places its format
shows; zeros only, so a typed 58.655 in a ``0.00`` cell is read as 58.655, never rounded.

A number that would not survive this (more than 15 significant digits, which Excel itself
cannot hold, or an exponent such as ``1E+3``) is written as a text cell instead; text that
is a number is read as that number, digit for digit.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

from plantracker.domain.exact import MAX_MAGNITUDE

EXCEL_DIGITS = 15
"""Excel keeps 15 significant digits of a number (its specification limit)."""

_SAFE_INTEGER = 2**53
_PLACES = re.compile(r"\.([0#?]+)")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_WIDE = Context(prec=80)


def format_places(number_format: str) -> int:
    """Decimal places a number format shows: ``0.00`` → 2, ``#,##0.0`` → 1, General → 0."""
    first = _QUOTED.sub("", number_format.split(";", 1)[0])
    match = _PLACES.search(first)
    return len(match.group(1)) if match else 0


def is_percent_format(number_format: str) -> bool:
    """A format that multiplies by 100 on display (``0.0%``): the cell shows 58.6% for 0.586."""
    return "%" in _QUOTED.sub("", number_format)


def cell_decimal(value: int | float, number_format: str) -> Decimal:
    """The decimal a number cell holds, with the decimal places its format shows."""
    if isinstance(value, int):
        number = Decimal(value)
    elif value.is_integer() and abs(value) < _SAFE_INTEGER:
        number = Decimal(int(value))
    else:
        number = Decimal(repr(value))
    places = format_places(number_format)
    exponent = number.as_tuple().exponent
    if number and abs(number.adjusted()) > MAX_MAGNITUDE:
        # Left as it is for the plan's validation to refuse at its cell (quantizing
        # 1e300 to the format's places would overflow the context).
        return number
    if isinstance(exponent, int) and -exponent < places:
        # Padding with zeros is exact: 58.6 → 58.60.
        number = number.quantize(Decimal(1).scaleb(-places), context=_WIDE)
    return number


def number_format_for(value: Decimal) -> str:
    """The format that shows ``value`` with the places it was written with."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def fits_number_cell(value: Decimal) -> bool:
    """Whether ``value`` survives a number cell: read back (``cell_decimal`` of the float
    Excel and openpyxl hold, under ``number_format_for``) it has the same digits."""
    if not value.is_finite():
        return False
    if len(value.as_tuple().digits) > EXCEL_DIGITS:
        return False
    back = cell_decimal(float(value), number_format_for(value))
    return back.as_tuple() == value.as_tuple()


# --- text ------------------------------------------------------------------------------------

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def escape_text(text: str) -> str:
    """Text for a cell, with what XML cannot hold written ``_xHHHH_`` (ECMA-376's escape for
    cell text, which Excel reads and writes), and a literal ``_xHHHH_`` kept literal."""
    return _NOT_IN_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def unescape_text(text: str) -> str:
    """The text ``escape_text`` (or Excel) wrote: each ``_xHHHH_`` is that character."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text)
