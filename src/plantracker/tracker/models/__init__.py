"""Models of the tracker app; the public names are listed here."""

from plantracker.tracker.models.accounts import (
    InspectorVisit,
    Membership,
    Organisation,
    OrganisationProvider,
    Role,
    User,
)
from plantracker.tracker.models.choices import EntryState, PeriodState
from plantracker.tracker.models.entries import KpiTarget, KpiValue, RiskUpdate, Update
from plantracker.tracker.models.evidence import Evidence
from plantracker.tracker.models.fields import DecimalTextField
from plantracker.tracker.models.notifications import (
    EmailKind,
    EmailSend,
    EmailState,
    LeadDigest,
    NotificationPreference,
)
from plantracker.tracker.models.plan import (
    Item,
    Narrative,
    Period,
    PlanRecord,
    Recommendation,
    Risk,
)
from plantracker.tracker.models.publishing import Publication
from plantracker.tracker.models.reports import ReportBuild
from plantracker.tracker.models.workflow import PeriodSnapshot

__all__ = [
    "DecimalTextField",
    "EmailKind",
    "EmailSend",
    "EmailState",
    "EntryState",
    "Evidence",
    "InspectorVisit",
    "Item",
    "KpiTarget",
    "KpiValue",
    "LeadDigest",
    "Membership",
    "Narrative",
    "NotificationPreference",
    "Organisation",
    "OrganisationProvider",
    "Period",
    "PeriodSnapshot",
    "PeriodState",
    "PlanRecord",
    "Publication",
    "Recommendation",
    "ReportBuild",
    "Risk",
    "RiskUpdate",
    "Role",
    "Update",
    "User",
]
