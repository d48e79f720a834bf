"""Access, the security logs and sessions, as an owner and as a viewer would use them:
give a colleague access, see what a viewer sees (and cannot do), read the logs, list
and end sessions, confirm the password. Every page at 375 px and 1280 px, with axe.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows

pytestmark = pytest.mark.browser

DEMO = "Demo: Riverside Mental Health Provider Collaborative"
HELPER = "access-helper"


def sign_up(page: Page, username: str) -> None:
    page.goto("/create-account/")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_label("Password", exact=True).fill(flows.PASSWORD)
    page.get_by_role("button", name="Create account").click()
    flows.heading(page, "Your collaborations")


def test_owner_gives_access_viewer_reads_and_sessions_can_be_ended(new_context, audit):
    helper = new_context(width=375).new_page()
    h = audit(helper, "admin-viewer")
    sign_up(helper, HELPER)

    owner = new_context(width=1280).new_page()
    a = audit(owner, "admin-owner")
    flows.sign_in(owner, flows.DEMO_USER, flows.DEMO_PASSWORD)
    owner.get_by_role("link", name=DEMO).click()
    flows.heading(owner, DEMO)
    collab_path = urlsplit(owner.url).path
    owner.get_by_role("link", name="Give, change or remove access").click()
    flows.heading(owner, "Who has access")
    a.check("who has access", screenshot=True, error=False)

    owner.get_by_role("textbox", name="Their username").fill("nobody-by-that-name")
    owner.get_by_role("radio", name="Viewer").check()
    owner.get_by_role("button", name="Give access").click()
    expect(owner).to_have_title(re.compile(r"^Error: "))
    expect(owner.locator(".nhsuk-error-summary")).to_contain_text("no facilitator account")
    a.check("who has access, unknown username", screenshot=True, error=True)

    owner.get_by_role("textbox", name="Their username").fill(HELPER)
    owner.get_by_role("radio", name="Viewer").check()
    owner.get_by_role("button", name="Give access").click()
    expect(owner.get_by_role("status")).to_contain_text(f"{HELPER} now has access as a viewer")
    expect(owner.get_by_role("heading", level=2, name=HELPER)).to_be_visible()
    a.check("who has access, with a viewer", screenshot=True, error=False)

    # The viewer reads the collaboration and a wave, without links or buttons to change.
    helper.goto(collab_path)
    flows.heading(helper, DEMO)
    expect(helper.get_by_text("You are a viewer of this collaboration")).to_be_visible()
    expect(helper.get_by_role("link", name="Open a survey wave")).to_have_count(0)
    h.check("collaboration as a viewer", screenshot=True, error=False)
    helper.get_by_role("link", name="Wave 2", exact=True).click()
    flows.heading(helper, "Wave 2")
    expect(helper.get_by_role("heading", name="Partner links")).to_have_count(0)
    expect(helper.locator("input.cdx-token")).to_have_count(0)
    h.check("wave as a viewer", screenshot=True, error=False)
    helper.goto(collab_path + "edit/")
    flows.heading(helper, "You cannot do this")
    expect(helper.get_by_role("main")).to_contain_text("Viewers can read")
    h.check("refused to a viewer", screenshot=True, error=False)

    # The owner's log shows the access given and the refused attempt.
    owner.goto(collab_path)
    owner.get_by_role("link", name=re.compile("See who downloaded data")).click()
    flows.heading(owner, "Security log")
    expect(owner.get_by_role("main")).to_contain_text(f"Access given: {HELPER} as viewer")
    expect(owner.get_by_role("main")).to_contain_text("Access refused")
    a.check("collaboration security log", screenshot=True, error=False)

    # Change the role, then remove access: the viewer's open session loses it at once.
    owner.goto(collab_path + "access/")
    owner.get_by_role("radio", name="Co-facilitator").first.check()
    owner.get_by_role("button", name=f"Save role of {HELPER}").click()
    expect(owner.get_by_role("status")).to_contain_text(f"{HELPER} is now a co-facilitator")
    owner.get_by_role("button", name=f"Remove access of {HELPER}").click()
    expect(owner.get_by_role("status")).to_contain_text(f"{HELPER} no longer has access")
    response = helper.goto(collab_path)
    assert response is not None and response.status == 404
    a.assert_clean()

    # Sessions: the helper signs in on a second browser, sees both, ends the other one.
    second = new_context(width=1280).new_page()
    flows.sign_in(second, HELPER, flows.PASSWORD)
    helper.goto("/account/")
    flows.heading(helper, "Your account")
    rows = helper.locator("#sessions ~ table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("This session")
    h.check("account with two sessions", screenshot=True, error=False)
    helper.goto("/account/confirm-password/?next=/account/")
    flows.heading(helper, "Confirm your password")
    h.check("confirm your password", screenshot=True, error=False)
    helper.get_by_label("Password", exact=True).fill(flows.PASSWORD)
    helper.get_by_role("button", name="Continue").click()
    flows.heading(helper, "Your account")
    helper.get_by_role("button", name=re.compile("^Sign out this session")).click()
    expect(helper.get_by_role("status")).to_contain_text("That session is signed out")
    second.goto("/account/")
    flows.heading(second, "Sign in")
    helper.goto("/account/security-log/")
    flows.heading(helper, "Your security log")
    expect(helper.get_by_role("main")).to_contain_text("Another session signed out")
    h.check("your security log", screenshot=True, error=False)
    h.assert_clean()
