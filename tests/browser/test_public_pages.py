"""Pages anyone can reach without signing in: the front door, information pages, the
programme theory explorer (with its causal web chart) and the not-found page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import flows
from tests.browser.a11y import axe_version

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_information_pages(width, new_context, audit):
    page = new_context(width=width).new_page()
    a = audit(page, f"public-{width}")
    shots = width == 1280  # each screenshot is taken at both widths anyway

    page.goto("/")
    flows.heading(page, "Diagnose and improve collaboration between health and care organisations")
    a.check("start page", screenshot=shots)
    page.get_by_role("link", name="About and credits").click()
    flows.heading(page, "About and credits")
    a.check("about")
    page.get_by_role("link", name="Privacy").click()
    a.check("privacy")
    page.get_by_role("link", name="Accessibility statement").click()
    flows.heading(page, re.compile(r"^Accessibility statement for "))
    a.check("accessibility statement", screenshot=shots)

    page.goto("/no-such-page/")
    a.check("page not found")
    a.assert_clean()


def test_accessibility_statement_says_what_was_tested(new_context):
    page = new_context().new_page()
    page.goto("/accessibility/")
    text = page.locator("main").inner_text()
    for needed in (
        f"axe-core {axe_version()}",
        "WCAG 2.2",
        "Playwright",
        "Chromium",
        "375",
        "without JavaScript",
        "keyboard",
        "Equality Advisory and Support Service",
        "Compliance status",
        "Preparation of this accessibility statement",
    ):
        assert needed in text, f"the accessibility statement does not mention {needed!r}"
    for heading in (
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "What we’re doing to improve accessibility",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()


def test_sign_in_errors(new_context, audit):
    page = new_context(width=375).new_page()
    a = audit(page, "sign-in")
    page.goto("/sign-in/")
    a.check("sign in", error=False)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    a.check("sign in, nothing entered", screenshot=True, error=True)
    page.get_by_role("textbox", name="Username").fill("nobody")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("username or password")
    a.check("sign in, wrong password", error=True)
    a.assert_clean()


def test_programme_theory_explorer(new_context, audit):
    page = new_context().new_page()
    a = audit(page, "explorer")
    page.goto("/theory/")
    a.check("explorer index", screenshot=True)
    for name in ("Mechanisms", "Context–mechanism–outcome configurations", "Action statements",
                 "Maturity matrix"):
        page.get_by_role("main").get_by_role("link", name=name, exact=True).click()
        flows.heading(page, re.compile(r"\S"))
        a.check(name.lower())
        page.go_back()
    page.goto("/theory/web/")
    flows.heading(page, "The causal web")
    # Its nodes are links, so the drawing is a labelled group rather than an image.
    assert page.locator("main svg[role=group][aria-labelledby]").count() >= 1
    a.check("causal web", screenshot=True)
    # Each box of the drawing is a link to that factor's page.
    page.locator("main svg a").first.click()
    expect(page).to_have_url(re.compile(r"/theory/node/"))
    a.check("a factor of the causal web")
    a.assert_clean()
