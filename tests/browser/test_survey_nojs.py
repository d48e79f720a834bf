"""The survey journey with JavaScript switched off, on a 375px-wide screen.

Every page is still checked: axe runs on a copy of the same DOM (see a11y.Auditor),
the other checks on the page itself. Without JavaScript the error summary cannot
take focus, so it must be the first thing in the main content.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser

PARTNER = "No Script Mental Health Trust"


def test_survey_works_without_javascript(new_context, audit, survey_setup, server):
    link = survey_setup.links[PARTNER]
    page = new_context(width=375, js=False).new_page()
    a = audit(page, "nojs")
    assert not a.js

    page.goto(link)
    flows.heading(page, "Readiness for collaboration survey")
    assert page.evaluate("() => document.body.classList.contains('js-enabled')") is False
    a.check("survey start", screenshot=True, error=False)
    page.get_by_role("button", name="Start now").first.click()

    # Page 1 sent with nothing answered: every required question is listed.
    expect(page).to_have_url(re.compile(r"/page/1/$"))
    a.check("survey page 1", error=False)
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Continue").click()
    # Post/Redirect/Get (issue 17, bug 7): the page with errors is the answer to a GET,
    # so Back and reload never ask to send the form again.
    request = sent.value.request if sent.value else None
    assert request is not None and request.method == "GET", request
    assert request.redirected_from is not None and request.redirected_from.method == "POST"
    expect(page).to_have_url(re.compile(r"/page/1/$"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(4)  # Q1, Q2, Q4, Q5; Q3 is optional
    a.check("survey page 1 with errors", screenshot=True, error=True)
    reloaded = page.reload()
    assert reloaded is not None and reloaded.request.method == "GET"
    expect(page).to_have_title(re.compile(r"^Error: "))
    # The summary links to the first option of each question.
    href = summary.get_by_role("link").first.get_attribute("href")
    assert href == "#Q1"
    expect(page.locator(href)).to_have_attribute("type", "radio")

    flows.answer_page(page, seed=2)
    for number in range(2, flows.SURVEY_PAGES + 1):
        expect(page).to_have_url(re.compile(rf"/page/{number}/$"))
        a.check(f"survey page {number}", error=False)
        flows.answer_page(page, seed=2 + number)

    expect(page).to_have_url(re.compile(r"/check/$"))
    a.check("check answers", screenshot=True, error=False)
    # Change an answer from the check page, and come back to it.
    page.get_by_role("link", name=re.compile(r"^Change\s+your answer to: Is the collaboration")
                     ).click()
    expect(page).to_have_url(re.compile(r"/page/3/\?change=1"))
    a.check("change an answer", error=False)
    page.get_by_role("button", name="Save and check answers").click()
    expect(page).to_have_url(re.compile(r"/check/(#Q13)?$"))  # the browser keeps the #

    a.check("check answers after the change", error=False)
    page.get_by_role("button", name="Send my answers").click()
    flows.heading(page, "Your answers have been sent")
    a.check("personal feedback", screenshot=True, error=False)
    expect(page.locator("table.cdx-survey-scores tbody tr")).to_have_count(7)
    # The "evidence" details open without JavaScript (native <details>).
    details = page.locator("main details").first
    if details.count():
        details.locator("summary").click()
        expect(details).to_have_attribute("open", "")
    assert server.responses_for_link(flows.token(link)) == 1

    page.get_by_role("button", name="Remove my feedback from this device").click()
    flows.heading(page, "There is no feedback to show on this device")
    a.check("feedback removed", error=False)

    # One response per browser (issue 12): the link now says so, and a colleague on
    # the same (shared) computer starts their own response with a plain form button.
    page.goto(link)
    flows.heading(page, "Answers have already been sent from this browser")
    expect(page.get_by_role("textbox")).to_have_count(0)
    a.check("already answered in this browser", screenshot=True, error=False)
    page.get_by_role("button", name="Start a new response").click()
    flows.heading(page, "Readiness for collaboration survey")
    page.get_by_role("button", name="Start now").first.click()
    flows.answer_pages(page, 1, flows.SURVEY_PAGES, seed=7)
    page.get_by_role("button", name="Send my answers").click()
    flows.heading(page, "Your answers have been sent")
    assert server.responses_for_link(flows.token(link)) == 2
    a.assert_clean()
