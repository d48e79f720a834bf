"""The one formatting module (issue 13): every layer formats numbers, dates and
instrument labels through ``collabdx.reports.fmt``, so a figure reads the same
everywhere. Expected strings are written out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collabdx.reports import fmt

SRC = Path(__file__).resolve().parents[2] / "src" / "collabdx"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (3.14159, 2, "3.14"),
        (-0.5, 2, "\u22120.50"),  # a true minus sign, never ASCII "-"
        (-0.001, 2, "0.00"),  # no "−0.00"
        (None, 2, "–"),
        (math.nan, 2, "–"),
        (0.0456, 3, "0.046"),
    ],
)
def test_num(value, places, text):
    assert fmt.num(value, places) == text


def test_signed_pct_and_intervals():
    assert fmt.signed(0.42) == "+0.42" and fmt.signed(-0.17) == "\u22120.17"
    assert fmt.signed(0.0) == "0.00"
    assert fmt.pct(33.4) == "33%" and fmt.pct(None) == "–"
    assert fmt.ci((2.5, 3.75)) == "2.50 to 3.75"
    assert fmt.ci((-0.2, 0.5)) == "\u22120.20 to 0.50"
    assert fmt.ci((0.001, 0.3)) == "0.001 to 0.300"  # never reads as touching 0
    assert fmt.ci(None) == "–" and fmt.ci(()) == "–"


@pytest.mark.parametrize(
    ("value", "text"), [(0.0004, "< .001"), (0.0123, ".012"), (0.5, ".500"), (1.0, "1.000")]
)
def test_p_value(value, text):
    assert fmt.p_value(value) == text


def test_dates_and_instrument_label():
    day = dt.date(2026, 3, 5)
    assert fmt.long_date(day) == "5 March 2026"
    assert fmt.short_date(day) == "5 Mar 2026"
    assert fmt.instrument_label("Readiness", "1", False) == "Readiness, version 1"
    assert fmt.instrument_label("Check", "2", True) == (
        "Check, version 2 (derived from the report, not validated)"
    )


def test_no_module_defines_its_own_number_or_date_formatting():
    # The helpers that drifted apart (issue 13) must not grow back elsewhere.
    banned = ("def fmt(", "def ci_text(", "def _num(", "def _pct(", "def _p(",
              "def long_date(", "def format_date(", "def short_date(")  # fmt: skip
    offenders = [
        f"{path.relative_to(SRC)}: {name}"
        for path in SRC.rglob("*.py")
        if path.name != "fmt.py" and path.relative_to(SRC).parts[0] != "core"  # core: no display
        for name in banned
        if name in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_abbreviations_are_spelled_out_at_first_use_only_in_prose():
    from collabdx.reports.fmt import spell_out_first

    html = (
        '<title>IOC</title><p class="IOC">Two IOCs, the IOC and an ICS.</p>'
        "<svg><text>PCN</text></svg><textarea>PCN</textarea><p>PCN, PCN; ICSs</p>"
    )
    assert spell_out_first(html) == (
        '<title>IOC</title><p class="IOC">Two IOCs [interorganisational collaborations], '
        "the IOC and an ICS [integrated care system].</p>"
        "<svg><text>PCN</text></svg><textarea>PCN</textarea>"
        "<p>PCN [primary care network], PCN; ICSs</p>"
    )


@given(st.lists(st.sampled_from(["<b>", "</b>", "<style>", "</style>", "<svg/>", "<x", ">",
                                 "IOC", "IOCs", "ICS", "PCN", " text ", "", "<!-- c -->"]),
                max_size=30))
def test_split_tags_gives_what_re_split_gives(pieces):
    """spell_out_first walks the page lazily (issue 15), part for part as re.split did."""
    import re

    from collabdx.reports.fmt import _split_tags

    html = "".join(pieces)
    assert [p for _s, p in _split_tags(html)] == re.split(r"(<[^>]*>)", html)
    assert all(html.startswith(p, s) for s, p in _split_tags(html))


def _spell_out_first_walking_every_part(html: str) -> str:
    """spell_out_first as it was before it stopped early (issue 15), for comparison."""
    import re

    seen: set[str] = set()
    word = re.compile(r"\b(" + "|".join(fmt.ABBREVIATIONS) + r")(s?)\b")
    skip = ""
    out = []
    for part in re.split(r"(<[^>]*>)", html):
        tag = re.match(r"<(/?)([a-zA-Z][\w-]*)", part)
        if tag:
            name = tag.group(2).lower()
            if skip and tag.group(1) and name == skip:
                skip = ""
            elif not skip and name in fmt._NOT_PROSE and not tag.group(1) and part[-2:] != "/>":
                skip = name
        elif part and not part.startswith("<") and not skip:

            def expand(m: re.Match[str]) -> str:
                if m.group(1) in seen:
                    return m.group(0)
                seen.add(m.group(1))
                one, many = fmt.ABBREVIATIONS[m.group(1)]
                return f"{m.group(0)} [{many if m.group(2) else one}]"

            part = word.sub(expand, part)
        out.append(part)
    return "".join(out)


@given(st.lists(st.sampled_from(["<p>", "</p>", "<style>", "</style>", "<svg>", "</svg>",
                                 "<svg/>", "<title>", "</title>", "<a title='IOC'>", "<x",
                                 ">", "IOC", "IOCs", "ICS", "PCNs", "xIOC", " text ", "",
                                 "<!-- IOC -->"]),
                max_size=40))
def test_spell_out_first_stopping_early_changes_nothing(pieces):
    html = "".join(pieces)
    assert fmt.spell_out_first(html) == _spell_out_first_walking_every_part(html)

