"""Wording and markup found wrong on a phone and in use (issue 17, "At 375 px and in the
wording"). The layout itself is checked in the browser tests at 375 and 1280 pixels."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.collab.services import close_wave
from tests.web.test_survey import ANSWERS, answer_pages, draft_key_on_check_page

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
STATIC = Path(__file__).resolve().parents[2] / "src" / "collabdx" / "web" / "static"


def long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_thank_you_page_says_results_come_when_the_wave_closes(client, wave):
    link = PartnerLink.objects.filter(wave=wave).first()
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(f"/s/{link.token}/submit/", {"draft": key})
    html = client.get(f"/s/{link.token}/thank-you/").content.decode()
    assert "once enough people have answered" not in html
    assert f"The survey closes on {long(wave.closes_on)}" in html
    assert "Nobody sees any results before then" in html


def test_an_open_waves_links_are_text_to_select_with_a_copy_button(owner_client, collab, wave):
    html = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/").content.decode()
    assert "Send each partner its own link" in html
    assert 'type="text"' not in html  # no read-only input that cuts the link off
    links = re.findall(r'<code class="cdx-link-text" id="(link-\d+)">(http[^<]+)</code>', html)
    assert len(links) == 3
    for link_id, _ in links:
        # The button is there for the script to show; without JavaScript it stays hidden.
        assert re.search(rf'data-copy-target="{link_id}"[^>]*hidden', html)
    assert 'id="maturity-link"' in html


def test_a_closed_waves_page_does_not_ask_to_send_links(owner_client, collab, wave):
    close_wave(wave)
    html = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/").content.decode()
    assert "Send each partner its own link" not in html
    assert "no longer accept answers" in html
    assert "cdx-qr" not in html and 'class="cdx-link-text" id="link-' not in html
    assert "Close this wave now" not in html


def test_sign_out_is_drawn_like_the_other_header_links(owner_client):
    html = owner_client.get("/").content.decode()
    button = re.search(r"<button[^>]*>Sign out</button>", html)
    assert button and "nhsuk-header__navigation-link" in button.group(0)
    text = (STATIC / "collabdx" / "collabdx.css").read_text()
    rule = re.search(r"\.cdx-link-button \{([^}]*)\}", text)
    # Only the font family and cursor: size, padding and line come from the NHS.UK class.
    assert rule and "padding" not in rule.group(1) and "font:" not in rule.group(1)
