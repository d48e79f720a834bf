"""Steps shared by several journeys: facilitator set-up, signing in, answering pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.a11y import Auditor

PASSWORD = "correct-horse-battery-staple-9"  # a throwaway test account
DEMO_USER, DEMO_PASSWORD = "demo", "demo-collabdx-2023"
# One partner per respondent journey, so each journey can count its own responses.
RESPONDENT_PARTNERS = [
    "Keyboard Community Trust",
    "Resume Health NHS Trust",
    "Double Click Care Trust",
    "No Script Mental Health Trust",
    "Second Double Click Trust",
]
SURVEY_PAGES = 8  # readiness v1: one page per block
LINK_RE = re.compile(r"^http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{20,}/$")
MATURITY_RE = re.compile(r"^http://127\.0\.0\.1:\d+/m/[A-Za-z0-9_-]{20,}/$")


@dataclass
class Setup:
    username: str
    collab_path: str
    wave_path: str
    links: dict[str, str]  # partner name -> survey link, as shown on the wave page
    maturity_url: str
    storage_state: Any = field(repr=False, default=None)


def token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def read_links(page: Page) -> dict[str, str]:
    """Each partner's survey link, as the wave page shows it (text under its label)."""
    links = {}
    for card in page.locator(".nhsuk-card").all():
        name = card.locator("h3").inner_text().strip()
        expect(card.locator(".cdx-link-label")).to_have_text(f"Survey link for {name}")
        links[name] = card.locator("code.cdx-link-text").inner_text().strip()
    return links


def maturity_link(page: Page) -> str:
    return page.locator("#maturity-link").inner_text().strip()


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your collaborations")).to_be_visible()


def set_up_collaboration(
    page: Page, *, username: str, collaboration: str, partners: list[str]
) -> Setup:
    """Create an account, a collaboration with its partners and open a wave (no checks)."""
    page.goto("/create-account/")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1, name="Your collaborations")).to_be_visible()
    page.get_by_role("link", name="Set up a collaboration").click()
    answer_set_up_questions(page, collaboration, partners)
    page.get_by_role("button", name="Set up collaboration").click()
    expect(page.get_by_role("heading", level=1, name=collaboration)).to_be_visible()
    collab_path = urlsplit(page.url).path
    page.get_by_role("link", name="Open a survey wave").click()
    page.get_by_role("button", name="Open wave").click()
    expect(page.get_by_role("heading", level=1, name="Wave 1")).to_be_visible()
    wave_path = urlsplit(page.url).path
    links = read_links(page)
    maturity = maturity_link(page)
    return Setup(username, collab_path, wave_path, links, maturity, page.context.storage_state())


SET_UP_QUESTIONS = (
    "What is the collaboration called?", "Which organisations are its partners?",
    "What type of collaboration is it?", "Mandate and sectors",
    "What stage is the collaboration at?",
)  # fmt: skip


def answer_set_up_questions(
    page: Page, name: str, partners: list[str], audit: Auditor | None = None, start: int = 1
) -> None:
    """The set-up's question pages, one after another (from question ``start``), up to
    the check page."""
    for n, question in enumerate(SET_UP_QUESTIONS, start=1):
        if n < start:
            continue
        expect(page.get_by_role("heading", level=1)).to_contain_text(question)
        if audit is not None:
            audit.check(f"set-up question {n}", screenshot=n in (2, 3), error=False)
        if n == 1:
            page.get_by_role("textbox", name=re.compile(question)).fill(name)
        elif n == 2:
            page.get_by_role("textbox", name=re.compile(question)).fill("\n".join(partners))
        else:
            for group in page.locator("main fieldset").all():
                group.get_by_role("radio").first.check()
        page.get_by_role("button", name="Continue").click()
    heading(page, "Check the collaboration's details")


def answer_page(page: Page, seed: int = 0) -> dict[str, str]:
    """Answer every radio group on the current survey page with the mouse, then continue.

    Returns the label chosen for each question.
    """
    chosen = {}
    page.wait_for_load_state("domcontentloaded")
    submit = page.locator("main form button[type=submit]")
    expect(submit).to_be_visible()  # the new page is there, not the one before it
    groups = page.locator("main form .nhsuk-radios")
    for i in range(groups.count()):
        radios = groups.nth(i).locator("input[type=radio]")
        radio = radios.nth((seed + i) % radios.count())
        radio.check()
        name = radio.get_attribute("name") or ""
        chosen[name] = page.locator(f"label[for='{radio.get_attribute('id')}']").inner_text()
    submit.click()
    return chosen


def answer_pages(
    page: Page, first: int, last: int, seed: int = 0, audit: Auditor | None = None
) -> dict[str, str]:
    """Answer survey pages ``first`` to ``last``, checking each one first if given an auditor."""
    chosen: dict[str, str] = {}
    for number in range(first, last + 1):
        expect(page).to_have_url(re.compile(rf"/page/{number}/$"))
        if audit is not None:
            audit.check(f"survey page {number}", error=False)
        chosen.update(answer_page(page, seed + number))
    return chosen


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1, name=text)).to_be_visible()
