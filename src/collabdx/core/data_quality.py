"""The data-quality check on a wave's responses: exact repeats and straight-lining.

Why (issue 12, attack 1): a facilitator holds every partner link and can answer
themselves. Four responses of all 3s sent through the link of a partner with one
real respondent lifted it to k = 5, its figures were published, and 5 x mean -
4 x 3 gave the real person's score. Made-up responses are cheapest to make as
copies of one answer set or as the same answer to every question, so those are
set aside before anything is counted or shown. collabdx's rule (derived, not the
report's):

* **Exact repeat**: responses through the same partner's link that give the same
  answer to every multiple-choice question, descriptors (role, staff group, time in
  post) included, count once: the first by key (the response's random id) is kept,
  the others are set aside. Free text is left out of the comparison: no figure
  uses it, so it cannot make two responses differ in any result.
* **Straight-lined**: every scored question answered got the same raw answer
  (the same code, say all 3s), with at least half of the scored questions (rounded
  up, and at least 2) answered. The survey has reverse-worded questions, so the
  same raw answer to all of them cannot be a considered view. Set aside.

A response set aside is left out of every figure, every count and every decision
about k, and of row-level downloads; its respondent still got their own feedback
when they submitted. Only wave-level totals of what was set aside are ever shown:
a count per partner or group could be a count under k.

Residual risk: made-up responses that differ from each other and are not
straight-lined pass this check (see docs/security.md, "Adversary model").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from collabdx.core.instruments import Instrument


@dataclass(frozen=True)
class Row:
    """What the check sees of one response."""

    key: str  # unique and stable (the response's id); the smallest of a repeat set is kept
    group: str  # the partner whose link was used
    codes: Mapping[str, int | None]  # item id -> code, None when not answered


@dataclass(frozen=True)
class QualityCheck:
    kept: frozenset[str]  # keys of the responses the results use
    repeats: int  # set aside as exact repeats of a kept response
    straight_lined: int  # set aside as straight-lined

    @property
    def set_aside(self) -> int:
        return self.repeats + self.straight_lined


def min_answered(instrument: Instrument) -> int:
    """How many scored questions must be answered before a response can be called
    straight-lined: half of them, rounded up, and at least 2."""
    return max(2, math.ceil(len(instrument.scored_items) / 2))


def is_straight_lined(instrument: Instrument, codes: Mapping[str, int | None]) -> bool:
    answered = [codes.get(i.id) for i in instrument.scored_items]
    values = [v for v in answered if v is not None]
    return len(values) >= min_answered(instrument) and len(set(values)) == 1


def pattern(instrument: Instrument, codes: Mapping[str, int | None]) -> tuple[int | None, ...]:
    """Every multiple-choice answer, descriptors included, in the instrument's order."""
    return tuple(codes.get(i.id) for i in instrument.choice_items)


def check_quality(instrument: Instrument, rows: Iterable[Row]) -> QualityCheck:
    kept: set[str] = set()
    seen: set[tuple[str, tuple[int | None, ...]]] = set()
    repeats = straight = 0
    for row in sorted(rows, key=lambda r: r.key):
        if is_straight_lined(instrument, row.codes):
            straight += 1
            continue
        key = (row.group, pattern(instrument, row.codes))
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        kept.add(row.key)
    return QualityCheck(frozenset(kept), repeats, straight)
