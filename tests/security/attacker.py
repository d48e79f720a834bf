"""The attacker's tools: read pages as a person would, and enumerate by brute force
every history of partner counts that fits what was read.

The attacker is the facilitator of issue 12: they read every page at any time and
know how the app works in general (counts never go down; a wave starts empty), but
nothing of the code's disclosure decisions. So nothing here imports them: the
readings are parsed from the visible text, and the enumeration walks every count
vector on a grid. Kept separate from any one test so that the whole-app disclosure
harness can reuse it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

# ----------------------------------------------------------------- reading pages


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "br", "dd"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: one line per block, spaces collapsed."""
    p = _Text()
    p.feed(html)
    lines = ("".join(p.parts)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)  # header row included


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        # A responsive table repeats its column heading inside each cell for phones
        # (aria-hidden); the reader already has it from the header row.
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden or (self._cell is not None and ("aria-hidden", "true") in attrs):
            self._hidden += 1
        elif tag == "table":
            self._stack.append(Table())
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag == "tr" and self._stack:
            self._stack[-1].rows.append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption" and self._caption is not None and self._stack:
            self._stack[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            if self._stack[-1].rows:
                self._stack[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[Table]:
    p = _Tables()
    p.feed(html)
    return p.tables


# ----------------------------------------------------------------- the enumeration

INF = 10**9  # "no upper bound" in a reading; the grid's own size caps it


@dataclass(frozen=True)
class Reading:
    """What one look at the pages told about the partners' counts at that moment.

    ``partners``: inclusive bounds per partner; ``total``: bounds on the sum;
    ``enough``: how many partners have at least k, when a page says so.
    """

    partners: dict[str, tuple[int, int]]
    total: tuple[int, int] | None = None
    enough: int | None = None

    def merged(self, other: Reading) -> Reading:
        """Two pages read at the same moment: both are true, so intersect them."""
        parts = dict(self.partners)
        for name, (lo, hi) in other.partners.items():
            a, b = parts.get(name, (0, INF))
            parts[name] = (max(a, lo), min(b, hi))
        total = self.total
        if other.total is not None:
            total = other.total if total is None else (
                max(total[0], other.total[0]), min(total[1], other.total[1])
            )
        enough = self.enough if other.enough is None else other.enough
        assert self.enough is None or other.enough is None or self.enough == other.enough
        return Reading(parts, total, enough)


def consistent_counts(
    readings: Sequence[Reading], names: Sequence[str], k: int, n_max: int
) -> list[dict[str, set[int]]]:
    """For every reading, every count each partner could have had then, over all
    histories that fit every reading: counts never decrease between readings.

    Brute force on the grid of count vectors 0..n_max per partner: a forward pass
    keeps the vectors reachable by a fitting history so far, a backward pass those
    from which a fitting history can go on to the last reading; a vector is
    possible at a reading exactly when both hold.
    """
    p = len(names)
    axes = np.indices((n_max + 1,) * p, dtype=np.int16) if p else np.zeros((0,))
    total = axes.sum(axis=0)
    enough = (axes >= k).sum(axis=0)

    def allowed(r: Reading) -> np.ndarray:
        mask = np.ones((n_max + 1,) * p, dtype=bool)
        for i, name in enumerate(names):
            lo, hi = r.partners.get(name, (0, INF))
            mask &= (axes[i] >= lo) & (axes[i] <= hi)
        if r.total is not None:
            mask &= (total >= r.total[0]) & (total <= r.total[1])
        if r.enough is not None:
            mask &= enough == r.enough
        return mask

    def up(mask: np.ndarray) -> np.ndarray:  # some earlier vector is <= this one
        for axis in range(p):
            mask = np.logical_or.accumulate(mask, axis=axis)
        return mask

    def down(mask: np.ndarray) -> np.ndarray:  # some later vector is >= this one
        for axis in range(p):
            mask = np.flip(np.logical_or.accumulate(np.flip(mask, axis), axis=axis), axis)
        return mask

    masks = [allowed(r) for r in readings]
    forward = [masks[0]]
    for m in masks[1:]:
        forward.append(up(forward[-1]) & m)
    backward = [masks[-1]]
    for m in reversed(masks[:-1]):
        backward.insert(0, down(backward[0]) & m)
    out = []
    for f, b in zip(forward, backward, strict=True):
        both = f & b
        per_partner = {}
        for i, name in enumerate(names):
            others = tuple(j for j in range(p) if j != i)
            per_partner[name] = {int(v) for v in np.flatnonzero(both.any(axis=others))}
        out.append(per_partner)
    return out


def pinned_small_counts(
    readings: Sequence[Reading], truth: Sequence[dict[str, int]], k: int, n_max: int
) -> list[tuple[int, str, int]]:
    """(reading, partner, count) for every partner with 1..k-1 responses whose count
    the readings fix exactly. Also checks the readings are true of ``truth`` (a
    reader that misreads a page would otherwise prove nothing)."""
    names = list(truth[0])
    possible = consistent_counts(readings, names, k, n_max)
    pinned = []
    for t, (options, actual) in enumerate(zip(possible, truth, strict=True)):
        for name in names:
            assert actual[name] in options[name], (t, name, actual, options[name], readings[t])
            if 0 < actual[name] < k and len(options[name]) == 1:
                pinned.append((t, name, actual[name]))
    return pinned


NUMBER = re.compile(r"^\d+$")


# ----------------------------------------------------------------- reading counts


def count_bounds(text: str, k: int) -> tuple[int, int]:
    """What the wording of one partner's count tells: the attacker's reading of it.

    Fails on wording it does not know, so a new wording cannot slip past unread.
    """
    t = " ".join(text.lower().split()).rstrip(".")
    if NUMBER.match(t):
        return int(t), int(t)
    if "fewer than" in t:
        return 0, k - 1
    if "to protect" in t:  # the old "hidden to protect a smaller group": at least k
        return k, INF
    if "not yet" in t:
        return 0, k - 1
    if "enough" in t:
        return k, INF
    if t.startswith("not shown"):
        return 0, INF
    raise AssertionError(f"the attacker cannot read the count {text!r}")


def total_reading(text: str, k: int, n_partners: int, *, closed: bool) -> Reading:
    """What a wave's overall response line tells (no partner in it)."""
    t = " ".join(text.lower().split()).rstrip(".")
    if NUMBER.match(t):
        return Reading({}, (int(t), int(t)))
    if m := re.match(r"^(\d+) of (\d+) partners", t):
        assert int(m.group(2)) == n_partners, text
        return Reading({}, None, int(m.group(1)))
    if "fewer than" in t:
        return Reading({}, (0, k - 1))
    if t.startswith("not shown"):
        # Once a wave has closed its total is shown whenever it reaches k.
        return Reading({}, (0, k - 1) if closed else None)
    raise AssertionError(f"the attacker cannot read the total {text!r}")
