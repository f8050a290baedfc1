"""Template tags of the web pages: how a status, a direction or a chart is shown.

Presentation only: the status or direction itself always comes from the domain's results.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django import template
from django.forms import BoundField
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from plantracker.domain.model import RiskScale, Status
from plantracker.reports.model import (
    DirectionView,
    Donut,
    HeatMap,
    RecommendationSection,
    TrendChart,
)
from plantracker.reports.text import position_words
from plantracker.tracker.models import User
from plantracker.tracker.selectors.audit import person as person_of
from plantracker.tracker.selectors.computed import review_flag
from plantracker.tracker.services.updates import computed_note as computed_note_text
from plantracker.web import charts

register = template.Library()


@register.simple_tag
def status(value: Status | str | None, size: str = "", word: str = "") -> SafeString:
    """A status chip: its colour and, always, its word (docs/rules.md#statuses); ``word``
    when it says more than the status's own: ``na``'s reason (docs/rules.md#na-reasons).

    A simple tag rather than an included template: a big plan's dashboard shows over a
    thousand of these, and each included template costs a render.
    """
    if value is None:
        return format_html('<span class="app-muted">Not reported</span>')
    chosen = Status(value)
    large = " app-status--large" if size == "large" else ""
    return format_html(
        '<strong class="app-status app-status--{}{}">{}</strong>',
        chosen.value,
        large,
        word or chosen.word,
    )


@register.simple_tag
def direction(view: DirectionView | None) -> SafeString:
    """A direction of travel: an arrow for the movement and a word for its meaning."""
    if view is None:
        return SafeString("")
    return format_html(
        '<span class="app-direction app-direction--{}">'
        '<span class="app-direction__arrow" aria-hidden="true">{}</span> {}</span>',
        view.tone,
        view.arrow,
        view.word,
    )


@register.simple_tag
def donut(chart: Donut, prefix: str) -> SafeString:
    return charts.donut_svg(chart, prefix)


@register.simple_tag
def trend(chart: TrendChart, prefix: str) -> SafeString:
    return charts.trend_svg(chart, prefix)


@register.simple_tag
def heat_map(chart: HeatMap, prefix: str) -> SafeString:
    """The report's risk heat map (docs/rules.md#risk-scores), its title the text alternative."""
    return charts.heat_map_svg(chart, prefix)


@register.simple_tag
def recommendation_rows(
    sections: Iterable[RecommendationSection], slug: str, period_id: str
) -> SafeString:
    """The rows of the dashboard's recommendations table: each recommendation's link,
    status, direction and each kind's roll-up of its items.

    Python rather than a loop in the template: a big plan's dashboard has hundreds of
    recommendations, and the template language took most of the page's rendering for
    them (ADR 0087).
    """
    prefix = get_script_prefix()
    return SafeString(
        "\n".join(_recommendation_row(section, slug, period_id, prefix) for section in sections)
    )


@lru_cache(maxsize=4096)
def _recommendation_row(
    section: RecommendationSection, slug: str, period_id: str, prefix: str
) -> SafeString:
    """One row of ``recommendation_rows``, rendered once per process for a section's figures
    (sections are frozen, compared by value): after a write only the rows of the
    recommendations whose figures changed are rendered again (ADR 0089). ``prefix`` is the
    script prefix the link is reversed under."""
    return format_html(
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header">'
        '<a class="govuk-link" href="{}">{}. {}</a></th>'
        '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>{}</tr>',
        reverse("web:recommendation", args=[slug, period_id, section.number]),
        section.number,
        section.title,
        status(section.status, word=section.status_word),
        direction(section.direction),
        format_html_join(
            "",
            '<td class="govuk-table__cell">{}</td>',
            ((_roll_up(chart),) for chart in section.donuts),
        ),
    )


def _roll_up(chart: Donut) -> SafeString:
    """A kind's roll-up in one recommendation's row: its status of how many items."""
    if chart.empty:
        return SafeString('<span class="app-muted">None</span>')
    return format_html(
        '<span class="app-nowrap">{} <span class="app-muted">of {}</span></span>',
        status(chart.status),
        chart.count,
    )


@register.simple_tag(takes_context=True)
def person(
    context: template.Context, account: User | None, missing: str = "—", mailto: bool = False
) -> str:
    """``{% person entry.author "a lead" %}``: an account as the audit trail names it (ADR
    0070): its name for every reader, with its email address beside it only for the plan's
    leads, its organisation's admins and the operators; those get the address as a mailto
    link with ``mailto=True``. ``missing`` when there is none.

    Who may read addresses is decided once a request, outside the template: the context's
    ``staff_emails`` (``web.context``, from the request's access and the page's plan). The
    tag only reads it, so that a page naming a hundred people asks the database nothing;
    without it (no request, no plan), names only."""
    if account is None:
        return missing
    shown = person_of(account)
    if not context.get("staff_emails", False):
        return shown.name
    label = shown.label(True)
    if mailto:
        return format_html('<a class="govuk-link" href="mailto:{}">{}</a>', shown.email, label)
    return label


@register.filter
def computed_note(computed_from: str | None) -> str:
    """``entry.computed_from|computed_note``: "Computed from the statutory returns
    (cp_rate)" for a value ``statutory apply`` wrote; empty for one a person entered."""
    return capfirst(computed_note_text(computed_from)) if computed_from else ""


@register.filter
def quality_warning(computed_from: str | None) -> str:
    """``entry.computed_from|quality_warning``: the warning a lead reads before approving a
    computed value that ``review_flag`` flags (ADR 0074); empty otherwise."""
    flag = review_flag(computed_from)
    if flag is None:
        return ""
    quality = flag.quality
    return (
        f"{quality.with_errors} of the {quality.children} children in the returns this value "
        f"was computed from ({quality.percent:.1f}%) break DfE validation rules that affect "
        f"it: more than {flag.threshold.normalize():f}%. Check the validation report "
        "(plantracker statutory validate) before approving it."
    )


@register.simple_tag
def risk_score(likelihood: int | None, impact: int | None, scale: RiskScale) -> str:
    """``{% risk_score l i scale %}``: a risk's position in the plan's words, its score and
    the RAG its bands derive (``reports.text.position_words``, docs/rules.md#risk-scores)."""
    return position_words(likelihood, impact, scale)


@register.filter
def count_of(counts: object, status: str) -> int:
    """``counts|count_of:"red"``: a ``Counts``' number of items with that status."""
    return int(counts[Status(status)])  # type: ignore[index]


_WIDGET_CLASSES = {
    "select": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
}


@register.simple_tag
def widget(field: BoundField, width: str = "") -> SafeString:
    """A form field's input with GOV.UK classes, its hint and error linked for screen readers."""
    kind = field.field.widget.input_type if hasattr(field.field.widget, "input_type") else ""
    name = type(field.field.widget).__name__.lower()
    base, error = _WIDGET_CLASSES.get(
        "select" if "select" in name else kind, ("govuk-input", "govuk-input--error")
    )
    classes = [base]
    if width:
        classes.append(f"govuk-input--width-{width}" if base == "govuk-input" else width)
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        classes.append(error)
        described.append(f"{field.id_for_label}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return SafeString(field.as_widget(attrs=attrs))
