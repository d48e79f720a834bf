"""Maturity matrix workshop: private ratings through the rating link, each from its own
browser, then the facilitator records the level the group agreed for an element.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import flows

pytestmark = pytest.mark.browser

RATERS = 5  # the minimum group size
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


def test_private_ratings_in_a_round_and_an_agreed_level(
    new_context, audit, survey_setup, server
):
    url = survey_setup.maturity_url
    wave_id = int(survey_setup.wave_path.rstrip("/").rsplit("/", 1)[-1])

    # The facilitator opens a rating round: the link takes ratings only while one is open.
    fac = new_context(storage_state=survey_setup.storage_state).new_page()
    f = audit(fac, "workshop-facilitator")
    fac.goto(survey_setup.wave_path)
    fac.get_by_role("link", name="Run the maturity matrix workshop").click()
    flows.heading(fac, "Maturity matrix workshop")
    f.check("workshop, no round yet", error=False)
    fac.get_by_role("button", name="Open a rating round").click()
    expect(fac.get_by_role("status")).to_contain_text("Opened rating round 1")
    expect(fac.get_by_role("main")).to_contain_text("Round 1 is open")

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
    page.goto(url)  # the same device cannot rate twice in a round
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

    # While the round is open: how many have rated, nothing about the levels.
    fac.reload()
    expect(fac.get_by_role("main")).to_contain_text(
        f"Ratings received so far in round 1: {RATERS}"
    )
    expect(fac.locator("table.cdx-counts")).to_have_count(0)
    f.check("workshop, round open", screenshot=True, error=False)
    fac.get_by_role("button", name="Close the rating round").click()
    expect(fac.get_by_role("status")).to_contain_text("Closed rating round 1")
    section = fac.locator("section.cdx-element").first
    element = section.locator("h2").inner_text().strip()
    # All five chose the same level for the first element: showing "Bureaucratic 5"
    # would tell each of them what the others chose, so the split is not shown.
    expect(section).to_contain_text(f"{RATERS} people rated this element")
    expect(section).to_contain_text("How many chose each level is not shown")
    f.check("workshop, round closed", screenshot=True, error=False)

    late = new_context(width=375).new_page()
    late.goto(url)
    flows.heading(late, "Ratings are not being collected just now")

    section.get_by_role("button", name=f"Save the agreed level for {element}").click()
    expect(fac).to_have_title(re.compile(r"^Error: "))
    expect(fac.locator(".nhsuk-error-summary")).to_contain_text(
        f"Select the level the group agreed for {element}"
    )
    f.check("workshop, no level chosen", screenshot=True, error=True)

    section = fac.locator("section.cdx-element").first
    section.get_by_role("radio", name="Bureaucratic").check()
    section.get_by_role("textbox", name=re.compile(r"^Why the group agreed")).fill(
        "Most people saw rules followed but little shared ownership."
    )
    section.get_by_role("textbox", name=re.compile(r"^Actions agreed")).fill(
        "Programme director to draft a shared decision log by March."
    )
    section.get_by_role("button", name=f"Save the agreed level for {element}").click()
    expect(fac.get_by_role("status")).to_contain_text(f"Recorded the agreed level for {element}")
    expect(fac).to_have_url(re.compile(r"#element-"))
    expect(fac.locator("section.cdx-element").first).to_contain_text("Recorded on")
    summary_row = fac.locator("main table").first.locator("tr", has_text=element)
    expect(summary_row).to_contain_text("Bureaucratic")
    f.check("workshop, level agreed", error=False)

    # Issue 14: an element agreed weak leads to its action statements, one adopted
    # into the action plan with an owner and a due date.
    confidence = fac.locator("section#element-confidence")
    confidence.get_by_role("radio", name="Pathological").check()
    confidence.get_by_role("button", name="Save the agreed level for Confidence").click()
    expect(fac.get_by_role("status")).to_contain_text("Recorded the agreed level for Confidence")
    fac.locator("section#element-confidence").get_by_role(
        "link", name="Choose actions for Confidence"
    ).click()
    flows.heading(fac, "Actions for weak elements")
    expect(fac.get_by_role("main")).to_contain_text("An element is weak when the group agreed")
    f.check("workshop, actions for weak elements", screenshot=True, error=False)
    card = fac.locator("li.nhsuk-card", has_text="Table 10, t10.22")
    card.get_by_role("link", name=re.compile(r"^Adopt this action")).click()
    flows.heading(fac, re.compile(r"^If mandated collaborations"))
    fac.get_by_role("button", name="Add to the action plan").click()
    expect(fac).to_have_title(re.compile(r"^Error: "))
    expect(fac.locator(".nhsuk-error-summary")).to_contain_text("Enter who owns this action")
    f.check("workshop, adopt with nothing entered", screenshot=True, error=True)
    fac.get_by_role("textbox", name="Owner").fill("Programme director")
    fac.get_by_role("textbox", name="Day").fill("15")
    fac.get_by_role("textbox", name="Month").fill("3")
    fac.get_by_role("textbox", name="Year").fill("2027")
    fac.get_by_role("button", name="Add to the action plan").click()
    expect(fac.get_by_role("status")).to_contain_text("to the action plan")
    expect(fac.get_by_role("main")).to_contain_text(
        "In the action plan Owner: Programme director. Due: 15 March 2027."
    )
    f.check("workshop, action adopted", error=False)

    # A weak trust element links to 15 statements: five ranked cards, the rule in
    # words, the rest behind "Show all" (checked at 375 px and desktop, with axe).
    fac.goto(survey_setup.wave_path)
    fac.get_by_role("link", name="Run the maturity matrix workshop").click()
    trust = fac.locator("section#element-trust")
    trust.get_by_role("radio", name="Pathological").check()
    trust.get_by_role("button", name="Save the agreed level for Trust").click()
    expect(fac.get_by_role("status")).to_contain_text("Recorded the agreed level for Trust")
    fac.locator("section#element-trust").get_by_role(
        "link", name="Choose actions for Trust"
    ).click()
    flows.heading(fac, "Actions for weak elements")
    expect(fac.get_by_role("main")).to_contain_text("Cards are ranked by how many different")
    trust = fac.locator("section#element-trust")
    expect(trust.locator(":scope > ol > li.nhsuk-card")).to_have_count(5)
    more = trust.locator("details")
    expect(more.locator("li.nhsuk-card").first).not_to_be_visible()
    f.check("workshop, trust statements ranked", screenshot=True, error=False)
    more.get_by_text("Show all 15 statements").click()
    expect(more.locator("li.nhsuk-card").first).to_be_visible()
    f.check("workshop, all trust statements", screenshot=True, error=False)
    f.assert_clean()
