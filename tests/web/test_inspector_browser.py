"""An inspector's visit in a real browser (ADR 0080), one walk: an owner submits an update
with a PDF and a link as its evidence; a lead approves it; an admin gives an inspector's
account the role with a last day on the Users pages (first forgetting the day); the
inspector reads the evidence and the audit trail and downloads the period's evidence pack
(the report PDF, the index and the evidence file in the zip); after the last day the
account is refused; the admin reads the record of the inspector's visits; a viewer of
another organisation gets 404 for the evidence file's address. axe-core checks every page
state: zero violations.

The pack's report PDF is put in the report cache first, as the worker leaves it when the
period's PDF has been built: the pack takes it from there, and this test is about the pack,
not about rendering a PDF (tests/web/test_browser.py downloads a real one).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from tests import evidence_files as files
from tests.web.plans import web_plan
from tests.web.test_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM,
    PASSWORD,
    Visit,
    example,
    page,
    sign_in,
)

from plantracker.tracker.models import (
    Evidence,
    InspectorVisit,
    Item,
    Membership,
    PlanRecord,
    Role,
    Update,
    User,
)
from plantracker.tracker.services import item_owner_link, member_add, plan_import

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from django.core.cache import caches  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402
from tests.tasks import run_worker  # noqa: E402

from plantracker.tracker.reports_cache import CACHE, report_key  # noqa: E402
from plantracker.tracker.selectors import period_plan  # noqa: E402

SLUG = "childrens-improvement-plan"
Q2 = "2018-19-Q2"
OWNER = "contributor@example.org"
INSPECTOR = "inspector@ofsted.example.org"
OUTSIDER = "viewer@other.example.org"
REPORT = b"%PDF-1.7 the period's report as the report cache holds it"


@pytest.fixture
def visit_site(example: None) -> None:  # noqa: F811 - the imported fixture
    """The example with its contributor owning 1.A1, and a viewer of another organisation."""
    record = PlanRecord.objects.get(slug=SLUG)
    item_owner_link(
        item=Item.objects.get(plan=record, ref="1.A1"), user=User.objects.get(username=OWNER)
    )
    other = plan_import(
        plan=web_plan(title="Other Improvement Plan", organisation="Other Borough Council"),
        slug="other",
    )
    member_add(email=OUTSIDER, role=Role.VIEWER, organisation=other.organisation, password=PASSWORD)


def _sign_out(tab: Page) -> None:
    tab.get_by_role("button", name="Sign out").click()


def test_an_inspectors_visit(page: Page, live_server: object, visit_site: None) -> None:  # noqa: F811
    base = str(live_server)
    visit = Visit(page)
    item = Item.objects.get(plan__slug=SLUG, ref="1.A1")

    # 1. The owner submits 1.A1's update and attaches a PDF and a link as its evidence.
    sign_in(page, base, OWNER)
    page.goto(f"{base}/plans/{SLUG}/{Q2}/updates/")
    section = page.locator(f"#item-{item.pk}")
    section.get_by_label("Status", exact=True).select_option("green")
    section.get_by_label("Commentary").fill("Every case file audited in September")
    section.get_by_role("button", name=re.compile(r"^Submit for review")).click()
    expect(page.get_by_text("Action 1.A1 submitted for review")).to_be_visible()
    page.goto(f"{base}/plans/{SLUG}/{Q2}/evidence/1.A1/")
    page.locator("#id_file-file").set_input_files(
        files=[{"name": "Case file audit.pdf", "mimeType": "application/pdf", "buffer": files.PDF}]
    )
    page.locator("#id_file-description").fill("Case file audit, September")
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("Case file audit.pdf was attached")).to_be_visible()
    page.locator("#id_link-url").fill("https://intranet.example.org/minutes")
    page.locator("#id_link-description").fill("Board minutes")
    page.get_by_role("button", name="Attach link").click()
    expect(page.get_by_text("The link was attached")).to_be_visible()
    visit.check("evidence-attached", screenshot=False)
    _sign_out(page)

    # 2. A lead approves it.
    sign_in(page, base, "lead@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/review/")
    page.locator(f"#item-{item.pk}").get_by_role("button", name=re.compile(r"^Approve")).click()
    expect(page.get_by_text(re.compile(r"1\.A1.* approved")).first).to_be_visible()
    assert Update.objects.get(item=item, period__code=Q2).state == "approved"
    _sign_out(page)

    # 3. An admin gives an inspector's account the role with a last day (forgotten first).
    last = timezone.localdate() + timedelta(days=14)
    sign_in(page, base, "admin@example.org")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("Email address").fill(INSPECTOR)
    page.get_by_label("Inspector", exact=True).check()
    page.get_by_label("Applies to").select_option(label="Children's Improvement Plan")
    page.get_by_label("Initial password").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    expect(
        page.get_by_role("link", name="Enter the inspector's last day of access")
    ).to_be_visible()
    visit.check("inspector-role-error", screenshot=False)
    page.get_by_label(re.compile(r"^Last day of access")).fill(last.isoformat())
    page.get_by_label("Initial password").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text(f"{INSPECTOR} was added")).to_be_visible()
    expect(page.get_by_text(f"until the end of {last.day} {last:%B %Y}")).to_be_visible()
    visit.check("inspector-role", screenshot=False)
    _sign_out(page)

    # 4. The inspector reads the evidence and the audit trail, and downloads the pack.
    sign_in(page, base, INSPECTOR)
    page.get_by_role("link", name="Children's Improvement Plan").click()
    page.goto(f"{base}/plans/{SLUG}/{Q2}/evidence/1.A1/")
    expect(page.get_by_role("link", name=re.compile(r"Case file audit\.pdf"))).to_be_visible()
    expect(page.get_by_text("https://intranet.example.org/minutes").first).to_be_visible()
    expect(page.get_by_role("button", name="Attach file")).to_have_count(0)
    visit.check("inspector-evidence", screenshot=False)
    page.goto(f"{base}/plans/{SLUG}/audit/?kind=evidence")
    expect(page.get_by_text("Case file audit.pdf").first).to_be_visible()
    visit.check("inspector-audit", screenshot=False)
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    page.get_by_role("link", name=re.compile(r"^Evidence pack for Q2")).click()
    expect(page.get_by_role("heading", name="The evidence pack is being prepared")).to_be_visible()
    visit.check("evidence-pack-preparing", screenshot=False)
    # Back on the dashboard (no refresh meets the worker on the test's one connection).
    page.get_by_role("link", name=re.compile(r"^Back to Q2")).click()
    plan = period_plan(plan_record=PlanRecord.objects.get(slug=SLUG), period_code=Q2)
    caches[CACHE].set(report_key(plan, Q2, "pdf"), REPORT, timeout=None)
    run_worker()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Evidence pack for Q2")).click()
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-{Q2}-evidence-pack.zip"
    evidence = Evidence.objects.get(filename="Case file audit.pdf")
    stored = f"Recommendation 01/1.A1 {evidence.pk} Case file audit.pdf"
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert archive.read(f"{SLUG}-{Q2}-report.pdf") == REPORT
        assert archive.read(stored) == files.PDF
        index = archive.read("index.csv").decode()
        assert stored in index and "https://intranet.example.org/minutes" in index
        assert "Every case file audited in September" in index
        assert "index.html" in archive.namelist()

    # 5. After the last day the account is refused.
    Membership.objects.filter(user__username=INSPECTOR).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    response = page.goto(f"{base}/plans/{SLUG}/{Q2}/evidence/1.A1/")
    assert response is not None and response.status == 404
    visit.check("inspector-refused", screenshot=False)
    page.goto(f"{base}/")
    expect(page.locator("#inspection-ended")).to_contain_text("ended on")
    visit.check("inspector-ended", screenshot=False)
    _sign_out(page)
    paths = set(InspectorVisit.objects.values_list("path", flat=True))
    assert f"/plans/{SLUG}/{Q2}/evidence/1.A1/" in paths
    assert f"/plans/{SLUG}/{Q2}/evidence-pack.zip" in paths

    # 6. The admin reads the record of the inspector's visits.
    sign_in(page, base, "admin@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    page.get_by_role("link", name="Inspectors' visits").click()
    expect(page.get_by_role("heading", name="Inspectors' visits")).to_be_visible()
    expect(page.get_by_text(f"/plans/{SLUG}/{Q2}/evidence-pack.zip").first).to_be_visible()
    visit.check("inspector-visits", screenshot=False)
    _sign_out(page)

    # 7. A viewer of another organisation: the evidence file's address is not found.
    sign_in(page, base, OUTSIDER)
    response = page.goto(f"{base}/plans/{SLUG}/evidence/{evidence.pk}/")
    assert response is not None and response.status == 404
    visit.check("evidence-file-outsider", screenshot=False)
