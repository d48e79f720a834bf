"""The one formatting module (issue 13): every layer formats numbers, dates and
instrument labels through ``collabdx.reports.fmt``, so a figure reads the same
everywhere. Expected strings are written out by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

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
