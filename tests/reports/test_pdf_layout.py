"""The PDF's layout: nothing runs out of its place on the page.

Text that runs past its column is still in the file (``pdftotext`` returns it), yet on paper
it is cut at the page edge or hidden under the next column's chart. So these tests read the
glyph boxes (pdfplumber) and the tagged structure tree that WeasyPrint writes for PDF/UA.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from tests.reports.example_report import example_file

from plantracker.domain.evaluate import evaluate
from plantracker.reports.build import build_report
from plantracker.reports.pdf import render_pdf
from plantracker.synth import synth_plan

_MM = 72 / 25.4
_SIDE_MARGIN = 14 * _MM  # the print stylesheet's @page side margins


@cache
def _pdf(name: str) -> bytes:
    if name == "example":
        return example_file("pdf")
    plan = synth_plan(3, seed=0)  # all seven statuses, eight periods, the long words
    return render_pdf(build_report(evaluate(plan, plan.periods[-1].id)))


def _mcids(node: dict[str, Any]) -> list[int]:
    found = list(node.get("mcids") or [])
    for child in node.get("children", []):
        found += _mcids(child)
    return found


def _find(node: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
    if node.get("type") == kind:
        yield node
    for child in node.get("children", []):
        yield from _find(child, kind)


def _donut_rows(node: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Each row of doughnuts: sibling Divs that each hold a heading and a legend (L)."""
    children = node.get("children", [])
    donuts = [
        child
        for child in children
        if child.get("type") == "Div"
        and any(True for _ in _find(child, "L"))
        and any(c.get("type") in ("H3", "H4") for c in child.get("children", []))
    ]
    if len(donuts) >= 2:
        yield donuts
        return
    for child in children:
        yield from _donut_rows(child)


def _page_legends(number: int, page: Any, roots: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """How many doughnut legends a page has, and every legend entry whose glyphs end past its
    column or outside the page."""
    chars: dict[int, list[dict[str, Any]]] = {}
    for char in page.chars:
        if char.get("mcid") is not None:
            chars.setdefault(char["mcid"], []).append(char)
    legends, problems = 0, []
    for root in roots:
        for row in _donut_rows(root):
            legends += len(row)
            lefts = []
            for donut in row:
                heading = next(c for c in donut["children"] if c.get("type") in ("H3", "H4"))
                glyphs = [c for m in _mcids(heading) for c in chars.get(m, [])]
                lefts.append(min(c["x0"] for c in glyphs) if glyphs else None)
            for i, donut in enumerate(row):
                # A column ends where the next doughnut's heading starts; the last one at
                # the page's content edge.
                right = page.width - _SIDE_MARGIN
                if i + 1 < len(row) and lefts[i + 1] is not None:
                    right = lefts[i + 1]
                for legend in _find(donut, "L"):
                    for entry in _find(legend, "LI"):
                        glyphs = [c for m in _mcids(entry) for c in chars.get(m, [])]
                        if not glyphs:
                            continue
                        text = "".join(c["text"] for c in glyphs)
                        x0 = min(c["x0"] for c in glyphs)
                        x1 = max(c["x1"] for c in glyphs)
                        bottom = max(c["bottom"] for c in glyphs)
                        if x1 > right + 0.01 or x0 < 0 or bottom > page.height:
                            problems.append(
                                f"page {number}: {text!r} runs to {x1:.1f} pt, "
                                f"its column ends at {right:.1f} pt"
                            )
    return legends, problems


@pytest.mark.parametrize("name", ["example", "synth"])
def test_every_doughnut_legend_stays_in_its_column(name: str) -> None:
    legends, problems = _measured(name)[1:]
    assert legends >= 4  # the test looked at the doughnuts (the structure tree is there)
    assert problems == ()


# --- no waste: page count, page fill, no heading at a page foot --------------------------

_FOOT = 16 * _MM  # the @page bottom margin: the running footer lives there
_TOP = 13 * _MM
_HEADINGS = frozenset({"H1", "H2", "H3", "H4", "H5", "H6", "Caption"})
_WHITE = ((1.0,), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0))
EXAMPLE_PAGES = 22  # the most the example's Q2 report may take


@dataclass(frozen=True)
class _Page:
    fill: float  # the content area's share down to the lowest glyph, rule or picture
    starts_section: bool  # its first glyph is a top-level section's heading (H2)
    first_heading: int  # the level of the heading its first glyph is part of (0: none)
    last_heading: int  # the level of its lowest heading (0: none)
    lines_after_last_heading: int  # lines of other text below its lowest heading


def _roles(node: dict[str, Any], role: str | None, out: dict[int, str]) -> None:
    """mcid → the heading type it is part of (H2, Caption…), "TH", or its own type."""
    kind = node.get("type", "")
    if role is None or role not in _HEADINGS:
        role = kind if kind in _HEADINGS or kind == "TH" or role is None else role
    for mcid in node.get("mcids") or []:
        out[mcid] = role
    for child in node.get("children", []):
        _roles(child, role, out)


def _level(role: str | None) -> int:
    """H1 → 1 … H6 → 6, a table's caption 7 (below every heading), anything else 0."""
    if role == "Caption":
        return 7
    return int(role[1]) if role in _HEADINGS else 0


def _drawn(thing: dict[str, Any]) -> bool:
    """Whether a shape shows on white paper (the page's and charts' white grounds do not)."""
    if "text" in thing or thing.get("object_type") == "image":
        return True
    fill = thing.get("fill") and tuple(thing.get("non_stroking_color") or ()) not in _WHITE
    stroke = thing.get("stroke") and tuple(thing.get("stroking_color") or ()) not in _WHITE
    return bool(fill or stroke)


@cache
def _measured(name: str) -> tuple[tuple[_Page, ...], int, tuple[str, ...]]:
    """Each page of the report as measured on paper (pdfplumber over the tagged PDF), the
    number of doughnut legends and the legend entries that run out of their column: one
    reading of the file for every test, as reading it is most of their cost."""
    pages = []
    legends, problems = 0, []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(_pdf(name))
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                foot = page.height - _FOOT
                roots = page.structure_tree
                found, wrong = _page_legends(number, page, roots)
                legends += found
                problems += wrong
                roles: dict[int, str] = {}
                for root in roots:
                    _roles(root, None, roles)
                drawn = [
                    o["bottom"]
                    for o in page.chars + page.rects + page.lines + page.curves + page.images
                    if o["top"] < foot and _drawn(o)
                ]
                fill = (min(max(drawn), foot) - _TOP) / (foot - _TOP) if drawn else 0.0
                chars = [c for c in page.chars if c["top"] < foot and c.get("mcid") is not None]
                first = roles.get(min(chars, key=lambda c: c["top"])["mcid"]) if chars else None
                headed = [c for c in chars if roles.get(c["mcid"]) in _HEADINGS]
                lowest = max((c["bottom"] for c in headed), default=None)
                after = {
                    round(c["top"])
                    for c in chars
                    if lowest is not None
                    and c["top"] >= lowest
                    and roles.get(c["mcid"]) not in _HEADINGS | {"TH"}
                }
                last = max(headed, key=lambda c: c["bottom"]) if headed else None
                pages.append(
                    _Page(
                        fill=fill,
                        starts_section=first == "H2",
                        first_heading=_level(first),
                        last_heading=_level(roles[last["mcid"]]) if last else 0,
                        lines_after_last_heading=len(after) if lowest is not None else 99,
                    )
                )
    return tuple(pages), legends, tuple(problems)


def _pages(name: str) -> tuple[_Page, ...]:
    return _measured(name)[0]


def test_the_example_takes_at_most_22_pages(tmp_path: Path) -> None:
    path = tmp_path / "example.pdf"
    path.write_bytes(_pdf("example"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    assert pages <= EXAMPLE_PAGES


@pytest.mark.parametrize("name", ["example", "synth"])
def test_no_page_is_under_half_full_but_a_sections_last(name: str) -> None:
    """A section is one of the report's top-level sections (an H2: the overview, the
    recommendations, the deep dives…), as in ADR 0071. A page may end under half full
    only where the next page starts a section or the report ends."""
    pages = _pages(name)
    wasted = [
        f"page {number}: {page.fill:.0%} full"
        for number, (page, following) in enumerate(itertools.pairwise(pages), 1)
        if page.fill < 0.5 and not following.starts_section
    ]
    assert wasted == []


@pytest.mark.parametrize("name", ["example", "synth"])
def test_no_heading_is_left_at_a_page_foot(name: str) -> None:
    """The lowest heading or table caption on a page has its first lines of text under it
    on the same page (two at least, so an introduction alone does not count), unless the
    next page starts with a heading of the same or a higher level (its part had ended)."""
    pages = _pages(name)
    orphans = [
        f"page {number}: {page.lines_after_last_heading} line(s) under its last heading"
        for number, (page, following) in enumerate(itertools.pairwise(pages), 1)
        if page.lines_after_last_heading < 2
        and not (following.first_heading and following.first_heading <= page.last_heading)
    ]
    assert orphans == []
