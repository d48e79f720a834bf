"""Fixtures for the browser tests: the real server, Debian's Chromium, contexts, auditors.

Run them with ``make test-browser`` (they are also part of ``make test``). They need
/usr/bin/chromium (``apt-get install chromium``; never ``playwright install``) and
node_modules/axe-core (``bash scripts/assets.sh``). Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser import flows
from tests.browser.a11y import ARTIFACTS, AXE_PATH, NARROW, SCREENSHOTS, WIDE, Auditor
from tests.browser.server import Server, start_server

CHROMIUM = os.environ.get("COLLABDX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--lang=en-GB",
]  # fmt: skip
DEFAULT_TIMEOUT_MS = 15_000
# The mirror of a no-JavaScript page runs no script of its own (axe is evaluated by
# Playwright, which a CSP does not block) and, like the app, loads nothing from elsewhere.
MIRROR_CSP = "default-src 'self'; script-src 'none'; img-src 'self' data:"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ------------------------------------------------------------------ session


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not (Path(CHROMIUM).exists() and AXE_PATH.exists()):
        pytest.fail(
            f"The browser tests need {CHROMIUM} (apt-get install chromium) and {AXE_PATH} "
            "(bash scripts/assets.sh). Deselect them with -m 'not browser'."
        )
    srv = start_server(tmp_path_factory.mktemp("collabdx-data"), demo=True)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright, server: Server) -> Iterator[Browser]:
    b = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def incomplete_log() -> Iterator[list[dict[str, Any]]]:
    """axe "needs review" results of the whole run, written out for a person to look at."""
    found: list[dict[str, Any]] = []
    yield found
    ARTIFACTS.mkdir(exist_ok=True)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for v in found:
        for node in v["nodes"]:
            key = (v["id"], " ".join(node["target"]))
            seen.setdefault(key, {"rule": v["id"], "help": v["help"], "page": v["page"],
                                  "target": key[1], "html": node["html"],
                                  "why": node["summary"]})
    (ARTIFACTS / "axe-needs-review.json").write_text(json.dumps(list(seen.values()), indent=1))


# ------------------------------------------------------------------ per test


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, server: Server) -> Iterator[ContextFactory]:
    """Make browser contexts (separate cookie jars); all are closed after the test."""
    made: list[BrowserContext] = []

    def make(*, width: int = 1280, js: bool = True, storage_state: Any = None) -> BrowserContext:
        viewport = NARROW if width == NARROW["width"] else {**WIDE, "width": width}
        ctx = browser.new_context(
            base_url=server.url, viewport=viewport, java_script_enabled=js,
            accept_downloads=True, storage_state=storage_state, locale="en-GB",
        )  # fmt: skip
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        ctx.set_default_navigation_timeout(2 * DEFAULT_TIMEOUT_MS)
        console: list[str] = []
        def on_console(msg: Any) -> None:
            # "Failed to load resource" names no URL; on_response below reports it with one.
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                console.append(msg.text)

        def on_response(resp: Any) -> None:
            # A page may answer 404 on purpose; what it loads (CSS, scripts, images) may not.
            if resp.status >= 400 and resp.request.resource_type != "document":
                console.append(f"{resp.request.resource_type} {resp.url} answered {resp.status}")

        ctx.on("console", on_console)
        ctx.on("response", on_response)
        ctx.on("weberror", lambda e: console.append(f"uncaught: {e.error}"))

        documents: dict[str, str] = {}  # url -> HTML to serve instead (the axe mirror)

        def local_only(route: Any) -> None:
            url = route.request.url
            if url in documents:
                route.fulfill(status=200, content_type="text/html; charset=utf-8",
                              headers={"Content-Security-Policy": MIRROR_CSP}, body=documents[url])
            elif urlsplit(url).hostname in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                console.append(f"request to another origin blocked: {route.request.url}")
                route.abort()

        ctx.route("**/*", local_only)
        ctx.cdx_console = console  # type: ignore[attr-defined]
        ctx.cdx_js = js  # type: ignore[attr-defined]
        ctx.cdx_documents = documents  # type: ignore[attr-defined]
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


AuditFactory = Callable[..., Auditor]


@pytest.fixture
def audit(
    request: pytest.FixtureRequest, new_context: ContextFactory,
    incomplete_log: list[dict[str, Any]],
) -> Iterator[AuditFactory]:
    """``audit(page, journey)`` gives an Auditor; the test fails if its problems go unreported."""
    auditors: list[Auditor] = []
    mirror_page: list[Page] = []

    def mirror() -> Page:
        if not mirror_page:
            mirror_page.append(new_context(js=True).new_page())
        return mirror_page[0]

    def make(page: Page, journey: str) -> Auditor:
        ctx: Any = page.context
        auditor = Auditor(page, journey, js=ctx.cdx_js, mirror=mirror, console=ctx.cdx_console)
        auditors.append(auditor)
        return auditor

    yield make
    for a in auditors:
        incomplete_log.extend(a.incomplete)
    unreported = [a for a in auditors if a.problems and not a.reported]
    call = getattr(request.node, "rep_call", None)
    if unreported:
        text = "\n\n".join(a.report() for a in unreported)
        if call is not None and call.passed:
            pytest.fail(text)
        print(text)


@pytest.fixture(scope="session")
def survey_setup(browser: Browser, server: Server) -> flows.Setup:
    """A facilitator, a collaboration with one partner per respondent journey, an open wave."""
    ctx = browser.new_context(base_url=server.url, viewport=WIDE)
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = ctx.new_page()
        return flows.set_up_collaboration(
            page, username="setup-facilitator", collaboration="Browser test collaborative",
            partners=flows.RESPONDENT_PARTNERS,
        )  # fmt: skip
    finally:
        ctx.close()
