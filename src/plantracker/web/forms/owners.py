"""Forms of the owners' pages (ADR 0068): parse the ticked boxes and chosen accounts; the
services check who may assign and whom."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from plantracker.tracker.models import User


class OwnedForm(forms.Form):
    """The items and risks ticked on a person's page: the ones they own afterwards."""

    items = forms.TypedMultipleChoiceField(coerce=int, required=False)
    risks = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, item_ids: list[int], risk_ids: list[int], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, ids in (("items", item_ids), ("risks", risk_ids)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedMultipleChoiceField)
            field.choices = [(str(pk), str(pk)) for pk in ids]
            field.error_messages["invalid_choice"] = (
                "One of the ticked items is no longer in the plan; reload the page"
            )


class _AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.username)


class ItemOwnersForm(forms.Form):
    """An item's owner and deputy, each one of the accounts that may own it, or nobody."""

    owner = _AccountChoice(
        queryset=User.objects.none(), required=False, empty_label="Nobody", label="Owner"
    )
    deputy = _AccountChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        label="Deputy",
        help_text="The deputy may give the item's updates too, for example while the owner "
        "is away.",
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], risk: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        for name in ("owner", "deputy"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = candidates
            field.error_messages["invalid_choice"] = (
                "Choose one of the accounts listed; that one cannot own this plan's items"
            )
        if risk:
            del self.fields["deputy"]
