"""Read the figures a report prints back out of its HTML and PDF text, and compare them with
``summary --json`` (``plantracker.domain.summary.summary_dict``).

Each check returns the list of disagreements (empty when the report agrees), so a failing
test shows every wrong figure at once.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html

from plantracker.domain.model import Kind, NaReason, Status
from plantracker.reports.model import Report
from plantracker.reports.text import KIND_HEADINGS, KIND_NOUNS, KIND_ROWS

PDFTOTEXT = shutil.which("pdftotext")


def _word(status: str | None, na_reason: str | None = None) -> str | None:
    """The status's word; ``na`` says why (docs/rules.md#na-reasons)."""
    if status is None:
        return None
    if na_reason is not None:
        return NaReason(na_reason).word
    return Status(status).word


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _chip_word(element: Any) -> str | None:
    words = element.xpath(".//*[@class='chip-word']")
    return _text(words[0]) if words else None


def _red_headline(kind: Kind, counts: dict[str, Any]) -> str:
    red = counts["red"]
    nouns = KIND_NOUNS[kind]
    noun = nouns[0] if counts["count"] == 1 else nouns[1]
    verb = "is" if red == 1 else "are"
    return f"{red} of {counts['count']} {noun} ({counts['percent']['red']}%) {verb} red"


# --- HTML -----------------------------------------------------------------------------------


def html_disagreements(html: str, summary: dict[str, Any]) -> list[str]:
    """Every count, status and percentage in ``html`` that differs from ``summary``."""
    document = lxml.html.fromstring(html)
    wrong: list[str] = []

    def expect(where: str, shown: object, wanted: object) -> None:
        if shown != wanted:
            wrong.append(f"{where}: shows {shown!r}, summary says {wanted!r}")

    # Overview boxes.
    overall = summary["overall"]
    box = document.xpath("//div[contains(@class, 'box-overall')]")[0]
    expect("overall box", _chip_word(box), _word(overall["status"], overall["na_reason"]))
    previous = document.xpath("//div[contains(@class, 'box-previous')]")[0]
    expect("previous box", _chip_word(previous), _word(overall["previous"]))
    for name in ("progress", "finance", "risks"):
        element = document.xpath(f"//div[contains(@class, 'box-{name}')]")[0]
        outcome = summary["boxes"][name]
        expect(f"{name} box", _chip_word(element), _word(outcome["status"], outcome["na_reason"]))

    # Factual headlines.
    facts = [_text(li) for li in document.xpath("//ul[@class='facts']/li")]
    for kind in Kind:
        counts = summary["totals"][kind.value]
        if counts["count"]:
            sentence = _red_headline(kind, counts)
            expect(f"headline on {kind.value}", sentence in facts, True)

    # Workstream table.
    for kind in Kind:
        counts = summary["totals"][kind.value]
        row = document.xpath(f"//table[@class='workstreams']//tr[@data-kind='{kind.value}']")[0]
        expect(f"workstream {kind.value} label", _text(row.xpath("./th")[0]), KIND_ROWS[kind])
        expect(
            f"workstream {kind.value} status",
            _chip_word(row.xpath("./td[@data-field='status']")[0]),
            _word(counts["status"], counts["na_reason"]),
        )
        for status in Status:
            cell = row.xpath(f"./td[@data-status='{status.value}']")[0]
            expect(
                f"workstream {kind.value} {status.value}", _text(cell), str(counts[status.value])
            )
        expect(
            f"workstream {kind.value} total",
            _text(row.xpath("./td[@data-field='count']")[0]),
            str(counts["count"]),
        )

    # Overall plan donuts: counts.
    section = document.xpath("//section[@id='overall-plan']")[0]
    for kind in Kind:
        _donut(section, kind, summary["totals"][kind.value], "overall plan", expect, percent=False)

    # One section per recommendation: status and donuts with percentages.
    sections = document.xpath("//section[@class='rec']")
    expect("recommendation sections", len(sections), len(summary["recommendations"]))
    for element, rec in zip(sections, summary["recommendations"], strict=False):
        where = f"recommendation {rec['number']}"
        expect(f"{where} number", element.get("data-number"), str(rec["number"]))
        expect(
            f"{where} status",
            _chip_word(element.xpath(".//p[@class='rec-status']")[0]),
            _word(rec["status"], rec["na_reason"]),
        )
        for kind in Kind:
            _donut(element, kind, rec[kind.value], where, expect, percent=True)

    # Deep-dive KPI tables: shown status, and calculated status where overridden.
    kpis = {kpi["ref"]: kpi for kpi in summary["kpis"]}
    for row in document.xpath("//table[contains(concat(' ', @class, ' '), ' kpis ')]/tbody/tr"):
        kpi = kpis[row.get("data-ref")]
        cell = row.xpath("./td[@data-field='status']")[0]
        expect(f"KPI {kpi['ref']} status", _chip_word(cell), _word(kpi["status"], kpi["na_reason"]))
        overrides = cell.xpath(".//*[@class='override']")
        if kpi["overridden"]:
            expect(
                f"KPI {kpi['ref']} calculated",
                _text(overrides[0]).split("[")[0].strip() if overrides else None,
                f"calculated {_word(kpi['calculated'])}",
            )
        else:
            expect(f"KPI {kpi['ref']} override mark", overrides, [])

    # Data-quality annex.
    shown = [
        (_text(tr.xpath("./th")[0]), _text(tr.xpath("./td")[0]))
        for tr in document.xpath("//table[@class='problems']/tbody/tr")
    ]
    expect("problems", shown, [(p["where"], p["message"]) for p in summary["problems"]])
    return wrong


def _donut(
    scope: Any, kind: Kind, counts: dict[str, Any], where: str, expect: Any, *, percent: bool
) -> None:
    donut = scope.xpath(f".//div[@class='donut'][@data-kind='{kind.value}']")[0]
    label = f"{where} {kind.value}"
    if counts["count"] == 0:
        expect(f"{label} empty", _text(donut.xpath(".//p[@class='donut-none']")[0]), "None")
        return
    items = donut.xpath(".//ul[@class='legend']/li")
    listed = [li.get("data-status") for li in items]
    expect(f"{label} statuses", listed, [s.value for s in Status if counts[s.value]])
    for li in items:
        status = li.get("data-status")
        expect(f"{label} {status} word", _chip_word(li), _word(status))
        expect(
            f"{label} {status} count",
            _text(li.xpath(".//*[@data-field='count']")[0]),
            str(counts[status]),
        )
        if percent:
            expect(
                f"{label} {status} percent",
                _text(li.xpath(".//*[@data-field='percent']")[0]),
                f"{counts['percent'][status]}%",
            )
    svg_label = donut.xpath(".//*[local-name()='svg']")[0].get("aria-label")
    expect(f"{label} chart total", f"{counts['count']} " in svg_label, True)


# --- PDF ------------------------------------------------------------------------------------


def pdf_text(pdf: Path) -> str:
    """The PDF's text in reading (content-stream) order, whitespace collapsed."""
    assert PDFTOTEXT, "pdftotext is missing (poppler-utils)"
    done = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return " ".join(done.stdout.split())


def _chip(status: str, na_reason: str | None = None) -> str:
    value = Status(status)
    return f"{value.letter} {_word(status, na_reason)}"


def _segment(text: str, start: str, ends: list[str]) -> str:
    begin = text.find(start)
    if begin < 0:
        return ""
    stops = [text.find(end, begin + len(start)) for end in ends]
    stops = [stop for stop in stops if stop >= 0]
    return text[begin : min(stops) if stops else len(text)]


def pdf_disagreements(text: str, summary: dict[str, Any], report: Report) -> list[str]:
    """Every count, status and percentage missing from (or wrong in) the PDF's text."""
    wrong: list[str] = []

    def expect_in(where: str, needle: str, haystack: str) -> None:
        if needle not in haystack:
            wrong.append(f"{where}: {needle!r} not found")

    overall = summary["overall"]
    expect_in(
        "overall box",
        f"Overall: this period {report.cover.period_label} "
        f"{_chip(overall['status'], overall['na_reason'])}",
        text,
    )
    if overall["previous"] is not None:
        expect_in(
            "previous box",
            f"Overall: previous {report.overview.previous.period} {_chip(overall['previous'])}",
            text,
        )
    for kind in Kind:
        counts = summary["totals"][kind.value]
        if counts["count"]:
            expect_in(f"headline on {kind.value}", _red_headline(kind, counts), text)
        cells = " ".join(str(counts[s.value]) for s in Status)
        pattern = re.compile(
            re.escape(f"{KIND_ROWS[kind]} {_chip(counts['status'], counts['na_reason'])} ")
            + r"\S (Improving|Worsening|Same|No comparison)( — was \D+?)? "
            + re.escape(f"{cells} {counts['count']}")
        )
        if not pattern.search(text):
            wrong.append(f"workstream row {kind.value}: {cells} {counts['count']} not found")

    overall_plan = _segment(text, "Overall plan Every item", ["Recommendations Recommendation"])
    for kind in Kind:
        counts = summary["totals"][kind.value]
        if counts["count"]:
            legend = " ".join(
                f"{_chip(s.value)} {counts[s.value]}" for s in Status if counts[s.value]
            )
            expect_in(f"overall plan {kind.value}", f"{KIND_HEADINGS[kind]} {legend}", overall_plan)
        else:
            expect_in(f"overall plan {kind.value}", f"{KIND_HEADINGS[kind]} None", overall_plan)

    recs = summary["recommendations"]
    for index, (rec, section) in enumerate(zip(recs, report.recommendations, strict=True)):
        chip = _chip(rec["status"], rec["na_reason"])
        start = f"Recommendation {rec['number']}: {section.title} Status {chip}"
        ends = [f"Recommendation {later['number']}: " for later in recs[index + 1 :]][:1]
        segment = _segment(text, start, [*ends, "Deep dives"])
        if not segment:
            wrong.append(f"recommendation {rec['number']}: {start!r} not found")
            continue
        for kind in Kind:
            counts = rec[kind.value]
            if counts["count"]:
                legend = " ".join(
                    f"{_chip(s.value)} {counts['percent'][s.value]}% ({counts[s.value]})"
                    for s in Status
                    if counts[s.value]
                )
            else:
                legend = "None"
            expect_in(
                f"recommendation {rec['number']} {kind.value}",
                f"{KIND_HEADINGS[kind]} {legend}",
                segment,
            )

    kpis = {kpi["ref"]: kpi for kpi in summary["kpis"]}
    for dive in report.deep_dives:
        if dive.kpis is None:
            continue
        for row in dive.kpis.rows:
            kpi = kpis[row.ref]
            shown = f"{row.value} {_chip(kpi['status'], kpi['na_reason'])}"
            if kpi["overridden"]:
                shown += f" calculated {_word(kpi['calculated'])}"
            expect_in(f"KPI {row.ref}", f"{row.ref} {row.title}", text)
            expect_in(f"KPI {row.ref} value and status", shown, text)
    for problem in summary["problems"]:
        expect_in("problem", " ".join(f"{problem['where']} {problem['message']}".split()), text)
    return wrong
