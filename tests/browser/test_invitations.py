"""Single-use invitations in a browser: inviting by e-mail (the server's console
mailer in development), a bad list named row by row, reminders, and the printed
code sheet whose codes open the survey. Each page checked with axe at 375 px and
desktop by the auditor.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser

PARTNER = "Keyboard Community Trust"


def test_invite_remind_and_print_codes(new_context, audit, survey_setup):
    # The auditor checks and photographs every page at 375 px and desktop widths.
    page = new_context(storage_state=survey_setup.storage_state, width=1280).new_page()
    a = audit(page, "invitations")
    page.goto(survey_setup.wave_path)
    page.get_by_role("link", name=re.compile(r"^Invitations, reminders")).click()
    flows.heading(page, "Invitations")
    a.check("invitations", screenshot=True, error=False)

    page.get_by_role("link", name="Invite people by e-mail").click()
    flows.heading(page, "Invite people by e-mail")
    a.check("invite", screenshot=True, error=False)
    page.get_by_label("Partner organisation").select_option(label=PARTNER)
    page.get_by_label("E-mail addresses").fill("ann@example.org\nnot-an-address")
    page.get_by_role("button", name="Send invitations").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Line 2: “not-an-address” is not an e-mail address"
    )
    a.check("invite, a bad row", screenshot=True, error=True)
    page.get_by_label("E-mail addresses").fill("ann@example.org\nben@example.org")
    page.get_by_role("button", name="Send invitations").click()
    flows.heading(page, "Invitations")
    expect(page.get_by_role("status")).to_contain_text(f"Sending 2 invitations for {PARTNER}")
    # The server's background worker sends them (collabdx serve starts it): follow the
    # page's own "Refresh this page" link until it has, waiting on the event, not a clock.
    for _ in range(120):
        if "2 of 2 sent" in page.get_by_role("main").inner_text():
            break
        page.wait_for_timeout(1_000)
        page.get_by_role("link", name="Refresh this page").click()
        page.wait_for_load_state("load")
    expect(page.get_by_role("main")).to_contain_text("2 of 2 sent")
    page.get_by_role("button", name="Send reminders").click()
    expect(page.get_by_role("status")).to_contain_text("Sending reminders")
    a.check("invitations, sent and reminded", error=False)

    page.get_by_role("link", name="Print single-use codes").click()
    flows.heading(page, "Print single-use codes")
    a.check("codes", screenshot=True, error=False)
    page.get_by_label("Partner organisation").select_option(label=PARTNER)
    page.get_by_label("How many codes").fill("3")
    page.get_by_role("button", name="Make codes").click()
    flows.heading(page, f"Codes for {PARTNER}")
    a.check("code sheet", screenshot=True, error=False)
    urls = page.locator(".cdx-code-url").all_inner_texts()
    assert len(urls) >= 3 and len(set(urls)) == len(urls)
    assert page.locator(".cdx-code-qr svg").count() == len(urls)
    a.assert_clean()

    # A code opens the survey for its partner, in a browser of its own.
    respondent = new_context(width=375).new_page()
    respondent.goto(urls[0])
    expect(respondent.get_by_role("main")).to_contain_text(PARTNER)
