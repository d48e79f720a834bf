"""The one formatting module: numbers, percentages, intervals, p values, dates and
instrument labels, for the report, the web pages, the CLI and the research HTML.

One place, so a figure reads the same in a finding, a table, a chart label and a
web page. Negative numbers get a true minus sign (U+2212), which reads better in
print. Pure Python: no Django, so every layer above core may use it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence

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


# The seed's abbreviations that reach a reader (Table 10's statements say "IOC"; Table
# 2's collaboration types "ICS" and "PCN"): spelled out at first use (issue 14).
ABBREVIATIONS = {
    "IOC": ("interorganisational collaboration", "interorganisational collaborations"),
    "ICS": ("integrated care system", "integrated care systems"),
    "PCN": ("primary care network", "primary care networks"),
}
# Text in these elements is not read as prose (or is the reader's own input).
_NOT_PROSE = ("style", "script", "title", "textarea", "svg")


def _split_tags(html: str) -> Iterator[tuple[int, str]]:
    """The parts ``re.split(r"(<[^>]*>)", html)`` gives, text and tag by turn, each
    with where it starts; lazily, so a caller can stop part way."""
    pos = 0
    for m in re.finditer(r"<[^>]*>", html):
        yield pos, html[pos : m.start()]
        yield m.start(), m.group(0)
        pos = m.end()
    yield pos, html[pos:]


def spell_out_first(html: str) -> str:
    """``html`` with the first use of each abbreviation in its text spelled out.

    "IOC" becomes "IOC [interorganisational collaboration]", "IOCs" the plural, in
    square brackets because the first use is often inside a statement quoted word
    for word from the report. Only text between tags changes, never a tag or an
    attribute, and nothing inside ``_NOT_PROSE`` elements.
    """
    seen: set[str] = set()
    word = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")(s?)\b")
    # Every abbreviation a text part can hold is in the page (tags delimit the parts,
    # so \b matches alike): once all of these are spelled out, the rest of the
    # page stays as it is and need not be walked part by part (issue 15).
    present = {a for a in ABBREVIATIONS if a in html and re.search(rf"\b{a}s?\b", html)}
    skip = ""  # the element being skipped, up to its end tag (a <style> holds no tags)
    out: list[str] = []
    for start, part in _split_tags(html):
        if seen >= present:
            out.append(html[start:])
            break
        tag = re.match(r"<(/?)([a-zA-Z][\w-]*)", part)
        if tag:
            name = tag.group(2).lower()
            if skip and tag.group(1) and name == skip:
                skip = ""
            elif not skip and name in _NOT_PROSE and not tag.group(1) and part[-2:] != "/>":
                skip = name
        elif part and not part.startswith("<") and not skip and len(seen) < len(ABBREVIATIONS):

            def expand(m: re.Match[str]) -> str:
                if m.group(1) in seen:
                    return m.group(0)
                seen.add(m.group(1))
                one, many = ABBREVIATIONS[m.group(1)]
                return f"{m.group(0)} [{many if m.group(2) else one}]"

            part = word.sub(expand, part)
        out.append(part)
    return "".join(out)
