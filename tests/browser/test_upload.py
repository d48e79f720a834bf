"""Answers collected elsewhere (issue 16): a new facilitator uploads a Qualtrics export
into a wave, fixes nothing but a wrong file first, maps the file's organisations to
partners and lands on the group report; every page audited (axe, keyboard, 375 px).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.io.conftest import QUALTRICS_NUMERIC

pytestmark = pytest.mark.browser

NAME = "Upload Alliance"
# The first two are spelt as in the export (case aside), so they start chosen.
PARTNERS = ["Northside Mental Health NHS Foundation Trust", "riverside community care",
            "Westmoor Council"]  # fmt: skip


def test_facilitator_uploads_a_qualtrics_export_and_opens_its_report(new_context, audit):
    page = new_context(width=1280).new_page()
    a = audit(page, "upload")
    flows.set_up_collaboration(page, username="uploader", collaboration=NAME, partners=PARTNERS)

    page.get_by_role("link", name=re.compile(r"^Upload answers from a file")).click()
    flows.heading(page, "Upload answers collected elsewhere")
    a.check("upload a file", screenshot=True, error=False)

    # A file that is not a table: the error summary names it, and nothing moves on.
    page.locator("input[type=file]").set_input_files(
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": b"respondent_id,Q1\nA,9\n"}
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("notes.csv, row 2, column Q1")
    a.check("upload, a bad answer in the file", screenshot=True, error=True)

    page.locator("input[type=file]").set_input_files(str(QUALTRICS_NUMERIC))
    page.get_by_role("button", name="Upload and check the file").click()
    flows.heading(page, "Choose the partner for each organisation")
    main = page.get_by_role("main")
    expect(main).to_contain_text("kept 6")
    expect(main).to_contain_text("Dropped personal-data columns without reading them")
    a.check("choose the partner for each organisation", screenshot=True, error=False)

    # Two values left on "Choose": confirming asks for a decision on each.
    page.get_by_role("button", name="Store the responses and close the wave").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary li")).to_have_count(2)
    a.check("choose partners, two left to choose", screenshot=True, error=True)
    page.get_by_label(re.compile("HYPERLINK")).select_option(label="Leave these responses out")
    page.get_by_label("No organisation given").select_option(label=PARTNERS[0])
    page.get_by_role("button", name="Store the responses and close the wave").click()

    flows.heading(page, "Wave 1: group report")
    expect(page.get_by_role("status")).to_contain_text("Stored 5 responses in Wave 1 and closed it")
    a.check("group report of the uploaded wave", screenshot=True, error=False)
    a.assert_clean()
