"""Double submission: a double click on "Send my answers", a reload of the confirmation
and a replay from the back button store exactly one response, with and without
JavaScript (without it, nothing in the browser stops the second click).

Chromium sends one request for a double click on a submit button. Two clicks a
moment apart, without JavaScript, send two: Chromium aborts the first (its answer,
and the new session cookie in it, is thrown away) and shows the second. The second
must still say that the answers were sent (finding 4 in docs/reliability.md).
"""

from __future__ import annotations

import re
import time

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
    # The respondent's own feedback is there, on the page or one link away.
    if page.get_by_role("heading", level=2, name="Your feedback").count() == 0:
        page.get_by_role("link", name="See your feedback").click()
    expect(page.get_by_role("heading", level=2, name="Your feedback")).to_be_visible()

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
        # The browser has answered this wave (a signed cookie), so the journey's pages
        # now say so instead of asking again (issue 12).
        flows.heading(page, "Answers have already been sent from this browser")
    a.check("after sending again from the back button", error=False)
    assert server.responses_for_link(flows.token(link)) == 1
    a.assert_clean()


@pytest.mark.parametrize("gap", [0.05, 0.2], ids=["50ms", "200ms"])
def test_two_clicks_without_javascript_end_on_the_sent_page(
    gap, new_context, audit, survey_setup, server
):
    link = survey_setup.links[PARTNERS[False]]
    page = new_context(js=False).new_page()
    a = audit(page, f"two-clicks-{gap}")
    before = server.responses_for_link(flows.token(link))
    page.goto(link)
    page.get_by_role("button", name="Start now").first.click()
    flows.answer_pages(page, 1, flows.SURVEY_PAGES, seed=5)
    expect(page).to_have_url(re.compile(r"/check/$"))

    send = page.get_by_role("button", name="Send my answers")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)  # the page does not change until the answer comes
    time.sleep(gap)
    page.mouse.click(x, y)
    flows.heading(page, "Your answers have been sent")
    page.wait_for_load_state("load")
    a.check("after two clicks", error=False)
    assert server.responses_for_link(flows.token(link)) == before + 1

    # The feedback link (if any) leads to the feedback, or says clearly there is none
    # in this browser: the first request's new session never reached it.
    feedback = page.get_by_role("link", name="See your feedback")
    if feedback.count():
        feedback.click()
        flows.heading(
            page,
            re.compile("Your answers have been sent|There is no feedback to show on this device"),
        )
        a.check("feedback after two clicks", error=False)
    a.assert_clean()
