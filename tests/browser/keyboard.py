"""Keyboard-only interaction: Tab / Shift+Tab to a control, arrows and Space on radios.

Nothing here clicks. Tab order wraps round the document, so ``tab_to`` finds a
control from wherever focus happens to be, pressing at most ``limit`` keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '',
          name: el.getAttribute('name') || '', id: el.id, value: el.value || '',
          checked: !!el.checked, text: (el.textContent || '').trim().replace(/\\s+/g, ' '),
          cls: el.className || ''};
}"""

Focused = dict[str, Any]


def focused(page: Page) -> Focused:
    return dict(page.evaluate(_FOCUSED))


def tab_to(
    page: Page, want: Callable[[Focused], bool], *, back: bool = False, limit: int = 120,
    what: str = "control",
) -> Focused:
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if want(now):
            return now
    raise AssertionError(f"{key} never reached the {what} within {limit} presses")


def tab_to_field(page: Page, name: str, *, back: bool = False) -> Focused:
    return tab_to(page, lambda f: f["name"] == name, back=back, what=f"field {name!r}")


def tab_to_button(page: Page, text: str) -> Focused:
    def is_button(f: Focused) -> bool:
        is_btn = f["tag"] == "button" or "nhsuk-button" in f["cls"]
        return is_btn and f["text"].startswith(text)

    return tab_to(page, is_button, what=f"button {text!r}")


def tab_to_link(page: Page, text: str) -> Focused:
    return tab_to(page, lambda f: f["tag"] == "a" and f["text"].startswith(text),
                  what=f"link {text!r}")


def radio_labels(page: Page, name: str) -> list[str]:
    return [
        page.locator(f"label[for='{rid}']").inner_text().strip()
        for rid in page.locator(f"input[type=radio][name='{name}']").evaluate_all(
            "els => els.map(e => e.id)"
        )
    ]


def choose_radio(
    page: Page, name: str, index: int, *, back: bool = False, tab: bool = True
) -> str:
    """Tab into a radio group and select option ``index`` with the arrow keys or Space.

    With ``tab=False`` the group already has focus. Asserts the option ends up
    checked and that its accessible name is its label. Returns the label.
    """
    labels = radio_labels(page, name)
    now = tab_to_field(page, name, back=back) if tab else focused(page)
    assert now["type"] == "radio" and now["name"] == name, now
    values = page.locator(f"input[type=radio][name='{name}']").evaluate_all(
        "els => els.map(e => e.value)"
    )
    current = values.index(now["value"])
    if index == current:
        if not now["checked"]:
            page.keyboard.press("Space")
    else:
        key = "ArrowDown" if index > current else "ArrowUp"
        for _ in range(abs(index - current)):
            page.keyboard.press(key)
    focus = page.locator(":focus")
    expect(focus).to_be_checked()
    expect(focus).to_have_accessible_name(labels[index])
    expect(focus).to_have_attribute("value", values[index])
    return labels[index]


def press_enter_and_wait(page: Page) -> None:
    """Enter on the focused button or link, and wait for the next page to load."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
