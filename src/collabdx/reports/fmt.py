"""Number formatting shared by the findings text and every renderer of the report.

One place, so a figure reads the same in a finding, a table and a chart label.
Negative numbers get a true minus sign (U+2212), which reads better in print.
"""

from __future__ import annotations

MINUS = "\u2212"
DASH = "–"


def num(x: float | None, places: int = 2) -> str:
    """A mean or a difference: two decimals, with a true minus sign."""
    if x is None:
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


def ci(interval: tuple[float, float] | None, places: int = 2) -> str:
    """A 95% CI, "lo to hi". A bound that is not 0 but would print as 0.00 gets more
    decimals, so an interval that excludes 0 never reads as if it touched it."""
    if interval is None:
        return DASH
    lo, hi = interval
    while places < 6 and any(v != 0 and round(v, places) == 0 for v in (lo, hi)):
        places += 1
    return f"{num(lo, places)} to {num(hi, places)}"


def pct(x: float | None) -> str:
    return DASH if x is None else f"{x:.0f}%"
