"""Double submission: a double click on "Send my answers", a reload of the confirmation
and a replay from the back button store exactly one response, with and without
JavaScript (without it, nothing in the browser stops the second click).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser

PARTNERS = {True: "Double Click Care Trust", False: "Second Double Click Trust"}


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_double_click_reload_and_replay_store_one_response(
    js, new_context, audit, survey_setup, server
):
    link = survey_setup.links[PARTNERS[js]]
    page = new_context(js=js).new_page()
    a = audit(page, "double-js" if js else "double-nojs")

    page.goto(link)
    a.check("survey start", error=False)
    page.get_by_role("button", name="Start now").first.click()
    flows.answer_pages(page, 1, flows.SURVEY_PAGES, seed=3, audit=a)
    expect(page).to_have_url(re.compile(r"/check/$"))
    a.check("check answers", error=False)
    assert server.responses_for_link(flows.token(link)) == 0

    page.get_by_role("button", name="Send my answers").dblclick()
    flows.heading(page, "Your answers have been sent")
    assert server.responses_for_link(flows.token(link)) == 1

    page.reload()
    flows.heading(page, "Your answers have been sent")
    a.check("confirmation after reload", error=False)
    assert server.responses_for_link(flows.token(link)) == 1

    # Back to the check page (from the browser's cache or the server) and send again.
    page.go_back()
    page.wait_for_load_state("load")
    send = page.get_by_role("button", name="Send my answers")
    if send.count():
        send.click()
        flows.heading(page, "Your answers have been sent")
    else:
        flows.heading(page, "Readiness for collaboration survey")
    a.check("after sending again from the back button", error=False)
    assert server.responses_for_link(flows.token(link)) == 1
    a.assert_clean()
