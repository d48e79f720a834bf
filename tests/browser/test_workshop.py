"""Maturity matrix workshop: private ratings through the rating link, each from its own
browser, then the facilitator records the level the group agreed for an element.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows

pytestmark = pytest.mark.browser

RATERS = 5  # the minimum group size, so the first element's counts can be shown
LEVELS = ["pathological", "bureaucratic", "generative"]


def rate(page: Page, rater: int) -> None:
    """Everyone rates the first element bureaucratic, three others vary, the rest unrated."""
    groups = page.locator("main form .cdx-element-group")
    expect(groups.first).to_be_visible()
    assert groups.count() == 9  # Table 11 has nine elements
    groups.nth(0).locator("input[value=bureaucratic]").check()
    for element in (1, 2, 3):
        level = LEVELS[(rater + element) % 3]
        groups.nth(element).locator(f"input[value={level}]").check()
    page.get_by_role("button", name="Submit my ratings").click()
    flows.heading(page, "Thank you for your ratings")


def test_private_ratings_and_an_agreed_level(new_context, audit, survey_setup, server):
    url = survey_setup.maturity_url
    wave_id = int(survey_setup.wave_path.rstrip("/").rsplit("/", 1)[-1])

    page = new_context(width=375).new_page()
    a = audit(page, "workshop-rater")
    page.goto(url)
    flows.heading(page, "Rate your collaboration’s maturity")
    a.check("rate maturity", screenshot=True, error=False)
    page.get_by_role("button", name="Submit my ratings").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Rate at least one element")
    a.check("rate maturity, nothing rated", error=True)
    rate(page, 0)
    a.check("ratings sent", screenshot=True, error=False)
    page.goto(url)  # the same device cannot rate twice
    flows.heading(page, "You have already given your ratings")
    a.check("already rated", error=False)
    a.assert_clean()

    for rater in range(1, RATERS):  # each participant on their own device
        other = new_context(width=375 if rater % 2 else 1280).new_page()
        r = audit(other, f"workshop-rater-{rater + 1}")
        other.goto(url)
        r.check("rate maturity", error=False)
        rate(other, rater)
        r.check("ratings sent", error=False)
        r.assert_clean()
    stored = server.query("SELECT COUNT(*) FROM workshop_maturityrating WHERE wave_id = ?",
                          (wave_id,))
    assert stored[0][0] == RATERS

    page = new_context(storage_state=survey_setup.storage_state).new_page()
    f = audit(page, "workshop-facilitator")
    page.goto(survey_setup.wave_path)
    f.check("wave", error=False)
    page.get_by_role("link", name="Run the maturity matrix workshop").click()
    flows.heading(page, "Maturity matrix workshop")
    expect(page.get_by_role("main")).to_contain_text(f"Ratings so far: {RATERS}")
    section = page.locator("section.cdx-element").first
    element = section.locator("h2").inner_text().strip()
    # All five chose the same level for the first element, so its counts are shown.
    expect(section.locator("table.cdx-counts")).to_contain_text("Bureaucratic")
    f.check("workshop", screenshot=True, error=False)

    section.get_by_role("button", name=f"Save the agreed level for {element}").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        f"Select the level the group agreed for {element}"
    )
    f.check("workshop, no level chosen", screenshot=True, error=True)

    section = page.locator("section.cdx-element").first
    section.get_by_role("radio", name="Bureaucratic").check()
    section.get_by_role("textbox", name=re.compile(r"^Why the group agreed")).fill(
        "Most people saw rules followed but little shared ownership."
    )
    section.get_by_role("textbox", name=re.compile(r"^Actions agreed")).fill(
        "Programme director to draft a shared decision log by March."
    )
    section.get_by_role("button", name=f"Save the agreed level for {element}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Recorded the agreed level for {element}")
    expect(page).to_have_url(re.compile(r"#element-"))
    expect(page.locator("section.cdx-element").first).to_contain_text("Recorded on")
    summary_row = page.locator("main table").first.locator("tr", has_text=element)
    expect(summary_row).to_contain_text("Bureaucratic")
    f.check("workshop, level agreed", error=False)
    f.assert_clean()
