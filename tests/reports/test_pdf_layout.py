"""The PDF's layout: nothing runs out of its place on the page.

Text that runs past its column is still in the file (``pdftotext`` returns it), yet on paper
it is cut at the page edge or hidden under the next column's chart. So these tests read the
glyph boxes (pdfplumber) and the tagged structure tree that WeasyPrint writes for PDF/UA.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from tests.reports.example_report import example_report

from plantracker.domain.evaluate import evaluate
from plantracker.reports.build import build_report
from plantracker.reports.pdf import render_pdf
from plantracker.synth import synth_plan

_MM = 72 / 25.4
_SIDE_MARGIN = 14 * _MM  # the print stylesheet's @page side margins


@cache
def _pdf(name: str) -> bytes:
    if name == "example":
        return render_pdf(example_report())
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


def overflowing_legends(path: Path) -> list[str]:
    """Every legend entry whose glyphs end past its column or outside the page."""
    problems = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars: dict[int, list[dict[str, Any]]] = {}
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars.setdefault(char["mcid"], []).append(char)
            for root in page.structure_tree:
                for row in _donut_rows(root):
                    lefts = []
                    for donut in row:
                        heading = next(
                            c for c in donut["children"] if c.get("type") in ("H3", "H4")
                        )
                        glyphs = [c for m in _mcids(heading) for c in chars.get(m, [])]
                        lefts.append(min(c["x0"] for c in glyphs) if glyphs else None)
                    for i, donut in enumerate(row):
                        # A column ends where the next doughnut's heading starts; the last
                        # one at the page's content edge.
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
    return problems


@pytest.mark.parametrize("name", ["example", "synth"])
def test_every_doughnut_legend_stays_in_its_column(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(_pdf(name))
    legends = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for root in page.structure_tree:
                legends += sum(1 for row in _donut_rows(root) for _ in row)
    assert legends >= 4  # the test looked at the doughnuts (the structure tree is there)
    assert overflowing_legends(path) == []
