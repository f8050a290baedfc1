"""Forms of the evidence page (ADR 0078): parse the file or link and its description; the
upload checks and who may attach live in the service."""

from __future__ import annotations

from django import forms

from plantracker.tracker.services.evidence import DESCRIPTION_LIMIT, URL_LIMIT

_DESCRIPTION_HELP = "In a few words, what it shows (for example “Case file audit, June”)"


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, Excel, PowerPoint, an image or CSV",
        error_messages={
            "required": "Choose a file to attach",
            "empty": "The file is empty (0 bytes)",
        },
        allow_empty_file=True,  # the service refuses it, naming the file
    )
    description = forms.CharField(
        label="Description",
        help_text=_DESCRIPTION_HELP,
        max_length=DESCRIPTION_LIMIT,
        error_messages={"required": "Say in a few words what the file shows"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "file")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class EvidenceLinkForm(forms.Form):
    url = forms.CharField(
        label="Web address",
        help_text="Starting with https://",
        max_length=URL_LIMIT,
        error_messages={"required": "Enter the link's address"},
    )
    description = forms.CharField(
        label="Description",
        help_text=_DESCRIPTION_HELP,
        max_length=DESCRIPTION_LIMIT,
        error_messages={"required": "Say in a few words what the link shows"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
