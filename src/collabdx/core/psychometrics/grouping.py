"""Which respondent groups the research statistics may use, under disclosure control.

The groups come from :func:`collabdx.core.breakdowns.group_labels`. Every group that
holds at least k people and that a breakdown would show is analysed; groups under k,
and groups hidden to protect them (:func:`collabdx.core.disclosure.protect`, primary
and complementary suppression), are left out, and their labels never reach a result.

A blank answer is its own group, "Organisation not given" (issue 12, attack 5). It
is analysed like any other group when it holds k or more people, and otherwise left
out, but it is **not** a group that complementary suppression protects: membership
of it names nobody (nobody can be looked up as "the person who left Q3 blank", as
they can as "the one person from partner Y"), so protecting it would hide a whole
organisation for nothing. In the first version one blank answer hid an organisation
of 20 people (32% of the sample) from every agreement statistic and comparison. The
residual risk, that the pooled figures of those who did not answer can be worked out
by difference, is stated in docs/security.md.

Partners that the web app's partner table hides arrive under :data:`NOT_SHOWN_MARK`
(``reports.research``): they are left out and counted as "not shown", never named.

Every grouping says whom it analysed and whom it left out, and why (``coverage``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabdx.core.breakdowns import BREAKDOWN_TITLES, NOT_ANSWERED, group_labels
from collabdx.core.disclosure_audit import audited_protect
from collabdx.core.instruments import Instrument

# Plural nouns for the plain-English readings.
GROUP_NOUNS = {
    "organisation": "organisations",
    "role": "roles (leaders and workforce)",
    "staff_group": "staff groups",
}
# Short nouns for "in organisations not shown", "role not given".
SHORT_NOUNS = {"organisation": ("organisation", "organisations"), "role": ("role", "roles"),
               "staff_group": ("staff group", "staff groups")}  # fmt: skip
# An organisation label no respondent can type: partners the partner table hides.
NOT_SHOWN_MARK = "\x00not shown\x00"


@dataclass(frozen=True)
class Grouping:
    by: str
    title: str
    noun: str
    groups: tuple[str, ...]  # analysed groups with at least k people, in display order
    masks: tuple[np.ndarray, ...]
    note: str
    coverage: str = ""  # how many were analysed, how many left out and why


def not_given_label(descriptor: str) -> str:
    singular = SHORT_NOUNS.get(descriptor, (descriptor, descriptor))[0]
    return f"{singular.capitalize()} not given"


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
    not_given = not_given_label(descriptor)
    labels = labels.where(labels != NOT_ANSWERED, not_given)
    counts = {str(g): int(n) for g, n in labels.value_counts().items()}
    answered = {g: n for g, n in counts.items() if g not in (not_given, NOT_SHOWN_MARK)}
    if item.type == "choice":
        order = [o.label for o in item.options if o.label in counts]
    else:
        order = sorted(answered, key=str.casefold)
    order.append(not_given)
    # "Not given" names nobody, so it is never protected for its own sake (module
    # docstring); at k or more it may still be hidden to protect a small organisation,
    # which costs less than hiding a real one when it is the smallest.
    n_given_not = counts.get(not_given, 0)
    candidates = answered | ({not_given: n_given_not} if n_given_not >= k else {})
    # Audited as the report's breakdowns: no pinning by an attacker who knows the rule.
    protected = audited_protect(candidates, k, lower_bound=1) if answered else None

    def shown(g: str) -> bool:
        if g == not_given and n_given_not < k:
            return False
        return protected is not None and protected.visible(g) and counts[g] >= k

    keep = [g for g in order if g in counts and shown(g) and (only is None or g in only)]
    values = labels.to_numpy()
    singular, plural = SHORT_NOUNS.get(descriptor, (descriptor, descriptor))
    note = (
        f"Groups that are not shown (a group needs at least {k} respondents) are left "
        "out and not named."
    )
    if only is not None:
        note += f" Only {' and '.join(only)} are compared."
    total = len(values)
    analysed = sum(counts[g] for g in keep)
    # A "not given" group hidden to protect another is counted with the hidden ones, so
    # its count cannot be subtracted to give theirs.
    pooled = n_given_not >= k and not shown(not_given)
    n_blank = 0 if shown(not_given) or pooled else n_given_not
    n_hidden = sum(n for g, n in counts.items() if (g != not_given or pooled) and not shown(g))
    n_other = total - analysed - n_blank - n_hidden
    hidden_text = f"in {plural} not shown"
    if pooled:
        hidden_text = f"with the {singular} not given or in {plural} not shown"
    # (count, reason alone, reason after a count)
    reasons = [
        (n, alone, counted)
        for n, alone, counted in (
            (n_blank, f"{singular} not given", f"with the {singular} not given"),
            (n_hidden, hidden_text, hidden_text),
            (n_other, f"in {plural} not compared here", f"in {plural} not compared here"),
        )
        if n
    ]
    coverage = f"Analysed: {analysed} of {total} respondents."
    if len(reasons) == 1:
        coverage += f" {reasons[0][0]} left out: {reasons[0][1]}."
    elif reasons:
        coverage += f" {total - analysed} left out: "
        coverage += "; ".join(f"{n} {counted}" for n, _, counted in reasons) + "."
    return Grouping(
        by=descriptor,
        title=BREAKDOWN_TITLES.get(descriptor, descriptor),
        noun=GROUP_NOUNS.get(descriptor, descriptor),
        groups=tuple(keep),
        masks=tuple(values == g for g in keep),
        note=note,
        coverage=coverage,
    )
