"""The lead's confirmation of publishing or unpublishing a period's report (ADR 0081)."""

from __future__ import annotations

from django import forms


class ConfirmForm(forms.Form):
    """ "Yes, publish" / "Yes, unpublish": the button posts ``confirm=yes``; anything else
    shows the question again."""

    confirm = forms.ChoiceField(choices=[("yes", "Yes")])
