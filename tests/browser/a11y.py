"""Accessibility checks run on every page a browser journey visits.

``Auditor.check`` runs, on the page as it is now:

- axe-core (the version pinned in package-lock.json) with the WCAG 2.0/2.1/2.2 A and
  AA rule tags; every violation is a problem, listed with rule id, impact, target
  selectors and help;
- the page title: present, different from the previous page's, and starting
  "Error: " exactly when the page shows an error summary (which must come before
  the h1 and, with JavaScript, take focus);
- headings: one h1, no skipped level on the way down;
- accessible names: every control in Playwright's ARIA snapshot (textbox, radio,
  checkbox, button, link ...) has a name;
- the keyboard: Tab through the page, the first stop is the skip link, focus only
  moves forward in document order, no positive tabindex, and every stop shows a
  visible focus indicator (an outline or box-shadow that is not transparent, or a
  change of colour on the element, its label's radio/checkbox mark or its content);
- charts: every ``svg[role=img]`` chart shown has a ``<title>`` and a data table after it;
- width: at 375px and at 1280px the page is no wider than the window
  (``document.documentElement.scrollWidth <= innerWidth``; issue 17);
- the console: no Content Security Policy violation or script error;
- on the main pages (``screenshot=True``): axe again at the other width (375px /
  1280px), full-page screenshots at both widths, and reflow (WCAG 1.4.10): nothing
  but tables and charts in their own scrolling boxes may scroll sideways at 320px.

Problems are collected, so one run lists every defect of a journey; the test calls
``assert_clean()`` at its end (and the ``audit`` fixture fails any test that does not).
Pages opened with JavaScript switched off are audited by axe through a "mirror": the
same DOM, scripts removed, served to a JavaScript-enabled page (axe cannot run where
scripts cannot).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser import js

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}
REFLOW = {"width": 320, "height": 800}
MAX_TAB_STOPS = 80
# The NHS.UK frontend's prebuilt CSS names its Frutiger web fonts on assets.nhs.uk.
# Our CSP (font-src 'self') blocks them, so nothing is fetched from another origin
# and text falls back to Arial; the browser still logs the block. Reported, not
# an accessibility defect, so not counted here.
# The same CSS names a few icons as url(/assets/images/...), a path this app does not
# serve (its copy is under /static/nhsuk/assets/): the search box's clear button loses
# its cross. Reported; the fix belongs in scripts/assets.sh, not in a page.
KNOWN_CONSOLE = [
    re.compile(r"Loading the font 'https://assets\.nhs\.uk/fonts/"),
    re.compile(r"^image http://127\.0\.0\.1:\d+/assets/images/nhsuk-icon-[a-z-]+\.svg "
               r"answered 404$"),
]
CONTROL_ROLES = (
    "textbox|searchbox|radio|checkbox|combobox|listbox|spinbutton|slider|switch|button|link"
)
_CONTROL_LINE = re.compile(rf'^\s*- ({CONTROL_ROLES})\b(?:\s+"((?:[^"\\]|\\.)*)")?')


def axe_version() -> str:
    package = json.loads((AXE_PATH.parent / "package.json").read_text())
    return str(package["version"])


@dataclass
class Auditor:
    """Checks pages of one journey and collects what is wrong with them."""

    page: Page
    journey: str
    js: bool = True
    mirror: Callable[[], Page] | None = None
    console: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    rules_run: set[str] = field(default_factory=set)
    incomplete: list[dict[str, Any]] = field(default_factory=list)
    reported: bool = False
    _last_title: str = ""
    _last_path: str = ""
    _shots: int = 0

    # ------------------------------------------------------------ entry points

    def check(self, label: str, *, screenshot: bool = False, error: bool | None = None) -> None:
        """Audit the current page. ``error``: True/False if the page must (not) show errors."""
        page = self.page
        page.wait_for_load_state("load")
        where = f"{label} ({urlsplit(page.url).path})"
        self.visited.append(where)
        found: list[str] = []
        found += self._title_and_errors(error)
        found += self._headings()
        found += self._names()
        found += self._charts()
        found += self._console()
        found += self._axe()
        found += self._keyboard()
        found += self._fits()
        if screenshot:
            found += self._screenshots(label)
        self.problems += [f"[{self.journey}] {where}: {p}" for p in found]

    def assert_clean(self) -> None:
        self.reported = True
        assert not self.problems, self.report()

    def report(self) -> str:
        head = f"{len(self.problems)} accessibility problem(s) in journey {self.journey!r}"
        return "\n".join([head, *self.problems, f"Pages checked: {len(self.visited)}"])

    # ------------------------------------------------------------ checks

    def _title_and_errors(self, error: bool | None) -> list[str]:
        out: list[str] = []
        page = self.page
        if self.js:
            # The NHS.UK error summary script moves focus to it on load.
            with contextlib.suppress(PlaywrightError):  # reported below if it does not
                page.wait_for_function(
                    "() => { const s = document.querySelector('.nhsuk-error-summary');"
                    " return !s || s.contains(document.activeElement); }",
                    timeout=3000,
                )
        info = page.evaluate(js.TITLE_AND_ERRORS)
        title = info["title"].strip()
        path = urlsplit(page.url).path
        if not title:
            out.append("the page has no <title>")
        elif path != self._last_path and title == self._last_title:
            out.append(f"the title did not change from the previous page: {title!r}")
        if info["hasSummary"] and not title.startswith("Error: "):
            out.append(f"the page shows an error summary but its title {title!r} does not "
                       "start with 'Error: '")
        if not info["hasSummary"] and title.startswith("Error"):
            out.append(f"the title {title!r} says Error but no error summary is shown")
        if error is True and not info["hasSummary"]:
            out.append("expected an error summary, found none")
        if error is False and info["hasSummary"]:
            out.append("unexpected error summary")
        if info["hasSummary"]:
            if not info["summaryBeforeH1"]:
                out.append("the error summary does not come before the h1")
            if self.js and not info["summaryFocused"]:
                out.append("the error summary does not take focus when the page loads")
            if not info["summaryLinks"] or not all(
                (h or "").startswith("#") for h in info["summaryLinks"]
            ):
                out.append(f"error summary entries must link to the fields: {info['summaryLinks']}")
        self._last_title, self._last_path = title, path
        return out

    def _headings(self) -> list[str]:
        heads = self.page.evaluate(js.HEADINGS)
        out = []
        h1s = [h for h in heads if h["level"] == 1]
        if len(h1s) != 1:
            out.append(f"expected exactly one h1, found {len(h1s)}: {[h['text'] for h in h1s]}")
        prev = 1
        for h in heads:
            if h["level"] > prev + 1:
                out.append(f"heading level skipped: h{prev} to h{h['level']} at {h['text']!r}")
            prev = h["level"]
        return out

    def _names(self) -> list[str]:
        out = []
        snapshot = self.page.locator("body").aria_snapshot()
        for line in snapshot.splitlines():
            m = _CONTROL_LINE.match(line)
            if m and not (m.group(2) or "").strip():
                out.append(f"a {m.group(1)} has no accessible name: {line.strip()!r}")
        radios = self.page.locator("input[type=radio]:visible").count()
        named = len(re.findall(r'^\s*- radio "', snapshot, flags=re.M))
        if radios != named:
            out.append(f"{radios} radio buttons on the page but {named} named radios in the "
                       "accessibility tree")
        return out

    def _charts(self) -> list[str]:
        out = []
        for chart in self.page.evaluate(js.CHARTS):
            if not chart["title"]:
                out.append(f"chart svg[role=img] {chart['label']!r} has no <title>")
            if not chart["tableAfter"]:
                out.append(f"chart {chart['label']!r} is not followed by a data table")
        return out

    def _console(self) -> list[str]:
        new, self.console[:] = list(self.console), []
        return [
            f"console: {m[:300]}" for m in new if not any(k.search(m) for k in KNOWN_CONSOLE)
        ]

    def _axe(self, page: Page | None = None) -> list[str]:
        page = page or self._axe_page()
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE_PATH.read_text())  # not subject to the page's CSP
        result = page.evaluate(js.AXE_RUN, AXE_TAGS)
        self.rules_run.update(result["ran"])
        self.incomplete += [{**v, "page": self.page.url} for v in result["incomplete"]]
        out = []
        for v in result["violations"]:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:8])
            more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
            out.append(
                f"axe {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]\n"
                f"      targets: {targets}{more}\n"
                f"      e.g. {v['nodes'][0]['html']}\n      {v['nodes'][0]['summary']}"
            )
        return out

    def _axe_page(self) -> Page:
        if self.js:
            return self.page
        assert self.mirror is not None, "a no-JavaScript auditor needs a mirror page"
        mirror = self.mirror()
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", self.page.content(), flags=re.S | re.I)
        url = self.page.url.split("#")[0]
        mirror.set_viewport_size(self.page.viewport_size or WIDE)
        documents: dict[str, str] = mirror.context.cdx_documents  # type: ignore[attr-defined]
        documents[url] = html
        try:
            mirror.goto(url)
        finally:
            documents.pop(url, None)
        return mirror

    def _keyboard(self) -> list[str]:
        page = self.page
        out = [f"positive tabindex (breaks the focus order): {h}"
               for h in page.evaluate(js.POSITIVE_TABINDEX)]
        # Start from the top of the document, as after loading a page: focusing the
        # body moves the sequential focus starting point there.
        page.evaluate(
            "() => { window.__cdxPrevFocus = null; const b = document.body;"
            " b.setAttribute('tabindex', '-1'); b.focus(); b.removeAttribute('tabindex');"
            " window.scrollTo(0, 0); }"
        )
        page.keyboard.press("Tab")
        first = None
        for n in range(MAX_TAB_STOPS):
            stop = page.evaluate(js.FOCUS_STOP)
            if stop is None or stop["repeat"] or (n and stop["el"] == first):
                break  # wrapped round to the start, or left the document
            if n == 0:
                first = stop["el"]
                if not stop["skipLink"]:
                    out.append(f"the first Tab stop is {stop['el']}, not the skip link")
            if stop["backwards"]:
                out.append(f"focus moved backwards in the document to {stop['el']}")
            if not stop["cues"]:
                out.append(f"no visible focus indicator on {stop['el']}")
            if not stop["seen"]:
                out.append(f"the focused element is not on screen: {stop['el']}")
            page.keyboard.press("Tab")
        if first is None:
            out.append("Tab reaches nothing on the page")
        return out

    def _fits(self) -> list[str]:
        """No sideways scrolling of the whole page at a phone's width or a desktop's:
        checked at the page's own width, then at the other one."""
        page = self.page
        size = page.viewport_size or WIDE
        other = WIDE if size["width"] == NARROW["width"] else NARROW
        out = []
        try:
            for viewport in (size, other):
                if viewport is other:
                    page.set_viewport_size(other)
                found = page.evaluate(js.FITS)
                if found:
                    out.append(
                        f"at {found['width']}px the page is {found['scroll']}px wide: "
                        + ("; ".join(found["wide"]) or "(nothing named)")
                    )
        finally:
            page.set_viewport_size(size)
        return out

    def _screenshots(self, label: str) -> list[str]:
        out: list[str] = []
        page = self.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self._shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        size = page.viewport_size or WIDE
        page.evaluate(  # no focus ring or selected text from the keyboard checks in the pictures
            "() => { if (document.activeElement) document.activeElement.blur();"
            " for (const i of document.querySelectorAll('input[type=text]'))"
            " i.setSelectionRange(0, 0); }"
        )
        for viewport in (NARROW, WIDE):
            page.set_viewport_size(viewport)
            if viewport["width"] != size["width"]:
                # Responsive layout changes what axe sees (reflow, target size).
                out += [f"at {viewport['width']}px: {p}" for p in self._axe()]
            name = f"{self.journey}-{self._shots:02d}-{slug}-{viewport['width']}.png"
            page.screenshot(path=SCREENSHOTS / name, full_page=True)
        out += self._reflow()
        page.set_viewport_size(size)
        return out

    def _reflow(self) -> list[str]:
        """WCAG 1.4.10: at 320 CSS pixels wide (1280px zoomed to 400%) nothing but
        two-dimensional content (tables, charts, in their own scrolling boxes) may need
        sideways scrolling."""
        self.page.set_viewport_size(REFLOW)
        wide = self.page.evaluate(js.REFLOW)
        if not wide:
            return []
        return [f"at {REFLOW['width']}px the page scrolls sideways (WCAG 1.4.10); too wide: "
                + "; ".join(wide)]
