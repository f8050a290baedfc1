"""Database choices mirroring the domain's enumerations (plantracker.domain.model)."""

from __future__ import annotations

from django.db import models

from plantracker.domain.model import Aim, Better, Box, Kind, Status, Unit

STATUS_CHOICES = [(status.value, status.word) for status in Status]
KIND_CHOICES = [(kind.value, kind.label) for kind in Kind]
AIM_CHOICES = [(aim.value, aim.value.capitalize()) for aim in Aim]
BETTER_CHOICES = [(better.value, better.value.capitalize()) for better in Better]
UNIT_CHOICES = [(unit.value, unit.value.capitalize()) for unit in Unit]
BOXES: tuple[Box, ...] = tuple(Box)


class PeriodState(models.TextChoices):
    """Where a reporting period is in the quarterly cycle (services/periods.py makes the
    transitions; ADR 0041)."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class EntryState(models.TextChoices):
    """Where an update or KPI value is in review; only ``approved`` entries are reported.

    Imported entries are approved: the plan file is what the lead has published.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
