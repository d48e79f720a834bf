"""Which respondent groups the research statistics may use, under disclosure control.

The groups come from :func:`collabdx.core.breakdowns.group_labels` and go through the
same rule as every breakdown (:func:`collabdx.core.disclosure.protect`, primary and
complementary suppression, "Not answered" counted so that groups add up). Only
groups that a breakdown would show, that hold at least k people and that are a
real answer (not "Not answered") are analysed. Hidden groups are left out entirely:
their labels never reach a result, not even as "not shown".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabdx.core.breakdowns import BREAKDOWN_TITLES, NOT_ANSWERED, group_labels
from collabdx.core.disclosure import protect
from collabdx.core.instruments import Instrument

# Plural nouns for the plain-English readings.
GROUP_NOUNS = {
    "organisation": "organisations",
    "role": "roles (leaders and workforce)",
    "staff_group": "staff groups",
}


@dataclass(frozen=True)
class Grouping:
    by: str
    title: str
    noun: str
    groups: tuple[str, ...]  # visible groups with at least k people, in display order
    masks: tuple[np.ndarray, ...]
    note: str


def grouping(
    instrument: Instrument,
    codes: pd.DataFrame,
    text: pd.DataFrame,
    descriptor: str,
    k: int,
    *,
    only: Collection[str] | None = None,
) -> Grouping | None:
    """The analysable groups of one descriptor, or None if the instrument lacks it."""
    labels = group_labels(instrument, codes, text, descriptor)
    item = instrument.descriptor_item(descriptor)
    if labels is None or item is None:
        return None
    counts = {str(g): int(n) for g, n in labels.value_counts().items()}
    if item.type == "choice":
        order = [o.label for o in item.options if o.label in counts]
    else:
        order = sorted((g for g in counts if g != NOT_ANSWERED), key=str.casefold)
    protected = protect(counts, k, lower_bound=1)
    keep = [
        g
        for g in order
        if g != NOT_ANSWERED
        and protected.visible(g)
        and counts[g] >= k
        and (only is None or g in only)
    ]
    values = labels.to_numpy()
    note = (
        f"Groups that are not shown (a group needs at least {k} respondents), and "
        "people who did not answer the question, are left out."
    )
    if only is not None:
        note += f" Only {' and '.join(only)} are compared."
    return Grouping(
        by=descriptor,
        title=BREAKDOWN_TITLES.get(descriptor, descriptor),
        noun=GROUP_NOUNS.get(descriptor, descriptor),
        groups=tuple(keep),
        masks=tuple(values == g for g in keep),
        note=note,
    )
