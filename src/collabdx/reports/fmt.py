"""The one formatting module: numbers, percentages, intervals, p values, dates and
instrument labels, for the report, the web pages, the CLI and the research HTML.

One place, so a figure reads the same in a finding, a table, a chart label and a
web page. Negative numbers get a true minus sign (U+2212), which reads better in
print. Pure Python: no Django, so every layer above core may use it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

MINUS = "\u2212"
DASH = "–"


def num(x: float | None, places: int = 2) -> str:
    """A mean or a difference: two decimals, with a true minus sign; a dash for none."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return DASH
    text = f"{x:.{places}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]  # "-0.00" reads oddly
    return text.replace("-", MINUS)


def signed(x: float | None, places: int = 2) -> str:
    """A difference with its sign always shown: +0.42, −0.17."""
    if x is None:
        return DASH
    text = num(x, places)
    return text if text.startswith(MINUS) or float(f"{x:.{places}f}") == 0 else "+" + text


def ci(interval: Sequence[float] | None, places: int = 2) -> str:
    """A 95% CI, "lo to hi". A bound that is not 0 but would print as 0.00 gets more
    decimals, so an interval that excludes 0 never reads as if it touched it."""
    if not interval:
        return DASH
    lo, hi = interval
    while places < 6 and any(v != 0 and round(v, places) == 0 for v in (lo, hi)):
        places += 1
    return f"{num(lo, places)} to {num(hi, places)}"


def pct(x: float | None) -> str:
    return DASH if x is None else f"{x:.0f}%"


def p_value(x: float | None) -> str:
    """APA style: three decimals without the leading zero, "< .001" below that."""
    if x is None:
        return DASH
    if x < 0.001:
        return "< .001"
    return f"{x:.3f}".lstrip("0") if x < 1 else "1.000"


def long_date(day: dt.date) -> str:
    """"5 March 2026": the NHS style, no leading zero."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """"5 Mar 2026", for tables."""
    return f"{day.day} {day:%b %Y}"


def instrument_label(title: str, version: str, derived: bool) -> str:
    """How every page and file names an instrument version."""
    label = f"{title}, version {version}"
    return label + " (derived from the report, not validated)" if derived else label
