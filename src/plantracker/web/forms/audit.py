"""The audit page's filter (a GET form: it works without JavaScript and its address can be
shared or bookmarked). Item and period come from the plan's lists; dates use the GOV.UK
date input pattern, each of "from" and "to" optional."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from plantracker.tracker.selectors.audit import AuditKind

ALL = ""
DATE_PARTS = ("day", "month", "year")
DATE_LABELS = {"since": "start", "until": "end"}


class AuditFilterForm(forms.Form):
    """``items`` and ``periods`` are ``(value, text)`` choices of the plan's."""

    item = forms.ChoiceField(required=False, label="Item")
    period = forms.ChoiceField(required=False, label="Period")
    person = forms.IntegerField(required=False, min_value=1, label="Who")
    kind = forms.ChoiceField(
        required=False,
        label="Kind of change",
        choices=[(ALL, "Every kind"), *((kind.value, kind.label) for kind in AuditKind)],
    )

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        periods: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        item_field = self.fields["item"]
        period_field = self.fields["period"]
        assert isinstance(item_field, forms.ChoiceField)
        assert isinstance(period_field, forms.ChoiceField)
        item_field.choices = [(ALL, "Every item"), *items]
        period_field.choices = [(ALL, "Every period"), *periods]
        item_field.error_messages["invalid_choice"] = "Choose an item of this plan"
        period_field.error_messages["invalid_choice"] = "Choose a period of this plan"
        self.fields["person"].error_messages["invalid"] = "Choose a person from the list"
        for name in DATE_LABELS:
            for part in DATE_PARTS:
                self.fields[f"{name}_{part}"] = forms.CharField(required=False, max_length=4)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, label in DATE_LABELS.items():
            data[name] = self._date(data, name, label)
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until_day", "The end date must be the same as or after the start date")
        return data

    def _date(self, data: dict[str, Any], name: str, label: str) -> date | None:
        parts = {part: (data.get(f"{name}_{part}") or "").strip() for part in DATE_PARTS}
        missing = [part for part, text in parts.items() if not text]
        if len(missing) == len(DATE_PARTS):
            return None
        if missing:
            self.add_error(f"{name}_{missing[0]}", f"The {label} date must include a {missing[0]}")
            return None
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error(
                f"{name}_day", f"The {label} date must be a real date: day, month and year"
            )
            return None

    def date_errors(self, name: str) -> list[str]:
        """Every error of one date's three fields, for the date input's one message."""
        return [str(e) for part in DATE_PARTS for e in self.errors.get(f"{name}_{part}", [])]
