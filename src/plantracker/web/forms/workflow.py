"""Forms of the workflow's pages. They parse what was posted; the services
validate and decide, and their refusals come back onto these forms' fields. Texts are held
to the plan's one limit (docs/plan-file.md#limits)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from plantracker.domain.model import Box, RiskScale, Status
from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT

STATUS_CHOICES = [(status.value, status.word) for status in Status]
NO_STATUS = ""


class EntryForm(forms.Form):
    """An update of an action, measure or risk: status and commentary."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(
        choices=[(NO_STATUS, "Choose a status"), *STATUS_CHOICES],
        required=False,
        label="Status",
    )
    commentary = forms.CharField(
        widget=forms.Textarea, required=False, label="Commentary", max_length=MAX_TEXT
    )

    content_fields: tuple[str, ...] = ("status", "commentary")


class KpiEntryForm(EntryForm):
    """A KPI's value for the period; the status is optional and overrides the rule's."""

    status = forms.ChoiceField(
        choices=[(NO_STATUS, "As calculated from the value"), *STATUS_CHOICES],
        required=False,
        label="Status",
    )
    value = forms.CharField(required=False, label="Value", max_length=50)
    display = forms.CharField(required=False, label="Shown as (optional)", max_length=MAX_DISPLAY)
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Reason for setting the status by hand",
        max_length=MAX_TEXT,
    )

    content_fields = ("value", "display", "status", "reason", "commentary")


class RiskEntryForm(EntryForm):
    """A risk's update: its likelihood and impact on the plan's scales (docs/rules.md#risk-scores),
    a status that the score gives unless chosen by hand (then with a reason), and commentary.
    The service checks and derives; the choices only name the plan's points."""

    status = forms.ChoiceField(
        choices=[(NO_STATUS, "As the score gives"), *STATUS_CHOICES],
        required=False,
        label="Status",
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Reason for setting the status by hand",
        max_length=MAX_TEXT,
    )

    content_fields = ("likelihood", "impact", "status", "reason", "commentary")

    def __init__(self, *args: Any, scale: RiskScale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, words in (("likelihood", scale.likelihood), ("impact", scale.impact)):
            self.fields[name] = forms.ChoiceField(
                choices=[
                    (NO_STATUS, "Not scored"),
                    *[(str(point), f"{point} – {word}") for point, word in enumerate(words, 1)],
                ],
                required=False,
                label=name.capitalize(),
            )
        # Score first, as the page shows it: likelihood, impact, status, reason, commentary.
        self.order_fields(["version", *self.content_fields])


class ReviewForm(forms.Form):
    """The lead's decision on one submitted update: approve it, or return it with a comment.

    ``entry`` is the update's token ``<kind>-<pk>-<version>`` (``update-12-3``)."""

    entry = forms.CharField()
    action = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    comment = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=MAX_TEXT,
        label="Comment for the owner",
    )


class VersionForm(forms.Form):
    # The version the page showed, sent back in a hidden input.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PeriodOpenForm(VersionForm):
    """The due date in the GOV.UK date input pattern: day, month and year fields."""

    day = forms.CharField(required=False)
    month = forms.CharField(required=False)
    year = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = {name: (data.get(name) or "").strip() for name in ("day", "month", "year")}
        missing = [name for name, text in parts.items() if not text]
        if len(missing) == 3:
            self.add_error("day", "Enter the date updates are due")
            return data
        if missing:
            self.add_error(missing[0], f"The due date must include a {missing[0]}")
            return data
        try:
            data["due"] = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            self.add_error("day", "The due date must be a real date: day, month and year")
        return data

    def date_errors(self) -> list[str]:
        """Every error of the date's three fields, for the date input's one message."""
        return [str(e) for part in ("day", "month", "year") for e in self.errors.get(part, [])]


class PeriodReopenForm(VersionForm):
    reason = forms.CharField(widget=forms.Textarea, required=False, max_length=MAX_TEXT)


LIST_FIELDS = ("headlines", "decisions", "milestones", "next_steps")
LIST_LABELS = {
    "headlines": "Headlines",
    "decisions": "Decisions",
    "milestones": "Planned activity and milestones",
    "next_steps": "Next steps",
}


class NarrativeForm(forms.Form):
    """The period's narrative; lists are one entry per line."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, recommendations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        for name in LIST_FIELDS:
            self.fields[name] = forms.CharField(
                widget=forms.Textarea, required=False, label=LIST_LABELS[name]
            )
        self.fields["deep_dives"] = forms.TypedMultipleChoiceField(
            choices=[(str(number), f"{number}. {title}") for number, title in recommendations],
            coerce=int,
            required=False,
            label="Deep dives",
        )
        for number, title in recommendations:
            # Each paragraph (line) is at most MAX_TEXT: the service checks and says which.
            self.fields[f"commentary_{number}"] = forms.CharField(
                widget=forms.Textarea, required=False, label=f"{number}. {title}"
            )
        for box in Box:
            self.fields[box.value] = forms.ChoiceField(
                choices=[(NO_STATUS, "As calculated"), *STATUS_CHOICES],
                required=False,
                label=box.value.capitalize(),
            )
            self.fields[f"{box.value}_reason"] = forms.CharField(
                widget=forms.Textarea, required=False, label="Reason", max_length=MAX_TEXT
            )

    def lines(self, name: str) -> list[str]:
        return [line for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]

    def commentary(self) -> dict[int, list[str]]:
        return {number: self.lines(f"commentary_{number}") for number, _ in self.recommendations}

    def boxes(self) -> dict[str, str | None]:
        return {box.value: self.cleaned_data.get(box.value) or None for box in Box}

    def box_reasons(self) -> dict[str, str | None]:
        return {box.value: self.cleaned_data.get(f"{box.value}_reason") for box in Box}


def narrative_initial(narrative: Any, version: int) -> dict[str, Any]:
    """A stored narrative as the form's initial data."""
    initial: dict[str, Any] = {"version": version}
    if narrative is None:
        return initial
    for name in LIST_FIELDS:
        initial[name] = "\n".join(getattr(narrative, name))
    initial["deep_dives"] = [str(number) for number in narrative.deep_dives]
    for number, paragraphs in narrative.commentary:
        initial[f"commentary_{number}"] = "\n".join(paragraphs)
    for box in Box:
        initial[box.value] = getattr(narrative, box.value) or NO_STATUS
        initial[f"{box.value}_reason"] = getattr(narrative, f"{box.value}_reason") or ""
    return initial


class PlanUpdatesFilter(forms.Form):
    """The Plan updates view's filters (ADR 0069), read from the query string: what to
    show, one recommendation (or the risks) and one owner's account (or none linked)."""

    show = forms.ChoiceField(
        choices=[
            ("all", "Every item"),
            ("missing", "Missing an update"),
            ("mine", "Mine"),
        ],
        required=False,
        label="Show",
    )

    def __init__(
        self,
        *args: Any,
        recommendations: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendation"] = forms.ChoiceField(
            choices=[
                ("", "Every recommendation and the risks"),
                *[(str(number), f"{number}. {title}") for number, title in recommendations],
                ("0", "Risks"),
            ],
            required=False,
            label="Recommendation",
        )
        self.fields["owner"] = forms.ChoiceField(
            choices=[
                ("", "Anyone"),
                *[(str(pk), email) for pk, email in owners],
                ("none", "No account linked"),
            ],
            required=False,
            label="Owner",
        )

    def chosen(self) -> dict[str, Any]:
        """The filters as ``plan_update_rows`` takes them."""
        self.is_valid()  # a value not among the choices is left out (and said on the page)
        data = self.cleaned_data
        recommendation = data.get("recommendation") or ""
        return {
            "show": data.get("show") or "all",
            "recommendation": int(recommendation) if recommendation else None,
            "owner": data.get("owner") or "",
        }
