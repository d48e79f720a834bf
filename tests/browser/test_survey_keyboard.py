"""A respondent on a 375px-wide phone answers the whole survey with the keyboard only.

No ``click()``: Tab and Shift+Tab move between controls, Space and the arrow keys
choose radio options, Enter follows links and presses buttons. On page 2 one
required question is left empty to see the error summary, then fixed from it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.keyboard import (
    choose_radio,
    focused,
    press_enter_and_wait,
    tab_to_button,
    tab_to_field,
    tab_to_link,
)

pytestmark = pytest.mark.browser

PARTNER = "Keyboard Community Trust"
SKIPPED = "Q7"  # left empty on page 2 at first
SCALES = 7  # the readiness survey's scales, one feedback row each


def option_for(item: str, options: int) -> int:
    return (int(item[1:]) * 2) % options


def test_keyboard_only_respondent_completes_the_survey(new_context, audit, survey_setup, server):
    link = survey_setup.links[PARTNER]
    page = new_context(width=375).new_page()
    a = audit(page, "keyboard")

    page.goto(link)
    flows.heading(page, "Readiness for collaboration survey")
    a.check("survey start", screenshot=True, error=False)
    tab_to_link(page, "Start now")
    press_enter_and_wait(page)

    chosen: dict[str, str] = {}
    for number in range(1, flows.SURVEY_PAGES + 1):
        expect(page).to_have_url(re.compile(rf"/page/{number}/$"))
        a.check(f"survey page {number}", screenshot=number <= 2, error=False)
        names = page.locator("main form [name^=Q]").evaluate_all(
            "els => [...new Set(els.map(e => e.name))]"
        )
        assert names, f"no questions on page {number}"
        for name in names:
            if number == 2 and name == SKIPPED:
                tab_to_field(page, name)  # pass through the group without choosing
                continue
            if page.locator(f"input[type=text][name={name}]").count():
                tab_to_field(page, name)
                page.keyboard.type(PARTNER)
                chosen[name] = PARTNER
                continue
            count = page.locator(f"input[type=radio][name={name}]").count()
            chosen[name] = choose_radio(page, name, option_for(name, count))
        if number == 3:
            # Shift+Tab back to the first question and change its answer.
            first = names[0]
            count = page.locator(f"input[type=radio][name={first}]").count()
            chosen[first] = choose_radio(
                page, first, (option_for(first, count) + 1) % count, back=True
            )
        tab_to_button(page, "Continue")
        press_enter_and_wait(page)

        if number == 2:
            # The required answer left empty: the same page again, with the error summary.
            expect(page).to_have_url(re.compile(r"/page/2/$"))
            expect(page).to_have_title(re.compile(r"^Error: "))
            summary = page.locator(".nhsuk-error-summary")
            expect(summary).to_be_focused()
            expect(summary).to_contain_text("Select an answer to")
            a.check("survey page 2 with an error", screenshot=True, error=True)
            # From the summary's link, Enter moves focus to the question; answer it there.
            tab_to_link(page, "Select an answer to")
            page.keyboard.press("Enter")
            expect(page.locator(":focus")).to_have_attribute("name", SKIPPED)
            assert focused(page)["id"] == SKIPPED
            count = page.locator(f"input[type=radio][name={SKIPPED}]").count()
            chosen[SKIPPED] = choose_radio(page, SKIPPED, option_for(SKIPPED, count), tab=False)
            tab_to_button(page, "Continue")
            press_enter_and_wait(page)
            expect(page).not_to_have_title(re.compile(r"^Error"))

    expect(page).to_have_url(re.compile(r"/check/$"))
    flows.heading(page, "Check your answers before sending them")
    a.check("check answers", screenshot=True, error=False)
    answers = page.locator("main").inner_text()
    for name in ("Q3", SKIPPED, "Q13", "Q30"):
        assert chosen[name] in answers, f"{name}: {chosen[name]!r} not on the check page"
    tab_to_button(page, "Send my answers")
    press_enter_and_wait(page)

    expect(page).to_have_url(re.compile(r"/thank-you/$"))
    flows.heading(page, "Your answers have been sent")
    a.check("personal feedback", screenshot=True, error=False)
    expect(page.get_by_role("heading", level=2, name="Your feedback")).to_be_visible()
    rows = page.locator("table.cdx-survey-scores tbody tr")
    expect(rows).to_have_count(SCALES)
    for row in rows.all():
        score = row.locator("td").first.inner_text().strip()
        assert re.fullmatch(r"[1-5](\.\d+)?", score), f"score {score!r} in {row.inner_text()!r}"
    expect(page.get_by_role("heading", name="Actions you might discuss")).to_be_visible()
    assert server.responses_for_link(flows.token(link)) == 1
    a.assert_clean()
