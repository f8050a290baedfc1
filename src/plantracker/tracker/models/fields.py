"""A decimal stored as the text it was written with (ADR 0012).

``DecimalField`` stores a fixed scale, so ``58.60`` would come back as ``58.600`` or ``58.6``
depending on the column; plan files keep the digits written (docs/plan-file.md#numbers).
The column holds ``str(Decimal)``, which ``Decimal`` parses back to an identical value with
the same exponent, on every database. Python code sees ``Decimal`` only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, str)):
        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise ValidationError(f"{value!r} is not a number", code="invalid") from exc
    else:
        # A float has already lost the digits written; refusing it keeps values exact.
        raise ValidationError(
            f"{value!r} is a {type(value).__name__}; give a Decimal, int or text",
            code="invalid",
        )
    if not number.is_finite():
        raise ValidationError(f"{value!r} is not a finite number", code="invalid")
    return number


class DecimalTextField(models.Field):
    """A ``Decimal`` kept exactly as written, stored as its text (a ``text`` column)."""

    if TYPE_CHECKING:
        # What django-stubs' mypy plugin reports for model attributes of this field.
        _pyi_private_set_type: Decimal | int | str
        _pyi_private_get_type: Decimal

    description = "Decimal number stored as its exact text"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    def to_python(self, value: Any) -> Decimal | None:
        return _to_decimal(value)

    def get_prep_value(self, value: Any) -> str | None:
        number = _to_decimal(value)
        return None if number is None else str(number)

    def formfield(self, **kwargs: Any) -> Any:
        """A text box whose empty value is None, not "": a form (the Django admin's) then
        saves an empty field as NULL, and the check constraints that test for NULL (such
        as an item's one kind of tolerance) hold when the form validates them."""
        return super().formfield(**{"empty_value": None, **kwargs})

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)
