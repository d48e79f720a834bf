"""Responses per group, and the partner list of a web collaboration, under disclosure control.

Moved from ``web/results/presenters.py`` (it never needed Django) so that the report
model applies it before deriving gaps and findings from the organisation breakdown:
a partner hidden in the partner table must be hidden everywhere downstream too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from collabdx.core.breakdowns import HIDDEN_ORGANISATION, Breakdown, GroupResult
from collabdx.core.breakdowns import normalise_organisation as norm
from collabdx.core.disclosure import Protected
from collabdx.core.wave_counts import partner_protection
from collabdx.reports.sections import CountRow, CountTable

PARTNER_TITLE = "Partner organisation"


def partner_table(counts: Mapping[str, int], k: int) -> tuple[CountTable, Protected]:
    """Responses per partner. Partners are a fixed list, so an empty one is possible
    and the outsider's lower bound is 0. The same decision as the wave page's
    (``core.wave_counts.closed_wave_counts``): audited against an attacker who knows
    from the open wave's statuses which partners are under k."""
    protected = partner_protection(counts, k)
    rows = tuple(
        CountRow(name, n, None) if protected.visible(name)
        else CountRow(name, None, protected.reasons.get(name))
        for name, n in counts.items()
    )  # fmt: skip
    if protected.withheld:
        rows = ()
    return CountTable("organisation", PARTNER_TITLE, protected.withheld, rows), protected


def protect_organisations(
    breakdowns: Iterable[Breakdown], counts: Mapping[str, int], protected: Protected
) -> tuple[Breakdown, ...]:
    """Make the organisation breakdown agree with the partner table.

    The partner table decides suppression over the fixed list of partners (lower
    bound 0, empty partners included); the core's organisation breakdown over the
    partners that have answers (lower bound 1). Shown side by side they must not
    disagree, or a reader could subtract. So the breakdown:

    * hides every partner that either decision hides (the union);
    * lists a hidden row for every partner with no responses, so that the number
      of rows does not tell which partners are empty;
    * puts hidden rows last, so their position says nothing of their name.
    """
    hidden = {norm(name) for name in protected.suppressed}
    empty = [name for name, n in counts.items() if n == 0]
    out = []
    for b in breakdowns:
        if b.by != "organisation" or b.withheld:
            out.append(b)
            continue
        shown: list[GroupResult] = []
        concealed: list[GroupResult] = []
        for g in b.groups:
            if g.suppressed:
                concealed.append(g)
            elif protected.withheld or norm(g.label) in hidden:
                concealed.append(
                    GroupResult(HIDDEN_ORGANISATION, True, "complementary", None, None)
                )
            else:
                shown.append(g)
        concealed += [GroupResult(HIDDEN_ORGANISATION, True, "primary", None, None) for _ in empty]
        concealed.sort(key=lambda g: g.reason != "primary")
        if not shown:
            out.append(dataclasses.replace(b, withheld=True, groups=()))
        else:
            out.append(dataclasses.replace(b, groups=(*shown, *concealed)))
    return tuple(out)


def count_tables(breakdowns: Iterable[Breakdown], *, skip: Iterable[str] = ()) -> list[CountTable]:
    """Responses per group of each breakdown, hidden groups carrying no count."""
    skipped = set(skip)
    return [
        CountTable(
            b.by, b.title, b.withheld,
            tuple(CountRow(g.label, None if g.suppressed else g.n, g.reason) for g in b.groups),
        )
        for b in breakdowns
        if b.by not in skipped
    ]  # fmt: skip


def hidden_last(breakdowns: Iterable[Breakdown]) -> tuple[Breakdown, ...]:
    """Free-text organisations are listed by name, so a hidden one's place in the list
    would hint at its name: list the shown ones first and the hidden ones after."""
    out = []
    for b in breakdowns:
        if b.by == "organisation" and not b.withheld:
            shown = [g for g in b.groups if not g.suppressed]
            concealed = [g for g in b.groups if g.suppressed]
            concealed.sort(key=lambda g: g.reason != "primary")
            b = dataclasses.replace(b, groups=(*shown, *concealed))
        out.append(b)
    return tuple(out)
