"""An owner's eight updates on one page, in a real browser (Debian's chromium): typed into
several items before saving, one item's error shown with every other typed text kept, a
change saved by the page script as it is made, a warning before leaving with unsaved
words, then all submitted with one button. axe-core checks every page state: zero
violations.

Counted for the guide: before, each item was its own form — 8 submit clicks and 8 page
loads after the first; now one "Submit all complete" (1 click, 1 page load).
"""

from __future__ import annotations

import re

import pytest
from tests.web.test_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM,
    Visit,
    example,
    page,
    sign_in,
)

from plantracker.tracker.models import Item, Update, User
from plantracker.tracker.services import item_owner_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from playwright.sync_api import Dialog, Page, expect  # noqa: E402

SLUG = "childrens-improvement-plan"
Q2 = "2018-19-Q2"
STATUSES = ["green", "amber", "red", "green", "amber", "green", "red", "amber"]


@pytest.fixture
def eight(example: None) -> list[Item]:  # noqa: F811 - the imported fixture
    """The contributor owns eight actions of the example plan."""
    contributor = User.objects.get(username="contributor@example.org")
    items = list(Item.objects.filter(plan__slug=SLUG, kind="actions").order_by("pk")[:8])
    for item in items:
        item_owner_link(item=item, user=contributor)
    return items


def _entries(items: list[Item]) -> dict[str, Update]:
    found = Update.objects.filter(item__in=items, period__code=Q2)
    return {entry.item.ref: entry for entry in found.select_related("item")}


def test_eight_updates_on_one_page_nothing_lost(
    page: Page,  # noqa: F811
    live_server: object,
    eight: list[Item],
) -> None:
    base = str(live_server)
    visit = Visit(page)
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    sign_in(page, base, "contributor@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/updates/")
    expect(page.get_by_role("heading", name=re.compile(r"^Your updates for Q2"))).to_be_visible()
    visit.check("my-updates-all")
    loads.clear()

    # Words typed into all eight (each revises the approved update); the fifth's status
    # is left unchosen.
    sections = [page.locator(f"#item-{item.pk}") for item in eight]
    for number, (section, status) in enumerate(zip(sections, STATUSES, strict=True)):
        section.get_by_label("Status", exact=True).select_option("" if number == 4 else status)
        section.get_by_label("Commentary").fill(f"Progress on {eight[number].ref}, in my words")
    page.get_by_role("button", name="Save all drafts").first.click()

    # The forgotten status is the only error; every typed text is still there.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    missing = f"Choose the status of Action {eight[4].ref}"
    expect(page.get_by_role("link", name=missing)).to_be_visible()
    for number, section in enumerate(sections):
        expect(section.get_by_label("Commentary")).to_have_value(
            f"Progress on {eight[number].ref}, in my words"
        )
    visit.check("my-updates-all-error", screenshot=False)
    saved = _entries(eight)
    for number, item in enumerate(eight):
        if number == 4:
            assert saved[item.ref].state == "approved"  # refused: the approved one stands
        else:
            assert saved[item.ref].state == "draft"
            assert saved[item.ref].commentary == f"Progress on {item.ref}, in my words"

    # With JavaScript, a change is saved as it is made.
    sections[4].get_by_label("Status", exact=True).select_option("green")
    expect(sections[4].get_by_text(re.compile(r"^Draft saved at"))).to_be_visible()
    assert _entries(eight)[eight[4].ref].commentary == f"Progress on {eight[4].ref}, in my words"

    # Leaving with words not yet saved asks first; staying keeps them.
    sections[0].get_by_label("Commentary").fill("A second thought, not saved yet")
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Plans").first.click()
    expect(sections[0].get_by_label("Commentary")).to_have_value("A second thought, not saved yet")
    assert dialogs == ["beforeunload"]

    # One button sends all eight for review.
    page.get_by_role("button", name="Submit all complete").first.click()
    expect(page.get_by_text(re.compile(r"^Submitted for review: Action"))).to_be_visible()
    visit.check("my-updates-all-submitted", screenshot=False)
    entries = _entries(eight)
    assert {entry.state for entry in entries.values()} == {"submitted"}
    assert len(entries) == 8
    assert entries[eight[0].ref].commentary == "A second thought, not saved yet"
    for item in eight[1:]:
        assert entries[item.ref].commentary == f"Progress on {item.ref}, in my words"
    # The whole of eight updates: one page load for the save, one for the submit.
    assert len(loads) == 2
