"""Perception gaps between groups, and split opinion within them (derived rules).

Both only ever use groups that the breakdowns show (at least k respondents, not
hidden to protect another group), and a figure only where at least k people in
*each* group answered, so nothing here can reveal a group the report hides.

Comparisons (collabdx's choice, documented in the pack's methods appendix):

* role: leaders/key architects against the wider workforce (Q1 codes 1 and 2);
* staff group: clinical against managerial staff (Q2 codes 1 and 2; "Both" is left
  out, because it belongs to either side);
* organisation: with two partners shown, one against the other; with three or
  more, each shown partner against all the other shown partners together. That is
  one comparison per partner (pairwise would be n(n−1)/2), and it asks the
  workshop's question: does this partner see things differently from the rest?

Each difference has a Welch 95% CI. No adjustment is made for the many
comparisons (7 scales × several pairs), so an interval that excludes 0 is a prompt
for discussion, not proof of a difference.

Split opinion: a question on which at least ``SPLIT_SHARE`` % of a group answered
favourably *and* at least ``SPLIT_SHARE`` % unfavourably (keyed 4–5 and 1–2). A
mean near 3 can hide this; the threshold is collabdx's rule of thumb, not validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from collabdx.core.breakdowns import HIDDEN_ORGANISATION, NOT_ANSWERED, Breakdown, group_labels
from collabdx.core.disclosure import stat_visible
from collabdx.core.instruments import Instrument
from collabdx.core.stats import welch_difference
from collabdx.reports.sections import Gap, SplitItem

SPLIT_SHARE = 30.0
ALL_RESPONDENTS = "All respondents"
OTHER_PARTNERS = "the other partners shown"
# Descriptor -> the two option codes compared (first minus second).
PAIRS = {"role": (1, 2), "staff_group": (1, 2)}
# Breakdowns whose groups are compared and checked for split opinion (not tenure:
# the workshop acts on partners and roles, and more groups mean more false alarms).
COMPARED = ("role", "staff_group", "organisation")
# Option labels as they read inside a sentence.
PROSE = {
    "Leader/key architect": "leaders and key architects",
    "Workforce": "the wider workforce",
    "Clinical": "clinical staff",
    "Managerial": "managerial staff",
}


def prose(label: str, *, start: bool = False) -> str:
    """A group's label for use in a sentence ("leaders and key architects")."""
    text = PROSE.get(label, label)
    return text[:1].upper() + text[1:] if start else text


def _visible(b: Breakdown) -> list[str]:
    if b.withheld:
        return []
    return [
        g.label
        for g in b.groups
        if not g.suppressed and g.label not in (NOT_ANSWERED, HIDDEN_ORGANISATION)
    ]


def _comparisons(
    instrument: Instrument, b: Breakdown, labels: pd.Series
) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
    """(label a, label b, mask a, mask b) for one breakdown, visible groups only."""
    shown = _visible(b)
    if b.by in PAIRS:
        item = instrument.descriptor_item(b.by)
        if item is None:
            return []
        names = [item.label_for(code) for code in PAIRS[b.by] if code in item.codes]
        if len(names) == 2 and all(n in shown for n in names):
            a, c = names
            return [(a, c, (labels == a).to_numpy(), (labels == c).to_numpy())]
        return []
    if b.by == "organisation":
        if len(shown) == 2:
            a, c = shown
            return [(a, c, (labels == a).to_numpy(), (labels == c).to_numpy())]
        if len(shown) > 2:
            in_shown = labels.isin(shown).to_numpy()
            return [
                (a, OTHER_PARTNERS, (labels == a).to_numpy(), in_shown & (labels != a).to_numpy())
                for a in shown
            ]
    return []


def perception_gaps(
    instrument: Instrument,
    codes: pd.DataFrame,
    text: pd.DataFrame,
    scores: pd.DataFrame,
    breakdowns: Iterable[Breakdown],
    k: int,
) -> tuple[Gap, ...]:
    out = []
    for b in breakdowns:
        labels = group_labels(instrument, codes, text, b.by)
        if labels is None or b.by not in COMPARED:
            continue
        for name_a, name_b, mask_a, mask_b in _comparisons(instrument, b, labels):
            for scale in instrument.scales.values():
                col = scores[scale.id].to_numpy(dtype=float)
                a, c = col[mask_a], col[mask_b]
                if not (stat_visible(int((~np.isnan(a)).sum()), k)
                        and stat_visible(int((~np.isnan(c)).sum()), k)):  # fmt: skip
                    continue
                d = welch_difference(a, c)
                if d is None:
                    continue
                out.append(
                    Gap(b.by, name_a, name_b, scale.id, scale.name, d.n_a, d.n_b,
                        d.mean_a, d.mean_b, d.diff, d.ci95)
                )  # fmt: skip
    return tuple(out)


def _split_rows(
    group: str, keyed: pd.DataFrame, mask: np.ndarray, items: Sequence[tuple[str, str]], k: int
) -> list[SplitItem]:
    rows = []
    for item_id, item_text in items:
        v = keyed.loc[mask, item_id].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        if not stat_visible(int(v.size), k):
            continue
        fav = float((v >= 4).mean() * 100)
        unf = float((v <= 2).mean() * 100)
        if fav >= SPLIT_SHARE and unf >= SPLIT_SHARE:
            rows.append(SplitItem(group, item_id, item_text, int(v.size), fav, unf))
    return rows


def split_opinion(
    instrument: Instrument,
    codes: pd.DataFrame,
    text: pd.DataFrame,
    keyed: pd.DataFrame,
    breakdowns: Iterable[Breakdown],
    k: int,
) -> tuple[SplitItem, ...]:
    """Split questions for everyone, then within each group the breakdowns show."""
    items = [(i.id, i.text) for i in instrument.scored_items]
    everyone = np.ones(len(keyed), dtype=bool)
    out = _split_rows(ALL_RESPONDENTS, keyed, everyone, items, k)
    for b in breakdowns:
        labels = group_labels(instrument, codes, text, b.by)
        if labels is None or b.by not in COMPARED:
            continue
        for g in _visible(b):
            mask = (labels == g).to_numpy()
            out += _split_rows(f"{b.title}: {g}", keyed, mask, items, k)
    return tuple(out)
