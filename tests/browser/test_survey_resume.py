"""Save and resume: answer half the survey, close the page, come back and finish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows

pytestmark = pytest.mark.browser

PARTNER = "Resume Health NHS Trust"
HALF = flows.SURVEY_PAGES // 2


def test_answers_are_saved_and_the_survey_resumes_where_it_stopped(
    new_context, audit, survey_setup, server
):
    link = survey_setup.links[PARTNER]
    context = new_context(width=1280)
    page = context.new_page()
    a = audit(page, "resume")

    page.goto(link)
    flows.heading(page, "Readiness for collaboration survey")
    expect(page.get_by_role("heading", name="You have already started")).to_have_count(0)
    a.check("survey start", error=False)
    page.get_by_role("button", name="Start now").first.click()
    chosen = flows.answer_pages(page, 1, HALF, seed=1, audit=a)
    expect(page).to_have_url(re.compile(rf"/page/{HALF + 1}/$"))
    page.wait_for_load_state("load")
    next_title = page.title()
    page.close()  # the respondent closes the tab; the cookie stays in this browser

    page = context.new_page()
    a.page = page
    page.goto(link)
    flows.heading(page, "Readiness for collaboration survey")
    expect(page.get_by_role("heading", level=2, name="You have already started")).to_be_visible()
    a.check("survey start, already started", screenshot=True, error=False)
    page.get_by_role("button", name="Continue where you left off").click()
    expect(page).to_have_url(re.compile(rf"/page/{HALF + 1}/$"))
    expect(page).to_have_title(next_title)

    # The answers given before closing the page are still there.
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(re.compile(rf"/page/{HALF}/$"))
    a.check(f"survey page {HALF}, answered before the break", error=False)
    assert page.locator("main form input[type=radio]:checked").count() > 0
    page.locator("main form button[type=submit]").click()

    chosen.update(flows.answer_pages(page, HALF + 1, flows.SURVEY_PAGES, seed=1, audit=a))
    expect(page).to_have_url(re.compile(r"/check/$"))
    a.check("check answers", error=False)
    # Every question is listed, with the answers from before and after the break.
    rows = page.locator("main .nhsuk-summary-list__row")
    expect(rows).to_have_count(30)
    assert len(chosen) == 29  # every choice question; Q3 (free text) is optional
    for name, label in chosen.items():
        value = rows.nth(int(name[1:]) - 1).locator(".nhsuk-summary-list__value")
        expect(value).to_have_text(label)
    page.get_by_role("button", name="Send my answers").click()
    flows.heading(page, "Your answers have been sent")
    a.check("feedback after resuming", error=False)
    assert server.responses_for_link(flows.token(link)) == 1

    # Coming back after sending: no draft any more, so no "continue" button.
    page.goto(link)
    expect(page.get_by_role("heading", name="You have already started")).to_have_count(0)
    a.assert_clean()
