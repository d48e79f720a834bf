"""Facilitator set-up: create an account, a collaboration with partners, open a wave,
copy a partner link from the page and check that it opens that partner's survey.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser

PARTNERS = ["Northfield Community Trust", "Southgate Hospitals NHS Trust", "Westmoor Council"]
NAME = "Northfield and Southgate Alliance"


def test_facilitator_sets_up_a_collaboration_and_shares_links(new_context, audit):
    page = new_context(width=1280).new_page()
    a = audit(page, "facilitator")

    page.goto("/")
    page.get_by_role("link", name="Create a facilitator account").click()
    flows.heading(page, "Create a facilitator account")
    a.check("create an account", error=False)
    page.get_by_role("textbox", name="Username").fill("facilitator-one")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("too short")
    a.check("create an account, password too short", screenshot=True, error=True)
    page.get_by_label("Password", exact=True).fill(flows.PASSWORD)
    page.get_by_role("button", name="Create account").click()

    flows.heading(page, "Your collaborations")
    expect(page.get_by_text("You have no collaborations yet.")).to_be_visible()
    a.check("your collaborations, none yet", error=False)
    page.get_by_role("link", name="Set up a collaboration").click()
    # One question per page (the single form was 4,600 pixels tall on a phone).
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary a")).to_have_count(1)
    a.check("set up, no name entered", screenshot=True, error=True)
    page.get_by_role("textbox", name=re.compile(flows.SET_UP_QUESTIONS[0])).fill(NAME)
    page.get_by_role("button", name="Continue").click()
    flows.answer_set_up_questions(page, NAME, PARTNERS, audit=a, start=2)
    a.check("set up, check the details", screenshot=True, error=False)
    page.get_by_role("link", name=re.compile("^Change.*type")).click()
    page.locator("main fieldset").get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Continue").click()
    flows.heading(page, "Check the collaboration's details")
    expect(page.get_by_role("main")).to_contain_text("Buddying")
    page.get_by_role("button", name="Set up collaboration").click()

    flows.heading(page, NAME)
    expect(page.get_by_role("status")).to_contain_text(f"Created {NAME}")
    for partner in PARTNERS:
        expect(page.get_by_role("main").get_by_text(partner, exact=True)).to_be_visible()
    a.check("collaboration", screenshot=True, error=False)

    page.get_by_role("link", name="Add an event").click()
    flows.heading(page, "Add an event to the timeline")
    a.check("add an event", error=False)
    # The NHS.UK date input: day, month and year (not the browser's mm/dd/yyyy picker).
    date = page.get_by_role("group", name=re.compile("Date of the event"))
    date.get_by_label("Day").fill("15")
    date.get_by_label("Month").fill("")  # it starts at today's date
    date.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Add event").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Date of the event must include a month"
    )
    a.check("add an event, month missing", screenshot=True, error=True)
    date.get_by_label("Month").fill("1")
    page.get_by_role("radio", name="Quick win").check()
    page.get_by_role("textbox", name="What happened").fill("Shared referral form agreed")
    page.get_by_role("button", name="Add event").click()
    flows.heading(page, NAME)

    page.get_by_role("link", name="Open a survey wave").click()
    flows.heading(page, "Open a survey wave")
    a.check("open a survey wave", screenshot=True, error=False)
    page.get_by_role("button", name="Open wave").click()

    flows.heading(page, "Wave 1")
    a.check("wave with partner links", screenshot=True, error=False)
    links = flows.read_links(page)
    assert sorted(links) == sorted(PARTNERS)
    for url in links.values():
        assert flows.LINK_RE.match(url), url
    assert len(set(links.values())) == len(PARTNERS)
    maturity = flows.maturity_link(page)
    assert flows.MATURITY_RE.match(maturity), maturity
    # Each link's QR code is named for assistive technology.
    expect(page.locator(".cdx-qr svg title").first).to_have_text(re.compile("QR code"))
    # With JavaScript a button copies each link, and says so.
    copy_name = re.compile(rf"^Copy link\W+Survey link for {PARTNERS[0]}$")
    copy = page.get_by_role("button", name=copy_name)
    expect(copy).to_be_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy.click()
    expect(page.locator("#link-1-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == links[PARTNERS[0]]

    # The copied link opens that partner's survey for someone with no account.
    respondent = new_context(width=375).new_page()
    r = audit(respondent, "facilitator-link")
    respondent.goto(links[PARTNERS[1]])
    flows.heading(respondent, "Readiness for collaboration survey")
    expect(respondent.get_by_role("main")).to_contain_text(f"staff of {PARTNERS[1]}")
    r.check("survey start from a copied link", error=False)

    # Closing the wave asks first; afterwards its page no longer asks to send links, and
    # the links say the survey has closed.
    page.get_by_role("link", name=re.compile("^Close this wave now")).click()
    flows.heading(page, "Close Wave 1 now?")
    expect(page.get_by_role("main")).to_contain_text("This cannot be undone")
    a.check("close the wave, confirm", screenshot=True, error=False)
    page.get_by_role("button", name="Close the wave now").click()
    flows.heading(page, "Wave 1")
    expect(page.locator(".cdx-message")).to_contain_text("Closed Wave 1")
    expect(page.get_by_role("main")).not_to_contain_text("Send each partner its own link")
    expect(page.get_by_role("main")).to_contain_text("closed early")
    a.check("wave, closed", screenshot=True, error=False)
    respondent.goto(links[PARTNERS[1]])
    flows.heading(respondent, "This survey has closed")
    r.check("survey link after the wave closed", error=False)
    r.assert_clean()

    # Sign out, and back in: the collaboration is listed.
    page.get_by_role("button", name="Sign out").click()
    flows.heading(page, "Sign in")
    a.check("signed out", error=False)
    flows.sign_in(page, "facilitator-one", flows.PASSWORD)
    a.check("your collaborations", screenshot=True, error=False)
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    a.assert_clean()
