"""The committee paper's parts of the report: the cover sheet, the order note and the
glossary (docs/plan-file.md#committee-paper, ADR 0066).

``with_committee_paper`` completes a built report with what a clerk needs to table it; the
words every format prints for these parts are here, so the five formats say the same.
A plan that gives none of the fields gets a report without them: no empty heading.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from plantracker.domain.model import Narrative, Period, Plan
from plantracker.reports.model import (
    CommitteePaper,
    ContactView,
    CoverRow,
    GlossaryEntry,
    Report,
)
from plantracker.reports.text import long_date

PAPER_HEADING = "Report to the committee"
RECOMMENDATIONS_HEADING = "Recommendations to the committee"
GLOSSARY_HEADING = "Glossary"
TITLE_LABEL = "Report title"
MEETING_LABEL = "Meeting and date"
CONTACT_LABEL = "Report author and contact officer"
PURPOSE_LABEL = "Purpose of the report"
ORDER_NOTE_LABEL = "Order of the recommendations"


def with_committee_paper(report: Report, plan: Plan, period: Period) -> Report:
    """``report`` with its cover sheet, order note and glossary from ``plan``."""
    narrative = plan.narrative.get(period.id, Narrative())
    report = replace(
        report,
        paper=_paper(report, plan, period, narrative),
        order_note=f"{ORDER_NOTE_LABEL}: {plan.order_note}" if plan.order_note else None,
    )
    return replace(report, glossary=glossary_entries(plan.glossary, report_texts(report)))


def _paper(
    report: Report, plan: Plan, period: Period, narrative: Narrative
) -> CommitteePaper | None:
    recommendations = narrative.committee_recommendations
    if plan.contact is None and plan.purpose is None and not recommendations:
        return None
    contact = None
    if plan.contact is not None:
        contact = ContactView(
            name=plan.contact.name, role=plan.contact.role, email=plan.contact.email
        )
    rows = [CoverRow(TITLE_LABEL, f"{plan.title}: quarterly update, {period.label}")]
    if period.scrutiny is not None:
        rows.append(CoverRow(MEETING_LABEL, f"Scrutiny committee, {long_date(period.scrutiny)}"))
    if contact is not None:
        rows.append(CoverRow(CONTACT_LABEL, contact.text))
    if plan.purpose is not None:
        rows.append(CoverRow(PURPOSE_LABEL, plan.purpose))
    return CommitteePaper(
        heading=PAPER_HEADING,
        rows=tuple(rows),
        contact=contact,
        recommendations_heading=RECOMMENDATIONS_HEADING,
        recommendations=tuple(recommendations),
    )


def report_texts(value: object) -> Iterator[str]:
    """Every text of the report model (or any part of it), in model order."""
    if isinstance(value, str):
        yield str(value)
    elif isinstance(value, tuple):
        for item in value:
            yield from report_texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name != "glossary":
                yield from report_texts(getattr(value, field.name))


def term_pattern(term: str) -> re.Pattern[str]:
    """``term`` as a whole word, with its own case: ``EET`` is not found in ``NEET``."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)")


def glossary_entries(
    glossary: Mapping[str, str], texts: Iterator[str]
) -> tuple[GlossaryEntry, ...]:
    """The glossary's terms that occur in ``texts``, in the glossary's order."""
    if not glossary:
        return ()
    whole = "\n".join(texts)
    return tuple(
        GlossaryEntry(term, meaning)
        for term, meaning in glossary.items()
        if term_pattern(term).search(whole)
    )
