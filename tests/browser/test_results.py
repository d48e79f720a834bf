"""Reports and exports on the demo collaboration (``collabdx serve --demo``): the group
report with its charts, the PDF workshop pack, the CSV/XLSX/JSON downloads, trends
across waves and the action plan.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.a11y import ARTIFACTS

pytestmark = pytest.mark.browser

DEMO = "Demo: Riverside Mental Health Provider Collaborative"
DOWNLOADS = ARTIFACTS / "downloads"


def download(page: Page, link_selector: str) -> tuple[str, bytes]:
    link = page.locator(link_selector).first
    expect(link).to_be_visible()
    with page.expect_download(timeout=90_000) as info:
        link.click()
    d = info.value
    assert d.failure() is None, d.failure()
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    d.save_as(DOWNLOADS / d.suggested_filename)  # kept for a person to open
    return d.suggested_filename, (DOWNLOADS / d.suggested_filename).read_bytes()


def test_group_report_exports_trends_and_plan(new_context, audit):
    page = new_context(width=1280).new_page()
    a = audit(page, "results")

    page.goto("/sign-in/")
    a.check("sign in", error=False)
    flows.sign_in(page, flows.DEMO_USER, flows.DEMO_PASSWORD)
    a.check("demo collaborations", error=False)
    page.get_by_role("link", name=DEMO).click()
    flows.heading(page, DEMO)
    expect(page.get_by_text("Demo collaboration: synthetic responses")).to_be_visible()
    a.check("demo collaboration", screenshot=True, error=False)
    collab_url = page.url
    page.get_by_role("link", name="Wave 2", exact=True).click()
    flows.heading(page, "Wave 2")
    a.check("demo wave", error=False)

    page.get_by_role("link", name=re.compile(r"^Read the group report")).click()
    flows.heading(page, "Wave 2: group report")
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= 1, "the group report should draw at least one chart"
    a.check("group report", screenshot=True, error=False)

    # The workshop pack as a PDF: the server's background worker draws it while a page
    # says so, with a "Check again" link (no JavaScript needed), then offers it.
    report_page = page.url
    page.locator("main a[href$='report.pdf']").first.click()
    flows.heading(page, "The workshop pack is being prepared")
    expect(page.get_by_role("status")).to_contain_text("is being prepared")
    a.check("workshop pack being prepared", screenshot=True, error=False)
    # Waits for the worker (an event), however busy the machine, as a person would.
    for _ in range(150):
        if page.get_by_role("heading", level=1, name="The workshop pack is ready").count():
            break
        page.wait_for_timeout(2_000)
        page.get_by_role("link", name="Check again").click()
        page.wait_for_load_state("load")
    flows.heading(page, "The workshop pack is ready")
    a.check("workshop pack ready", error=False)
    name, data = download(page, "main a[href$='report.pdf']")
    assert name.endswith(".pdf") and data.startswith(b"%PDF-"), name
    page.goto(report_page)
    flows.heading(page, "Wave 2: group report")
    # The data, in three formats.
    name, data = download(page, "main a[href$='export.csv']")
    assert name.endswith(".csv")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert "Q1" in header and "Q30" in header, header
    name, data = download(page, "main a[href$='export.xlsx']")
    assert name.endswith(".xlsx")
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    name, data = download(page, "main a[href$='export.json']")
    assert name.endswith(".json")
    assert json.loads(data)

    # Choose an action statement for the action plan.
    page.locator("main form.cdx-res-adopt button").first.click()
    expect(page.get_by_role("status")).to_contain_text("to the action plan")
    a.check("group report, action added", error=False)
    report_url = page.url.split("#")[0]

    # The researchers' page of the same wave, linked from the report, and its downloads.
    page.get_by_role("link", name=re.compile(r"^psychometric analysis of Wave 2")).click()
    flows.heading(page, "Wave 2: psychometric analysis")
    assert page.locator("main table caption").count() >= 10
    a.check("research page", screenshot=True, error=False)
    name, data = download(page, "main a[href$='research.json']")
    assert name.endswith("-research.json") and json.loads(data)["n_respondents"] > 0
    name, data = download(page, "main a[href$='research.zip']")
    assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    page.goto(report_url)
    expect(page.locator("#research")).to_have_text("For researchers")

    page.goto(collab_url)
    page.get_by_role("link", name="Compare waves and see the timeline").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    a.check("trends across waves", screenshot=True, error=False)

    page.goto(collab_url)
    page.get_by_role("link", name="Action plan", exact=True).click()
    flows.heading(page, "Action plan")
    a.check("action plan", screenshot=True, error=False)
    page.get_by_role("link", name=re.compile(r"^Update this action")).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    a.check("update an action", screenshot=True, error=False)
    a.assert_clean()
