"""The "My notifications" form: the optional emails, each on or off (ADR 0077)."""

from __future__ import annotations

from django import forms


class NotificationsForm(forms.Form):
    submitted = forms.BooleanField(
        required=False,
        label="Updates submitted for my review",
        help_text="For plan leads: at most one email an hour listing the updates submitted.",
    )
    approved = forms.BooleanField(
        required=False,
        label="My updates approved",
        help_text="When a lead approves an update of an item you own or deputise for.",
    )
