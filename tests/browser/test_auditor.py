"""The checks themselves can fail: break a real page on purpose and expect each defect.

If a check silently stopped working (axe not loaded, a selector gone stale), every
journey would still pass; this test would not.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.a11y import AXE_PATH, ROOT, WIDE, axe_version

pytestmark = pytest.mark.browser

BREAK_PAGE = """() => {
  const main = document.querySelector('main');
  main.insertAdjacentHTML('beforeend',
    '<h1>A second h1</h1><h4>Skipped to h4</h4>' +
    '<input type="text" id="nameless">' +
    '<span tabindex="3">Jumps the queue</span>' +
    '<svg role="img" viewBox="0 0 10 10" aria-label="Naked chart">' +
    '<rect width="10" height="10"/></svg>' +
    '<div class="nhsuk-error-summary">There is a problem <a href="#nameless">Fix it</a></div>');
  // No focus style on links (CSSOM rules are allowed by the CSP).
  document.styleSheets[0].insertRule('a, a:focus { background: none !important; ' +
    'box-shadow: none !important; outline: none !important; color: #005eb8 !important; ' +
    'text-decoration: underline !important; }', document.styleSheets[0].cssRules.length);
  const s = document.createElement('script');  // blocked by the CSP, and logged
  s.textContent = 'window.x = 1';
  document.body.append(s);
}"""

EXPECTED = [
    "axe label (critical)",
    "a textbox has no accessible name",
    "expected exactly one h1, found 2",
    "heading level skipped: h1 to h4",
    "positive tabindex",
    "no visible focus indicator on a",
    "chart svg[role=img] 'Naked chart' has no <title>",
    "chart 'Naked chart' is not followed by a data table",
    "does not start with 'Error: '",
    "the error summary does not come before the h1",
    "the error summary does not take focus",
    "console: Executing inline script violates",
]


def test_the_checks_catch_broken_pages(new_context, audit):
    page = new_context().new_page()
    a = audit(page, "auditor-self-test")
    page.goto("/about/")
    a.check("about, as served")
    assert a.problems == [], a.report()
    # target-size is axe's WCAG 2.2 rule (2.5.8); it is off by default, but runs by tag.
    assert {"target-size", "color-contrast", "label", "document-title"} <= a.rules_run

    page.goto("/privacy/")
    page.evaluate("t => { document.title = t; }", "About and credits – Collaboration diagnostic")
    page.evaluate(BREAK_PAGE)
    a.check("privacy, broken on purpose")
    a.reported = True
    text = a.report()
    assert "the title did not change from the previous page" in text
    missing = [e for e in EXPECTED if e not in text]
    assert not missing, f"checks that did not fire: {missing}\n{text}"

    # Reflow: something 900px wide, not in a scrolling box, makes a 320px page scroll sideways.
    page.evaluate("() => { const d = document.createElement('div'); d.className = 'too-wide';"
                  " d.style.width = '900px'; d.textContent = 'wide';"
                  " document.querySelector('main').append(d); }")
    reflow = a._reflow()
    assert reflow and 'div.too-wide "wide" (' in reflow[0], reflow
    # ... and the same 900px box makes the page wider than a 375px window, not 1280px.
    page.set_viewport_size(WIDE)
    fits = a._fits()
    assert len(fits) == 1 and fits[0].startswith("at 375px the page is "), fits
    assert "div.too-wide" in fits[0], fits


def test_axe_is_the_version_pinned_in_package_lock(new_context):
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    page = new_context().new_page()
    page.goto("/")
    page.evaluate(AXE_PATH.read_text())
    assert page.evaluate("axe.version") == axe_version() == pinned
