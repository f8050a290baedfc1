"""Forms of the web pages. They parse input only; the services decide and write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from plantracker.tracker.models import PlanRecord, Role

ALL_PLANS = ""


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the page's wording (the username is an email address)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive "
        "except the email address.",
        "inactive": "This account has been deactivated. Ask your organisation's admin.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def _scope_choices(plans: list[PlanRecord]) -> list[tuple[str, str]]:
    return [(ALL_PLANS, "Every plan of the organisation")] + [
        (plan.slug, plan.title) for plan in plans
    ]


class RoleFields(forms.Form):
    """A role and where it applies: every plan of the organisation, or one plan."""

    role = forms.ChoiceField(
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )
    scope = forms.ChoiceField(
        label="Applies to",
        required=False,
        help_text="An admin's role always covers every plan.",
    )
    ends_on = forms.DateField(
        label="Last day of access (inspectors only)",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="An inspector reads the plan until the end of this day, which must be after "
        "today; then the account is refused. For example, 31/03/2027.",
        error_messages={"invalid": "Enter the last day as a real date, like 31/03/2027"},
    )

    def __init__(self, *args: Any, plans: list[PlanRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {plan.slug: plan for plan in plans}
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = _scope_choices(plans)

    def chosen_plan(self) -> PlanRecord | None:
        return self.plans.get(self.cleaned_data.get("scope") or ALL_PLANS)

    def chosen_role(self) -> Role:
        return Role(self.cleaned_data["role"])

    def chosen_ends_on(self) -> date | None:
        """The inspector's last day (ADR 0080); any other role has none, whatever was typed."""
        if self.chosen_role() is not Role.INSPECTOR:
            return None
        ends_on: date | None = self.cleaned_data.get("ends_on")
        return ends_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("role") == Role.INSPECTOR
            and not data.get("ends_on")
            and not self.has_error("ends_on")
        ):
            self.add_error("ends_on", "Enter the inspector's last day of access")
        return data


class UserAddForm(RoleFields):
    email = forms.EmailField(
        label="Email address",
        help_text="They sign in with this address.",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password. Give it to them in person; "
        "they can keep it or ask you for another.",
        error_messages={"required": "Enter an initial password"},
    )

    field_order = ["email", "role", "scope", "ends_on", "password"]


class RoleChangeForm(forms.Form):
    """Change one of a user's roles, or remove it."""

    membership = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Role.choices, label="Role")


class MembershipForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class TwoFactorCodeForm(forms.Form):
    """The second step of a password sign-in (ADR 0075)."""

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
        max_length=64,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


class TwoFactorSetUpForm(forms.Form):
    """Proves the person's app holds the new secret before two-factor is turned on."""

    code = forms.CharField(
        label="Code from your app",
        help_text="After adding plantracker to the app, enter the 6-digit code it shows.",
        max_length=16,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class OrganisationProviderForm(forms.Form):
    """An organisation's own OpenID Connect provider (ADR 0075); the service checks it."""

    name = forms.CharField(
        label="Name shown on the button",
        help_text='People see "Sign in with" and this name, for example "Example Council account".',
        max_length=100,
        required=False,  # the service checks every field at once
    )
    issuer = forms.CharField(
        label="Issuer",
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/<tenant ID>/v2.0",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    client_id = forms.CharField(
        label="Client ID",
        help_text="The application (client) ID the provider gave plantracker.",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    secret = forms.CharField(
        label="Client secret",
        help_text="Leave blank to keep the secret already saved.",
        max_length=300,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
