"""Dates are asked for with the NHS.UK date input (day, month, year) and checked on the
server with the design system's messages (issue 17: the browser's own picker showed
mm/dd/yyyy)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms

from collabdx.web.collab.models import Event, Wave
from collabdx.web.dateinput import DateInputField, date_items
from collabdx.web.forms import error_list

pytestmark = pytest.mark.django_db


class OneDate(forms.Form):
    on = DateInputField(what="opening date")


def parts(day: str = "", month: str = "", year: str = "", name: str = "on") -> dict[str, str]:
    return {f"{name}[day]": day, f"{name}[month]": month, f"{name}[year]": year}


@pytest.mark.parametrize(
    ("sent", "message", "highlighted", "href"),
    [
        (parts(), "Enter the opening date", [], "#on-day"),
        (parts("5", "", "2027"), "Opening date must include a month", ["month"], "#on-month"),
        (parts("", "", "2027"), "Opening date must include a day and month", ["day", "month"],
         "#on-day"),
        (parts("5", "12", "27"), "Year must include 4 numbers", ["year"], "#on-year"),
        (parts("31", "2", "2027"), "Opening date must be a real date", [], "#on-day"),
        (parts("5", "Dec", "2027"), "Opening date must be a real date", [], "#on-day"),
        (parts("0", "1", "2027"), "Opening date must be a real date", [], "#on-day"),
    ],
)  # fmt: skip
def test_errors_follow_the_design_system(sent, message, highlighted, href):
    form = OneDate(sent)
    assert not form.is_valid()
    assert form.errors["on"] == [message]
    items = date_items(form, "on")
    assert [i["name"] for i in items if i.get("error")] == highlighted
    assert error_list(form) == [{"text": message, "href": href}]


def test_a_real_date_is_read():
    form = OneDate(parts(" 5 ", "03", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == dt.date(2027, 3, 5)


def test_an_optional_date_may_be_left_blank():
    class Optional(forms.Form):
        due = DateInputField(what="due date", required=False)

    form = Optional(parts(name="due"))
    assert form.is_valid() and form.cleaned_data["due"] is None


def test_initial_date_fills_the_boxes():
    form = OneDate(initial={"on": dt.date(2027, 3, 5)})
    assert [(i["name"], i["value"]) for i in date_items(form, "on")] == [
        ("day", "5"), ("month", "3"), ("year", "2027"),
    ]  # fmt: skip


def _boxes(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}\[(day|month|year)\]"', html)


def test_the_wave_form_uses_three_boxes_not_the_browser_picker(owner_client, collab):
    html = owner_client.get(f"/collaborations/{collab.pk}/waves/new/").content.decode()
    assert 'type="date"' not in html
    assert _boxes(html, "opens_on") == ["day", "month", "year"]
    assert _boxes(html, "closes_on") == ["day", "month", "year"]
    assert 'class="nhsuk-date-input"' in html and 'inputmode="numeric"' in html


def test_a_wave_is_opened_with_the_dates_typed(owner_client, collab):
    r = owner_client.post(
        f"/collaborations/{collab.pk}/waves/new/",
        {"name": "Spring", "instrument": "readiness:1",
         **parts("1", "4", "2027", "opens_on"), **parts("30", "4", "2027", "closes_on")},
    )  # fmt: skip
    assert r.status_code == 302
    wave = Wave.objects.get(name="Spring")
    assert (wave.opens_on, wave.closes_on) == (dt.date(2027, 4, 1), dt.date(2027, 4, 30))


def test_wave_form_errors_are_summarised_and_shown_at_the_boxes(owner_client, collab):
    r = owner_client.post(
        f"/collaborations/{collab.pk}/waves/new/",
        {"name": "Bad", "instrument": "readiness:1",
         **parts("10", "5", "2027", "opens_on"), **parts("1", "", "2027", "closes_on")},
    )  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 200 and re.search(r"<title>\s*Error: ", html)
    assert 'href="#closes_on-month"' in html
    assert "Closing date must include a month" in html
    assert 'value="10"' in html  # what was typed stays in the boxes
    assert not Wave.objects.filter(name="Bad").exists()


def test_closing_before_opening_is_refused(owner_client, collab):
    r = owner_client.post(
        f"/collaborations/{collab.pk}/waves/new/",
        {"name": "Bad", "instrument": "readiness:1",
         **parts("10", "5", "2027", "opens_on"), **parts("1", "5", "2027", "closes_on")},
    )  # fmt: skip
    assert "Closing date must be the same as or after the opening date" in r.content.decode()
    assert not Wave.objects.filter(name="Bad").exists()


def test_an_event_date_is_typed_in_three_boxes(owner_client, collab):
    url = f"/collaborations/{collab.pk}/events/new/"
    assert _boxes(owner_client.get(url).content.decode(), "happened_on") == ["day", "month",
                                                                            "year"]  # fmt: skip
    r = owner_client.post(url, {**parts("15", "1", "2026", "happened_on"), "kind": "quick_win",
                                "description": "Shared referral form agreed"})  # fmt: skip
    assert r.status_code == 302
    assert Event.objects.get().happened_on == dt.date(2026, 1, 15)
